// Every bundled scenario (scenarios/, scenarios/lease/, scenarios/goal/,
// scenarios/regressions/) states what must happen for it to mean anything
// (`requires:`), and its run gets there and gives its expected verdict: a
// story whose situation never arises passes without testing anything.
// Each also runs with the controller audited after every pass.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::sim {
namespace {

std::vector<std::string> files_in(std::initializer_list<const char*> dirs) {
  std::vector<std::string> files;
  for (const char* dir : dirs) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(UNWEDGE_SOURCE_DIR) / dir)) {
      if (entry.path().extension() == ".yaml") {
        files.push_back(
            std::filesystem::relative(entry.path(), UNWEDGE_SOURCE_DIR).generic_string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> bundled_files() {
  return files_in({"scenarios", "scenarios/lease", "scenarios/goal", "scenarios/regressions"});
}

class BundledScenario : public testing::TestWithParam<std::string> {};

TEST_P(BundledScenario, StatesWhatItRequiresAndReachesIt) {
  core::Result<Scenario> s = load_scenario_file(std::string(UNWEDGE_SOURCE_DIR "/") + GetParam());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(s->requirements.empty())
      << GetParam() << " has no requires: say what must happen for its story to mean anything";
  const ScenarioOutcome outcome = run_scenario(*s);
  if (outcome.run.finding && outcome.run.finding->invariant == Invariant::kVacuous) {
    ADD_FAILURE() << GetParam() << " is vacuous: " << outcome.run.finding->what;
  }
  EXPECT_TRUE(outcome.passed) << GetParam() << ": " << outcome.mismatch;
}

// The controller decides only what changed; audited after every pass, it
// never leaves an entity undecided whose full decision moved. Auditing
// changes nothing else, so the run still gives its verdict (the simulator
// checks its own bookkeeping in such runs too).
TEST_P(BundledScenario, AuditedAfterEveryPassMissesNoDecision) {
  core::Result<Scenario> s = load_scenario_file(std::string(UNWEDGE_SOURCE_DIR "/") + GetParam());
  ASSERT_TRUE(s.ok()) << s.error().message;
  s->config.audit_interval_us = 0;
  const ScenarioOutcome outcome = run_scenario(*s);
  if (outcome.run.finding) {
    EXPECT_NE(outcome.run.finding->invariant, Invariant::kMissedDecision)
        << GetParam() << ": " << outcome.run.finding->what;
  }
  EXPECT_TRUE(outcome.passed) << GetParam() << ": " << outcome.mismatch;
}

TEST(BundledScenarios, AreThere) {
  EXPECT_GE(bundled_files().size(), 40U);
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - std::string(".yaml").size());
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, BundledScenario, testing::ValuesIn(bundled_files()), test_name);

// The fleet-sized scenarios (scenarios/fleet/: a thousand services and
// more) give their expected verdicts, each its own test: seconds to a minute
// apiece, so the sanitizer build's test preset leaves them out.
class FleetScenario : public testing::TestWithParam<std::string> {};

TEST_P(FleetScenario, ReachesWhatItRequiresAndGivesItsVerdict) {
  core::Result<Scenario> s = load_scenario_file(std::string(UNWEDGE_SOURCE_DIR "/") + GetParam());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GE(s->config.services.size(), 1000u) << GetParam() << " is not fleet-sized";
  EXPECT_FALSE(s->requirements.empty()) << GetParam() << " has no requires:";
  EXPECT_TRUE(s->expect.availability.has_value()) << GetParam() << " bounds no availability";
  const ScenarioOutcome outcome = run_scenario(*s);
  if (outcome.run.finding && outcome.run.finding->invariant == Invariant::kVacuous) {
    ADD_FAILURE() << GetParam() << " is vacuous: " << outcome.run.finding->what;
  }
  EXPECT_TRUE(outcome.passed) << GetParam() << ": " << outcome.mismatch;
}

INSTANTIATE_TEST_SUITE_P(Fleet, FleetScenario, testing::ValuesIn(files_in({"scenarios/fleet"})),
                         test_name);

}  // namespace
}  // namespace unwedge::sim
