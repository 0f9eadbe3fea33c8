// ControlPlaneModel: everything a control plane declares about itself, in one
// place, for the checks to read: its machines, decision tables and actions,
// which of those actions disrupt a customer, and the claims its authors make
// ("every path from following to promoted passes through fencing";
// "NeedsUnfollow always yields Unfollow").
//
// A control plane exposes one of these (each bundled plane has a model());
// check_control_plane() in control_plane_check.hpp proves or refutes all of it
// and `unwedge check-model` prints the result.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/action.hpp"
#include "core/decision_table.hpp"
#include "core/disruption.hpp"
#include "core/goal_check.hpp"
#include "core/group_table.hpp"
#include "core/machine.hpp"

namespace unwedge::core {

// "Every path from `source` to `target` in `machine` passes through `waypoint`."
struct PathClaim {
  std::string statement;
  std::string machine;
  std::string source;
  std::string target;
  std::string waypoint;
};

// "In states `in` (all if empty), whenever every signal of `given` is raised
// and none of `unless`, `table` always (or never) schedules `action`."
struct DecisionClaim {
  enum class Kind { kAlways, kNever };

  std::string statement;
  Kind kind = Kind::kAlways;
  std::string table;
  std::vector<std::string> given;
  std::string action;
  std::vector<std::string> in;
  std::vector<std::string> unless;
};

struct ControlPlaneModel {
  std::string name;
  // Markdown: what the control plane runs and the choices that shape it.
  std::string description;
  std::vector<const MachineDef*> machines;
  std::vector<const DecisionTable*> tables;
  // Tables over a group of entities (a monitor's goal assignments).
  std::vector<const GroupTable*> group_tables;
  // Machines whose entities walk towards goals a monitor assigns: checked
  // as (reported state, assigned goal) pairs (goal_check.hpp).
  std::vector<const GoalDrivenDef*> goal_driven;
  std::vector<const ActionDef*> actions;
  std::vector<PathClaim> path_claims;
  std::vector<DecisionClaim> decision_claims;
  // The actions that disrupt (a failover, a restart, ...): counted in every
  // report, and judged by the harness against what the world really was.
  std::vector<DisruptiveAction> disruptive_actions;
};

// The declaration of `action` of `table` as disruptive, if the model makes one.
inline const DisruptiveAction* find_disruptive(const ControlPlaneModel& model,
                                               std::string_view table, std::string_view action) {
  for (const DisruptiveAction& d : model.disruptive_actions) {
    if (d.table == table && d.action == action) return &d;
  }
  return nullptr;
}

}  // namespace unwedge::core
