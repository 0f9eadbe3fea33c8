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
  kUnknownMachine,          // an action names a machine the model lacks
  kUnknownState,            // an action names a state its machine lacks
  kMissingTransition,       // an action requests a transition not in the table
  kUndefinedAction,         // a table schedules an action no ActionDef defines
  kNoExitWhereScheduled,    // a table schedules an action in a state it cannot leave
  kTableForUnknownMachine,  // a table is written against a machine not in the model
  kTableForCopiedMachine,   // ... against a copy of the model's machine, not the machine itself
};

const char* to_string(CrossFindingKind kind);

// Kinds that say the model is declared wrongly (a name that resolves to
// nothing, a table built against the wrong object) rather than that it is
// wrong: nothing can be proved about such a model until it is fixed, so
// check_control_plane reports them as model errors, never as findings.
bool is_model_error(CrossFindingKind kind);

// A decision-table cell that schedules an action, and the rule that wins it.
struct SchedulingCell {
  std::string table;
  std::string rule;
  NamedCell cell;         // the first such cell of the rule, in enumeration order
  std::size_t cells = 0;  // how many cells the rule schedules the action in
};

struct CrossFinding {
  CrossFindingKind kind;
  std::string message;  // what is wrong, naming everything involved
  // How to fix it; set for the model-error kinds.
  std::string fix;
  // What the finding is about, for tools (JSON, DOT); empty when it does not apply.
  std::string machine;
  std::string action;
  std::string table;
  // kMissingTransition: the transition the action requests (`from` alone is
  // the state a kNoExitWhereScheduled or kUnknownState finding is about), ...
  std::string from;
  std::string to;
  std::string cause;
  // ... the causes the table does join `from` to `to` with (empty: no edge
  // at all; otherwise the runtime refuses this cause), ...
  std::vector<std::string> table_causes;
  // ... and the cells that schedule the action: those in `from` when a table
  // schedules it there, else those that start it on this machine at all (it
  // reaches `from` on its way). One per rule.
  std::vector<SchedulingCell> scheduled_by;
};

std::vector<CrossFinding> cross_check(const ControlPlaneModel& model);

}  // namespace unwedge::core
