#include "core/group_analysis.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::core {
namespace {

// Visits every tuple of member states, first member slowest.
template <class Visit>
void for_each_tuple(const GroupTable& table, Visit&& visit) {
  const std::size_t members = table.member_count();
  const std::size_t states = table.machine().state_count();
  GroupStates tuple;
  while (true) {
    visit(tuple);
    std::size_t m = members;
    while (m > 0) {
      --m;
      if (++tuple.of[m] < states) break;
      tuple.of[m] = 0;
      if (m == 0) return;
    }
    if (members == 0) return;
  }
}

std::uint32_t subset_count(const GroupTable& table) {
  UNWEDGE_ASSERT_LE(table.signal_names().size(), kMaxGroupSignals);
  return static_cast<std::uint32_t>(std::uint64_t{1} << table.signal_names().size());
}

}  // namespace

GroupAnalysis analyze(const GroupTable& table, std::size_t examples_max) {
  GroupAnalysis analysis;
  std::vector<bool> wins(table.rules().size(), false);
  for_each_tuple(table, [&](const GroupStates& states) {
    for (std::uint32_t bits = 0; bits < subset_count(table); ++bits) {
      const GroupCell cell{states, SignalSet::from_bits(bits)};
      const GroupDecision decision = table.decide(cell.states, cell.signals);
      ++analysis.cells_checked;
      if (decision.kind == GroupDecision::Kind::kInvalid) {
        ++analysis.invalid_cells;
        continue;
      }
      for (std::size_t r : decision.rules)
        wins[r] = true;
      if (decision.kind == GroupDecision::Kind::kConflict) {
        ++analysis.conflict_count;
        if (analysis.conflicts.size() < examples_max) {
          analysis.conflicts.push_back(GroupConflict{cell, decision.rules});
        }
      } else if (decision.kind == GroupDecision::Kind::kUncovered) {
        ++analysis.gap_count;
        if (analysis.gaps.size() < examples_max) analysis.gaps.push_back(cell);
      }
    }
  });
  // A written rule lives if any of its renamings wins a cell.
  std::vector<bool> written_wins(table.rules().size(), false);
  for (std::size_t r = 0; r < wins.size(); ++r) {
    if (wins[r]) written_wins[table.rules()[r].written] = true;
  }
  for (std::size_t r = 0; r < table.rules().size(); ++r) {
    if (table.rules()[r].written == r && !written_wins[r]) analysis.dead_rules.push_back(r);
  }
  UNWEDGE_ASSERT_EQ(analysis.cells_checked, table.cell_count());
  UNWEDGE_ASSERT_LE(analysis.conflicts.size(), analysis.conflict_count);
  UNWEDGE_ASSERT_LE(analysis.gaps.size(), analysis.gap_count);
  return analysis;
}

std::vector<GroupOutcome> outcomes(const GroupTable& table, const GroupStates& states) {
  std::vector<GroupOutcome> found;
  for (std::uint32_t bits = 0; bits < subset_count(table); ++bits) {
    const SignalSet signals = SignalSet::from_bits(bits);
    GroupDecision decision = table.decide(states, signals);
    if (decision.kind == GroupDecision::Kind::kInvalid) continue;
    decision.invalid.reset();
    const bool seen = std::any_of(found.begin(), found.end(), [&](const GroupOutcome& o) {
      return o.decision.kind == decision.kind && o.decision.assign == decision.assign;
    });
    if (!seen) found.push_back(GroupOutcome{std::move(decision), signals});
  }
  return found;
}

std::string GroupAnalysis::describe(const GroupTable& table) const {
  std::string text = fmt::format("group table '{}': {} cells checked ({} invalid)", table.name(),
                                 cells_checked, invalid_cells);
  if (conflict_count > 0) {
    text += fmt::format("; {} conflicting cells", conflict_count);
    for (const GroupConflict& c : conflicts) {
      text += fmt::format("\n  conflict {}: {}", table.describe_cell(c.cell.states, c.cell.signals),
                          table.describe(table.decide(c.cell.states, c.cell.signals)));
    }
  }
  if (gap_count > 0) {
    text += fmt::format("; {} uncovered cells", gap_count);
    for (const GroupCell& g : gaps)
      text += fmt::format("\n  gap {}: no rule matches", table.describe_cell(g.states, g.signals));
  }
  for (std::size_t r : dead_rules) {
    text += fmt::format(
        "\n  rule '{}' wins no cell: shadowed by higher priorities or "
        "unsatisfiable",
        table.rules()[r].name);
  }
  return text;
}

}  // namespace unwedge::core
