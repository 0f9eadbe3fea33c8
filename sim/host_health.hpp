// HostHealth: the ground truth the simulator keeps of each database host,
// for judging a control plane's disruptions (sim/disruptions.hpp).
//
// A host is sound while monitoring has no honest cause to doubt it: the host
// is up, its database runs, its agent checks in (not paused, its check-ins
// neither late nor replayed by a stuck relay), and a majority of the
// monitoring vantage points hear it (the network carries its check-ins to
// them, and their clocks, which measure a check-in's age, are right). A
// lossy or slow network (the run's link quality) is cause to doubt every
// host. HostHealth remembers, per host, since when it has been sound without
// a break; the simulator refreshes it after every event that can change it
// (a fault starting or healing, a boot, a restart, a fleet API operation).
//
//   HostHealth health;
//   health.refresh(world, now_us, doubt_every_host);
//   if (std::optional<TimeUs> since = health.sound_since(index)) ...
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "sim/fleet.hpp"

namespace unwedge::sim {

class HostHealth {
 public:
  // Re-reads every host at `now_us`. `doubt_all`: the run's network loses or
  // delays check-ins past their interval, so no host is sound.
  void refresh(const World& world, core::TimeUs now_us, bool doubt_all);
  // Re-reads one host, which the caller knows may have changed.
  void refresh_host(const World& world, HostIndex host, core::TimeUs now_us, bool doubt_all);
  // The first host whose standing refresh() would change now; none when
  // every change was re-read (the simulator's check of its own bookkeeping).
  std::optional<HostIndex> first_disagreeing(const World& world, bool doubt_all) const;
  // Since when the host has been sound without a break; nullopt when it is
  // not sound now (as of the last refresh).
  std::optional<core::TimeUs> sound_since(HostIndex host) const;
  // Why the host is not sound now, or how many vantage points hear it:
  // "up, database running, heard by 2 of 2 monitors" / "down".
  static std::string describe(const World& world, HostIndex host);

 private:
  struct Standing {
    bool sound = false;
    core::TimeUs since_us = 0;
  };
  std::vector<Standing> hosts_;  // by HostIndex
};

// The vantage points that hear `host` now: its check-ins get through to
// them and their clocks are right.
std::size_t vantages_hearing(const World& world, HostIndex host);
// Whether `host` is sound now, but for the run's link quality.
bool sound(const World& world, HostIndex host);

}  // namespace unwedge::sim
