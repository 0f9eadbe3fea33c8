// check_control_plane: every static check of a ControlPlaneModel in one call.
//
// Runs the model checks on each machine, the exhaustive analysis on each
// decision table, the cross-checks between them and the actions, and proves
// or refutes each claim. The result is what `unwedge check-model` prints and
// what a test of a control plane asserts is clean.
//
//   ControlPlaneCheck check = check_control_plane(my_plane::model());
//   std::cout << check.describe();
//   return check.has_errors() ? 2 : check.ok() ? 0 : 1;
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/control_plane_model.hpp"
#include "core/cross_check.hpp"
#include "core/decision_analysis.hpp"
#include "core/goal_check.hpp"
#include "core/group_analysis.hpp"
#include "core/model_check.hpp"

namespace unwedge::core {

// A mistake in how the model is declared rather than in what it says: a
// claim or an action naming a machine, state, signal, table or action the
// model lacks, a table built against a copy of its machine, two machines of
// one name. Nothing can be proved about such a model, so it is bad input
// (`unwedge check-model` exits 2), never a refuted claim or a finding.
struct ModelError {
  std::string where;    // "claim 'promotion passes through fencing'", "action Failover"
  std::string message;  // what is wrong, with the nearest declared name when there is one
  std::string fix;      // what to change

  friend bool operator==(const ModelError&, const ModelError&) = default;
};

struct ClaimResult {
  enum class Kind { kPath, kAlways, kNever };

  std::string statement;
  Kind kind = Kind::kPath;
  bool holds = false;
  // The proof's size ("holds over 96 cells", "no path avoids fencing") or the
  // counterexample, in words; for a model error, its message.
  std::string detail;
  // A refuted path claim: the shortest path from source to target that avoids
  // the waypoint, as state names.
  std::vector<std::string> counterexample_path;
  // A refuted path claim: every shortest counterexample must_pass_through
  // listed (up to kCounterexamplesDefault), the first being
  // counterexample_path. Two of them say a fix must close more than one bypass.
  std::vector<std::vector<std::string>> counterexample_paths;
  // A refuted decision claim: the first cell that decides otherwise, and what
  // it decides, in words.
  std::optional<NamedCell> counterexample_cell;
  std::string got;
  // Set when the claim names something the model lacks; `holds` is then false
  // but the claim is neither proved nor refuted.
  std::optional<ModelError> error;
};

const char* to_string(ClaimResult::Kind kind);

struct MachineCheck {
  const MachineDef* machine = nullptr;
  ModelReport report;
};

struct TableCheck {
  const DecisionTable* table = nullptr;
  TableAnalysis analysis;
};

struct GroupTableCheck {
  const GroupTable* table = nullptr;
  GroupAnalysis analysis;
};

struct ControlPlaneCheck {
  std::string name;
  std::vector<MachineCheck> machines;
  std::vector<TableCheck> tables;
  std::vector<GroupTableCheck> group_tables;
  // The (reported, goal) products of the goal-driven machines; their
  // declaration mistakes are in `errors` too.
  std::vector<GoalCheck> goal_driven;
  // Cross-check findings; the model-error kinds are in `errors` instead.
  std::vector<CrossFinding> cross;
  // Claims with a model error are in `errors`, not here.
  std::vector<ClaimResult> claims;
  std::vector<ModelError> errors;

  // Machine findings, table and group table conflicts and gaps, goal-pair
  // wedges, cross findings, false claims.
  std::size_t problem_count() const;
  bool has_errors() const { return !errors.empty(); }
  bool ok() const { return !has_errors() && problem_count() == 0; }
  std::string describe() const;
};

ControlPlaneCheck check_control_plane(const ControlPlaneModel& model);

// Each claim on its own, for tests that state one.
ClaimResult check_claim(const ControlPlaneModel& model, const PathClaim& claim);
ClaimResult check_claim(const ControlPlaneModel& model, const DecisionClaim& claim);

}  // namespace unwedge::core
