// check_control_plane: every static check of a ControlPlaneModel in one call.
//
// Runs the model checks on each machine, the exhaustive analysis on each
// decision table, the cross-checks between them and the actions, and proves
// or refutes each claim. The result is what `unwedge check-model` prints and
// what a test of a control plane asserts is clean.
//
//   ControlPlaneCheck check = check_control_plane(my_plane::model());
//   std::cout << check.describe();
//   return check.ok() ? 0 : 1;
#pragma once

#include <string>
#include <vector>

#include "core/control_plane_model.hpp"
#include "core/cross_check.hpp"
#include "core/decision_analysis.hpp"
#include "core/model_check.hpp"

namespace unwedge::core {

struct ClaimResult {
  std::string statement;
  bool holds = false;
  // The proof's size ("holds over 96 cells", "no path avoids fencing") or the
  // counterexample, in words.
  std::string detail;
};

struct MachineCheck {
  const MachineDef* machine = nullptr;
  ModelReport report;
};

struct TableCheck {
  const DecisionTable* table = nullptr;
  TableAnalysis analysis;
};

struct ControlPlaneCheck {
  std::string name;
  std::vector<MachineCheck> machines;
  std::vector<TableCheck> tables;
  std::vector<CrossFinding> cross;
  std::vector<ClaimResult> claims;

  // Machine findings, table conflicts and gaps, cross findings, false claims.
  std::size_t problem_count() const;
  bool ok() const { return problem_count() == 0; }
  std::string describe() const;
};

ControlPlaneCheck check_control_plane(const ControlPlaneModel& model);

// Each claim on its own, for tests that state one.
ClaimResult check_claim(const ControlPlaneModel& model, const PathClaim& claim);
ClaimResult check_claim(const ControlPlaneModel& model, const DecisionClaim& claim);

}  // namespace unwedge::core
