// SimTelemetry: monitoring as the control plane sees it in simulation.
//
// The latest check-in each vantage point received from a host, but only from
// vantage points the control plane can currently talk to: a partition
// between the control plane and a monitor hides that monitor's view, exactly
// as a failed query to it would.
#pragma once

#include "core/telemetry.hpp"
#include "sim/world.hpp"

namespace unwedge::sim {

class SimTelemetry final : public core::Telemetry {
 public:
  explicit SimTelemetry(const World& world) : world_(world) {}
  std::vector<core::Checkin> checkins(std::string_view host) const override;

 private:
  const World& world_;
};

}  // namespace unwedge::sim
