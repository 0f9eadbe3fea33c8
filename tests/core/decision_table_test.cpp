#include "core/decision_table.hpp"

#include <gtest/gtest.h>

#include "tests/support/small_machines.hpp"

namespace unwedge::core {
namespace {

MachineDef replica_link() {
  return testing::small_replica_link();
}

DecisionTable::Builder link_builder(const MachineDef& machine) {
  return testing::small_link_table(machine);
}

DecisionTable build(const DecisionTable::Builder& builder) {
  return testing::build_table(builder);
}

// The table of the header's example: unfollow beats promote, a lagging
// standby is not promoted, and quiet cells explicitly do nothing.
DecisionTable link_table(const MachineDef& machine) {
  return build(
      link_builder(machine)
          .rule(
              {.name = "unfollow", .when = {"NeedsUnfollow"}, .action = "Unfollow", .priority = 90})
          .rule({.name = "promote",
                 .when = {"NeedsPromote"},
                 .unless = {"StandbyLagging"},
                 .in = {"following"},
                 .action = "Promote",
                 .priority = 50})
          .rule({.name = "idle", .priority = 0})
          .invalid({"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict"));
}

struct LinkFixture : ::testing::Test {
  MachineDef machine = replica_link();
  DecisionTable table = link_table(machine);
  StateId following = *machine.find_state("following");
  StateId lagging = *machine.find_state("lagging");
  StateId promoted = *machine.find_state("promoted");
  ActionId promote = *table.find_action("Promote");
  ActionId unfollow = *table.find_action("Unfollow");

  SignalSet raised(std::initializer_list<std::string_view> names) const {
    return table.signals_named(names);
  }
};

TEST_F(LinkFixture, ResolvesNamesToIds) {
  EXPECT_EQ(table.name(), "replica_link");
  EXPECT_EQ(&table.machine(), &machine);
  EXPECT_EQ(table.find_signal("NeedsPromote"), SignalId{0});
  EXPECT_EQ(table.find_signal("StandbyLagging"), SignalId{2});
  EXPECT_FALSE(table.find_signal("Missing").has_value());
  EXPECT_EQ(promote, 0);
  EXPECT_EQ(unfollow, 1);
  EXPECT_FALSE(table.find_action("Destroy").has_value());
  EXPECT_EQ(table.action_name(unfollow), "Unfollow");
  EXPECT_EQ(table.all_signals().bits(), 0b111u);
  EXPECT_EQ(raised({"NeedsPromote", "StandbyLagging"}).bits(), 0b101u);
  EXPECT_EQ(table.states_named({"following", "promoted"}).bits(), 0b1001u);

  ASSERT_EQ(table.rules().size(), 3u);
  const Rule& rule = table.rules()[1];
  EXPECT_EQ(rule.name, "promote");
  EXPECT_EQ(rule.when, raised({"NeedsPromote"}));
  EXPECT_EQ(rule.unless, raised({"StandbyLagging"}));
  EXPECT_EQ(rule.in, StateSet::from_bits(0b0001));
  EXPECT_EQ(rule.action, promote);
  EXPECT_EQ(rule.priority, 50);
  // A rule with no `in` applies in every state; no action means do nothing.
  EXPECT_EQ(table.rules()[2].in, StateSet::all(4));
  EXPECT_FALSE(table.rules()[2].action.has_value());
  ASSERT_EQ(table.invalid_combinations().size(), 1u);
  EXPECT_EQ(table.invalid_combinations()[0].signals, raised({"NeedsPromote", "NeedsUnfollow"}));
  EXPECT_EQ(table.invalid_combinations()[0].in, StateSet::all(4));
}

TEST_F(LinkFixture, DecidesEachKind) {
  EXPECT_EQ(table.decide(following, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kAct, .action = promote, .rules = {1}}));
  EXPECT_EQ(table.decide(following, {}), (Decision{.kind = DecisionKind::kNothing, .rules = {2}}));
  EXPECT_EQ(table.decide(lagging, raised({"NeedsPromote", "NeedsUnfollow"})),
            (Decision{.kind = DecisionKind::kInvalid, .invalid = 0}));

  DecisionTable gappy = build(link_builder(machine).rule(
      {.name = "unfollow", .when = {"NeedsUnfollow"}, .action = "Unfollow"}));
  EXPECT_EQ(gappy.decide(following, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kUncovered}));

  DecisionTable torn =
      build(link_builder(machine)
                .rule({.name = "a", .when = {"NeedsPromote"}, .action = "Promote", .priority = 50})
                .rule({.name = "b", .when = {"NeedsPromote"}, .action = "Unfollow", .priority = 50})
                .rule({.name = "c", .when = {"NeedsPromote"}, .priority = 50}));
  EXPECT_EQ(torn.decide(promoted, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kConflict, .rules = {0, 1, 2}}));
}

TEST_F(LinkFixture, HigherPriorityWinsWhereverItIsDeclared) {
  // unfollow (90) beats idle (0) although idle also matches.
  EXPECT_EQ(table.decide(promoted, raised({"NeedsUnfollow", "StandbyLagging"})),
            (Decision{.kind = DecisionKind::kAct, .action = unfollow, .rules = {0}}));

  DecisionTable late = build(
      link_builder(machine)
          .rule({.name = "low", .when = {"NeedsPromote"}, .action = "Promote", .priority = 1})
          .rule({.name = "high", .when = {"NeedsPromote"}, .action = "Unfollow", .priority = 2}));
  EXPECT_EQ(late.decide(following, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kAct, .action = unfollow, .rules = {1}}));
  // Negative priorities order the same way.
  DecisionTable negative =
      build(link_builder(machine)
                .rule({.name = "fallback", .action = "Unfollow", .priority = -5})
                .rule({.name = "quiet", .unless = {"NeedsUnfollow"}, .priority = -1}));
  EXPECT_EQ(negative.decide(following, raised({"NeedsUnfollow"})),
            (Decision{.kind = DecisionKind::kAct, .action = unfollow, .rules = {0}}));
  EXPECT_EQ(negative.decide(following, {}),
            (Decision{.kind = DecisionKind::kNothing, .rules = {1}}));
}

TEST_F(LinkFixture, EqualPriorityRulesThatAgreeAllWin) {
  DecisionTable twice =
      build(link_builder(machine)
                .rule({.name = "by_operator", .when = {"NeedsPromote"}, .action = "Promote"})
                .rule({.name = "by_monitor", .unless = {"StandbyLagging"}, .action = "Promote"})
                .rule({.name = "rest", .when = {"StandbyLagging"}})
                .rule({.name = "rest_too", .when = {"StandbyLagging"}}));
  EXPECT_EQ(twice.decide(following, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kAct, .action = promote, .rules = {0, 1}}));
  EXPECT_EQ(twice.decide(following, raised({"StandbyLagging"})),
            (Decision{.kind = DecisionKind::kNothing, .rules = {2, 3}}));
  // `unless StandbyLagging` drops by_monitor, leaving by_operator against both rests.
  EXPECT_EQ(twice.decide(following, raised({"NeedsPromote", "StandbyLagging"})),
            (Decision{.kind = DecisionKind::kConflict, .rules = {0, 2, 3}}));
}

TEST_F(LinkFixture, UnlessBlocksARule) {
  EXPECT_EQ(table.decide(following, raised({"NeedsPromote", "StandbyLagging"})),
            (Decision{.kind = DecisionKind::kNothing, .rules = {2}}));
  EXPECT_TRUE(table.rules()[1].matches(following, raised({"NeedsPromote"})));
  EXPECT_FALSE(table.rules()[1].matches(following, raised({"NeedsPromote", "StandbyLagging"})));
}

TEST_F(LinkFixture, InRestrictsARuleToStates) {
  EXPECT_EQ(table.decide(lagging, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kNothing, .rules = {2}}));
  EXPECT_EQ(table.decide(promoted, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kNothing, .rules = {2}}));
  DecisionTable two_states = build(link_builder(machine).rule(
      {.name = "p", .in = {"lagging", "promoted"}, .action = "Promote"}));
  EXPECT_EQ(two_states.rules()[0].in, table.states_named({"lagging", "promoted"}));
  EXPECT_EQ(two_states.decide(lagging, {}).kind, DecisionKind::kAct);
  EXPECT_EQ(two_states.decide(promoted, {}).kind, DecisionKind::kAct);
  EXPECT_EQ(two_states.decide(following, {}).kind, DecisionKind::kUncovered);
}

TEST_F(LinkFixture, InvalidCombinationsApplyOnlyInTheirStates) {
  DecisionTable scoped =
      build(link_builder(machine)
                .rule({.name = "idle"})
                .invalid({"NeedsPromote"}, "already promoted", {"promoted"})
                .invalid({"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict"));
  EXPECT_EQ(scoped.invalid_combinations()[0].in, StateSet::from_bits(0b1000));
  EXPECT_EQ(scoped.decide(promoted, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kInvalid, .invalid = 0}));
  EXPECT_EQ(scoped.decide(following, raised({"NeedsPromote"})),
            (Decision{.kind = DecisionKind::kNothing, .rules = {0}}));
  // Superset of the signals is invalid too; the first matching combination is reported.
  EXPECT_EQ(scoped.decide(promoted, raised({"NeedsPromote", "NeedsUnfollow"})),
            (Decision{.kind = DecisionKind::kInvalid, .invalid = 0}));
  EXPECT_EQ(scoped.decide(following, raised({"NeedsPromote", "NeedsUnfollow", "StandbyLagging"})),
            (Decision{.kind = DecisionKind::kInvalid, .invalid = 1}));
  EXPECT_EQ(scoped.decide(promoted, raised({"NeedsUnfollow"})).kind, DecisionKind::kNothing);
}

TEST_F(LinkFixture, DescribesCellsAndDecisions) {
  EXPECT_EQ(table.describe_signals({}), "{}");
  EXPECT_EQ(table.describe_signals(raised({"StandbyLagging", "NeedsPromote"})),
            "{NeedsPromote, StandbyLagging}");
  EXPECT_EQ(table.describe_cell(following, raised({"NeedsPromote", "StandbyLagging"})),
            "in following with {NeedsPromote, StandbyLagging}");
  EXPECT_EQ(table.describe_cell(promoted, {}), "in promoted with {}");

  EXPECT_EQ(table.describe(table.decide(following, raised({"NeedsPromote"}))),
            "act Promote (rule promote)");
  EXPECT_EQ(table.describe(table.decide(following, {})), "do nothing (rule idle)");
  EXPECT_EQ(table.describe(table.decide(following, raised({"NeedsPromote", "NeedsUnfollow"}))),
            "invalid: promote and unfollow conflict");
  EXPECT_EQ(table.describe(Decision{.kind = DecisionKind::kUncovered}),
            "uncovered: no rule matches");
  EXPECT_EQ(
      table.describe(Decision{.kind = DecisionKind::kAct, .action = promote, .rules = {1, 0}}),
      "act Promote (rules promote, unfollow)");

  DecisionTable torn =
      build(link_builder(machine)
                .rule({.name = "a", .when = {"NeedsPromote"}, .action = "Promote", .priority = 50})
                .rule({.name = "b", .when = {"NeedsPromote"}, .action = "Unfollow", .priority = 50})
                .rule({.name = "c", .unless = {"NeedsUnfollow"}, .priority = 50}));
  EXPECT_EQ(torn.describe(torn.decide(following, raised({"NeedsPromote", "NeedsUnfollow"}))),
            "conflict: rules a (Promote) and b (Unfollow) at priority 50 disagree");
  EXPECT_EQ(torn.describe(torn.decide(following, raised({"NeedsPromote"}))),
            "conflict: rules a (Promote), b (Unfollow) and c (do nothing) at priority 50 disagree");
}

TEST_F(LinkFixture, UnnamedRulesAreNamedByIndex) {
  DecisionTable unnamed = build(link_builder(machine)
                                    .rule({.when = {"NeedsUnfollow"}, .action = "Unfollow"})
                                    .rule({.name = "idle", .unless = {"NeedsUnfollow"}})
                                    .rule({.when = {"NeedsPromote"}, .priority = -1}));
  EXPECT_EQ(unnamed.rules()[0].name, "rule#0");
  EXPECT_EQ(unnamed.rules()[2].name, "rule#2");
  EXPECT_EQ(unnamed.describe(unnamed.decide(lagging, raised({"NeedsUnfollow"}))),
            "act Unfollow (rule rule#0)");
}

TEST_F(LinkFixture, NamingAMissingSignalOrStateIsAContractBreach) {
  AssertionHandler previous = set_assertion_handler(&throwing_assertion_handler);
  EXPECT_THROW((void)table.signals_named({"NeedsPromote", "NeedsRestart"}), AssertionFailure);
  EXPECT_THROW((void)table.states_named({"unfollowed"}), AssertionFailure);
  EXPECT_THROW((void)table.decide(following, SignalSet::of({3})), AssertionFailure);
  set_assertion_handler(previous);
}

TEST(DecisionTableBuilder, ReportsEveryMistakeAtOnce) {
  MachineDef machine = replica_link();
  Result<DecisionTable> table =
      DecisionTable::Builder("broken", machine)
          .signals({"NeedsPromote", "NeedsUnfollow", "NeedsPromote"})
          .actions({"Promote", "Promote", "Unfollow"})
          .rule({.name = "r1", .when = {"NeedsPromte"}, .action = "Promote"})
          .rule({.name = "r2", .unless = {"Lagging"}, .in = {"folowing"}, .action = "Destroy"})
          .rule({.when = {"NeedsUnfollow"}, .unless = {"NeedsUnfollow"}, .action = "Unfollow"})
          .rule({.name = "r1"})
          .invalid({"NeedsPromote", "Ghost"}, "ghosts", {"limbo"})
          .invalid({}, "everything")
          .build();
  ASSERT_FALSE(table.ok());
  const std::string& message = table.error().message;
  const std::vector<std::string> expected = {
      "decision table 'broken' is invalid: ",
      "signal 'NeedsPromote' is declared twice",
      "action 'Promote' is declared twice",
      "rule 'r1' names unknown signal 'NeedsPromte'",
      "rule 'r2' names unknown signal 'Lagging'",
      "rule 'r2' names unknown state 'folowing' (machine 'replica_link')",
      "rule 'r2' names unknown action 'Destroy'",
      "rule 'rule#2' can never match: {NeedsUnfollow} is in both when and unless",
      "rule 'r1' is declared twice",
      "invalid combination 'ghosts' names unknown signal 'Ghost'",
      "invalid combination 'ghosts' names unknown state 'limbo' (machine 'replica_link')",
      "invalid combination 'everything' names no signals; it would forbid every cell",
  };
  for (const std::string& part : expected) {
    EXPECT_NE(message.find(part), std::string::npos) << "missing '" << part << "' in " << message;
  }
}

TEST(DecisionTableBuilder, SuggestsTheDeclaredNameATypoMeant) {
  MachineDef machine = replica_link();
  Result<DecisionTable> table = link_builder(machine)
                                    .rule({.name = "promote",
                                           .when = {"NeedsPromte"},
                                           .unless = {"standbylagging"},
                                           .in = {"folowing"},
                                           .action = "Promtoe"})
                                    .rule({.name = "far", .when = {"Ghost"}, .in = {"limbo"}})
                                    .build();
  ASSERT_FALSE(table.ok());
  const std::string& message = table.error().message;
  const std::vector<std::string> expected = {
      "rule 'promote' names unknown signal 'NeedsPromte'; did you mean 'NeedsPromote'?",
      "rule 'promote' names unknown signal 'standbylagging'; did you mean 'StandbyLagging'?",
      "rule 'promote' names unknown state 'folowing' (machine 'replica_link'); did you mean "
      "'following'?",
      "rule 'promote' names unknown action 'Promtoe'; did you mean 'Promote'?",
      // Nothing declared is close to these: no guess rather than a wrong one.
      "rule 'far' names unknown signal 'Ghost'; rule 'far' names unknown state 'limbo' (machine "
      "'replica_link')",
  };
  for (const std::string& part : expected) {
    EXPECT_NE(message.find(part), std::string::npos) << "missing '" << part << "' in " << message;
  }
  EXPECT_TRUE(message.ends_with("(machine 'replica_link')")) << message;
}

TEST(DecisionTableBuilder, RejectsMoreSignalsThanCellsCanEnumerate) {
  MachineDef machine = replica_link();
  std::vector<std::string> names;
  for (int i = 0; i < 17; ++i)
    names.push_back("S" + std::to_string(i));
  Result<DecisionTable> table = DecisionTable::Builder("wide", machine)
                                    .signals(names)
                                    .rule({.name = "last", .when = {"S16"}})
                                    .build();
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message,
            "decision table 'wide' is invalid: it declares 17 signals; at most 16 are supported");

  names.pop_back();
  Result<DecisionTable> sixteen =
      DecisionTable::Builder("wide", machine).signals(names).rule({.when = {"S15"}}).build();
  ASSERT_TRUE(sixteen.ok()) << sixteen.error().message;
  EXPECT_EQ(sixteen->all_signals().bits(), 0xFFFFu);
  EXPECT_EQ(sixteen->rules()[0].when.bits(), 0x8000u);
}

TEST(DecisionTableBuilder, EmptyNamesAreMistakes) {
  MachineDef machine = replica_link();
  Result<DecisionTable> table =
      DecisionTable::Builder("", machine).signals({""}).actions({""}).build();
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message,
            "decision table '' is invalid: the table has no name; signal #0 has an empty name; "
            "action #0 has an empty name");
}

}  // namespace
}  // namespace unwedge::core
