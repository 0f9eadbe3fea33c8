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
    const HeardCheckin& heard = h.received[v];
    if (!heard.heard()) continue;
    const Vantage& vantage = world_->vantages[v];
    if (!world_->connected(world_->control_plane, vantage.endpoint)) continue;
    result.push_back(core::Checkin{
        .vantage = vantage.name,
        .received_us = heard.received_us,
        // A vantage point whose clock stepped back reports what it heard as
        // new, never as heard in the future.
        .age_us = std::max<core::TimeUs>(vantage.clock.now_us() - heard.received_us, 0),
        .sent_us = heard.sent_us,
        .log_position = heard.log_position,
        .term = heard.term,
        .accepts_writes = heard.accepts_writes});
  }
  return result;
}

}  // namespace unwedge::pgworld
