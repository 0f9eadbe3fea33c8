// ReferencePlane: the reference managed-Postgres control plane as a plug-in,
// reached by the harness only through the seam (seam/control_plane.hpp), as
// any team's own plane is.
//
// It turns the seam's questions into readings of its own Store (a service's
// leader, a server's role), its console's requests into the flags its
// tables read, and adds its own end-of-run check: every replica a customer
// asked to unfollow while it followed ends standing alone.
//
//   core::Result<Settings> settings = parse_settings({{"missed_after", "45s"}});
//   ReferencePlane plane(*settings);
//   std::unique_ptr<seam::Process> process = plane.start(env);
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "planes/postgres/settings.hpp"
#include "seam/control_plane.hpp"
#include "seam/registry.hpp"

namespace unwedge::postgres {

// The settings a scenario may give the reference plane, by name; each value
// is parsed (durations as "30s", whole numbers, a mutant's name) and checked
// against the others. An error's message starts with the setting's name.
core::Result<Settings> parse_settings(const seam::SettingsText& text);
std::vector<seam::SettingInfo> setting_infos();
// Settings as text that parse_settings reads back to the same Settings,
// holding only what differs from the defaults.
seam::SettingsText settings_text(const Settings& settings);

class ReferencePlane final : public seam::ControlPlane {
 public:
  explicit ReferencePlane(Settings settings) : settings_(settings) {}

  const Settings& settings() const { return settings_; }

  const core::ControlPlaneModel& model() const override;
  seam::FleetConfiguration fleet() const override;
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override;
  // Its model is built once and shared, so a copy may stand in for it.
  std::unique_ptr<seam::ControlPlane> clone() const override {
    return std::make_unique<ReferencePlane>(*this);
  }
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
  seam::RequestOutcome add_follower(core::Transaction& txn, std::string_view service_id,
                                    core::TimeUs now_us) const;

  Settings settings_;
  // Unfollows asked of replicas that were following at the time, by link id,
  // with when: each must be carried out by the end of the run.
  std::vector<std::pair<std::string, core::TimeUs>> unfollows_asked_;
};

// Provision, Failover, PlannedAsyncFailover, Promote, Unfollow,
// ReplaceServer, RotateCertificate, Deprovision: one story per action.
std::vector<seam::CrashStory> crash_stories();

// The reference plane's registration entry: name "postgres".
seam::PlaneInfo plane_info();

}  // namespace unwedge::postgres
