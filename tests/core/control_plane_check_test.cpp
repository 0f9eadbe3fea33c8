#include "core/control_plane_check.hpp"

#include <gtest/gtest.h>

namespace unwedge::core {
namespace {

StepResult does_nothing(StepContext&) {
  return StepResult::next();
}

// A replica link whose only way to promoted is through fencing, and a table
// that promotes only a caught-up follower.
class ControlPlaneCheckTest : public ::testing::Test {
 protected:
  ControlPlaneCheckTest()
      : link_(*MachineDef::Builder("replica_link")
                   .state("following", {.healthy = true, .stable = true})
                   .state("lagging", {.dwell_max_us = 10 * kMinute})
                   .state("fencing", {.dwell_max_us = kMinute})
                   .state("promoted", {.healthy = true, .stable = true})
                   .transition("following", "lagging", "lag_exceeded")
                   .transition("lagging", "following", "caught_up")
                   .transition("following", "fencing", "promote_requested")
                   .transition("fencing", "promoted", "fenced_old_leader")
                   .initial("following")
                   .terminal("promoted")
                   .build()),
        table_(*DecisionTable::Builder("replica_link", link_)
                    .signals({"NeedsPromote", "StandbyLagging"})
                    .actions({"Promote"})
                    .rule({.name = "promote",
                           .when = {"NeedsPromote"},
                           .unless = {"StandbyLagging"},
                           .in = {"following"},
                           .action = "Promote",
                           .priority = 50})
                    .rule({.name = "idle"})
                    .build()),
        promote_{.name = "Promote",
                 .steps = {{"all", does_nothing}},
                 .transitions = {{"replica_link", "following", "fencing", "promote_requested"},
                                 {"replica_link", "fencing", "promoted", "fenced_old_leader"}}} {}

  ControlPlaneModel model() {
    return ControlPlaneModel{
        .name = "example",
        .machines = {&link_},
        .tables = {&table_},
        .actions = {&promote_},
        .path_claims = {{.statement = "promotion always passes through fencing",
                         .machine = "replica_link",
                         .source = "following",
                         .target = "promoted",
                         .waypoint = "fencing"}},
        .decision_claims = {{.statement = "a lagging standby is never promoted",
                             .kind = DecisionClaim::Kind::kNever,
                             .table = "replica_link",
                             .given = {"StandbyLagging"},
                             .action = "Promote"},
                            {.statement = "a caught-up follower asked to promote is promoted",
                             .kind = DecisionClaim::Kind::kAlways,
                             .table = "replica_link",
                             .given = {"NeedsPromote"},
                             .action = "Promote",
                             .in = {"following"}}}};
  }

  MachineDef link_;
  DecisionTable table_;
  ActionDef promote_;
};

TEST_F(ControlPlaneCheckTest, CleanModelPassesEveryCheck) {
  ControlPlaneCheck check = check_control_plane(model());
  ASSERT_EQ(check.machines.size(), 1u);
  ASSERT_EQ(check.tables.size(), 1u);
  EXPECT_TRUE(check.cross.empty());
  ASSERT_EQ(check.claims.size(), 3u);
  EXPECT_TRUE(check.claims[0].holds) << check.claims[0].detail;
  EXPECT_EQ(check.claims[0].detail, "no path from following to promoted avoids fencing");
  EXPECT_TRUE(check.claims[1].holds) << check.claims[1].detail;
  // The always-claim fails: with NeedsPromote and StandbyLagging both raised
  // the follower is (rightly) not promoted. The test documents that the
  // claim as written is too strong.
  EXPECT_FALSE(check.claims[2].holds);
  EXPECT_EQ(check.claims[2].detail,
            "fails in following with {NeedsPromote, StandbyLagging}: got do nothing (rule idle)");
  EXPECT_EQ(check.problem_count(), 1u);
  EXPECT_FALSE(check.ok());
}

TEST_F(ControlPlaneCheckTest, ACorrectedClaimHoldsAndTheModelIsOk) {
  ControlPlaneModel m = model();
  m.decision_claims.pop_back();
  ControlPlaneCheck check = check_control_plane(m);
  EXPECT_TRUE(check.ok()) << check.describe();
  std::string text = check.describe();
  EXPECT_NE(text.find("machine replica_link: 4 states, 4 transitions, no findings"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  states: following [healthy, stable], lagging [dwell 600 s]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("following -> fencing (promote_requested)"), std::string::npos) << text;
  EXPECT_NE(text.find("[holds] promotion always passes through fencing"), std::string::npos);
  EXPECT_NE(text.find("verdict: ok (0 problems)"), std::string::npos) << text;
}

TEST_F(ControlPlaneCheckTest, AShortcutPastFencingRefutesThePathClaim) {
  link_ = *MachineDef::Builder("replica_link")
               .state("following", {.healthy = true, .stable = true})
               .state("fencing", {.dwell_max_us = kMinute})
               .state("promoted", {.healthy = true, .stable = true})
               .transition("following", "fencing", "promote_requested")
               .transition("fencing", "promoted", "fenced_old_leader")
               .transition("following", "promoted", "forced_promotion")
               .initial("following")
               .terminal("promoted")
               .build();
  ClaimResult claim = check_claim(model(), model().path_claims[0]);
  EXPECT_FALSE(claim.holds);
  EXPECT_EQ(claim.detail, "counterexample: following -> promoted");
}

TEST_F(ControlPlaneCheckTest, TwoShortcutsPastFencingAreBothShownAndALongerOneIsNot) {
  link_ = *MachineDef::Builder("replica_link")
               .state("following", {.healthy = true, .stable = true})
               .state("lagging", {.dwell_max_us = 10 * kMinute})
               .state("fencing", {.dwell_max_us = kMinute})
               .state("forcing", {.dwell_max_us = kMinute})
               .state("overriding", {.dwell_max_us = kMinute})
               .state("promoted", {.healthy = true, .stable = true})
               .transition("following", "fencing", "promote_requested")
               .transition("fencing", "promoted", "fenced_old_leader")
               .transition("following", "lagging", "lag_exceeded")
               .transition("following", "forcing", "forced_promotion")
               .transition("lagging", "promoted", "forced_promotion")
               .transition("lagging", "overriding", "operator_override")
               .transition("overriding", "promoted", "override_done")
               .transition("forcing", "promoted", "forced_done")
               .initial("following")
               .terminal("promoted")
               .build();
  ClaimResult claim = check_claim(model(), model().path_claims[0]);
  EXPECT_FALSE(claim.holds);
  EXPECT_EQ(claim.detail,
            "2 shortest counterexamples: following -> lagging -> promoted; following -> forcing "
            "-> promoted");
  EXPECT_EQ(claim.counterexample_path,
            (std::vector<std::string>{"following", "lagging", "promoted"}));
  EXPECT_EQ(claim.counterexample_paths,
            (std::vector<std::vector<std::string>>{{"following", "lagging", "promoted"},
                                                   {"following", "forcing", "promoted"}}));
  const std::string text = check_control_plane(model()).describe();
  EXPECT_NE(text.find("[FAILS] promotion always passes through fencing: 2 shortest "
                      "counterexamples: following -> lagging -> promoted; following -> forcing "
                      "-> promoted\n"),
            std::string::npos)
      << text;
}

TEST_F(ControlPlaneCheckTest, RefutedClaimsCarryTheirCounterexamplesAsNames) {
  ControlPlaneCheck check = check_control_plane(model());
  ASSERT_EQ(check.claims.size(), 3u);
  EXPECT_EQ(check.claims[0].kind, ClaimResult::Kind::kPath);
  EXPECT_TRUE(check.claims[0].counterexample_path.empty());
  const ClaimResult& refuted = check.claims[2];
  EXPECT_EQ(refuted.kind, ClaimResult::Kind::kAlways);
  ASSERT_TRUE(refuted.counterexample_cell.has_value());
  EXPECT_EQ(*refuted.counterexample_cell,
            (NamedCell{"following", {"NeedsPromote", "StandbyLagging"}}));
  EXPECT_EQ(refuted.got, "do nothing (rule idle)");

  ClaimResult path = check_claim(model(), PathClaim{.statement = "lagging passes through fencing",
                                                    .machine = "replica_link",
                                                    .source = "following",
                                                    .target = "lagging",
                                                    .waypoint = "fencing"});
  EXPECT_FALSE(path.holds);
  EXPECT_EQ(path.counterexample_path, (std::vector<std::string>{"following", "lagging"}));
  EXPECT_EQ(path.counterexample_paths,
            (std::vector<std::vector<std::string>>{{"following", "lagging"}}));
  EXPECT_TRUE(check.claims[0].counterexample_paths.empty());
}

TEST_F(ControlPlaneCheckTest, ClaimsNamingUnknownThingsAreModelErrorsNotRefutedClaims) {
  ControlPlaneModel m = model();
  ClaimResult machine = check_claim(m, PathClaim{.statement = "s", .machine = "replica_lnk"});
  EXPECT_FALSE(machine.holds);
  ASSERT_TRUE(machine.error.has_value());
  EXPECT_EQ(*machine.error,
            (ModelError{.where = "claim 's'",
                        .message = "it names machine 'replica_lnk', but the model has no machine "
                                   "'replica_lnk'; did you mean 'replica_link'?",
                        .fix = "name one of the machines of the model: replica_link"}));

  ClaimResult waypoint = check_claim(m, PathClaim{.statement = "s",
                                                  .machine = "replica_link",
                                                  .source = "following",
                                                  .target = "promoted",
                                                  .waypoint = "fencign"});
  ASSERT_TRUE(waypoint.error.has_value());
  EXPECT_EQ(waypoint.error->message,
            "it names state 'fencign' as its waypoint, but machine replica_link has no state "
            "'fencign'; did you mean 'fencing'?");
  EXPECT_EQ(waypoint.error->fix,
            "name one of the states of machine replica_link: following, lagging, fencing, "
            "promoted");

  DecisionClaim bad_signal = m.decision_claims[0];
  bad_signal.given = {"NeedsDeprovision"};
  ClaimResult signal = check_claim(m, bad_signal);
  ASSERT_TRUE(signal.error.has_value());
  EXPECT_EQ(signal.error->message,
            "it names signal 'NeedsDeprovision' among its given signals, but table replica_link "
            "has no signal 'NeedsDeprovision'");
  EXPECT_EQ(signal.error->fix,
            "name one of the signals of table replica_link: NeedsPromote, StandbyLagging");

  DecisionClaim bad_state = m.decision_claims[0];
  bad_state.in = {"Following"};
  ASSERT_TRUE(check_claim(m, bad_state).error.has_value());
  EXPECT_EQ(check_claim(m, bad_state).error->message,
            "it names state 'Following' among its in states, but machine replica_link has no "
            "state 'Following'; did you mean 'following'?");

  DecisionClaim bad_action = m.decision_claims[0];
  bad_action.action = "Promot";
  ASSERT_TRUE(check_claim(m, bad_action).error.has_value());
  EXPECT_EQ(check_claim(m, bad_action).error->message,
            "it names action 'Promot', but table replica_link has no action 'Promot'; did you "
            "mean 'Promote'?");

  DecisionClaim bad_table = m.decision_claims[0];
  bad_table.table = "link";
  ASSERT_TRUE(check_claim(m, bad_table).error.has_value());
  EXPECT_EQ(check_claim(m, bad_table).error->fix,
            "name one of the decision tables of the model: replica_link");
}

TEST_F(ControlPlaneCheckTest, AModelErrorIsReportedAsSuchAndTheClaimIsLeftOut) {
  ControlPlaneModel m = model();
  m.decision_claims.pop_back();  // the refuted one: only the error remains wrong
  m.path_claims[0].waypoint = "fenceing";
  ControlPlaneCheck check = check_control_plane(m);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].where, "claim 'promotion always passes through fencing'");
  EXPECT_EQ(check.claims.size(), 1u);
  EXPECT_EQ(check.problem_count(), 0u);
  EXPECT_TRUE(check.has_errors());
  EXPECT_FALSE(check.ok());
  const std::string text = check.describe();
  EXPECT_NE(text.find("model errors: 1 (the model is declared wrongly; fix these first)\n"
                      "  error: claim 'promotion always passes through fencing': it names state "
                      "'fenceing' as its waypoint, but machine replica_link has no state "
                      "'fenceing'; did you mean 'fencing'?\n"
                      "    fix: name one of the states of machine replica_link: following, "
                      "lagging, fencing, promoted\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("verdict: MODEL ERROR (1 errors, 0 problems)"), std::string::npos) << text;
  EXPECT_EQ(text.find("FAILS"), std::string::npos) << text;
}

TEST_F(ControlPlaneCheckTest, ATableBuiltAgainstACopyOfItsMachineIsAModelError) {
  const MachineDef copy = link_;
  table_ = *DecisionTable::Builder("replica_link", copy)
                .signals({"NeedsPromote", "StandbyLagging"})
                .actions({"Promote"})
                .rule({.name = "promote",
                       .when = {"NeedsPromote"},
                       .unless = {"StandbyLagging"},
                       .in = {"following"},
                       .action = "Promote",
                       .priority = 50})
                .rule({.name = "idle"})
                .build();
  ControlPlaneCheck check = check_control_plane(model());
  EXPECT_TRUE(check.cross.empty());
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].where, "table replica_link");
  EXPECT_EQ(check.errors[0].message,
            "table replica_link was built against a copy of machine replica_link, not the "
            "MachineDef object the model lists");
  EXPECT_FALSE(check.errors[0].fix.empty());
}

TEST_F(ControlPlaneCheckTest, TwoMachinesOfOneNameAreAModelError) {
  const MachineDef twin = link_;
  ControlPlaneModel m = model();
  m.machines.push_back(&twin);
  ControlPlaneCheck check = check_control_plane(m);
  ASSERT_EQ(check.errors.size(), 1u);
  EXPECT_EQ(check.errors[0].where, "the model");
  EXPECT_EQ(check.errors[0].message, "it lists two machines named 'replica_link'");
}

}  // namespace
}  // namespace unwedge::core
