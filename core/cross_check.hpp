// Cross-checks between a control plane's machines, decision tables and
// actions.
//
// Each piece can be right on its own and wrong together: an action asks for a
// transition the machine's table lacks (the entity is told to go somewhere it
// cannot and wedges forever; real HA managers have shipped exactly this bug),
// a table schedules an action nobody wrote, or a table schedules an action in
// a state the action has no way out of. cross_check() proves none of these
// can happen, by name and over every decision-table cell.
//
//   ControlPlaneModel model{.machines = {&service}, .tables = {&service_table},
//                           .actions = {&failover, &deprovision}};
//   for (const CrossFinding& f : cross_check(model)) print(f.message);
#pragma once

#include <string>
#include <vector>

#include "core/control_plane_model.hpp"

namespace unwedge::core {

enum class CrossFindingKind {
  kUnknownMachine,         // an action names a machine the model lacks
  kUnknownState,           // an action names a state its machine lacks
  kMissingTransition,      // an action requests a transition not in the table
  kUndefinedAction,        // a table schedules an action no ActionDef defines
  kNoExitWhereScheduled,   // a table schedules an action in a state it cannot leave
  kTableForUnknownMachine  // a table is written against a machine not in the model
};

const char* to_string(CrossFindingKind kind);

struct CrossFinding {
  CrossFindingKind kind;
  std::string message;
};

std::vector<CrossFinding> cross_check(const ControlPlaneModel& model);

}  // namespace unwedge::core
