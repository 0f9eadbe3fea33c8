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

TEST_F(ControlPlaneCheckTest, ClaimsNamingUnknownThingsAreRefutedNotCrashed) {
  ControlPlaneModel m = model();
  EXPECT_EQ(check_claim(m, PathClaim{.statement = "s", .machine = "server"}).detail,
            "no machine named 'server'");
  EXPECT_EQ(check_claim(m, PathClaim{.statement = "s",
                                     .machine = "replica_link",
                                     .source = "following",
                                     .target = "promoted",
                                     .waypoint = "fenced"})
                .detail,
            "machine replica_link has no state 'fenced'");
  DecisionClaim bad_signal = m.decision_claims[0];
  bad_signal.given = {"NeedsDeprovision"};
  EXPECT_EQ(check_claim(m, bad_signal).detail,
            "table replica_link has no signal 'NeedsDeprovision'");
  DecisionClaim bad_state = m.decision_claims[0];
  bad_state.in = {"unfollowed"};
  EXPECT_FALSE(check_claim(m, bad_state).holds);
}

}  // namespace
}  // namespace unwedge::core
