// Exhaustive analysis of a DecisionTable over every (state, signal subset).
//
// With at most 16 signals there are at most 2^16 cells per state, few enough
// to check all of them (milliseconds for an entity machine's dozen states,
// proportionally longer for a product machine of up to kMaxStates): the
// analysis proves the table deterministic (no cell where equal-priority rules
// disagree) and complete (every cell is decided or declared invalid), finds
// rules that can never win a cell, and answers queries such as "NeedsUnfollow
// always yields Unfollow" with a proof (the number of cells checked) or a
// counterexample cell.
//
//   TableAnalysis a = analyze(table);
//   if (!a.ok()) print(a.describe(table));
//   QueryResult q = always(table, table.signals_named({"NeedsUnfollow"}), unfollow);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/decision_table.hpp"

namespace unwedge::core {

struct Cell {
  StateId state;
  SignalSet signals;

  friend bool operator==(const Cell&, const Cell&) = default;
};

struct ConflictFinding {
  Cell cell;
  std::vector<std::size_t> rules;  // the tied rules that disagree
};

struct TableAnalysis {
  std::size_t cells_checked = 0;
  std::size_t invalid_cells = 0;
  std::size_t conflict_count = 0;
  std::size_t gap_count = 0;
  // The first few of each, in enumeration order (state, then signal bits).
  std::vector<ConflictFinding> conflicts;
  std::vector<Cell> gaps;
  // Rules that win no cell: shadowed by higher priorities or unsatisfiable.
  // A rule tied in a conflict counts as winning there (the conflict is reported).
  std::vector<std::size_t> dead_rules;

  bool ok() const { return conflict_count == 0 && gap_count == 0; }
  std::string describe(const DecisionTable& table) const;
};

TableAnalysis analyze(const DecisionTable& table, std::size_t examples_max = 16);

struct QueryResult {
  bool holds = true;
  // Every valid cell in scope, even after a counterexample: the size of the proof.
  std::size_t cells_checked = 0;
  std::optional<Cell> counterexample;  // the first one, in enumeration order
  Decision got;                        // the decision at the counterexample

  std::string describe(const DecisionTable& table) const;
};

// In every state of `in` (all states if empty) and every valid signal subset
// that contains `given` and none of `excluded`, the table decides to act with
// `action`. `excluded` states the exceptions a claim knowingly makes
// ("unless NeedsDeprovision, which overrides everything").
QueryResult always(const DecisionTable& table, SignalSet given, ActionId action, StateSet in = {},
                   SignalSet excluded = {});
// ... never decides to act with `action`.
QueryResult never(const DecisionTable& table, SignalSet given, ActionId action, StateSet in = {},
                  SignalSet excluded = {});

}  // namespace unwedge::core
