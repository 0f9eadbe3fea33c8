// GroupTable and its analysis: rules over a group of members that assign
// goals to several at once, symmetric renaming, and the exhaustive check of
// every (member states, signals) cell.
#include "core/group_table.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/group_analysis.hpp"
#include "core/machine.hpp"

namespace unwedge::core {
namespace {

MachineDef pair_machine() {
  return *MachineDef::Builder("replica")
              .state("primary", {.healthy = true, .stable = true})
              .state("standby", {.healthy = true, .stable = true})
              .state("promoting")
              .state("fenced")
              .transition("standby", "promoting", "goal")
              .transition("promoting", "primary", "goal")
              .transition("primary", "fenced", "goal")
              .transition("fenced", "standby", "goal")
              .initial("standby")
              .build();
}

using Spec = GroupTable::Builder::RuleSpec;

GroupTable::Builder failover_table(const MachineDef& machine) {
  GroupTable::Builder b("failover", machine);
  b.members({"a", "b"})
      .symmetric()
      .signals({"a.Down", "b.Down", "Maintenance"})
      .rule(Spec{.name = "failover",
                 .in = {{"a", {"primary"}}, {"b", {"standby"}}},
                 .when = {"a.Down"},
                 .unless = {"b.Down", "Maintenance"},
                 .assign = {{"a", "fenced"}, {"b", "promoting"}},
                 .priority = 50})
      .rule(Spec{.name = "steady", .priority = 0});
  return b;
}

StateId id(const MachineDef& m, std::string_view name) {
  return *m.find_state(name);
}

TEST(GroupTable, ARuleAssignsGoalsToSeveralMembersAtOnce) {
  MachineDef m = pair_machine();
  GroupTable table = *failover_table(m).build();
  const GroupStates states{{id(m, "primary"), id(m, "standby")}};
  GroupDecision d = table.decide(states, SignalSet::of({*table.find_signal("a.Down")}));
  ASSERT_EQ(d.kind, GroupDecision::Kind::kAssign) << table.describe(d);
  EXPECT_EQ(d.assign.goal[0], id(m, "fenced"));
  EXPECT_EQ(d.assign.goal[1], id(m, "promoting"));
  EXPECT_EQ(table.describe(d), "assign a -> fenced, b -> promoting (rule failover)");
  EXPECT_EQ(table.decide(states, {}).kind, GroupDecision::Kind::kNothing);
}

TEST(GroupTable, ASymmetricRuleHoldsWithTheMembersRenamedSignalsAlike) {
  MachineDef m = pair_machine();
  GroupTable table = *failover_table(m).build();
  // b leads and is down: the rule written for a holds for b.
  const GroupStates states{{id(m, "standby"), id(m, "primary")}};
  GroupDecision d = table.decide(states, SignalSet::of({*table.find_signal("b.Down")}));
  ASSERT_EQ(d.kind, GroupDecision::Kind::kAssign) << table.describe(d);
  EXPECT_EQ(d.assign.goal[0], id(m, "promoting"));
  EXPECT_EQ(d.assign.goal[1], id(m, "fenced"));
  EXPECT_EQ(table.rules()[d.rules.front()].name, "failover (a as b, b as a)");
  // a's own signal says nothing about b.
  EXPECT_EQ(table.decide(states, SignalSet::of({*table.find_signal("a.Down")})).kind,
            GroupDecision::Kind::kNothing);
  // The group signal is not renamed.
  EXPECT_EQ(table
                .decide(states, SignalSet::of({*table.find_signal("b.Down"),
                                               *table.find_signal("Maintenance")}))
                .kind,
            GroupDecision::Kind::kNothing);
}

TEST(GroupTable, AnalysisFindsConflictsGapsAndDeadRulesOverEveryCell) {
  MachineDef m = pair_machine();
  GroupTable clean = *failover_table(m).build();
  GroupAnalysis ok = analyze(clean);
  EXPECT_TRUE(ok.ok()) << ok.describe(clean);
  EXPECT_EQ(ok.cells_checked, 4U * 4U * 8U);
  EXPECT_TRUE(ok.dead_rules.empty());

  GroupTable::Builder b("bad", m);
  b.members({"a", "b"})
      .signals({"a.Down"})
      .rule(Spec{.name = "fence_a",
                 .in = {{"a", {"primary"}}},
                 .when = {"a.Down"},
                 .assign = {{"a", "fenced"}},
                 .priority = 5})
      .rule(Spec{.name = "promote_b",
                 .in = {{"a", {"primary"}}, {"b", {"standby"}}},
                 .when = {"a.Down"},
                 .assign = {{"b", "promoting"}},
                 .priority = 5})
      .rule(Spec{
          .name = "never", .in = {{"a", {"fenced"}}}, .assign = {{"a", "standby"}}, .priority = -1})
      .rule(Spec{.name = "fenced_back", .in = {{"a", {"fenced"}}}, .assign = {{"a", "standby"}}});
  GroupTable bad = *b.build();
  GroupAnalysis a = analyze(bad);
  EXPECT_EQ(a.cells_checked, 4U * 4U * 2U);
  EXPECT_EQ(a.conflict_count, 1U);  // a primary and down, b standby
  ASSERT_EQ(a.conflicts.size(), 1U);
  EXPECT_EQ(a.conflicts[0].cell.states.of[0], id(m, "primary"));
  EXPECT_EQ(a.conflicts[0].cell.states.of[1], id(m, "standby"));
  // Everything but the fenced a and the down primary a is uncovered.
  EXPECT_EQ(a.gap_count, 4U * 4U * 2U - 4U * 2U - 4U);
  ASSERT_EQ(a.dead_rules.size(), 1U);
  EXPECT_EQ(bad.rules()[a.dead_rules[0]].name, "never");
  EXPECT_NE(a.describe(bad).find("conflict a in primary, b in standby with {a.Down}"),
            std::string::npos)
      << a.describe(bad);
}

TEST(GroupTable, OutcomesListEachDistinctDecisionWithTheSignalsThatYieldIt) {
  MachineDef m = pair_machine();
  GroupTable table = *failover_table(m).build();
  std::vector<GroupOutcome> o = outcomes(table, GroupStates{{id(m, "primary"), id(m, "standby")}});
  ASSERT_EQ(o.size(), 2U);
  EXPECT_EQ(o[0].decision.kind, GroupDecision::Kind::kNothing);
  EXPECT_EQ(o[1].decision.kind, GroupDecision::Kind::kAssign);
  EXPECT_EQ(table.describe_cell(GroupStates{{id(m, "primary"), id(m, "standby")}}, o[1].signals),
            "a in primary, b in standby with {a.Down}");
}

// decide() looks only at the rules its per-state index admits; over a table
// of more than 64 rules (several index words) it must agree with a plain
// scan of every rule on every cell.
TEST(GroupTable, TheRuleIndexDecidesAsAScanOfEveryRule) {
  MachineDef m = pair_machine();
  GroupTable::Builder b("many", m);
  b.members({"a", "b", "c"}).signals({"s0", "s1", "s2"});
  const std::vector<std::string> names{"primary", "standby", "promoting", "fenced"};
  for (int i = 0; i < 150; ++i) {
    Spec spec{.name = "r" + std::to_string(i), .priority = i % 7};
    spec.in["a"] = {names[static_cast<std::size_t>(i) % 4]};
    if (i % 3 == 0) spec.in["b"] = {names[static_cast<std::size_t>(i / 3) % 4], "fenced"};
    if (i % 5 == 0) spec.in["c"] = {names[static_cast<std::size_t>(i / 5) % 4]};
    if (i % 2 == 0) spec.when = {"s" + std::to_string(i % 3)};
    if (i % 4 == 1) spec.unless = {"s" + std::to_string((i + 1) % 3)};
    spec.assign["a"] = names[static_cast<std::size_t>(i / 4) % 4];
    b.rule(spec);
  }
  GroupTable table = *b.build();
  ASSERT_GT(table.rules().size(), 128U);
  std::uint64_t cells = 0;
  for (StateId x = 0; x < 4; ++x) {
    for (StateId y = 0; y < 4; ++y) {
      for (StateId z = 0; z < 4; ++z) {
        for (std::uint32_t bits = 0; bits < 8; ++bits) {
          const GroupStates states{{x, y, z}};
          const SignalSet signals = SignalSet::from_bits(bits);
          std::vector<std::size_t> best;
          for (std::size_t r = 0; r < table.rules().size(); ++r) {
            const GroupRule& rule = table.rules()[r];
            if (!rule.matches(states, 3, signals)) continue;
            if (!best.empty() && rule.priority < table.rules()[best[0]].priority) continue;
            if (!best.empty() && rule.priority > table.rules()[best[0]].priority) best.clear();
            best.push_back(r);
          }
          EXPECT_EQ(table.decide(states, signals).rules, best)
              << table.describe_cell(states, signals);
          ++cells;
        }
      }
    }
  }
  EXPECT_EQ(cells, table.cell_count());
}

TEST(GroupTable, BuildNamesEveryMistakeAtOnce) {
  MachineDef m = pair_machine();
  Result<GroupTable> bad = GroupTable::Builder("bad", m)
                               .members({"a", "b"})
                               .symmetric()
                               .signals({"a.Down"})
                               .rule(Spec{.name = "r",
                                          .in = {{"c", {"primary"}}, {"a", {"primray"}}},
                                          .when = {"a.Down"},
                                          .assign = {{"b", "promotng"}}})
                               .build();
  ASSERT_FALSE(bad.ok());
  const std::string& text = bad.error().message;
  EXPECT_NE(text.find("unknown member 'c'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown state 'primray'"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'primary'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown goal 'promotng'"), std::string::npos) << text;
  EXPECT_NE(text.find("renames to 'b.Down'; declare 'b.Down' too"), std::string::npos) << text;
  // Resolved once per renaming, said once.
  EXPECT_EQ(text.find("unknown state 'primray'"), text.rfind("unknown state 'primray'")) << text;

  Result<GroupTable> four = GroupTable::Builder("four", m).members({"a", "b", "c", "d"}).build();
  ASSERT_FALSE(four.ok());
  EXPECT_NE(four.error().message.find("a group has 1 to 3"), std::string::npos);

  std::vector<std::string> signals;
  for (int i = 0; i < 25; ++i)
    signals.push_back("s" + std::to_string(i));
  Result<GroupTable> wide = GroupTable::Builder("wide", m).members({"a"}).signals(signals).build();
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message.find("at most 24 are supported"), std::string::npos);

  // 4^3 state tuples * 2^20 signal subsets: past what the analysis checks quickly.
  signals.resize(20);
  Result<GroupTable> big =
      GroupTable::Builder("big", m).members({"a", "b", "c"}).signals(signals).build();
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("67108864 cells"), std::string::npos) << big.error().message;
  signals.resize(19);  // 2^25 cells: at the limit, accepted
  EXPECT_TRUE(
      GroupTable::Builder("edge", m).members({"a", "b", "c"}).signals(signals).build().ok());
}

}  // namespace
}  // namespace unwedge::core
