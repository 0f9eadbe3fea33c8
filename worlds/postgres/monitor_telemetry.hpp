// MonitorTelemetry: the simulated fleet's monitoring, as the control plane
// reads it through core::Telemetry.
//
// The latest check-in each vantage point received from a host, but only from
// vantage points the control plane can currently talk to: a partition
// between the control plane and a monitor hides that monitor's view, exactly
// as a failed query to it would.
#pragma once

#include "core/telemetry.hpp"
#include "worlds/postgres/world.hpp"

namespace unwedge::pgworld {

class MonitorTelemetry final : public core::Telemetry {
 public:
  explicit MonitorTelemetry(const World& world) : world_(&world) {}
  // A copy of `other` over `world` (a copied simulation's).
  MonitorTelemetry(const MonitorTelemetry& other, const World& world) : MonitorTelemetry(other) {
    world_ = &world;
  }
  std::vector<core::Checkin> checkins(std::string_view host) const override;

 private:
  const World* world_;
};

}  // namespace unwedge::pgworld
