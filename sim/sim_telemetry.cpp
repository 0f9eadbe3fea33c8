#include "sim/sim_telemetry.hpp"

namespace unwedge::sim {

std::vector<core::Checkin> SimTelemetry::checkins(std::string_view host) const {
  std::vector<core::Checkin> result;
  std::optional<HostIndex> index = world_.find_host(host);
  if (!index) return result;
  const Host& h = world_.hosts[*index];
  result.reserve(h.received.size());
  // Vantage points were added in name order, so the result is sorted.
  for (std::size_t v = 0; v < h.received.size(); ++v) {
    if (!h.received[v]) continue;
    if (!world_.connected(world_.control_plane, world_.vantages[v].endpoint)) continue;
    result.push_back(*h.received[v]);
  }
  return result;
}

}  // namespace unwedge::sim
