// Random decision tables checked cell by cell against a naive reference.
//
// The reference restates the semantics in the most direct way (filter
// invalid, collect matches, take the top priority, compare actions) over the
// generated description itself, not over the resolved table, so a resolution
// mistake in the builder shows up as a disagreement too.
#include <algorithm>
#include <fmt/format.h>
#include <set>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "core/decision_analysis.hpp"
#include "core/decision_table.hpp"

namespace unwedge::core {
namespace {

struct GenRule {
  std::vector<int> when;
  std::vector<int> unless;
  std::vector<int> in;  // empty: every state
  int action = -1;      // -1: do nothing
  int priority = 0;
  bool named = true;
};

struct GenInvalid {
  std::vector<int> signals;  // never empty
  std::vector<int> in;       // empty: every state
};

struct GenTable {
  int state_count = 1;
  int signal_count = 1;
  int action_count = 1;
  std::vector<GenRule> rules;
  std::vector<GenInvalid> invalid;
};

std::vector<int> pick_subset(int size) {
  const auto mask = *rc::gen::container<std::vector<bool>>(static_cast<std::size_t>(size),
                                                           rc::gen::arbitrary<bool>());
  std::vector<int> picked;
  for (int i = 0; i < size; ++i) {
    if (mask[static_cast<std::size_t>(i)]) picked.push_back(i);
  }
  return picked;
}

GenRule pick_rule(const GenTable& t) {
  GenRule rule;
  // Most signals are ignored by a rule; a signal is never in both lists.
  for (int s = 0; s < t.signal_count; ++s) {
    const int role = *rc::gen::weightedElement<int>({{4, 0}, {2, 1}, {1, 2}});
    if (role == 1) rule.when.push_back(s);
    if (role == 2) rule.unless.push_back(s);
  }
  if (*rc::gen::arbitrary<bool>()) rule.in = pick_subset(t.state_count);
  rule.action = *rc::gen::inRange(-1, t.action_count);
  rule.priority = *rc::gen::inRange(0, 3);  // a small range, so ties are common
  rule.named = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
  return rule;
}

GenTable pick_table() {
  GenTable t;
  t.state_count = *rc::gen::inRange(1, 7);
  t.signal_count = *rc::gen::inRange(1, 7);
  t.action_count = *rc::gen::inRange(1, 4);
  const int rule_count = *rc::gen::inRange(0, 10);
  for (int i = 0; i < rule_count; ++i)
    t.rules.push_back(pick_rule(t));
  const int invalid_count = *rc::gen::inRange(0, 3);
  for (int i = 0; i < invalid_count; ++i) {
    GenInvalid inv;
    inv.signals = pick_subset(t.signal_count);
    if (inv.signals.empty()) inv.signals.push_back(*rc::gen::inRange(0, t.signal_count));
    if (*rc::gen::arbitrary<bool>()) inv.in = pick_subset(t.state_count);
    t.invalid.push_back(inv);
  }
  return t;
}

std::vector<std::string> names(std::string_view prefix, const std::vector<int>& ids) {
  std::vector<std::string> result;
  for (int id : ids)
    result.push_back(fmt::format("{}{}", prefix, id));
  return result;
}

std::vector<int> all_ids(int count) {
  std::vector<int> ids;
  for (int i = 0; i < count; ++i)
    ids.push_back(i);
  return ids;
}

MachineDef build_machine(const GenTable& t) {
  MachineDef::Builder builder("random");
  for (int s = 0; s < t.state_count; ++s)
    builder.state(fmt::format("s{}", s));
  builder.initial("s0");
  Result<MachineDef> machine = builder.build();
  RC_ASSERT(machine.ok());
  return std::move(machine).value();
}

DecisionTable build_table(const GenTable& t, const MachineDef& machine) {
  DecisionTable::Builder builder("random", machine);
  builder.signals(names("S", all_ids(t.signal_count))).actions(names("A", all_ids(t.action_count)));
  for (std::size_t i = 0; i < t.rules.size(); ++i) {
    const GenRule& r = t.rules[i];
    builder.rule({.name = r.named ? fmt::format("r{}", i) : "",
                  .when = names("S", r.when),
                  .unless = names("S", r.unless),
                  .in = names("s", r.in),
                  .action = r.action < 0 ? "" : fmt::format("A{}", r.action),
                  .priority = r.priority});
  }
  for (std::size_t i = 0; i < t.invalid.size(); ++i) {
    builder.invalid(names("S", t.invalid[i].signals), fmt::format("why{}", i),
                    names("s", t.invalid[i].in));
  }
  Result<DecisionTable> table = builder.build();
  if (!table.ok()) RC_FAIL(table.error().message);
  return std::move(table).value();
}

bool in_states(const std::vector<int>& states, int state) {
  return states.empty() || std::find(states.begin(), states.end(), state) != states.end();
}

// The obviously-correct restatement of decide().
Decision reference_decide(const GenTable& t, int state, std::uint32_t bits) {
  auto raised = [bits](int s) { return ((bits >> s) & 1U) != 0; };
  for (std::size_t i = 0; i < t.invalid.size(); ++i) {
    const GenInvalid& inv = t.invalid[i];
    if (in_states(inv.in, state) && std::all_of(inv.signals.begin(), inv.signals.end(), raised)) {
      return Decision{.kind = DecisionKind::kInvalid, .invalid = i};
    }
  }
  std::vector<std::size_t> matching;
  for (std::size_t i = 0; i < t.rules.size(); ++i) {
    const GenRule& r = t.rules[i];
    if (in_states(r.in, state) && std::all_of(r.when.begin(), r.when.end(), raised) &&
        std::none_of(r.unless.begin(), r.unless.end(), raised)) {
      matching.push_back(i);
    }
  }
  if (matching.empty()) return Decision{.kind = DecisionKind::kUncovered};
  int top = t.rules[matching[0]].priority;
  for (std::size_t i : matching)
    top = std::max(top, t.rules[i].priority);
  std::vector<std::size_t> winners;
  std::set<int> actions;
  for (std::size_t i : matching) {
    if (t.rules[i].priority != top) continue;
    winners.push_back(i);
    actions.insert(t.rules[i].action);
  }
  if (actions.size() > 1) return Decision{.kind = DecisionKind::kConflict, .rules = winners};
  const int action = *actions.begin();
  if (action < 0) return Decision{.kind = DecisionKind::kNothing, .rules = winners};
  return Decision{
      .kind = DecisionKind::kAct, .action = static_cast<ActionId>(action), .rules = winners};
}

std::string show(const Decision& d) {
  return fmt::format("kind {} action {} rules [{}] invalid {}", static_cast<int>(d.kind),
                     d.action ? static_cast<int>(*d.action) : -1, fmt::join(d.rules, ","),
                     d.invalid ? static_cast<int>(*d.invalid) : -1);
}

RC_GTEST_PROP(DecisionTableProperty, DecideAgreesWithTheReferenceOnEveryCell, ()) {
  const GenTable t = pick_table();
  const MachineDef machine = build_machine(t);
  const DecisionTable table = build_table(t, machine);
  for (int s = 0; s < t.state_count; ++s) {
    for (std::uint32_t bits = 0; bits < (1U << t.signal_count); ++bits) {
      const auto state = static_cast<StateId>(s);
      const Decision got = table.decide(state, SignalSet::from_bits(bits));
      const Decision want = reference_decide(t, s, bits);
      if (!(got == want)) {
        RC_FAIL(fmt::format("{}: got {} ({}), reference {}",
                            table.describe_cell(state, SignalSet::from_bits(bits)), show(got),
                            table.describe(got), show(want)));
      }
    }
  }
}

RC_GTEST_PROP(DecisionTableProperty, AnalysisCountsMatchBruteForce, ()) {
  const GenTable t = pick_table();
  const MachineDef machine = build_machine(t);
  const DecisionTable table = build_table(t, machine);
  const std::size_t examples_max = *rc::gen::inRange<std::size_t>(0, 5);

  TableAnalysis want;
  std::vector<bool> wins(t.rules.size(), false);
  for (int s = 0; s < t.state_count; ++s) {
    for (std::uint32_t bits = 0; bits < (1U << t.signal_count); ++bits) {
      const Cell cell{static_cast<StateId>(s), SignalSet::from_bits(bits)};
      const Decision d = reference_decide(t, s, bits);
      ++want.cells_checked;
      if (d.kind == DecisionKind::kInvalid) {
        ++want.invalid_cells;
        continue;
      }
      for (std::size_t r : d.rules)
        wins[r] = true;
      if (d.kind == DecisionKind::kConflict) {
        ++want.conflict_count;
        if (want.conflicts.size() < examples_max) want.conflicts.push_back({cell, d.rules});
      }
      if (d.kind == DecisionKind::kUncovered) {
        ++want.gap_count;
        if (want.gaps.size() < examples_max) want.gaps.push_back(cell);
      }
    }
  }
  for (std::size_t r = 0; r < wins.size(); ++r) {
    if (!wins[r]) want.dead_rules.push_back(r);
  }

  const TableAnalysis got = analyze(table, examples_max);
  // The generator must reach every finding, not only clean tables.
  RC_CLASSIFY(want.conflict_count > 0, "conflicts");
  RC_CLASSIFY(want.gap_count > 0, "gaps");
  RC_CLASSIFY(want.invalid_cells > 0, "invalid cells");
  RC_CLASSIFY(!want.dead_rules.empty(), "dead rules");
  RC_ASSERT(got.cells_checked == want.cells_checked);
  RC_ASSERT(got.invalid_cells == want.invalid_cells);
  RC_ASSERT(got.conflict_count == want.conflict_count);
  RC_ASSERT(got.gap_count == want.gap_count);
  RC_ASSERT(got.gaps.size() == want.gaps.size());
  RC_ASSERT(std::equal(got.gaps.begin(), got.gaps.end(), want.gaps.begin()));
  RC_ASSERT(got.conflicts.size() == want.conflicts.size());
  for (std::size_t i = 0; i < got.conflicts.size(); ++i) {
    RC_ASSERT(got.conflicts[i].cell == want.conflicts[i].cell);
    RC_ASSERT(got.conflicts[i].rules == want.conflicts[i].rules);
  }
  RC_ASSERT(got.dead_rules == want.dead_rules);
  RC_ASSERT(got.ok() == (want.conflict_count == 0 && want.gap_count == 0));
}

RC_GTEST_PROP(DecisionTableProperty, QueriesMatchBruteForce, ()) {
  const GenTable t = pick_table();
  const MachineDef machine = build_machine(t);
  const DecisionTable table = build_table(t, machine);
  const auto action = static_cast<ActionId>(*rc::gen::inRange(0, t.action_count));
  // The AND of two random masks keeps `given` small, so queries have cells to check.
  const std::uint32_t subsets = 1U << t.signal_count;
  const auto given = SignalSet::from_bits(*rc::gen::inRange<std::uint32_t>(0, subsets) &
                                          *rc::gen::inRange<std::uint32_t>(0, subsets));
  const std::vector<int> in = pick_subset(t.state_count);
  StateSet in_set;
  for (int s : in)
    in_set = in_set.with(static_cast<StateId>(s));

  // First failing cell for each query, and the count of valid cells in scope.
  std::size_t cells = 0;
  std::optional<Cell> always_fails;
  std::optional<Cell> never_fails;
  for (int s = 0; s < t.state_count; ++s) {
    if (!in_states(in, s)) continue;
    for (std::uint32_t bits = 0; bits < (1U << t.signal_count); ++bits) {
      if ((bits & given.bits()) != given.bits()) continue;
      const Decision d = reference_decide(t, s, bits);
      if (d.kind == DecisionKind::kInvalid) continue;
      ++cells;
      const bool acts = d.kind == DecisionKind::kAct && d.action == action;
      const Cell cell{static_cast<StateId>(s), SignalSet::from_bits(bits)};
      if (!acts && !always_fails) always_fails = cell;
      if (acts && !never_fails) never_fails = cell;
    }
  }

  const QueryResult a = always(table, given, action, in_set);
  RC_ASSERT(a.cells_checked == cells);
  RC_ASSERT(a.holds == !always_fails.has_value());
  RC_ASSERT(a.counterexample == always_fails);
  const QueryResult n = never(table, given, action, in_set);
  RC_ASSERT(n.cells_checked == cells);
  RC_ASSERT(n.holds == !never_fails.has_value());
  RC_ASSERT(n.counterexample == never_fails);
  if (n.counterexample) {
    RC_ASSERT(n.got ==
              reference_decide(t, n.counterexample->state, n.counterexample->signals.bits()));
  }
}

}  // namespace
}  // namespace unwedge::core
