#include "worlds/postgres/monitor_telemetry.hpp"

#include <algorithm>

namespace unwedge::pgworld {

std::vector<core::Checkin> MonitorTelemetry::checkins(std::string_view host) const {
  std::vector<core::Checkin> result;
  std::optional<HostIndex> index = world_->find_host(host);
  if (!index) return result;
  const Host& h = world_->hosts[*index];
  result.reserve(h.received.size());
  // Vantage points were added in name order, so the result is sorted.
  for (std::size_t v = 0; v < h.received.size(); ++v) {
    if (!h.received[v]) continue;
    if (!world_->connected(world_->control_plane, world_->vantages[v].endpoint)) continue;
    core::Checkin checkin = *h.received[v];
    // A vantage point whose clock stepped back reports what it heard as new,
    // never as heard in the future.
    checkin.age_us =
        std::max<core::TimeUs>(world_->vantages[v].clock.now_us() - checkin.received_us, 0);
    result.push_back(std::move(checkin));
  }
  return result;
}

}  // namespace unwedge::pgworld
