// Running a Scenario: its timeline is applied, fault and operator targets
// may name roles resolved when they fire, and the run is judged against the
// expected verdict.
#include "sim/scenario.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kMinute;

// The hosts each fault started on, from the trace.
class FaultTargets final : public TraceSink {
 public:
  void write(const TraceRecord& r) override {
    if (r.kind == TraceKind::kFault && r.detail.starts_with('#')) faults.push_back(r.detail);
  }
  std::vector<std::string> faults;
};

Scenario two_leader_cuts() {
  Scenario s{.name = "two-leader-cuts", .duration_us = 2 * kHour, .recovery_us = 30 * kMinute};
  s.config = SimConfig{.seed = 5, .services = {{.id = "db1", .standbys = 2}}};
  // The leader is cut off twice; the second cut must hit whoever leads then.
  for (core::TimeUs at : {30 * kMinute, 70 * kMinute}) {
    s.faults.push_back({.at_us = at,
                        .spec = {.kind = FaultKind::kPartitionComplete,
                                 .targets = {"leader:db1"},
                                 .duration_us = 15 * kMinute}});
  }
  return s;
}

TEST(Scenario, RoleTargetsNameWhoHoldsTheRoleWhenTheFaultStarts) {
  FaultTargets sink;
  ScenarioOutcome outcome = run_scenario(two_leader_cuts(), std::nullopt, &sink);
  ASSERT_TRUE(outcome.passed) << outcome.mismatch;
  ASSERT_EQ(sink.faults.size(), 2u);
  EXPECT_NE(sink.faults[0].find("partition_complete {db1-1}"), std::string::npos) << sink.faults[0];
  // db1-1 was failed over after the first cut, so the second hits another.
  EXPECT_EQ(sink.faults[1].find("{db1-1}"), std::string::npos) << sink.faults[1];
  EXPECT_NE(sink.faults[1].find("partition_complete {db1-"), std::string::npos) << sink.faults[1];
}

// Two cuts of the leader: two failovers the control plane decides on its
// own, each counted by its rule and each judged not needless (the leader
// was cut off from every monitor). A bound of one fails the run, a bound
// of two passes it.
TEST(Scenario, DisruptionsAreCountedAndBounded) {
  Scenario s = two_leader_cuts();
  const ScenarioOutcome unbounded = run_scenario(s);
  ASSERT_TRUE(unbounded.passed) << unbounded.mismatch;
  const std::vector<DisruptionTally> failovers = {
      {.kind = "failover", .cause = "failover-unreachable-leader", .count = 2}};
  std::vector<DisruptionTally> counted;
  for (const DisruptionTally& t : unbounded.run.disruptions) {
    if (t.kind == "failover") counted.push_back(t);
  }
  EXPECT_EQ(counted, failovers);
  s.expect.disruptions_max = {{core::DisruptionKind::kFailover, 2}};
  EXPECT_TRUE(run_scenario(s).passed) << run_scenario(s).mismatch;
  s.expect.disruptions_max = {{core::DisruptionKind::kFailover, 1}};
  const ScenarioOutcome over = run_scenario(s);
  EXPECT_FALSE(over.passed);
  EXPECT_EQ(over.mismatch,
            "expected at most 1 failover disruption, but the control plane decided 2 "
            "(failover-unreachable-leader 2)");
  ASSERT_EQ(over.disruptions_over.size(), 1u);
  EXPECT_EQ(over.disruptions_over[0], core::DisruptionKind::kFailover);
}

// A failover the customer asks for strikes a healthy leader, and is never
// needless; it is counted under its own rule.
TEST(Scenario, ARequestedFailoverOfAHealthyLeaderIsNotNeedless) {
  Scenario s{.name = "asked", .duration_us = kHour, .recovery_us = 30 * kMinute};
  s.config = SimConfig{.seed = 3, .services = {{.id = "db1"}}};
  s.operators.push_back({.at_us = 30 * kMinute,
                         .request = {.kind = OperatorKind::kRequestFailover, .target = "db1"}});
  const ScenarioOutcome outcome = run_scenario(s);
  ASSERT_TRUE(outcome.passed) << outcome.mismatch;
  ASSERT_FALSE(outcome.run.disruptions.empty());
  EXPECT_EQ(outcome.run.disruptions[0].kind, "failover");
  EXPECT_EQ(outcome.run.disruptions[0].cause, "planned-failover");
}

TEST(Scenario, ARoleThatNamesNobodyMakesAFaultWithNoEffect) {
  Scenario s = two_leader_cuts();
  s.faults = {{.at_us = 30 * kMinute,
               .spec = {.kind = FaultKind::kHostCrash,
                        .targets = {"follower:db1"},
                        .duration_us = 5 * kMinute}}};
  FaultTargets sink;
  ScenarioOutcome outcome = run_scenario(s, std::nullopt, &sink);
  EXPECT_TRUE(outcome.passed) << outcome.mismatch;
  EXPECT_EQ(outcome.run.faults_started, 0u);
}

TEST(Scenario, TheSeedCanBeReplacedAndTheVerdictIsJudged) {
  Scenario s = two_leader_cuts();
  ScenarioOutcome own = run_scenario(s);
  ScenarioOutcome again = run_scenario(s);
  ScenarioOutcome other = run_scenario(s, 6);
  EXPECT_EQ(own.run.digest, again.run.digest);
  EXPECT_NE(own.run.digest, other.run.digest);

  s.expect.violation = Invariant::kNoLostWrites;
  ScenarioOutcome expected_violation = run_scenario(s);
  EXPECT_FALSE(expected_violation.passed);
  EXPECT_EQ(expected_violation.mismatch,
            "expected a violation of no_lost_writes, but the run passed");
}

TEST(Scenario, AnOperatorRequestCanNameARole) {
  Scenario s = two_leader_cuts();
  s.faults.clear();
  s.config.services = {{.id = "db1", .followers = 1}};
  s.operators = {{.at_us = 40 * kMinute,
                  .request = {.kind = OperatorKind::kPromoteFollower, .target = "follower:db1"}}};
  Simulation sim(s.config);
  for (const ScheduledOperator& o : s.operators)
    sim.schedule_operator(o.at_us, o.request);
  RunSummary run = sim.run(s.duration_us, s.recovery_us);
  ASSERT_FALSE(run.finding) << run.finding->what;
  // The follower became a database of its own: its link is promoted.
  auto txn = sim.durable_store().begin();
  std::optional<postgres::ReplicaLink> link = txn->get<postgres::ReplicaLink>("db1-3");
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(postgres::replica_link_machine().state_name(link->state.id), "promoted");
}

}  // namespace
}  // namespace unwedge::sim
