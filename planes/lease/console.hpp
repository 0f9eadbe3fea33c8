// The console: the lease plane's central process, in the role of a managed
// service's API and its load balancer's health check, never of a leader
// election. It records what customers order, creates their hosts, and
// routes each service's endpoint to the member that monitoring reports as
// taking writes, as HAProxy does over Patroni's REST API. The keepers
// decide who leads; the console only follows what they did.
//
//   std::unique_ptr<seam::Process> console = std::make_unique<Console>(env, settings);
//   console->tick();
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/scheduler.hpp"
#include "core/telemetry.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/settings.hpp"
#include "seam/control_plane.hpp"

namespace unwedge::lease {

// The member that takes writes by monitoring's latest check-ins no older
// than the ttl: the highest timeline, then the furthest position. A fresh
// database (timeline 1, never promoted by a keeper) is no leader.
std::optional<std::string> current_writer(const core::Telemetry& telemetry, const Service& service,
                                          const Settings& settings);

// Provision, Route, Reroute, MarkLeaderless.
std::vector<core::ActionDef> console_actions(const Settings& settings);

class Console final : public seam::Process {
 public:
  Console(const core::Environment& env, const Settings& settings);
  bool tick() override;
  const std::vector<core::ActionDef>& actions() const override { return actions_; }

 private:
  bool decide(const std::string& id);

  core::Environment env_;
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;
};

}  // namespace unwedge::lease
