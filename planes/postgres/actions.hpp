// The actions of the reference control plane.
//
// make_actions() builds every action for one set of Settings (thresholds are
// read by the steps that choose a standby). Each action is a list of
// re-entrant steps; docs/CONTROL_PLANE.md lists them step by step.
//
//   std::vector<core::ActionDef> actions = make_actions(settings);
//   const core::ActionDef& failover = *find_action(actions, "Failover");
#pragma once

#include <string_view>
#include <vector>

#include "core/action.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

std::vector<core::ActionDef> make_actions(const Settings& settings);
const core::ActionDef* find_action(const std::vector<core::ActionDef>& actions,
                                   std::string_view name);

// The groups make_actions() assembles, one per file in actions/.
std::vector<core::ActionDef> mark_actions();
core::ActionDef provision_action(const Settings& settings);
core::ActionDef deprovision_action();
core::ActionDef failover_action(const Settings& settings);
core::ActionDef promote_action(const Settings& settings);
core::ActionDef unfollow_action(const Settings& settings);
std::vector<core::ActionDef> server_actions(const Settings& settings);
std::vector<core::ActionDef> certificate_actions(const Settings& settings);

}  // namespace unwedge::postgres
