// The keeper's walk: from the state its node reports towards the goal the
// monitor assigned, the next state it moves to, and the action that moves
// it there.
//
// The walk is pg_auto_failover's: one transition straight to the goal, or
// none (core::direct_walk). The keeper's table turns the walk's answer into
// the action doing that transition's database work: it reads one signal,
// Next<State> ("NextCatchingup"), raised for the state the walk chose, and
// has one rule per transition of the node machine, so a machine that lacks
// an edge has neither a walk nor a rule for it.
//
//   std::optional<core::StateId> next = keeper_walk(Mutant::kNone)(reported, goal);
//   core::SignalSet signals = next_signal(keeper_table(Mutant::kNone), *next);
//   core::Decision d = keeper_table(Mutant::kNone).decide(reported, signals);
#pragma once

#include <string>
#include <string_view>

#include "core/decision_table.hpp"
#include "core/goal_check.hpp"
#include "planes/goal/settings.hpp"

namespace unwedge::goal {

// The walk the keeper takes over node_machine(mutant); the plane's model
// checks this very function.
const core::GoalWalk& keeper_walk(Mutant mutant);

// The keeper's action for the transition from -> to of the node machine.
std::string_view step_action(std::string_view from, std::string_view to);

// "NextWaitPrimary" for wait_primary.
std::string next_signal_name(std::string_view state);

// The keeper's table over node_machine(mutant).
const core::DecisionTable& keeper_table(Mutant mutant);

// The signals of `table` raised when the walk chose `next`.
core::SignalSet next_signal(const core::DecisionTable& table, core::StateId next);

}  // namespace unwedge::goal
