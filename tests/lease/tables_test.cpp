// The keeper's and the service's tables decide every cell, and decide the
// cells that matter the way the plane's story says; the model checks clean.
#include "planes/lease/tables.hpp"

#include <gtest/gtest.h>

#include "core/control_plane_check.hpp"
#include "core/decision_analysis.hpp"
#include "planes/lease/keeper_signals.hpp"
#include "planes/lease/machines.hpp"
#include "planes/lease/model.hpp"
#include "seam/registry.hpp"

namespace unwedge::lease {
namespace {

std::string decided(std::string_view state, std::initializer_list<std::string_view> signals) {
  const core::DecisionTable& t = keeper_table();
  const core::Decision d = t.decide(*keeper_machine().find_state(state), t.signals_named(signals));
  if (d.kind == core::DecisionKind::kNothing) return "nothing";
  if (d.kind != core::DecisionKind::kAct) return "not decided";
  return t.action_name(*d.action);
}

TEST(KeeperTable, IsCompleteAndDeterministic) {
  const core::TableAnalysis analysis = core::analyze(keeper_table());
  EXPECT_TRUE(analysis.ok()) << analysis.describe(keeper_table());
  EXPECT_TRUE(analysis.dead_rules.empty());
  EXPECT_TRUE(core::analyze(service_table()).ok());
}

TEST(KeeperTable, ALeaderDemotesWhenItsLeaseIsNoLongerSafeWhateverItReads) {
  EXPECT_EQ(decided("leader", {"LeaseExpiring", "LeaseMine", "RenewDue"}), "Demote");
  EXPECT_EQ(decided("leader", {"LeaseExpiring", "StoreUnreachable", "RenewDue"}), "Demote");
  EXPECT_EQ(decided("promoting", {"LeaseExpiring", "LeaseMine", "CanPromote"}), "Demote");
}

TEST(KeeperTable, ALeaderRenewsWhenDueAndDemotesWhenUsurped) {
  EXPECT_EQ(decided("leader", {"LeaseMine", "RenewDue"}), "Renew");
  EXPECT_EQ(decided("leader", {"StoreUnreachable", "RenewDue"}), "Renew");
  EXPECT_EQ(decided("leader", {"LeaseMine"}), "nothing");
  EXPECT_EQ(decided("leader", {"LeaseOther"}), "Demote");
  EXPECT_EQ(decided("leader", {}), "Demote");  // the key is gone from the store
  EXPECT_EQ(decided("leader", {"StoreUnreachable"}), "nothing");
  EXPECT_EQ(decided("leader", {"LeaseMine", "StepDownAsked", "RenewDue"}), "StepDown");
}

TEST(KeeperTable, AReplicaRacesOnlyForAFreeLeaseItCouldPromoteOn) {
  EXPECT_EQ(decided("replica", {"CanPromote"}), "Acquire");
  EXPECT_EQ(decided("replica", {}), "nothing");  // too far behind: let another take it
  EXPECT_EQ(decided("replica", {"CanPromote", "StoreUnreachable"}), "nothing");
  EXPECT_EQ(decided("replica", {"CanPromote", "SwitchoverForOther"}), "nothing");
  EXPECT_EQ(decided("replica", {"CanPromote", "LeaseOther", "FollowingHolder"}), "nothing");
  EXPECT_EQ(decided("replica", {"CanPromote", "LeaseOther"}), "Rejoin");
  EXPECT_EQ(decided("starting", {"LeaseOther"}), "Rejoin");
  EXPECT_EQ(decided("replica", {"LeaseOther", "FollowingHolder", "StepDownAsked"}), "Rejoin");
}

// A rejoin whose read of the lease went unanswered ends with the keeper in
// rejoining; it is taken up again even when the database already follows the
// holder (found by the nightly's lease swarm: a keeper left rejoining for
// good after a slow store commit).
TEST(KeeperTable, ARejoinCutShortIsTakenUpAgain) {
  EXPECT_EQ(decided("rejoining", {"LeaseOther", "FollowingHolder"}), "Rejoin");
  EXPECT_EQ(decided("rejoining", {"LeaseOther"}), "Rejoin");
  EXPECT_EQ(decided("replica", {"LeaseOther", "FollowingHolder"}), "nothing");
}

TEST(KeeperTable, ACandidatePromotesOnlyHoldingTheLeaseAndCaughtUp) {
  EXPECT_EQ(decided("acquiring", {"LeaseMine", "CanPromote"}), "Promote");
  EXPECT_EQ(decided("acquiring", {"LeaseMine"}), "Release");
  EXPECT_EQ(decided("acquiring", {"LeaseOther", "CanPromote"}), "Rejoin");
  EXPECT_EQ(decided("acquiring", {"StoreUnreachable", "CanPromote"}), "Release");
  // A race left undecided (the store silent) is given up, and run again
  // from replica.
  EXPECT_EQ(decided("acquiring", {"CanPromote"}), "Release");
}

TEST(LeaseModel, ChecksCleanAndIsRegistered) {
  const core::ControlPlaneCheck check = core::check_control_plane(model());
  EXPECT_TRUE(check.ok());
  EXPECT_EQ(check.problem_count(), 0u);
  EXPECT_TRUE(check.errors.empty());
  for (const core::ClaimResult& claim : check.claims)
    EXPECT_TRUE(claim.holds) << claim.statement << ": " << claim.detail;
  const seam::PlaneInfo* info = seam::find_plane("lease");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(&info->model(), &model());
  EXPECT_EQ(info->own_requests.size(), 3u);
  for (const seam::RequestInfo& own : info->own_requests)
    EXPECT_TRUE(own.to_agent) << own.name;
}

Keeper keeper_named(std::string id) {
  return Keeper{.id = std::move(id), .service = "db1"};
}

TEST(PromotionCheck, NeedsAFinalPositionOrItsOwnOrSynchronousMode) {
  const Settings s;
  const core::Checkin at90{.log_position = 90, .term = 2};
  Optime published{.timeline = 2, .lsn = 90, .by = "db1-1"};
  EXPECT_FALSE(promotion_check(keeper_named("db1-2"), at90, published, 2, s).allowed);
  published.final = true;
  EXPECT_TRUE(promotion_check(keeper_named("db1-2"), at90, published, 2, s).allowed);
  published.final = false;
  EXPECT_TRUE(promotion_check(keeper_named("db1-1"), at90, published, 2, s).allowed);
  Keeper standby = keeper_named("db1-2");
  standby.following = "db1-1";
  EXPECT_FALSE(promotion_check(standby, at90, published, 2, s).allowed);
  EXPECT_TRUE(promotion_check(standby, at90, published, 2, {.synchronous_mode = true}).allowed);
  EXPECT_FALSE(promotion_check(keeper_named("db1-2"), std::nullopt, published, 2, s).allowed);
  EXPECT_TRUE(promotion_check(keeper_named("db1-2"), at90, std::nullopt, 2, s).allowed);
}

TEST(PromotionCheck, OverAFinalPositionACandidateMustReachIt) {
  Optime published{.timeline = 2, .lsn = 100, .by = "db1-1", .final = true};
  const core::Checkin at90{.log_position = 90, .term = 2};
  const core::Checkin at100{.log_position = 100, .term = 2};
  // However much lag the settings allow: the ten writes between are acknowledged.
  const PromotionCheck behind = promotion_check(keeper_named("db1-2"), at90, published, 2, {});
  EXPECT_FALSE(behind.allowed);
  EXPECT_NE(behind.why.find("10 behind db1-1's final position 100"), std::string::npos)
      << behind.why;
  EXPECT_TRUE(promotion_check(keeper_named("db1-2"), at100, published, 2, {}).allowed);
  // Its own last position, too: a node that published 100 and restarted at 90
  // lost nothing only if it reaches 100 again.
  published.by = "db1-2";
  published.final = false;
  EXPECT_FALSE(promotion_check(keeper_named("db1-2"), at90, published, 2, {}).allowed);
}

TEST(PromotionCheck, ASynchronousStandbyMayLagTheLastPositionUpToTheAllowance) {
  const Optime published{.timeline = 2, .lsn = 100, .by = "db1-1"};
  const core::Checkin at90{.log_position = 90, .term = 2};
  Keeper standby = keeper_named("db1-2");
  standby.following = "db1-1";
  EXPECT_TRUE(promotion_check(standby, at90, published, 2, {.synchronous_mode = true}).allowed);
  const PromotionCheck strict = promotion_check(
      standby, at90, published, 2, {.maximum_lag_on_failover = 9, .synchronous_mode = true});
  EXPECT_FALSE(strict.allowed);
  EXPECT_NE(strict.why.find("10 behind"), std::string::npos) << strict.why;
  // With a second standby listed, either may hold writes the other lacks
  // (a write is acknowledged once any synchronous standby holds it).
  const PromotionCheck third =
      promotion_check(standby, at90, published, 3, {.synchronous_mode = true});
  EXPECT_FALSE(third.allowed);
  EXPECT_NE(third.why.find("3 members"), std::string::npos) << third.why;
}

TEST(LeaseKeys, ValuesReadBackAsWritten) {
  const Optime optime{.timeline = 3, .lsn = 42, .by = "db1-2", .final = true};
  EXPECT_EQ(parse_optime(format_optime(optime)), optime);
  EXPECT_EQ(parse_optime("3 42 db1-2"), (Optime{.timeline = 3, .lsn = 42, .by = "db1-2"}));
  EXPECT_FALSE(parse_optime("3 x db1-2").has_value());
  EXPECT_FALSE(parse_optime("3 42 db1-2 done").has_value());
  const Switchover to{.kind = Switchover::Kind::kTo, .node = "db1-3"};
  EXPECT_EQ(parse_switchover(format_switchover(to)), to);
  EXPECT_FALSE(parse_switchover("over:db1-3").has_value());
  EXPECT_EQ(lease_key("db1"), "/service/db1/leader");
}

}  // namespace
}  // namespace unwedge::lease
