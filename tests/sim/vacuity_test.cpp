// Vacuity: a scenario's `requires:` says what must happen for its run to
// mean anything, and a run that never gets there is a finding.
//
// The planted bug comes first: deprovision_racing_failover.yaml as it was
// first written cut the leader off at 30 minutes and asked for the
// deprovision at 31, a minute before monitoring could even call the leader
// unreachable, so the deprovision never met a failover and the race its
// story tells never ran. It passed all the same.
#include <gtest/gtest.h>

#include "sim/happening_log.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;

// The race the story is about, as the scenario now requires it.
const Requirement kRace{.what = {Happening::kRequest, "deprovision"},
                        .during = Observed{Happening::kAction, "Failover"}};

// The scenario as it was first written, timings and all.
constexpr std::string_view kOriginalRace = R"(name: deprovision-racing-failover
description: >
  The leader is cut off at 30 minutes; one minute later, mid-failover, the
  customer deletes the service.
seed: 110
duration: 90m
recovery: 30m
fleet:
  services:
    - id: db1
      standbys: 1
      replication: sync
timeline:
  - at: 30m
    fault: partition_complete
    targets: [leader:db1]
    duration: 15m
  - at: 31m
    operator: deprovision
    target: db1
expect: pass
)";

Scenario parsed(std::string_view yaml) {
  core::Result<Scenario> s = parse_scenario(yaml, "original.yaml");
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? *s : Scenario{};
}

TEST(Vacuity, TheOriginalRaceNeverRaces) {
  const Scenario original = parsed(kOriginalRace);
  HappeningLog log(original.config);
  const ScenarioOutcome outcome = run_scenario(original, {}, nullptr, &log);
  EXPECT_TRUE(outcome.passed) << outcome.mismatch;  // it passed: nothing said it tested nothing
  EXPECT_EQ(log.count({.what = {Happening::kRequest, "deprovision"}}), 1U);
  EXPECT_GE(log.count({.what = {Happening::kAction, "Deprovision"}}), 1U);
  // The deprovision came before any failover, and none ever ran with it.
  EXPECT_EQ(log.count(kRace), 0U);
}

TEST(Vacuity, ARunThatMissesItsRequirementIsAFinding) {
  Scenario original = parsed(kOriginalRace);
  original.requirements = {kRace};
  const ScenarioOutcome outcome = run_scenario(original);
  EXPECT_FALSE(outcome.passed);
  ASSERT_TRUE(outcome.run.finding.has_value());
  EXPECT_EQ(outcome.run.finding->invariant, Invariant::kVacuous);
  EXPECT_EQ(outcome.run.finding->what,
            "requires[0] never held: a deprovision request arrives while a Failover runs, on the "
            "same service (0 of 1 times)");
  EXPECT_EQ(outcome.mismatch,
            "expected to pass, but the run is vacuous: " + outcome.run.finding->what);
}

TEST(Vacuity, ARunExpectedVacuousIsJudgedSo) {
  Scenario original = parsed(kOriginalRace);
  original.requirements = {kRace};
  original.expect.violation = Invariant::kVacuous;
  EXPECT_TRUE(run_scenario(original).passed);
}

TEST(Vacuity, TheBundledRaceRaces) {
  core::Result<Scenario> fixed =
      load_scenario_file(UNWEDGE_SOURCE_DIR "/scenarios/deprovision_racing_failover.yaml");
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  ASSERT_EQ(fixed->requirements.size(), 1U);
  EXPECT_EQ(fixed->requirements.front(), kRace);
  HappeningLog log(fixed->config);
  const ScenarioOutcome outcome = run_scenario(*fixed, {}, nullptr, &log);
  EXPECT_TRUE(outcome.passed) << outcome.mismatch;
  EXPECT_EQ(log.count(kRace), 1U);
}

TEST(Vacuity, EveryRequirementMustHoldAndTheFirstMissedIsNamed) {
  Scenario original = parsed(kOriginalRace);
  original.requirements = {{.what = {Happening::kAction, "Deprovision"}},
                           {.what = {Happening::kState, "service/failing_over"}},
                           kRace};
  const ScenarioOutcome outcome = run_scenario(original);
  ASSERT_TRUE(outcome.run.finding.has_value());
  EXPECT_EQ(outcome.run.finding->what,
            "requires[1] never held: service/failing_over is entered (0 of 1 times)");
}

TEST(Vacuity, ARunThatFailsOtherwiseIsJudgedByThatFinding) {
  // A bound no provisioning meets: the dwell finding comes first, and a
  // run that found something is not also called vacuous.
  Scenario original = parsed(kOriginalRace);
  original.requirements = {kRace};
  original.config.dwell_overrides["service/provisioning"] = core::kSecond;
  const ScenarioOutcome outcome = run_scenario(original);
  ASSERT_TRUE(outcome.run.finding.has_value());
  EXPECT_EQ(outcome.run.finding->invariant, Invariant::kBoundedDwell);
}

// ---------------------------------------------------------------------------
// What the log counts, told by hand.

core::StepEvent step(std::string_view id, std::string_view action, std::string_view verdict) {
  return {.action_id = id,
          .action = action,
          .step = "s",
          .verdict = verdict,
          .over = verdict == "finish" || verdict == "end"};
}

TEST(HappeningLog, ARequestMeetsAnActionOnlyOnItsOwnService) {
  HappeningLog log({"db1", "db2"});
  log.step(step("Failover/db1/1", "Failover", "next"), 10 * kMinute);
  log.request_raised({.kind = OperatorKind::kDeprovision, .target = "db2"}, 11 * kMinute);
  log.request_raised({.kind = OperatorKind::kDeprovision, .target = "db1"}, 12 * kMinute);
  log.step(step("Failover/db1/1", "Failover", "finish"), 13 * kMinute);
  log.request_raised({.kind = OperatorKind::kDeprovision, .target = "db1"}, 14 * kMinute);
  EXPECT_EQ(log.count(kRace), 1U);
  Requirement on_db2 = kRace;
  on_db2.service = "db2";
  EXPECT_EQ(log.count(on_db2), 0U);
  EXPECT_EQ(log.count({.what = {Happening::kRequest, "deprovision"}, .service = "db1"}), 2U);
}

TEST(HappeningLog, AFaultOnNoServiceStrikesTheWholeFleet) {
  HappeningLog log({"db1", "db10"});
  log.fault_started(1, {.kind = FaultKind::kInfraSlow, .amount = 5}, 0);
  log.fault_started(2, {.kind = FaultKind::kHostCrash, .targets = {"db10-2"}}, 0);
  log.step(step("Failover/db1/1", "Failover", "finish"), kMinute);
  log.fault_healed(1, 2 * kMinute);
  log.step(step("Failover/db1/2", "Failover", "finish"), 3 * kMinute);
  const auto during = [](FaultKind kind) {
    return Requirement{.what = {Happening::kAction, "Failover"},
                       .during = Observed{Happening::kFault, std::string(info(kind).name)}};
  };
  EXPECT_EQ(log.count(during(FaultKind::kInfraSlow)), 1U);
  EXPECT_EQ(log.count(during(FaultKind::kHostCrash)), 0U);  // db10 is not db1
  log.run_ended(InvariantChecker{}, 4 * kMinute);
  const std::vector<Requirement> reached = log.sometimes();
  ASSERT_EQ(reached.size(), 1U);
  EXPECT_EQ(flow_text(reached.front()), "{action: Failover, during: {fault: infra_slow}}");
}

TEST(HappeningLog, AnActionRunsFromItsFirstStepToItsLast) {
  HappeningLog log({"db1"});
  log.request_raised({.kind = OperatorKind::kRequestFailover, .target = "db1"}, 0);
  log.step(step("Failover/db1/1", "Failover", "next"), kMinute);
  log.request_raised({.kind = OperatorKind::kDeprovision, .target = "db1"}, kMinute);
  log.step(step("Failover/db1/1", "Failover", "wait"), 2 * kMinute);
  log.step(step("Failover/db1/1", "Failover", "end"), 3 * kMinute);
  log.request_raised({.kind = OperatorKind::kDeprovision, .target = "db1"}, 3 * kMinute);
  EXPECT_EQ(log.count(kRace), 1U);  // at the first step, not at the last
  Requirement twice = kRace;
  twice.times = 2;
  EXPECT_EQ(*log.first_unmet(std::vector<Requirement>{twice}),
            "requires[0] never held: a deprovision request arrives while a Failover runs, on the "
            "same service, at least 2 times (1 of 2 times)");
}

TEST(Requirement, AnEntityBelongsToTheServiceItsNameBeginsWith) {
  const std::vector<std::string> services = {"db1", "db10", "orders"};
  EXPECT_EQ(service_of("db1", services), 0U);
  EXPECT_EQ(service_of("db1-2", services), 0U);
  EXPECT_EQ(service_of("db10-2", services), 1U);
  EXPECT_EQ(service_of("db1/db1-2", services), 0U);
  EXPECT_EQ(service_of("client-orders-3", services), 2U);
  EXPECT_EQ(service_of("db100", services), std::nullopt);
  EXPECT_EQ(service_of("monitor-a", services), std::nullopt);
  EXPECT_EQ(service_of("control-plane", services), std::nullopt);
}

}  // namespace
}  // namespace unwedge::sim
