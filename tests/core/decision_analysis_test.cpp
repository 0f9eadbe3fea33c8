#include "core/decision_analysis.hpp"

#include <gtest/gtest.h>

#include "tests/support/small_machines.hpp"

namespace unwedge::core {
namespace {

// 4 states x 2^3 signal subsets = 32 cells in every table below
// (testing::small_replica_link).
using RuleSpec = DecisionTable::Builder::RuleSpec;

const RuleSpec kUnfollow{
    .name = "unfollow", .when = {"NeedsUnfollow"}, .action = "Unfollow", .priority = 90};
const RuleSpec kPromote{.name = "promote",
                        .when = {"NeedsPromote"},
                        .unless = {"StandbyLagging"},
                        .in = {"following"},
                        .action = "Promote",
                        .priority = 50};
const RuleSpec kIdle{.name = "idle", .priority = 0};

struct Analysis : ::testing::Test {
  MachineDef machine = testing::small_replica_link();
  // Unfollow beats everything, a lagging standby is not promoted, quiet cells
  // do nothing, and promote+unfollow together cannot happen.
  DecisionTable good = testing::build_table(
      testing::small_link_table(machine).rule(kUnfollow).rule(kPromote).rule(kIdle).invalid(
          {"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict"));
  StateId following = *machine.find_state("following");
  StateId lagging = *machine.find_state("lagging");
  ActionId promote = *good.find_action("Promote");
  ActionId unfollow = *good.find_action("Unfollow");

  SignalSet raised(std::initializer_list<std::string_view> names) const {
    return good.signals_named(names);
  }
};

TEST_F(Analysis, CorrectTableIsDeterministicAndComplete) {
  TableAnalysis a = analyze(good);
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.cells_checked, 32u);
  // {NeedsPromote, NeedsUnfollow} with or without StandbyLagging, in 4 states.
  EXPECT_EQ(a.invalid_cells, 8u);
  EXPECT_EQ(a.conflict_count, 0u);
  EXPECT_EQ(a.gap_count, 0u);
  EXPECT_TRUE(a.conflicts.empty());
  EXPECT_TRUE(a.gaps.empty());
  EXPECT_TRUE(a.dead_rules.empty());
  EXPECT_EQ(a.describe(good),
            "decision table 'replica_link' is deterministic and complete over 32 cells (8 "
            "invalid)\n");
}

TEST_F(Analysis, FindsTheOverlapOfEqualPriorityRules) {
  // Without the invalid combination and with unfollow lowered to promote's
  // priority, a follower asked for both gets two answers.
  RuleSpec unfollow_at_50 = kUnfollow;
  unfollow_at_50.priority = 50;
  DecisionTable overlap = testing::build_table(
      testing::small_link_table(machine).rule(kPromote).rule(unfollow_at_50).rule(kIdle));
  TableAnalysis a = analyze(overlap);
  EXPECT_FALSE(a.ok());
  EXPECT_EQ(a.cells_checked, 32u);
  EXPECT_EQ(a.invalid_cells, 0u);
  EXPECT_EQ(a.conflict_count, 1u);
  EXPECT_EQ(a.gap_count, 0u);
  ASSERT_EQ(a.conflicts.size(), 1u);
  EXPECT_EQ(a.conflicts[0].cell, (Cell{following, raised({"NeedsPromote", "NeedsUnfollow"})}));
  EXPECT_EQ(a.conflicts[0].rules, (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(a.dead_rules.empty());
  EXPECT_EQ(a.describe(overlap),
            "decision table 'replica_link': 32 cells checked, 0 invalid, 1 conflict, 0 gaps\n"
            "  in following with {NeedsPromote, NeedsUnfollow}: conflict: rules promote (Promote) "
            "and unfollow (Unfollow) at priority 50 disagree\n");
}

TEST_F(Analysis, FindsTheGapWhereNoRuleDecides) {
  // Nobody decided what a following but lagging standby does when asked to promote.
  DecisionTable gappy = testing::build_table(
      testing::small_link_table(machine)
          .rule(kUnfollow)
          .rule(kPromote)
          .rule({.name = "hold_promote",
                 .when = {"NeedsPromote"},
                 .in = {"lagging", "promoting", "promoted"},
                 .priority = 10})
          .rule({.name = "quiet", .unless = {"NeedsPromote", "NeedsUnfollow"}})
          .invalid({"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict"));
  TableAnalysis a = analyze(gappy);
  EXPECT_FALSE(a.ok());
  EXPECT_EQ(a.invalid_cells, 8u);
  EXPECT_EQ(a.conflict_count, 0u);
  EXPECT_EQ(a.gap_count, 1u);
  ASSERT_EQ(a.gaps.size(), 1u);
  EXPECT_EQ(a.gaps[0], (Cell{following, raised({"NeedsPromote", "StandbyLagging"})}));
  EXPECT_EQ(a.describe(gappy),
            "decision table 'replica_link': 32 cells checked, 8 invalid, 0 conflicts, 1 gap\n"
            "  in following with {NeedsPromote, StandbyLagging}: uncovered: no rule matches\n");
}

TEST_F(Analysis, KeepsOnlyTheFirstExamplesInEnumerationOrder) {
  DecisionTable sparse = testing::build_table(testing::small_link_table(machine).rule(kUnfollow));
  TableAnalysis a = analyze(sparse, 3);
  // Every subset without NeedsUnfollow, in every state.
  EXPECT_EQ(a.gap_count, 16u);
  EXPECT_EQ(a.gaps, (std::vector<Cell>{{following, {}},
                                       {following, raised({"NeedsPromote"})},
                                       {following, raised({"StandbyLagging"})}}));
  EXPECT_NE(a.describe(sparse).find("  ... and 13 more gaps\n"), std::string::npos)
      << a.describe(sparse);
  EXPECT_TRUE(analyze(sparse, 0).gaps.empty());
  EXPECT_EQ(analyze(sparse, 0).gap_count, 16u);
  EXPECT_EQ(analyze(sparse, 100).gaps.size(), 16u);
}

TEST_F(Analysis, ReportsShadowedAndUnsatisfiableRulesAsDead) {
  DecisionTable cluttered = testing::build_table(
      testing::small_link_table(machine)
          .rule(kUnfollow)
          .rule(kPromote)
          .rule(kIdle)
          .rule({.name = "unfollow_slowly",
                 .when = {"NeedsUnfollow"},
                 .action = "Unfollow",
                 .priority = 20})
          .rule({.name = "both",
                 .when = {"NeedsPromote", "NeedsUnfollow"},
                 .action = "Promote",
                 .priority = 100})
          .invalid({"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict"));
  TableAnalysis a = analyze(cluttered);
  // Dead rules are worth reading but do not make the table wrong.
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.dead_rules, (std::vector<std::size_t>{3, 4}));
  EXPECT_EQ(a.describe(cluttered),
            "decision table 'replica_link' is deterministic and complete over 32 cells (8 "
            "invalid)\n"
            "  rule 'unfollow_slowly' wins no cell: shadowed or unsatisfiable\n"
            "  rule 'both' wins no cell: shadowed or unsatisfiable\n");
}

TEST_F(Analysis, NeedsUnfollowAlwaysYieldsUnfollow) {
  QueryResult q = always(good, raised({"NeedsUnfollow"}), unfollow);
  EXPECT_TRUE(q.holds);
  // Per state: {NU}, {NU, SL} are valid; {NP, NU}, {NP, NU, SL} are invalid. 4 states x 2.
  EXPECT_EQ(q.cells_checked, 8u);
  EXPECT_FALSE(q.counterexample.has_value());
  EXPECT_EQ(q.describe(good), "holds over 8 cells");

  QueryResult in_lagging =
      always(good, raised({"NeedsUnfollow"}), unfollow, good.states_named({"lagging"}));
  EXPECT_TRUE(in_lagging.holds);
  EXPECT_EQ(in_lagging.cells_checked, 2u);
}

TEST_F(Analysis, FalseAlwaysGetsTheFirstCounterexample) {
  QueryResult q = always(good, raised({"NeedsPromote"}), promote);
  EXPECT_FALSE(q.holds);
  EXPECT_EQ(q.cells_checked, 8u);
  ASSERT_TRUE(q.counterexample.has_value());
  EXPECT_EQ(*q.counterexample, (Cell{following, raised({"NeedsPromote", "StandbyLagging"})}));
  EXPECT_EQ(q.got, (Decision{.kind = DecisionKind::kNothing, .rules = {2}}));
  EXPECT_EQ(q.describe(good),
            "fails in following with {NeedsPromote, StandbyLagging}: got do nothing (rule idle)");

  QueryResult elsewhere =
      always(good, raised({"NeedsPromote"}), promote, good.states_named({"lagging"}));
  EXPECT_FALSE(elsewhere.holds);
  EXPECT_EQ(elsewhere.cells_checked, 2u);
  EXPECT_EQ(*elsewhere.counterexample, (Cell{lagging, raised({"NeedsPromote"})}));
  EXPECT_EQ(elsewhere.describe(good),
            "fails in lagging with {NeedsPromote}: got do nothing (rule idle)");
}

TEST_F(Analysis, ALaggingStandbyIsNeverPromoted) {
  QueryResult q = never(good, raised({"StandbyLagging"}), promote);
  EXPECT_TRUE(q.holds);
  // Per state: {SL}, {NP, SL}, {NU, SL} valid, {NP, NU, SL} invalid. 4 states x 3.
  EXPECT_EQ(q.cells_checked, 12u);
  EXPECT_EQ(q.describe(good), "holds over 12 cells");

  QueryResult outside_following =
      never(good, {}, promote, good.states_named({"lagging", "promoting", "promoted"}));
  EXPECT_TRUE(outside_following.holds);
  EXPECT_EQ(outside_following.cells_checked, 18u);
}

TEST_F(Analysis, ARecklessTablePromotesALaggingStandby) {
  RuleSpec reckless = kPromote;
  reckless.unless.clear();
  DecisionTable bad = testing::build_table(
      testing::small_link_table(machine).rule(kUnfollow).rule(reckless).rule(kIdle).invalid(
          {"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict"));
  QueryResult q = never(bad, bad.signals_named({"StandbyLagging"}), promote);
  EXPECT_FALSE(q.holds);
  EXPECT_EQ(q.cells_checked, 12u);
  EXPECT_EQ(*q.counterexample, (Cell{following, raised({"NeedsPromote", "StandbyLagging"})}));
  EXPECT_EQ(q.got, (Decision{.kind = DecisionKind::kAct, .action = promote, .rules = {1}}));
  EXPECT_EQ(
      q.describe(bad),
      "fails in following with {NeedsPromote, StandbyLagging}: got act Promote (rule promote)");
}

TEST_F(Analysis, QueriesOverOnlyInvalidCellsHoldVacuously) {
  QueryResult q = always(good, raised({"NeedsPromote", "NeedsUnfollow"}), promote);
  EXPECT_TRUE(q.holds);
  EXPECT_EQ(q.cells_checked, 0u);
  EXPECT_EQ(q.describe(good), "holds over 0 cells");
}

TEST_F(Analysis, AnExceptionStatedInTheClaimNarrowsIt) {
  // "NeedsPromote always yields Promote in following" is false only because of
  // StandbyLagging; excluding it states the exception and the claim holds.
  StateSet in_following = good.states_named({"following"});
  QueryResult q =
      always(good, raised({"NeedsPromote"}), promote, in_following, raised({"StandbyLagging"}));
  EXPECT_TRUE(q.holds) << q.describe(good);
  // {NP} valid, {NP, NU} invalid, the two with SL excluded.
  EXPECT_EQ(q.cells_checked, 1u);

  QueryResult never_q = never(good, {}, promote, in_following, raised({"NeedsPromote"}));
  EXPECT_TRUE(never_q.holds);
  EXPECT_EQ(never_q.cells_checked, 4u);  // {}, {NU}, {SL}, {NU, SL}
}

}  // namespace
}  // namespace unwedge::core
