// Every planted bug is caught by the invariant meant for it, on a scenario
// aimed at it; the shipped control plane passes the same scenario. The
// swarm's figures (how many random seeds each takes) are harness_power's.
#include <gtest/gtest.h>

#include "tests/mutants/swarm.hpp"

namespace unwedge::mutants {
namespace {

using core::kHour;
using core::kMinute;
using postgres::Mutant;
using sim::FaultKind;
using sim::Invariant;
using sim::OperatorKind;

std::string describe(const std::optional<sim::Finding>& finding) {
  return finding ? std::string(to_string(finding->invariant)) + ": " + finding->what : "none";
}

// The fleet API times out on every call for the first ten minutes, while
// the first hosts are being created.
std::optional<sim::Finding> timeouts_while_provisioning(Mutant mutant) {
  sim::SimConfig config{.seed = 3, .services = {{.id = "db1"}}};
  config.settings.mutant = mutant;
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
std::optional<sim::Finding> planned_failover(Mutant mutant) {
  sim::SimConfig config{.seed = 5,
                        .services = {{.id = "db1", .standbys = 1, .synchronous = false}},
                        .clients_per_service = 2,
                        .write_interval_us = 2 * core::kSecond};
  config.settings.mutant = mutant;
  sim::Simulation simulation(config);
  simulation.schedule_operator(40 * kMinute,
                               {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  return simulation.run(kHour, 30 * kMinute).finding;
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
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kEventuallyHealthy) << describe(finding);
  EXPECT_NE(finding->what.find("service db1's leader db1-2 serves no certificate of the service"),
            std::string::npos)
      << describe(finding);
}

// An asynchronous service whose leader is cut off for good, with busy
// clients so the standby is behind.
std::optional<sim::Finding> async_leader_cut_off(Mutant mutant, std::uint64_t seed) {
  sim::SimConfig config{.seed = seed,
                        .services = {{.id = "db1", .standbys = 1, .synchronous = false}},
                        .clients_per_service = 2,
                        .write_interval_us = 2 * core::kSecond};
  config.settings.mutant = mutant;
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
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kNoLostWrites) << describe(finding);
  EXPECT_NE(finding->what.find("is missing from the leader db1-2"), std::string::npos)
      << describe(finding);
}

// On seed 1 the promoted standby acknowledges a client's write before the
// control plane journals the promotion: that acknowledgement is on a
// history without writes the old leader acknowledged, two writers.
TEST(Mutants, PromotingALaggingStandbyAcknowledgesOnADivergingHistory) {
  EXPECT_FALSE(async_leader_cut_off(Mutant::kNone, 1))
      << describe(async_leader_cut_off(Mutant::kNone, 1));
  std::optional<sim::Finding> finding = async_leader_cut_off(Mutant::kPromoteLaggingStandby, 1);
  ASSERT_TRUE(finding.has_value());
  EXPECT_EQ(finding->invariant, Invariant::kSingleWriter) << describe(finding);
  EXPECT_NE(finding->what.find("on diverging histories"), std::string::npos) << describe(finding);
}

// Two services, one failing over: the mutant moves the wrong one.
std::optional<sim::Finding> failover_of_one_of_two(Mutant mutant) {
  sim::SimConfig config{.seed = 9, .services = {{.id = "db1"}, {.id = "db2"}}};
  config.settings.mutant = mutant;
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
  config.settings.mutant = mutant;
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
  config.settings.mutant = mutant;
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

}  // namespace
}  // namespace unwedge::mutants
