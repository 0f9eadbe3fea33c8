// LeasePlane: the lease plane as a plug-in, reached by the harness only
// through the seam (seam/control_plane.hpp).
//
// Its process is the console (console.hpp); its agents are keepers
// (agent.hpp), one on every node, sharing the fleet's consensus store. It
// answers roles as its console routes the service (the member the endpoint
// points at leads; the others are standbys). Operators' switchovers,
// failovers and restarts go to the named node's keeper (RequestInfo::
// to_agent), which judges the plane's one invariant after its every pass:
// a keeper that leads does so within its lease's safe window by its own
// clock (KeeperAgent::check).
//
//   core::Result<Settings> settings = parse_settings({{"ttl", "45s"}});
//   LeasePlane plane(*settings);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planes/lease/settings.hpp"
#include "seam/control_plane.hpp"
#include "seam/registry.hpp"

namespace unwedge::lease {

core::Result<Settings> parse_settings(const seam::SettingsText& text);
std::vector<seam::SettingInfo> setting_infos();

class LeasePlane final : public seam::ControlPlane {
 public:
  explicit LeasePlane(Settings settings);

  const Settings& settings() const { return settings_; }

  const core::ControlPlaneModel& model() const override;
  seam::FleetConfiguration fleet() const override;
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override;
  // Its model is built once and shared, so a copy may stand in for it.
  std::unique_ptr<seam::ControlPlane> clone() const override {
    return std::make_unique<LeasePlane>(*this);
  }
  core::TimeUs agent_interval_us() const override { return kAgentIntervalUs; }
  std::unique_ptr<seam::Agent> start_agent(const seam::AgentContext& context) const override;
  void order_service(core::Transaction& txn, const seam::ServiceOrder& service,
                     core::TimeUs now_us) const override;
  std::string role_of(core::Transaction& txn, std::string_view node) const override;
  std::vector<std::string> members(core::Transaction& txn, std::string_view service,
                                   std::string_view role) const override;
  seam::RequestOutcome request(core::Transaction& txn, std::string_view kind,
                               std::string_view target, core::TimeUs now_us) override;
  void committed_states(core::Transaction& txn, const StateSeen& seen) const override;
  std::optional<std::string> new_writer(const core::TransitionEvent& event) const override;
  std::vector<seam::ServiceView> services(core::Transaction& txn) const override;
  std::optional<seam::ServiceView> service(core::Transaction& txn,
                                           std::string_view id) const override;
  std::optional<seam::PlaneViolation> end_check(core::Transaction& txn,
                                                core::TimeUs now_us) const override;

 private:
  Settings settings_;
};

// The lease plane's registration entry: name "lease".
seam::PlaneInfo plane_info();

}  // namespace unwedge::lease
