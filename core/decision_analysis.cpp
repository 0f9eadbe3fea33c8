#include "core/decision_analysis.hpp"

#include <fmt/format.h>
#include <iterator>

namespace unwedge::core {
namespace {

// Number of signal subsets of the table: the bound of every enumeration here.
std::uint32_t subset_count(const DecisionTable& table) {
  UNWEDGE_ASSERT_LE(table.signal_names().size(), kMaxSignals);
  return std::uint32_t{1} << table.signal_names().size();
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// Visits every cell of `states` whose signals contain `given` and none of
// `excluded`, in enumeration order (state, then signal bits ascending),
// skipping declared-invalid cells.
template <class Visit>
void for_each_valid_cell(const DecisionTable& table, SignalSet given, SignalSet excluded,
                         StateSet states, Visit&& visit) {
  const std::size_t state_count = table.machine().state_count();
  UNWEDGE_ASSERT_MSG(StateSet::all(state_count).contains_all(states),
                     "query states outside the {} states of machine '{}'", state_count,
                     table.machine().name());
  UNWEDGE_ASSERT_MSG(table.all_signals().contains_all(given), "query signals {:#x} outside '{}'",
                     given.bits(), table.name());
  for (const StateId state : states) {
    for (std::uint32_t bits = 0; bits < subset_count(table); ++bits) {
      const SignalSet signals = SignalSet::from_bits(bits);
      if (!signals.contains_all(given) || signals.intersects(excluded)) continue;
      Decision decision = table.decide(state, signals);
      if (decision.kind == DecisionKind::kInvalid) continue;
      visit(Cell{state, signals}, decision);
    }
  }
}

// always() and never() differ only in which decisions are counterexamples.
template <class Fails>
QueryResult query(const DecisionTable& table, SignalSet given, ActionId action, StateSet in,
                  SignalSet excluded, Fails&& fails) {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(action), table.action_names().size());
  const StateSet states = in.empty() ? StateSet::all(table.machine().state_count()) : in;
  QueryResult result;
  for_each_valid_cell(table, given, excluded, states,
                      [&](const Cell& cell, const Decision& decision) {
                        ++result.cells_checked;
                        if (result.holds && fails(decision)) {
                          result.holds = false;
                          result.counterexample = cell;
                          result.got = decision;
                        }
                      });
  UNWEDGE_ASSERT_EQ(result.holds, !result.counterexample.has_value());
  return result;
}

}  // namespace

TableAnalysis analyze(const DecisionTable& table, std::size_t examples_max) {
  TableAnalysis analysis;
  std::vector<bool> wins(table.rules().size(), false);
  const std::size_t state_count = table.machine().state_count();
  for (std::size_t s = 0; s < state_count; ++s) {
    const auto state = static_cast<StateId>(s);
    for (std::uint32_t bits = 0; bits < subset_count(table); ++bits) {
      const Cell cell{state, SignalSet::from_bits(bits)};
      const Decision decision = table.decide(cell.state, cell.signals);
      ++analysis.cells_checked;
      if (decision.kind == DecisionKind::kInvalid) {
        ++analysis.invalid_cells;
        continue;
      }
      // A rule tied in a conflict is not dead: the conflict is its finding.
      for (std::size_t r : decision.rules)
        wins[r] = true;
      if (decision.kind == DecisionKind::kConflict) {
        ++analysis.conflict_count;
        if (analysis.conflicts.size() < examples_max) {
          analysis.conflicts.push_back(ConflictFinding{cell, decision.rules});
        }
      } else if (decision.kind == DecisionKind::kUncovered) {
        ++analysis.gap_count;
        if (analysis.gaps.size() < examples_max) analysis.gaps.push_back(cell);
      }
    }
  }
  for (std::size_t r = 0; r < wins.size(); ++r) {
    if (!wins[r]) analysis.dead_rules.push_back(r);
  }
  UNWEDGE_ASSERT_EQ(analysis.cells_checked, state_count * subset_count(table));
  UNWEDGE_ASSERT_LE(analysis.conflicts.size(), analysis.conflict_count);
  UNWEDGE_ASSERT_LE(analysis.gaps.size(), analysis.gap_count);
  return analysis;
}

std::string TableAnalysis::describe(const DecisionTable& table) const {
  std::string text;
  auto out = std::back_inserter(text);
  if (ok()) {
    fmt::format_to(out, "decision table '{}' is deterministic and complete over {} ({} invalid)\n",
                   table.name(), plural(cells_checked, "cell", "cells"), invalid_cells);
  } else {
    fmt::format_to(out, "decision table '{}': {} checked, {} invalid, {}, {}\n", table.name(),
                   plural(cells_checked, "cell", "cells"), invalid_cells,
                   plural(conflict_count, "conflict", "conflicts"),
                   plural(gap_count, "gap", "gaps"));
  }
  for (const ConflictFinding& c : conflicts) {
    Decision decision{.kind = DecisionKind::kConflict, .rules = c.rules};
    fmt::format_to(out, "  {}: {}\n", table.describe_cell(c.cell.state, c.cell.signals),
                   table.describe(decision));
  }
  if (conflict_count > conflicts.size()) {
    fmt::format_to(out, "  ... and {}\n",
                   plural(conflict_count - conflicts.size(), "more conflict", "more conflicts"));
  }
  for (const Cell& gap : gaps) {
    fmt::format_to(out, "  {}: uncovered: no rule matches\n",
                   table.describe_cell(gap.state, gap.signals));
  }
  if (gap_count > gaps.size()) {
    fmt::format_to(out, "  ... and {}\n", plural(gap_count - gaps.size(), "more gap", "more gaps"));
  }
  for (std::size_t r : dead_rules) {
    fmt::format_to(out, "  rule '{}' wins no cell: shadowed or unsatisfiable\n",
                   table.rules()[r].name);
  }
  return text;
}

QueryResult always(const DecisionTable& table, SignalSet given, ActionId action, StateSet in,
                   SignalSet excluded) {
  return query(table, given, action, in, excluded, [action](const Decision& d) {
    return d.kind != DecisionKind::kAct || d.action != action;
  });
}

QueryResult never(const DecisionTable& table, SignalSet given, ActionId action, StateSet in,
                  SignalSet excluded) {
  return query(table, given, action, in, excluded, [action](const Decision& d) {
    return d.kind == DecisionKind::kAct && d.action == action;
  });
}

std::string QueryResult::describe(const DecisionTable& table) const {
  if (holds) return fmt::format("holds over {}", plural(cells_checked, "cell", "cells"));
  UNWEDGE_ASSERT(counterexample.has_value());
  return fmt::format("fails {}: got {}",
                     table.describe_cell(counterexample->state, counterexample->signals),
                     table.describe(got));
}

}  // namespace unwedge::core
