// SimClock: a host's (or the control plane's) local clock in simulation.
//
// Virtual time is the simulation's single true time. A local clock reads it
// through an offset and a drift rate, both changeable by faults: a jump moves
// the offset at once, drift makes the clock run fast or slow from now on.
// Control planes time out on local clocks, so these faults matter.
//
//   SimClock clock(world_time);           // world_time: const TimeUs&, the engine's now
//   clock.jump(-30 * kSecond);            // NTP stepped the clock back
//   clock.set_drift_ppm(200);             // and it now runs 0.02% fast
//   TimeUs local_us = clock.now_us();
#pragma once

#include <cstdint>

#include "core/clock.hpp"

namespace unwedge::sim {

class SimClock final : public core::Clock {
 public:
  // `virtual_now_us` is the simulation's current time; it must outlive this.
  explicit SimClock(const core::TimeUs& virtual_now_us) : virtual_now_us_(&virtual_now_us) {}
  // A copy of `other` that reads `virtual_now_us`: the clock of a copied
  // simulation (Simulation::restore).
  SimClock(const SimClock& other, const core::TimeUs& virtual_now_us) : SimClock(other) {
    virtual_now_us_ = &virtual_now_us;
  }

  core::TimeUs now_us() const override;

  // Moves the local clock by `delta_us` (either way) from now on.
  void jump(core::TimeUs delta_us);
  // From now on the clock gains `ppm` microseconds per second (negative:
  // loses). Time already gained or lost is kept.
  void set_drift_ppm(std::int32_t ppm);
  // Back to virtual time exactly: no offset, no drift (a heal).
  void reset();

  std::int32_t drift_ppm() const { return drift_ppm_; }
  // Reads virtual time exactly: never jumped or drifting, or reset since.
  bool synced() const { return synced_; }

 private:
  const core::TimeUs* virtual_now_us_;
  // Local time was base_local_us_ at virtual time base_virtual_us_; since
  // then it has advanced at (1e6 + drift_ppm_) / 1e6 of virtual time.
  core::TimeUs base_virtual_us_ = 0;
  core::TimeUs base_local_us_ = 0;
  std::int32_t drift_ppm_ = 0;
  bool synced_ = true;  // no offset, no drift: local == virtual
};

}  // namespace unwedge::sim
