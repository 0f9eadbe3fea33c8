// The keeper's actions: what a node's agent does about its lease and its
// database, each a list of re-entrant steps run by the agent's Scheduler
// over the node's own Store.
//
// Every ask of the consensus store and every local command carries the key
// of its action execution and step, so a step run again (after the agent
// died, or because it waited) finds its earlier answer instead of asking a
// second time. Times a step must remember (when it first sent a write) are
// kept in the action's record, so a rerun measures from the first send.
//
//   std::vector<core::ActionDef> actions = keeper_actions(settings, coordination);
//   core::Scheduler scheduler(env, actions);
//   scheduler.offer(Keeper::kKind, "db1-2", "Acquire");
#pragma once

#include <vector>

#include "core/action.hpp"
#include "core/coordination.hpp"
#include "planes/lease/settings.hpp"

namespace unwedge::lease {

// Acquire, Promote, Renew, Demote, StepDown, Rejoin, Release. `coordination`
// may be null (the plane's model, or a fleet with no store): every ask then
// fails as an unreachable store's would.
std::vector<core::ActionDef> keeper_actions(const Settings& settings,
                                            core::Coordination* coordination);

// The same actions, split by file.
core::ActionDef acquire_action(const Settings& settings, core::Coordination* coordination);
core::ActionDef renew_action(const Settings& settings, core::Coordination* coordination);
core::ActionDef release_action(const Settings& settings, core::Coordination* coordination);
core::ActionDef promote_action(const Settings& settings, core::Coordination* coordination);
core::ActionDef demote_action(const Settings& settings, core::Coordination* coordination);
core::ActionDef step_down_action(const Settings& settings, core::Coordination* coordination);
core::ActionDef rejoin_action(const Settings& settings, core::Coordination* coordination);

}  // namespace unwedge::lease
