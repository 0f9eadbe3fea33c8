#include "sim/host_health.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::sim {

std::size_t vantages_hearing(const World& world, HostIndex host) {
  const Host& h = world.hosts[host];
  std::size_t hearing = 0;
  for (const Vantage& vantage : world.vantages) {
    if (world.network.reachable(h.endpoint, vantage.endpoint) && vantage.clock.synced()) {
      ++hearing;
    }
  }
  return hearing;
}

bool sound(const World& world, HostIndex host) {
  const Host& h = world.hosts[host];
  if (!h.up() || !h.db.running) return false;
  if (h.agent_pauses > 0 || h.checkins_late_us > 0 || h.stale) return false;
  return 2 * vantages_hearing(world, host) > world.vantages.size();
}

void HostHealth::refresh(const World& world, core::TimeUs now_us, bool doubt_all) {
  for (HostIndex h = 0; h < world.hosts.size(); ++h)
    refresh_host(world, h, now_us, doubt_all);
}

void HostHealth::refresh_host(const World& world, HostIndex host, core::TimeUs now_us,
                              bool doubt_all) {
  UNWEDGE_ASSERT_LT(host, world.hosts.size());
  if (hosts_.size() <= host) hosts_.resize(world.hosts.size());
  const bool now_sound = !doubt_all && sound(world, host);
  Standing& standing = hosts_[host];
  if (now_sound && !standing.sound) standing.since_us = now_us;
  standing.sound = now_sound;
}

std::optional<HostIndex> HostHealth::first_disagreeing(const World& world, bool doubt_all) const {
  for (HostIndex h = 0; h < world.hosts.size(); ++h) {
    const bool held = h < hosts_.size() && hosts_[h].sound;
    if (held != (!doubt_all && sound(world, h))) return h;
  }
  return std::nullopt;
}

std::optional<core::TimeUs> HostHealth::sound_since(HostIndex host) const {
  if (host >= hosts_.size() || !hosts_[host].sound) return std::nullopt;
  return hosts_[host].since_us;
}

std::string HostHealth::describe(const World& world, HostIndex host) {
  const Host& h = world.hosts[host];
  if (!h.up()) return "down";
  if (!h.db.running) return "up, its database down";
  if (h.agent_pauses > 0) return "up, its monitoring agent paused";
  if (h.checkins_late_us > 0) return "up, its check-ins late";
  if (h.stale) return "up, its check-ins replayed by a stuck relay";
  return fmt::format("up, its database running, heard by {} of {} monitors",
                     vantages_hearing(world, host), world.vantages.size());
}

}  // namespace unwedge::sim
