// Exhaustive analysis of a GroupTable over every cell: a state for each
// member and a subset of the signals.
//
// As analyze() does for one entity's DecisionTable, it proves the table
// deterministic (no cell where equal-priority rules assign differently) and
// complete (every cell is decided or declared invalid), and finds written
// rules that win no cell under any renaming of the members. The cells are
// states^members * 2^signals; the per-state rule index of the table keeps
// the work per cell to the rules that admit the cell's states.
//
//   GroupAnalysis a = analyze(monitor);
//   if (!a.ok()) print(a.describe(monitor));
//   std::vector<GroupOutcome> o = outcomes(monitor, {demoted, wait_primary});
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/group_table.hpp"

namespace unwedge::core {

struct GroupCell {
  GroupStates states;
  SignalSet signals;

  friend bool operator==(const GroupCell&, const GroupCell&) = default;
};

struct GroupConflict {
  GroupCell cell;
  std::vector<std::size_t> rules;
};

struct GroupAnalysis {
  std::uint64_t cells_checked = 0;
  std::uint64_t invalid_cells = 0;
  std::uint64_t conflict_count = 0;
  std::uint64_t gap_count = 0;
  // The first few of each, in enumeration order (member states, then signals).
  std::vector<GroupConflict> conflicts;
  std::vector<GroupCell> gaps;
  // Written rules (by the index of their first renaming in rules()) that win
  // no cell under any renaming.
  std::vector<std::size_t> dead_rules;

  bool ok() const { return conflict_count == 0 && gap_count == 0; }
  std::string describe(const GroupTable& table) const;
};

GroupAnalysis analyze(const GroupTable& table, std::size_t examples_max = 16);

// One decision the table can take for a tuple of states, and the first
// signal subset (in enumeration order) that yields it.
struct GroupOutcome {
  GroupDecision decision;
  SignalSet signals;
};

// Every distinct decision the table takes for `states` over all valid signal
// subsets (invalid ones left out), in the order first met. The goal check
// reads the monitor's possible moves from these.
std::vector<GroupOutcome> outcomes(const GroupTable& table, const GroupStates& states);

}  // namespace unwedge::core
