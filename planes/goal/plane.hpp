// GoalPlane: the goal plane as a plug-in, reached by the harness only
// through the seam (seam/control_plane.hpp).
//
// Its process is the monitor (monitor.hpp), which reads and writes the
// fleet's consensus store (seam::ProcessContext); its agents are keepers
// (agent.hpp), one on every node, sharing that store with it. A node's role
// is its assigned goal's: a standby while told to follow (catchingup,
// secondary); the service's leader is the node its endpoint routes to.
//
//   core::Result<Settings> settings = parse_settings({{"unhealthy_after", "20s"}});
//   GoalPlane plane(*settings);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "planes/goal/settings.hpp"
#include "seam/control_plane.hpp"
#include "seam/registry.hpp"

namespace unwedge::goal {

core::Result<Settings> parse_settings(const seam::SettingsText& text);
std::vector<seam::SettingInfo> setting_infos();

class GoalPlane final : public seam::ControlPlane {
 public:
  explicit GoalPlane(Settings settings);

  const Settings& settings() const { return settings_; }

  const core::ControlPlaneModel& model() const override;
  seam::FleetConfiguration fleet() const override;
  // A monitor with no consensus store: it decides nothing.
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override;
  std::unique_ptr<seam::Process> start(const seam::ProcessContext& context) const override;
  // Its model is built once and shared, so a copy may stand in for it.
  std::unique_ptr<seam::ControlPlane> clone() const override {
    return std::make_unique<GoalPlane>(*this);
  }
  core::TimeUs agent_interval_us() const override { return kKeeperIntervalUs; }
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

// The goal plane's registration entry: name "goal".
seam::PlaneInfo plane_info();

}  // namespace unwedge::goal
