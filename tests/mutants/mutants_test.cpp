// Every planted bug is caught by the invariant meant for it, on a scenario
// aimed at it; the shipped control plane passes the same scenario. The
// swarm's figures (how many random seeds each takes) are harness_power's.
#include <string_view>

#include <gtest/gtest.h>

#include "core/decision_analysis.hpp"
#include "planes/postgres/tables.hpp"
#include "tests/mutants/swarm.hpp"

namespace unwedge::mutants {
namespace {

using core::kHour;
using core::kMinute;
using postgres::Mutant;
using sim::FaultKind;
using sim::Invariant;
using sim::OperatorKind;

// Seeds of failover_while_infra_fails on which the fleet API fails the call
// each mutant mishandles: the endpoint's move, the install of the
// certificate on the new leader.
constexpr std::uint64_t kRepointSeed = 2;
constexpr std::uint64_t kInstallSeed = 3;
constexpr std::int64_t kFailingPpm = 500'000;

std::string describe(const std::optional<sim::Finding>& finding) {
  return finding ? std::string(to_string(finding->invariant)) + ": " + finding->what : "none";
}

// The mutant was caught, by `invariant`, with `text` in what it says.
void expect_caught(const std::optional<sim::Finding>& finding, Invariant invariant,
                   std::string_view text) {
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, invariant) << describe(finding);
  EXPECT_NE(finding->what.find(text), std::string::npos) << describe(finding);
}

// The fleet API times out on every call for the first ten minutes, while
// the first hosts are being created.
std::optional<sim::Finding> timeouts_while_provisioning(Mutant mutant) {
  sim::SimConfig config{.seed = 3, .services = {{.id = "db1"}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(
      0, {.kind = FaultKind::kInfraTimeouts, .duration_us = 10 * kMinute, .amount = 1'000'000});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, ARetryWithoutItsIdempotencyKeyCreatesAHostTwice) {
  EXPECT_FALSE(timeouts_while_provisioning(Mutant::kNone))
      << describe(timeouts_while_provisioning(Mutant::kNone));
  std::optional<sim::Finding> finding =
      timeouts_while_provisioning(Mutant::kRetryWithoutIdempotencyKey);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kIdempotentEffects) << describe(finding);
}

// A planned failover of an asynchronous service while clients write. (With
// synchronous replication the mutant does no visible harm: the unfenced old
// leader can acknowledge nothing once its standby has left it.)
// A run of `config` with `mutant` on: a customer asks for a failover of db1
// at `at_us`; an hour, then half an hour of recovery.
std::optional<sim::Finding> failover_requested_at(sim::SimConfig config, Mutant mutant,
                                                  core::TimeUs at_us) {
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_operator(at_us, {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  return simulation.run(kHour, 30 * kMinute).finding;
}

std::optional<sim::Finding> planned_failover(Mutant mutant) {
  return failover_requested_at({.seed = 5,
                                .services = {{.id = "db1", .standbys = 1, .synchronous = false}},
                                .clients_per_service = 2,
                                .write_interval_us = 2 * core::kSecond},
                               mutant, 40 * kMinute);
}

TEST(Mutants, AFailoverWithoutFencingIsCaught) {
  EXPECT_FALSE(planned_failover(Mutant::kNone)) << describe(planned_failover(Mutant::kNone));
  // The unfenced leader never reports a final position, so the change is
  // abandoned and retried for ever: the service is not healthy at the end.
  std::optional<sim::Finding> finding = planned_failover(Mutant::kFailoverWithoutFencing);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kEventuallyHealthy) << describe(finding);
}

TEST(Mutants, ARotationThatSkipsTheNewLeaderIsCaught) {
  // After the planned failover the certificate is rotated onto the new
  // leader; the mutant installs the new serial on the old one.
  EXPECT_FALSE(planned_failover(Mutant::kNone)) << describe(planned_failover(Mutant::kNone));
  std::optional<sim::Finding> finding = planned_failover(Mutant::kRotationSkipsNewLeader);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kEventuallyHealthy,
                    "service db1's leader db1-2 serves no certificate of the service"));
}

// A planned failover of an asynchronous service with no fault at all,
// serving_when_healthy's bound given (a year: the checker as good as off).
// (A synchronous service with one standby cannot acknowledge writes until
// its replacement standby syncs, minutes in `maintenance`: an open finding,
// docs/HARNESS_POWER.md.)
std::optional<sim::Finding> planned_failover_served(Mutant mutant, core::TimeUs serving_bound_us) {
  sim::SimConfig config{
      .seed = 5, .services = {{.id = "db1", .synchronous = false}}, .clients_per_service = 2};
  config.serving_when_healthy_max_us = serving_bound_us;
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_operator(40 * kMinute,
                               {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, AnEndpointRepointedLateIsCaughtOnlyByServingWhenHealthy) {
  constexpr core::TimeUs kOff = 365 * 24 * kHour;
  const core::TimeUs bound_us = sim::kServingWhenHealthyDefaultUs;
  EXPECT_FALSE(planned_failover_served(Mutant::kNone, bound_us))
      << describe(planned_failover_served(Mutant::kNone, bound_us));
  // Every entity stays in legal states within its bounds: no other checker
  // sees the five minutes the clients write to a fenced leader.
  EXPECT_FALSE(planned_failover_served(Mutant::kLateEndpointRepoint, kOff))
      << describe(planned_failover_served(Mutant::kLateEndpointRepoint, kOff));
  std::optional<sim::Finding> finding =
      planned_failover_served(Mutant::kLateEndpointRepoint, bound_us);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kServingWhenHealthy) << describe(finding);
  EXPECT_EQ(finding->entity, "db1");
  EXPECT_NE(finding->what.find("service db1 is reported maintenance (healthy)"), std::string::npos)
      << describe(finding);
  EXPECT_NE(finding->what.find("db1-1 is fenced"), std::string::npos) << describe(finding);
}

// An asynchronous service whose leader is cut off for good, with busy
// clients so the standby is behind.
std::optional<sim::Finding> async_leader_cut_off(Mutant mutant, std::uint64_t seed) {
  sim::SimConfig config{.seed = seed,
                        .services = {{.id = "db1", .standbys = 1, .synchronous = false}},
                        .clients_per_service = 2,
                        .write_interval_us = 2 * core::kSecond};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(40 * kMinute,
                            {.kind = FaultKind::kPartitionComplete, .targets = {"db1-1"}});
  return simulation.run(kHour, 30 * kMinute).finding;
}

// On seed 3 the promotion is journalled before the new leader acknowledges
// anything: the promotion's check finds the lost writes.
TEST(Mutants, PromotingALaggingStandbyLosesAcknowledgedWrites) {
  EXPECT_FALSE(async_leader_cut_off(Mutant::kNone, 3))
      << describe(async_leader_cut_off(Mutant::kNone, 3));
  std::optional<sim::Finding> finding = async_leader_cut_off(Mutant::kPromoteLaggingStandby, 3);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kNoLostWrites, "is missing from the leader db1-2"));
}

// On seed 1 the promoted standby acknowledges a client's write before the
// control plane journals the promotion: that acknowledgement is on a
// history without writes the old leader acknowledged, two writers.
TEST(Mutants, PromotingALaggingStandbyAcknowledgesOnADivergingHistory) {
  EXPECT_FALSE(async_leader_cut_off(Mutant::kNone, 1))
      << describe(async_leader_cut_off(Mutant::kNone, 1));
  std::optional<sim::Finding> finding = async_leader_cut_off(Mutant::kPromoteLaggingStandby, 1);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kSingleWriter, "on diverging histories"));
}

// Two services, one failing over: the mutant moves the wrong one.
std::optional<sim::Finding> failover_of_one_of_two(Mutant mutant) {
  sim::SimConfig config{.seed = 9, .services = {{.id = "db1"}, {.id = "db2"}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(
      30 * kMinute,
      {.kind = FaultKind::kAgentPause, .targets = {"db2-1"}, .duration_us = 3 * kMinute});
  simulation.schedule_operator(40 * kMinute,
                               {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, ALeaderChangeOnTheMostRecentlyUpdatedServiceMovesTheWrongOne) {
  EXPECT_FALSE(failover_of_one_of_two(Mutant::kNone))
      << describe(failover_of_one_of_two(Mutant::kNone));
  std::optional<sim::Finding> finding = failover_of_one_of_two(Mutant::kMostRecentlyUpdatedService);
  ASSERT_TRUE(finding.has_value()) << "not caught";
  // Failover/db1 moves db2, which is not failing over.
  EXPECT_EQ(finding->invariant, Invariant::kValidTransitions) << describe(finding);
  EXPECT_EQ(finding->entity, "db2") << describe(finding);
}

// A customer promotes a follower.
std::optional<sim::Finding> customer_promotion(Mutant mutant) {
  sim::SimConfig config{.seed = 11, .services = {{.id = "db1", .followers = 1}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_operator(40 * kMinute,
                               {.kind = OperatorKind::kPromoteFollower, .target = "db1-3"});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, ATransitionShortcutIsAnInvalidTransition) {
  EXPECT_FALSE(customer_promotion(Mutant::kNone)) << describe(customer_promotion(Mutant::kNone));
  std::optional<sim::Finding> finding = customer_promotion(Mutant::kTransitionShortcut);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kValidTransitions) << describe(finding);
}

// The leader's host goes down for ten minutes. The shipped control plane
// leaves "uncertain" within its bound (the leader is consistently
// unreachable, so it fails over); the mutant never learns that and stays
// uncertain while the fault lasts, which the bound forbids faults or not.
std::optional<sim::Finding> leader_host_down(Mutant mutant) {
  sim::SimConfig config{.seed = 8, .services = {{.id = "db1"}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(
      40 * kMinute,
      {.kind = FaultKind::kHostCrash, .targets = {"db1-1"}, .duration_us = 10 * kMinute});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, AMissingTimeoutOutOfUncertainIsCaught) {
  EXPECT_FALSE(leader_host_down(Mutant::kNone)) << describe(leader_host_down(Mutant::kNone));
  std::optional<sim::Finding> finding = leader_host_down(Mutant::kNoUncertainTimeout);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kBoundedDwell) << describe(finding);
  EXPECT_EQ(finding->entity, "db1");
  EXPECT_NE(finding->what.find("uncertain"), std::string::npos) << describe(finding);
}

// An asynchronous service with two standbys fails over on request while
// one standby's host is down: that standby cannot follow the new leader.
std::optional<sim::Finding> failover_with_a_standby_down(Mutant mutant) {
  sim::SimConfig config{.seed = 4,
                        .services = {{.id = "db1", .standbys = 2, .synchronous = false}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(
      40 * kMinute,
      {.kind = FaultKind::kHostCrash, .targets = {"db1-3"}, .duration_us = 10 * kMinute});
  simulation.schedule_operator(40 * kMinute + 30 * core::kSecond,
                               {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  return simulation.run(kHour, kHour).finding;
}

TEST(Mutants, ARefollowRetriedForEverHoldsTheServiceFailingOver) {
  EXPECT_FALSE(failover_with_a_standby_down(Mutant::kNone))
      << describe(failover_with_a_standby_down(Mutant::kNone));
  // The refused follow is asked about again under the same key, which can
  // only hear the same refusal: the failover never finishes.
  std::optional<sim::Finding> finding =
      failover_with_a_standby_down(Mutant::kUnboundedRefollowRetry);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kBoundedDwell, "service/db1 has been failing_over"));
}

// A customer asks, in the same breath, to promote their follower and to
// unfollow it.
std::optional<sim::Finding> promote_and_unfollow(Mutant mutant) {
  sim::SimConfig config{.seed = 11, .services = {{.id = "db1", .followers = 1}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_operator(40 * kMinute,
                               {.kind = OperatorKind::kPromoteFollower, .target = "db1-3"});
  simulation.schedule_operator(40 * kMinute, {.kind = OperatorKind::kUnfollow, .target = "db1-3"});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, PromoteRankedAboveUnfollowIgnoresTheUnfollow) {
  EXPECT_FALSE(promote_and_unfollow(Mutant::kNone))
      << describe(promote_and_unfollow(Mutant::kNone));
  // The follower is made the service's leader instead of a database of its
  // own, and the unfollow is dropped.
  std::optional<sim::Finding> finding = promote_and_unfollow(Mutant::kPromoteOutranksUnfollow);
  ASSERT_NO_FATAL_FAILURE(expect_caught(finding, Invariant::kEventuallyHealthy,
                                        "the customer asked db1-3 to unfollow"));
}

// The only change to the shipped table is the promote rule's priority. The
// analysis still proves the mutant table deterministic and complete; what
// refutes it is the model's stated property that an unfollow request always
// yields Unfollow (docs/CONTROL_PLANE.md), with the cell where it fails.
TEST(Mutants, PromoteRankedAboveUnfollowPassesTheAnalysisButNotTheProperty) {
  postgres::Settings settings;
  settings.mutant = Mutant::kPromoteOutranksUnfollow;
  const core::DecisionTable& shipped = postgres::replica_link_table();
  const core::DecisionTable& mutant = postgres::replica_link_table(settings);
  ASSERT_NE(&shipped, &mutant);
  ASSERT_EQ(shipped.rules().size(), mutant.rules().size());
  int differing = 0;
  for (std::size_t r = 0; r < shipped.rules().size(); ++r) {
    if (shipped.rules()[r].priority != mutant.rules()[r].priority) ++differing;
  }
  EXPECT_EQ(differing, 1);
  EXPECT_TRUE(core::analyze(mutant).ok()) << core::analyze(mutant).describe(mutant);
  const core::StateSet live =
      mutant.states_named({"syncing", "following", "lagging", "unfollowing"});
  core::QueryResult shipped_holds = core::always(shipped, shipped.signals_named({"NeedsUnfollow"}),
                                                 *shipped.find_action("Unfollow"), live);
  EXPECT_TRUE(shipped_holds.holds);
  core::QueryResult mutant_holds = core::always(mutant, mutant.signals_named({"NeedsUnfollow"}),
                                                *mutant.find_action("Unfollow"), live);
  ASSERT_FALSE(mutant_holds.holds);
  ASSERT_TRUE(mutant_holds.counterexample.has_value());
  EXPECT_EQ(mutant.describe_cell(mutant_holds.counterexample->state,
                                 mutant_holds.counterexample->signals),
            "in following with {NeedsPromote, NeedsUnfollow}");
}

// A customer unfollows their follower and writes to it at once.
std::optional<sim::Finding> unfollow_a_follower(Mutant mutant) {
  sim::SimConfig config{.seed = 12, .services = {{.id = "db1", .followers = 1}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_operator(40 * kMinute, {.kind = OperatorKind::kUnfollow, .target = "db1-3"});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, AnUnfollowThatKeepsReplicatingLosesTheCustomersWrites) {
  EXPECT_FALSE(unfollow_a_follower(Mutant::kNone)) << describe(unfollow_a_follower(Mutant::kNone));
  // Opened for writes with its stream from db1's leader still applied, the
  // database has its own acknowledged writes rewound away.
  std::optional<sim::Finding> finding = unfollow_a_follower(Mutant::kUnfollowKeepsReplicating);
  ASSERT_NO_FATAL_FAILURE(expect_caught(finding, Invariant::kNoLostWrites,
                                        "acknowledged by the unfollowed database db1-3"));
}

// One of db1's two standbys loses its host for ten minutes while the
// leader stays up, serving and heard by both monitors.
sim::RunSummary standby_host_down(Mutant mutant, bool judge_disruptions = true) {
  sim::SimConfig config{.seed = 6, .services = {{.id = "db1", .standbys = 2}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  config.judge_disruptions = judge_disruptions;
  sim::Simulation simulation(config);
  simulation.schedule_fault(
      40 * kMinute,
      {.kind = FaultKind::kHostCrash, .targets = {"db1-3"}, .duration_us = 10 * kMinute});
  return simulation.run(kHour, 30 * kMinute);
}

std::uint64_t failovers(const sim::RunSummary& run) {
  std::uint64_t n = 0;
  for (const sim::DisruptionTally& t : run.disruptions) {
    if (t.kind == "failover") n += t.count;
  }
  return n;
}

TEST(Mutants, AFailoverOfAHealthyLeaderIsNeedless) {
  const sim::RunSummary shipped = standby_host_down(Mutant::kNone);
  EXPECT_FALSE(shipped.finding) << describe(shipped.finding);
  EXPECT_EQ(failovers(shipped), 0u);
  // Every other checker passes the mutant: the failover it takes is safe
  // (fenced, no write lost), only for nothing.
  const sim::RunSummary unjudged =
      standby_host_down(Mutant::kFailoverOnReplicaSilence, /*judge_disruptions=*/false);
  EXPECT_FALSE(unjudged.finding) << describe(unjudged.finding);
  EXPECT_GE(failovers(unjudged), 1u);
  const sim::RunSummary judged = standby_host_down(Mutant::kFailoverOnReplicaSilence);
  ASSERT_TRUE(judged.finding.has_value());
  EXPECT_EQ(judged.finding->invariant, Invariant::kNoNeedlessDisruption)
      << describe(judged.finding);
  EXPECT_EQ(judged.finding->entity, "db1");
  EXPECT_NE(judged.finding->what.find("needless failover: db1-1 was up, its database running, "
                                      "heard by 2 of 2 monitors"),
            std::string::npos)
      << describe(judged.finding);
  EXPECT_NE(judged.finding->what.find("rule failover-unreachable-leader"), std::string::npos)
      << describe(judged.finding);
}

// A planned failover of an asynchronous service with no fault: the shipped
// control plane moves the endpoint to the new leader.
TEST(Mutants, AnEndpointRepointedToTheOldLeaderIsCaughtByServingWhenHealthy) {
  const core::TimeUs bound_us = sim::kServingWhenHealthyDefaultUs;
  EXPECT_FALSE(planned_failover_served(Mutant::kNone, bound_us))
      << describe(planned_failover_served(Mutant::kNone, bound_us));
  // The endpoint is pointed at db1-1, which the change has just fenced.
  std::optional<sim::Finding> finding =
      planned_failover_served(Mutant::kRepointToOldLeader, bound_us);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kServingWhenHealthy) << describe(finding);
  EXPECT_EQ(finding->entity, "db1");
  EXPECT_NE(finding->what.find("db1-1 is fenced"), std::string::npos) << describe(finding);
}

TEST(Mutants, ALeaderRestartedOnItsStandbysLagIsNeedless) {
  const sim::RunSummary shipped = standby_host_down(Mutant::kNone);
  EXPECT_FALSE(shipped.finding) << describe(shipped.finding);
  // db1-3's last report falls 16 writes behind db1-1 while its host is down:
  // the mutant restarts the leader, which was sound all along.
  const sim::RunSummary judged = standby_host_down(Mutant::kRestartLeaderOnLag);
  ASSERT_NO_FATAL_FAILURE(expect_caught(judged.finding, Invariant::kNoNeedlessDisruption,
                                        "needless restart: db1-1 was up, its database running, "
                                        "heard by 2 of 2 monitors"));
}

TEST(Mutants, ARotationThatRevokesItsOwnSerialIsCaught) {
  // After the planned failover the certificate is rotated onto the new
  // leader; the mutant then revokes "the old serial", that is, every serial.
  std::optional<sim::Finding> finding = planned_failover(Mutant::kRotationRevokesNewSerial);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kEventuallyHealthy,
                    "service db1's leader db1-2 serves db1-cert serial 2, revoked"));
}

TEST(Mutants, APromotionOntoTheCurrentTimelineWedgesTheLeaderChange) {
  // Refused every time, under fresh keys: the candidate stays promoting.
  std::optional<sim::Finding> finding = planned_failover(Mutant::kPromoteOntoCurrentTimeline);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kBoundedDwell, "replica_link/db1-2 has been promoting"));
}

// A planned failover of an asynchronous service while the fleet API fails
// some of its calls, from just after the old leader is fenced.
std::optional<sim::Finding> failover_while_infra_fails(Mutant mutant, std::uint64_t seed) {
  sim::SimConfig config{.seed = seed,
                        .services = {{.id = "db1", .standbys = 1, .synchronous = false}},
                        .clients_per_service = 2,
                        .write_interval_us = 2 * core::kSecond};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_operator(40 * kMinute,
                               {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  simulation.schedule_fault(
      40 * kMinute + 5 * core::kSecond,
      {.kind = FaultKind::kInfraFailing, .duration_us = kMinute, .amount = kFailingPpm});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, ANewServicesEndpointOnItsStandbyIsCaughtByServingWhenHealthy) {
  // No fault at all: the clients of db1 are sent to its standby, db1-2,
  // from the moment the service is first reported available.
  const core::TimeUs bound_us = sim::kServingWhenHealthyDefaultUs;
  std::optional<sim::Finding> finding =
      planned_failover_served(Mutant::kEndpointToLastServer, bound_us);
  ASSERT_NO_FATAL_FAILURE(
      expect_caught(finding, Invariant::kServingWhenHealthy, "db1-2 is read-only"));
}

TEST(Mutants, AnEndpointMoveNotAwaitedIsCaughtByServingWhenHealthy) {
  EXPECT_FALSE(failover_while_infra_fails(Mutant::kNone, kRepointSeed))
      << describe(failover_while_infra_fails(Mutant::kNone, kRepointSeed));
  // The move the fleet API failed is never asked for again: the clients stay
  // on the fenced old leader.
  std::optional<sim::Finding> finding =
      failover_while_infra_fails(Mutant::kRepointNotAwaited, kRepointSeed);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kServingWhenHealthy) << describe(finding);
  EXPECT_EQ(finding->entity, "db1");
  EXPECT_NE(finding->what.find("db1-1 is fenced"), std::string::npos) << describe(finding);
}

TEST(Mutants, AnInstallAskedAgainUnderItsRefusedKeyIsCaught) {
  EXPECT_FALSE(failover_while_infra_fails(Mutant::kNone, kInstallSeed))
      << describe(failover_while_infra_fails(Mutant::kNone, kInstallSeed));
  // The install on db1-2 is refused once, then asked again under the same
  // key for ever: the new leader never serves the certificate.
  std::optional<sim::Finding> finding =
      failover_while_infra_fails(Mutant::kInstallRetriedUnderSameKey, kInstallSeed);
  ASSERT_NO_FATAL_FAILURE(expect_caught(finding, Invariant::kEventuallyHealthy,
                                        "db1-2 serves no certificate of the service"));
}

// The control plane dies a few transactions after the first hosts were
// asked for, while they are still being built.
std::optional<sim::Finding> crash_while_provisioning(Mutant mutant) {
  sim::SimConfig config{.seed = 3, .services = {{.id = "db1"}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(10 * core::kSecond,
                            {.kind = FaultKind::kControlPlaneCrash, .amount = 3});
  return simulation.run(kHour, 30 * kMinute).finding;
}

TEST(Mutants, ACreationKeyKeptInMemoryCreatesAHostTwiceAfterACrash) {
  EXPECT_FALSE(crash_while_provisioning(Mutant::kNone))
      << describe(crash_while_provisioning(Mutant::kNone));
  std::optional<sim::Finding> finding = crash_while_provisioning(Mutant::kCreateKeyInMemory);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kIdempotentEffects) << describe(finding);
}

// One clock jumps for ten minutes, half an hour into a quiet run of a
// synchronous service with two standbys.
sim::RunSummary clock_jump(Mutant mutant, const std::string& clock, core::TimeUs by_us) {
  sim::SimConfig config{.seed = 6, .services = {{.id = "db1", .standbys = 2}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  sim::Simulation simulation(config);
  simulation.schedule_fault(30 * kMinute, {.kind = FaultKind::kClockJump,
                                           .targets = {clock},
                                           .duration_us = 10 * kMinute,
                                           .amount = by_us});
  return simulation.run(kHour, 30 * kMinute);
}

TEST(Mutants, ACheckinAgedByTheControlPlanesClockIsCaughtAsNeedless) {
  const sim::RunSummary shipped = clock_jump(Mutant::kNone, "control-plane", 5 * kMinute);
  EXPECT_FALSE(shipped.finding) << describe(shipped.finding);
  // Every host looks five minutes silent to the control plane.
  const sim::RunSummary mutant =
      clock_jump(Mutant::kAgeFromReceiveTime, "control-plane", 5 * kMinute);
  ASSERT_TRUE(mutant.finding.has_value());
  EXPECT_EQ(mutant.finding->invariant, Invariant::kNoNeedlessDisruption)
      << describe(mutant.finding);
}

TEST(Mutants, ACheckinAgedByItsHostsClockIsCaughtAsNeedless) {
  const sim::RunSummary shipped = clock_jump(Mutant::kNone, "db1-2", -5 * kMinute);
  EXPECT_FALSE(shipped.finding) << describe(shipped.finding);
  // db1-2's clock is five minutes behind: its check-ins look five minutes old.
  const sim::RunSummary mutant = clock_jump(Mutant::kAgeFromSentTime, "db1-2", -5 * kMinute);
  ASSERT_NO_FATAL_FAILURE(expect_caught(mutant.finding, Invariant::kNoNeedlessDisruption,
                                        "needless restart: db1-2 was up"));
}

// A customer's failover request on a healthy service, with the controller
// audited after every pass.
std::optional<sim::Finding> failover_requested(Mutant mutant) {
  // Between two of the controller's full passes (every ten minutes).
  return failover_requested_at({.seed = 5, .services = {{.id = "db1"}}, .audit_interval_us = 0},
                               mutant, 33 * kMinute);
}

// The controller decides only what changed; one that does not take a
// request for a change leaves the request until its next full pass. The
// audit of the controller sees the service whose full decision is a
// failover while the controller has decided nothing and queued nothing.
TEST(Mutants, AControllerThatDoesNotWatchRequestsMissesADecision) {
  EXPECT_FALSE(failover_requested(Mutant::kNone)) << describe(failover_requested(Mutant::kNone));
  expect_caught(failover_requested(Mutant::kRequestsUnwatched), Invariant::kMissedDecision,
                "service db1 at in available with {CheckinOk, StandbyCaughtUp, NeedsFailover} "
                "decides Failover, but the controller last decided nothing");
}

}  // namespace
}  // namespace unwedge::mutants
