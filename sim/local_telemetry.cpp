#include "sim/local_telemetry.hpp"

namespace unwedge::sim {

std::vector<core::Checkin> LocalTelemetry::checkins(std::string_view host) const {
  if (host != node_) return {};
  std::optional<core::Checkin> reading = read_();
  if (!reading) return {};
  reading->vantage = "local";
  reading->age_us = 0;
  return {*reading};
}

}  // namespace unwedge::sim
