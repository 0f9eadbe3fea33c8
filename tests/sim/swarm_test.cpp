// The swarm generator: a seed becomes a whole scenario (fleet shape, fault
// mix, explicit timeline), the same seed always the same one, and the
// shipped control plane passes the scenarios it draws.
#include "sim/swarm.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kMinute;

constexpr std::uint64_t kSeeds = 200;

TEST(Swarm, TheSameSeedDrawsTheSameScenarioAndAnotherSeedAnotherOne) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const Scenario first = swarm_scenario(seed);
    EXPECT_EQ(first, swarm_scenario(seed)) << "seed " << seed;
    EXPECT_NE(first, swarm_scenario(seed + 1)) << "seed " << seed;
    EXPECT_EQ(first.name, "swarm-" + std::to_string(seed));
    EXPECT_EQ(first.config.seed, seed);
  }
}

TEST(Swarm, NothingIsDrawnInsideTheRunTheTimelineIsTheWholeStory) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Scenario s = swarm_scenario(seed);
    EXPECT_EQ(s.config.faults.mean_gap_us, 0) << "seed " << seed;
    EXPECT_EQ(s.config.operator_mean_gap_us, 0) << "seed " << seed;
    EXPECT_FALSE(s.expect.violation) << "seed " << seed;
    EXPECT_EQ(s.recovery_us, kHour);
    EXPECT_GE(s.duration_us, 2 * kHour) << "seed " << seed;
    EXPECT_LE(s.duration_us, 6 * kHour) << "seed " << seed;
    const std::vector<FaultKind>& enabled = s.config.faults.kinds;
    core::TimeUs previous_us = 0;
    for (const ScheduledFault& f : s.faults) {
      EXPECT_LE(previous_us, f.at_us) << "seed " << seed << ": the timeline is in order";
      EXPECT_LT(f.at_us, s.duration_us) << "seed " << seed;
      EXPECT_NE(std::find(enabled.begin(), enabled.end(), f.spec.kind), enabled.end())
          << "seed " << seed << ": " << describe(f.spec) << " is not an enabled kind";
      previous_us = f.at_us;
    }
    for (const ScheduledOperator& o : s.operators) {
      EXPECT_LT(o.at_us, s.duration_us) << "seed " << seed;
    }
  }
}

TEST(Swarm, TwoHundredSeedsCoverEveryFleetSizeFaultKindAndOperatorKind) {
  std::set<std::size_t> fleet_sizes;
  std::set<std::uint32_t> standby_counts;
  std::set<FaultKind> fault_kinds_seen;
  std::set<OperatorKind> operator_kinds_seen;
  std::set<std::string> fault_targets_seen;
  int strict_subsets = 0;
  int every_kind = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Scenario s = swarm_scenario(seed);
    fleet_sizes.insert(s.config.services.size());
    for (const ServiceSpec& service : s.config.services)
      standby_counts.insert(service.standbys);
    ASSERT_FALSE(s.config.faults.kinds.empty()) << "seed " << seed;
    if (s.config.faults.kinds.size() == fault_kinds_for(/*has_store=*/false).size()) {
      every_kind++;
    } else {
      strict_subsets++;
    }
    for (const ScheduledFault& f : s.faults) {
      fault_kinds_seen.insert(f.spec.kind);
      for (const std::string& t : f.spec.targets)
        fault_targets_seen.insert(t.substr(0, t.find(':')));
      for (const std::string& t : f.spec.others)
        fault_targets_seen.insert(t.substr(0, t.find(':')));
    }
    for (const ScheduledOperator& o : s.operators)
      operator_kinds_seen.insert(o.request.kind);
  }
  EXPECT_EQ(fleet_sizes, (std::set<std::size_t>{1, 2, 3, 4}));
  EXPECT_EQ(standby_counts, (std::set<std::uint32_t>{0, 1, 2}));
  // The reference plane runs no consensus store: every kind but the store's.
  EXPECT_EQ(fault_kinds_seen.size(), fault_kinds_for(/*has_store=*/false).size());
  EXPECT_EQ(operator_kinds_seen.size(), operator_kinds().size());
  EXPECT_GT(strict_subsets, 0);
  EXPECT_GT(every_kind, 0);
  for (const char* target : {"leader", "standby", "follower", "clients", "monitors", "monitor-a",
                             "control-plane", "mid_transaction"}) {
    EXPECT_TRUE(fault_targets_seen.contains(target)) << target << " is never aimed at";
  }
}

// A quarter of the seeds draw a fleet in zones and racks; some of their
// faults strike a whole zone or rack, and no other seed's ever does.
TEST(Swarm, SomeFleetsSitInZonesWhereAFaultMayStrikeAZoneOrARack) {
  std::uint64_t zoned = 0;
  std::map<std::string, int> struck;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Scenario s = swarm_scenario(seed);
    const bool in_zones = !s.config.zones.names.empty();
    zoned += in_zones ? 1 : 0;
    for (const ScheduledFault& f : s.faults) {
      for (const std::string& t : f.spec.targets) {
        if (!t.starts_with("zone:") && !t.starts_with("rack:")) continue;
        EXPECT_TRUE(in_zones) << "seed " << seed << ": " << t;
        struck[t.substr(0, t.find(':'))]++;
      }
    }
    if (in_zones) {
      EXPECT_NE(s.description.find(" in 3 zones of 2 racks (a, b, c)"), std::string::npos)
          << s.description;
    }
  }
  EXPECT_GT(zoned, kSeeds / 8);
  EXPECT_LT(zoned, kSeeds / 2);
  EXPECT_GT(struck["zone"], 0);
  EXPECT_GT(struck["rack"], 0);
}

TEST(Swarm, OptionsBoundTheSafetyPhase) {
  const SwarmOptions short_runs{.duration_min_us = 30 * kMinute,
                                .duration_max_us = 45 * kMinute,
                                .recovery_us = 20 * kMinute};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Scenario s = swarm_scenario(seed, short_runs);
    EXPECT_GE(s.duration_us, 30 * kMinute) << "seed " << seed;
    EXPECT_LE(s.duration_us, 45 * kMinute) << "seed " << seed;
    EXPECT_EQ(s.recovery_us, 20 * kMinute);
  }
}

TEST(Swarm, AGeneratedScenarioRunTwiceGivesTheSameDigest) {
  const Scenario s = swarm_scenario(3);
  const ScenarioOutcome first = run_scenario(s);
  const ScenarioOutcome again = run_scenario(s);
  EXPECT_EQ(first.run.digest, again.run.digest);
  EXPECT_EQ(first.run.events, again.run.events);
  EXPECT_GT(first.run.faults_started, 0u);
}

// The shipped control plane passes every scenario the swarm draws. The
// first seeds run here (about a quarter of a second each); seeds 1..1000
// were swept outside the suite and pass too, but for the open findings
// below.
TEST(Swarm, TheShippedControlPlanePassesTheSwarm) {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    const ScenarioOutcome outcome = run_scenario(swarm_scenario(seed));
    EXPECT_TRUE(outcome.passed) << "swarm seed " << seed << ": " << outcome.mismatch;
  }
}

// Former findings of the swarm, fixed in the control plane; each keeps an
// aimed regression test in tests/postgres/control_plane_test.cpp.
//
// Seed 574: a single-server service went uncertain while the control plane
// itself restarted its leader (stop, then a start slowed by infra_slow); the
// service counted its leader's silence from the leader server's last state
// change, which the restart reset, so it could not judge the leader
// consistently unreachable within the 2 min bound of `uncertain`. The
// service now counts from the leader's last check-in.
//
// Seed 849: an operator asked to replace db3's standby (db3-2) 15 s after a
// requested failover began promoting it. The service's leader was still
// db3-1, so the replacement started on the server being promoted, and
// destroyed the new leader once the failover completed. A server whose
// link is fencing or promoting is not replaced now.
TEST(Swarm, FormerFindingsPass) {
  for (const std::uint64_t seed : {574, 849}) {
    const ScenarioOutcome outcome = run_scenario(swarm_scenario(seed));
    EXPECT_TRUE(outcome.passed) << "swarm seed " << seed << ": " << outcome.mismatch;
    EXPECT_FALSE(outcome.run.finding) << "swarm seed " << seed << ": " << outcome.run.finding->what;
  }
}

}  // namespace
}  // namespace unwedge::sim
