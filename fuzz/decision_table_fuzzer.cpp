// decision_table_fuzzer: searches for decision tables on which decide(), the
// exhaustive analysis or the always/never queries break their contracts.
//
// The input is drawn into a machine (1..8 states) and a table (1..8 signals,
// up to 12 rules with random when/unless/in/action/priority, up to 3 invalid
// combinations; see generators.hpp). The builder must accept the table
// exactly when no rule has a signal in both when and unless. Then, over every
// (state, signal subset) cell: decide() agrees with a reference decision
// computed from the spec; analyze() counts exactly the conflicts, gaps and
// invalid cells decide() yields, lists the first of them and the rules that
// win nothing, and when it reports ok() no cell conflicts or is uncovered;
// always() and never() on a byte-chosen signal set, action and state scope
// check exactly the valid cells in scope, a proof means every one of them
// decides as claimed, and a counterexample is the first cell that does not,
// with the decision decide() gives there.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "core/decision_analysis.hpp"
#include "core/decision_table.hpp"
#include "core/machine.hpp"
#include "core/signal_set.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/generators.hpp"

namespace {

using unwedge::core::Cell;
using unwedge::core::Decision;
using unwedge::core::DecisionKind;
using unwedge::core::DecisionTable;
using unwedge::core::SignalSet;
using unwedge::core::StateId;
using unwedge::fuzz::TableSpec;

// decide() for every cell, indexed by state * subset count + signal bits,
// the enumeration order of the analysis.
struct Cells {
  std::size_t subsets = 0;
  std::vector<Decision> decisions;

  const Decision& at(const Cell& cell) const {
    return decisions[cell.state * subsets + cell.signals.bits()];
  }
  Cell cell(std::size_t index) const {
    return Cell{static_cast<StateId>(index / subsets),
                SignalSet::from_bits(static_cast<std::uint32_t>(index % subsets))};
  }
};

bool spec_matches(const TableSpec& spec, const unwedge::fuzz::RuleSpec& rule, StateId state,
                  std::uint32_t signals) {
  if (!spec.applies_in(rule.in, state)) return false;
  return (signals & rule.when) == rule.when && (signals & rule.unless) == 0;
}

// What decision_table.hpp says decide() returns, computed from the spec:
// the first invalid combination that applies, else the matching rules of the
// highest priority (in declaration order), which must all agree.
Decision reference_decide(const TableSpec& spec, StateId state, std::uint32_t signals) {
  Decision decision;
  for (std::size_t i = 0; i < spec.invalid.size(); ++i) {
    const auto& invalid = spec.invalid[i];
    if (!spec.applies_in(invalid.in, state)) continue;
    if ((signals & invalid.signals) != invalid.signals) continue;
    decision.kind = DecisionKind::kInvalid;
    decision.invalid = i;
    return decision;
  }
  std::optional<int> best;
  for (const auto& rule : spec.rules) {
    if (spec_matches(spec, rule, state, signals) && (!best || rule.priority > *best)) {
      best = rule.priority;
    }
  }
  if (!best) return decision;  // kUncovered
  decision.kind = DecisionKind::kNothing;
  std::optional<std::size_t> action;
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    const auto& rule = spec.rules[i];
    if (!spec_matches(spec, rule, state, signals) || rule.priority != *best) continue;
    if (decision.rules.empty()) action = rule.action;
    if (rule.action != action) decision.kind = DecisionKind::kConflict;
    decision.rules.push_back(i);
  }
  if (decision.kind != DecisionKind::kConflict && action) {
    decision.kind = DecisionKind::kAct;
    decision.action = static_cast<unwedge::core::ActionId>(*action);
  }
  return decision;
}

Cells decide_all(const TableSpec& spec, const DecisionTable& table) {
  Cells cells;
  cells.subsets = std::size_t{1} << spec.signal_count;
  for (std::size_t s = 0; s < spec.state_count; ++s) {
    const auto state = static_cast<StateId>(s);
    for (std::uint32_t bits = 0; bits < cells.subsets; ++bits) {
      Decision decision = table.decide(state, SignalSet::from_bits(bits));
      const Decision expected = reference_decide(spec, state, bits);
      UNWEDGE_ASSERT_MSG(decision == expected, "{}: decide() says {}, the spec says {}",
                         table.describe_cell(state, SignalSet::from_bits(bits)),
                         table.describe(decision), table.describe(expected));
      cells.decisions.push_back(std::move(decision));
    }
  }
  return cells;
}

void check_analysis(const DecisionTable& table, const Cells& cells, std::size_t examples_max) {
  const unwedge::core::TableAnalysis analysis = unwedge::core::analyze(table, examples_max);
  UNWEDGE_ASSERT_EQ(analysis.cells_checked, cells.decisions.size());
  std::size_t invalid = 0;
  std::vector<Cell> conflicts;
  std::vector<Cell> gaps;
  std::vector<bool> wins(table.rules().size(), false);
  for (std::size_t i = 0; i < cells.decisions.size(); ++i) {
    const Decision& decision = cells.decisions[i];
    if (analysis.ok()) UNWEDGE_ASSERT(decision.kind != DecisionKind::kConflict);
    if (analysis.ok()) UNWEDGE_ASSERT(decision.kind != DecisionKind::kUncovered);
    if (decision.kind == DecisionKind::kInvalid) ++invalid;
    if (decision.kind == DecisionKind::kConflict) conflicts.push_back(cells.cell(i));
    if (decision.kind == DecisionKind::kUncovered) gaps.push_back(cells.cell(i));
    if (decision.kind == DecisionKind::kInvalid) continue;
    for (std::size_t r : decision.rules)
      wins[r] = true;
  }
  UNWEDGE_ASSERT_EQ(analysis.invalid_cells, invalid);
  UNWEDGE_ASSERT_EQ(analysis.conflict_count, conflicts.size());
  UNWEDGE_ASSERT_EQ(analysis.gap_count, gaps.size());
  UNWEDGE_ASSERT_EQ(analysis.ok(), conflicts.empty() && gaps.empty());

  // Named copies: UNWEDGE_ASSERT_EQ binds references, and std::min returns one
  // into its temporary arguments.
  const std::size_t conflicts_listed = std::min(examples_max, conflicts.size());
  const std::size_t gaps_listed = std::min(examples_max, gaps.size());
  UNWEDGE_ASSERT_EQ(analysis.conflicts.size(), conflicts_listed);
  for (std::size_t i = 0; i < analysis.conflicts.size(); ++i) {
    UNWEDGE_ASSERT(analysis.conflicts[i].cell == conflicts[i]);
    UNWEDGE_ASSERT(analysis.conflicts[i].rules == cells.at(conflicts[i]).rules);
  }
  UNWEDGE_ASSERT_EQ(analysis.gaps.size(), gaps_listed);
  for (std::size_t i = 0; i < analysis.gaps.size(); ++i)
    UNWEDGE_ASSERT(analysis.gaps[i] == gaps[i]);

  std::vector<std::size_t> dead;
  for (std::size_t r = 0; r < wins.size(); ++r) {
    if (!wins[r]) dead.push_back(r);
  }
  UNWEDGE_ASSERT(analysis.dead_rules == dead);
  UNWEDGE_ASSERT(!analysis.describe(table).empty());
}

enum class Query { kAlways, kNever };

// Re-evaluates a query cell by cell: the count of valid cells in scope and
// the first one whose decision refutes the claim.
void check_query(const DecisionTable& table, const Cells& cells, Query kind, SignalSet given,
                 unwedge::core::ActionId action, const unwedge::fuzz::StateMask& scope) {
  const unwedge::core::StateSet in = unwedge::core::StateSet::from_words(scope);
  const unwedge::core::QueryResult result = kind == Query::kAlways
                                                ? unwedge::core::always(table, given, action, in)
                                                : unwedge::core::never(table, given, action, in);
  std::size_t checked = 0;
  std::optional<std::size_t> first_refuting;
  for (std::size_t i = 0; i < cells.decisions.size(); ++i) {
    const Cell cell = cells.cell(i);
    const Decision& decision = cells.decisions[i];
    if (!scope.empty() && !unwedge::fuzz::mask_has(scope, cell.state)) continue;
    if (!cell.signals.contains_all(given)) continue;
    if (decision.kind == DecisionKind::kInvalid) continue;
    ++checked;
    const bool acts = decision.kind == DecisionKind::kAct && decision.action == action;
    const bool refutes = kind == Query::kAlways ? !acts : acts;
    if (refutes && !first_refuting) first_refuting = i;
    // A proof covers every valid cell in scope.
    if (result.holds)
      UNWEDGE_ASSERT_MSG(!refutes, "{}", table.describe_cell(cell.state, cell.signals));
  }
  UNWEDGE_ASSERT_EQ(result.cells_checked, checked);
  UNWEDGE_ASSERT_EQ(result.holds, !first_refuting.has_value());
  UNWEDGE_ASSERT_EQ(result.holds, !result.counterexample.has_value());
  UNWEDGE_ASSERT(!result.describe(table).empty());
  if (result.holds) return;
  const Cell counterexample = *result.counterexample;
  UNWEDGE_ASSERT(counterexample == cells.cell(*first_refuting));
  UNWEDGE_ASSERT(result.got == cells.at(counterexample));
  UNWEDGE_ASSERT(result.got == table.decide(counterexample.state, counterexample.signals));
}

void check_queries(const TableSpec& spec, const DecisionTable& table, const Cells& cells,
                   unwedge::fuzz::FuzzInput& in) {
  if (spec.action_count == 0) return;  // a query names an action
  const auto given =
      SignalSet::from_bits(static_cast<std::uint32_t>(in.range(0, spec.signal_mask())));
  const auto action = static_cast<unwedge::core::ActionId>(in.range(0, spec.action_count - 1));
  const unwedge::fuzz::StateMask scope =
      in.boolean() ? unwedge::fuzz::draw_states(in, spec.state_count) : unwedge::fuzz::StateMask{};
  check_query(table, cells, Query::kAlways, given, action, scope);
  check_query(table, cells, Query::kNever, given, action, scope);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  unwedge::fuzz::FuzzInput in(data, size);
  const unwedge::fuzz::MachineSpec machine_spec = unwedge::fuzz::draw_machine(in, 8);
  const unwedge::core::MachineDef machine = unwedge::fuzz::build_machine(machine_spec);
  const TableSpec spec = unwedge::fuzz::draw_table(in, machine.state_count(), 8);
  const unwedge::core::Result<DecisionTable> table = unwedge::fuzz::build_table(spec, machine);
  UNWEDGE_ASSERT_MSG(table.ok() == spec.valid(), "the builder {} a table the spec calls {}",
                     table.ok() ? "accepted" : "refused", spec.valid() ? "valid" : "invalid");
  if (!table.ok()) {
    UNWEDGE_ASSERT(!table.error().message.empty());
    return 0;
  }
  UNWEDGE_ASSERT_EQ(table->rules().size(), spec.rules.size());
  UNWEDGE_ASSERT_EQ(table->invalid_combinations().size(), spec.invalid.size());

  const Cells cells = decide_all(spec, *table);
  check_analysis(*table, cells, in.range(0, 20));
  check_queries(spec, *table, cells, in);
  return 0;
}
