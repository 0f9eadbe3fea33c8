// The keeper's actions: each makes one transition of the node machine,
// doing the node's own database work for it through the node's Infra
// (local commands, answered at once by a running database).
//
// Every action opens with `begin`, which records the step it takes (from
// the keeper's state towards its goal, as the walk chose it) and the
// primary its goal follows, and closes with `move`, which makes the
// transition. The steps between are idempotent local commands, each
// skipped once the keeper stands where the action leads: an action
// interrupted anywhere and run again ends as if run once.
//
//   std::vector<core::ActionDef> actions = keeper_actions(Mutant::kNone);
//   core::Scheduler scheduler(env, actions);
//   scheduler.offer(Keeper::kKind, "db1-2", "Promote");
#pragma once

#include <vector>

#include "core/action.hpp"
#include "planes/goal/settings.hpp"

namespace unwedge::goal {

// StartSingle, StartStandby, AwaitStandby, ConfirmPrimary, Follow,
// ConfirmStandby, PreparePromotion, Promote, AbortPromotion, Demote, Drop;
// each declares the transitions of node_machine(mutant) it makes.
std::vector<core::ActionDef> keeper_actions(Mutant mutant);

}  // namespace unwedge::goal
