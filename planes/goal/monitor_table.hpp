// The monitor's table: the goals it assigns the two nodes of a service, read
// from where both report they are and from what it hears of them.
//
// Its members, "a" and "b", are the service's two nodes either way round
// (the table is symmetric: each rule also holds with the members swapped).
// Its signals, per member, are the monitor's own view:
//   X.Unhealthy  no vantage point heard X for unhealthy_after
//   X.CaughtUp   X is heard, follows (takes no writes), and is on the timeline
//                and within caught_up_lag_max of the other member, when that
//                one is heard
//
//   const core::GroupTable& table = monitor_table(Mutant::kNone);
//   core::GroupDecision d = table.decide({{primary, secondary}}, signals);
#pragma once

#include "core/group_table.hpp"
#include "planes/goal/settings.hpp"

namespace unwedge::goal {

// Built once per mutant, over node_machine(mutant); the rules are the same.
const core::GroupTable& monitor_table(Mutant mutant);

}  // namespace unwedge::goal
