// The fleet_fuzzer's encoding: any bytes of the known version decode to a
// bounded scenario that the scenario file format carries unchanged, the same
// bytes always to the same scenario; another version is refused by name.
// And the early end of a settled recovery, which the fuzzer runs on: it
// finds what the full run finds.
#include "sim/scenario_from_bytes.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "sim/scenario_yaml.hpp"

namespace unwedge::sim {
namespace {

std::vector<std::uint8_t> versioned(std::vector<std::uint8_t> rest, std::uint8_t version) {
  rest.insert(rest.begin(), version);
  return rest;
}

RC_GTEST_PROP(ScenarioFromBytes, AnyBytesOfAVersionDecodeToABoundedScenarioAFileCarries,
              (std::vector<std::uint8_t> rest, bool late)) {
  const std::uint8_t version = late ? 2 : 1;
  const std::vector<std::uint8_t> bytes = versioned(rest, version);
  core::Result<Scenario> scenario = scenario_from_bytes(bytes, "input");
  RC_ASSERT(scenario.ok());
  RC_ASSERT(scenario->config.services.size() >= 1U);
  RC_ASSERT(scenario->config.services.size() <= 2U);
  // An entry is one fault or one request, or a promotion with its unfollow.
  RC_ASSERT(scenario->faults.size() + scenario->operators.size() <= 2 * kScenarioBytesEntriesMax);
  // Version 1: faults from the start for 1-20 minutes; version 2: 10
  // seconds to 5 minutes of them after 20 quiet minutes of provisioning.
  const core::TimeUs from_us = late ? kScenarioBytesProvisioningUs : 0;
  RC_ASSERT(scenario->provisioning_us == from_us);
  RC_ASSERT(scenario->duration_us >= from_us + (late ? 10 * core::kSecond : core::kMinute));
  RC_ASSERT(scenario->duration_us <= from_us + (late ? 5 : 20) * core::kMinute);
  for (const ScheduledFault& f : scenario->faults) {
    RC_ASSERT(f.at_us >= from_us);
    RC_ASSERT(f.at_us < scenario->duration_us);
  }
  for (const ScheduledOperator& o : scenario->operators) {
    RC_ASSERT(o.at_us >= from_us);
    RC_ASSERT(o.at_us < scenario->duration_us);
  }
  // Written and read back, it is the same scenario: a crash input becomes
  // a scenario file that means exactly what the input meant.
  core::Result<Scenario> again = parse_scenario(to_yaml(*scenario), "input.yaml");
  RC_ASSERT(again.ok());
  Scenario expected = *scenario;
  expected.source = "input.yaml";
  RC_ASSERT(*again == expected);
  // Decoding is a pure function of the bytes.
  RC_ASSERT(*scenario_from_bytes(bytes, "input") == *scenario);
}

TEST(ScenarioFromBytes, AnotherVersionOrNoBytesAreRefusedByName) {
  for (const std::uint8_t version : {0, 3, 255}) {
    core::Result<Scenario> other =
        scenario_from_bytes(std::vector<std::uint8_t>{version, 0, 1}, "crash-1");
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().message,
              fmt::format("crash-1: encoding version {} is not one this build reads (it reads "
                          "versions 1 to 2); decode it with the unwedge that found it",
                          version));
  }
  core::Result<Scenario> empty = scenario_from_bytes({}, "crash-2");
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.error().message.starts_with("crash-2: empty;")) << empty.error().message;
}

TEST(ScenarioFromBytes, TheVersionByteAloneIsTheSmallestStory) {
  core::Result<Scenario> s = scenario_from_bytes(versioned({}, 1), "quiet");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->config.services.size(), 1U);
  EXPECT_EQ(s->config.services[0].standbys, 0U);
  EXPECT_EQ(s->provisioning_us, 0);
  EXPECT_EQ(s->duration_us, core::kMinute);
  EXPECT_TRUE(s->faults.empty());
  EXPECT_TRUE(s->operators.empty());
  // Version 2: the same fleet, provisioned, then ten seconds of quiet.
  core::Result<Scenario> late = scenario_from_bytes(versioned({}, 2), "quiet");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->config.services, s->config.services);
  EXPECT_EQ(late->provisioning_us, 20 * core::kMinute);
  EXPECT_EQ(late->duration_us, 20 * core::kMinute + 10 * core::kSecond);
  EXPECT_TRUE(late->faults.empty());
  EXPECT_TRUE(late->operators.empty());
  EXPECT_EQ(late->description,
            "decoded from quiet (1 bytes, encoding version 2): 1 service, 0 faults and 0 "
            "operator requests in 10 s after 20 min of provisioning");
}

// A leader cut off for the last two minutes of the safety phase: it fails
// over, and the old leader's replacement runs on into the recovery phase,
// which settles well before its hour is over.
Scenario leader_cut() {
  Scenario s{.name = "leader-cut", .duration_us = 20 * core::kMinute, .recovery_us = core::kHour};
  s.config = SimConfig{.seed = 3, .services = {{.id = "db1", .standbys = 1}}};
  s.faults.push_back({.at_us = 18 * core::kMinute,
                      .spec = {.kind = FaultKind::kPartitionComplete, .targets = {"leader:db1"}}});
  return s;
}

TEST(SettledRecovery, APassingRunEndsEarlyWithTheFullRunsVerdict) {
  const Scenario s = leader_cut();
  const ScenarioOutcome full = run_scenario(s);
  ASSERT_TRUE(full.passed) << full.mismatch;
  const RunSummary early = run_scenario_settling(s, core::kMinute);
  EXPECT_FALSE(early.finding.has_value());
  EXPECT_LT(early.simulated_us, full.run.simulated_us);
  EXPECT_GT(early.simulated_us, s.duration_us);
}

TEST(SettledRecovery, AFailingRunFailsAlikeWhenEndedEarly) {
  Scenario s = leader_cut();
  // A bound the replacement cannot meet: the service is in maintenance for
  // minutes, most of them in the recovery phase.
  s.config.dwell_overrides["service/maintenance"] = core::kMinute;
  const ScenarioOutcome full = run_scenario(s);
  ASSERT_TRUE(full.run.finding.has_value());
  // Found in the recovery phase, where the early end applies.
  ASSERT_GT(full.run.simulated_us, s.duration_us);
  const RunSummary early = run_scenario_settling(s, core::kMinute);
  ASSERT_TRUE(early.finding.has_value());
  EXPECT_EQ(early.finding->invariant, full.run.finding->invariant);
  EXPECT_EQ(early.digest, full.run.digest);
}

}  // namespace
}  // namespace unwedge::sim
