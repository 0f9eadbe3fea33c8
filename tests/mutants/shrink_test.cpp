// Shrinking: a scenario that fails against a planted bug shrinks to fewer
// events (and services) and still fails the same invariant; a passing one
// has nothing to shrink.
#include "sim/shrink.hpp"

#include <gtest/gtest.h>

#include "sim/scenario_yaml.hpp"
#include "tests/mutants/swarm.hpp"

namespace unwedge::mutants {
namespace {

using core::kHour;
using core::kMinute;
using core::kSecond;
using postgres::Mutant;
using sim::FaultKind;
using sim::Invariant;

// db1's leader host goes down for ten minutes, among a dozen faults and
// requests that have nothing to do with it.
sim::Scenario leader_down_among_noise(Mutant mutant) {
  sim::Scenario s{.name = "leader-down-among-noise",
                  .duration_us = 2 * kHour,
                  .recovery_us = 30 * kMinute,
                  .source = "leader-down-among-noise"};
  s.config = sim::SimConfig{.seed = 8, .services = {{.id = "db1"}, {.id = "db2"}}};
  s.config.plane_settings["mutant"] = postgres::to_string(mutant);
  for (int i = 0; i < 6; ++i) {
    s.faults.push_back({.at_us = (10 + 12 * i) * kMinute,
                        .spec = {.kind = FaultKind::kLateCheckins,
                                 .targets = {"standby:db2"},
                                 .duration_us = kMinute,
                                 .amount = 5 * kSecond}});
    s.operators.push_back(
        {.at_us = (15 + 12 * i) * kMinute,
         .request = {.kind = sim::OperatorKind::kRequestFailover, .target = "db2"}});
  }
  s.faults.push_back(
      {.at_us = 40 * kMinute,
       .spec = {
           .kind = FaultKind::kHostCrash, .targets = {"leader:db1"}, .duration_us = 10 * kMinute}});
  return s;
}

TEST(Shrink, AFailingScenarioShrinksToTheFaultThatMatters) {
  const sim::Scenario failing = leader_down_among_noise(Mutant::kNoUncertainTimeout);
  core::Result<sim::ShrinkResult> shrunk = sim::shrink_scenario(failing);
  ASSERT_TRUE(shrunk.ok()) << shrunk.error().message;
  EXPECT_EQ(shrunk->invariant, Invariant::kBoundedDwell);
  EXPECT_EQ(shrunk->events_before, 13u);
  EXPECT_EQ(shrunk->events_after, 1u);
  EXPECT_EQ(shrunk->services_after, 1u);
  ASSERT_EQ(shrunk->scenario.faults.size(), 1u);
  EXPECT_EQ(shrunk->scenario.faults[0].spec.kind, FaultKind::kHostCrash);
  EXPECT_LT(shrunk->scenario.duration_us, failing.duration_us);
  // The shrunk scenario, written as a file and read back, expects the
  // violation and gives it.
  ASSERT_EQ(shrunk->scenario.expect.violation, Invariant::kBoundedDwell);
  core::Result<sim::Scenario> file =
      sim::parse_scenario(sim::to_yaml(shrunk->scenario), "shrunk.yaml");
  ASSERT_TRUE(file.ok()) << file.error().message;
  sim::ScenarioOutcome again = sim::run_scenario(*file);
  EXPECT_TRUE(again.passed) << again.mismatch;
  EXPECT_NE(shrunk->what.find("uncertain"), std::string::npos) << shrunk->what;
}

// A zone's outage takes down the single server of whichever service is
// there (either alone fails); a service that happens to share the zone's
// name ("a") is cut away like any other, the zone's fault kept: `zone:a`
// names a place, not service a.
TEST(Shrink, AServiceNamedAsAZoneIsCutWithoutTheZonesFault) {
  sim::Scenario s{.name = "zone-down",
                  .duration_us = kHour,
                  .recovery_us = 30 * kMinute,
                  .source = "zone-down"};
  s.config = sim::SimConfig{.seed = 8,
                            .services = {{.id = "db1", .standbys = 0}, {.id = "a", .standbys = 0}}};
  s.config.zones = sim::ZoneShape{.names = {"a", "b", "c"}};
  s.config.plane_settings["mutant"] = postgres::to_string(Mutant::kNoUncertainTimeout);
  s.faults.push_back(
      {.at_us = 30 * kMinute,
       .spec = {
           .kind = FaultKind::kHostCrash, .targets = {"zone:a"}, .duration_us = 10 * kMinute}});
  core::Result<sim::ShrinkResult> shrunk = sim::shrink_scenario(s);
  ASSERT_TRUE(shrunk.ok()) << shrunk.error().message;
  EXPECT_EQ(shrunk->invariant, Invariant::kBoundedDwell);
  // The shrinker tries the last service first: "a" goes, the zone's fault
  // stays and still strikes db1 (had it taken `zone:a` for service a, it
  // would have dropped the fault with it, failed to fail, and kept "a").
  ASSERT_EQ(shrunk->services_after, 1u);
  EXPECT_EQ(shrunk->scenario.config.services[0].id, "db1");
  ASSERT_EQ(shrunk->scenario.faults.size(), 1u);
  EXPECT_EQ(shrunk->scenario.faults[0].spec.targets, std::vector<std::string>{"zone:a"});
}

// Seed 2 is the first of harness_power's swarm to catch the shortcut.
TEST(Shrink, ARandomMixIsTurnedIntoATimelineAndShrunk) {
  sim::Scenario failing{.name = "swarm-2",
                        .config = swarm_config(2, Mutant::kTransitionShortcut),
                        .duration_us = 6 * kHour,
                        .recovery_us = kHour};
  core::Result<sim::ShrinkResult> shrunk = sim::shrink_scenario(failing);
  ASSERT_TRUE(shrunk.ok()) << shrunk.error().message;
  EXPECT_EQ(shrunk->invariant, Invariant::kValidTransitions);
  EXPECT_GT(shrunk->events_before, 20u);
  EXPECT_LT(shrunk->events_after, shrunk->events_before / 4);
  EXPECT_EQ(shrunk->scenario.config.faults.mean_gap_us, 0);
  EXPECT_EQ(shrunk->scenario.config.operator_mean_gap_us, 0);
  sim::ScenarioOutcome again = sim::run_scenario(shrunk->scenario);
  EXPECT_TRUE(again.passed) << again.mismatch;
}

TEST(Shrink, APassingScenarioHasNothingToShrink) {
  core::Result<sim::ShrinkResult> shrunk =
      sim::shrink_scenario(leader_down_among_noise(Mutant::kNone));
  ASSERT_FALSE(shrunk.ok());
  EXPECT_NE(shrunk.error().message.find("leader-down-among-noise passes (digest "),
            std::string::npos)
      << shrunk.error().message;
}

}  // namespace
}  // namespace unwedge::mutants
