// The node machine: where one database node of a two-node service stands,
// as its keeper reports it, in pg_auto_failover's words.
//
// Nothing moves a node but its own keeper: the monitor assigns a goal (one
// of these states) and the keeper takes the one transition to it, doing its
// database's part on the way (keeper_actions.hpp). Every transition's cause
// is the goal it reached, "goal:wait_primary".
//
//   init -> single | wait_standby          the first goal the monitor assigns
//   single -> wait_primary -> primary      a primary gets, then keeps, a standby
//   primary -> wait_primary                its standby was lost
//   wait_standby -> catchingup -> secondary, secondary -> catchingup
//   secondary -> prepare_promotion -> wait_primary   a failover
//   prepare_promotion -> secondary         the failover called off
//   primary | wait_primary -> demoted -> catchingup  the old primary rejoins
//   wait_standby | catchingup | secondary | demoted -> dropped
//
// A planted bug (settings.hpp) drops one edge; node_machine(mutant) is the
// machine the plane runs and checks with that mutant.
//
//   const core::MachineDef& m = node_machine(Mutant::kNone);
//   core::StateId demoted = *m.find_state("demoted");
#pragma once

#include <string>
#include <string_view>

#include "core/machine.hpp"
#include "planes/goal/settings.hpp"

namespace unwedge::goal {

const core::MachineDef& node_machine(Mutant mutant);

// "goal:catchingup": the cause of every transition into `to`.
std::string goal_cause(std::string_view to);

}  // namespace unwedge::goal
