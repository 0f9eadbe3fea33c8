// A property per invariant over the reference control plane: scenarios
// drawn toward what can break it run without a finding. A failure prints
// rapidcheck's reproduce string and the finding, and writes the shrunk
// scenario to $UNWEDGE_PROPERTIES_OUT/<invariant>.yaml (default
// out/properties/ under the working directory) with the commands that
// replay it.
#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "tests/properties/invariant_property.hpp"
#include "tests/support/temp_path.hpp"

namespace unwedge::properties {
namespace {

using sim::Invariant;

void property(Invariant invariant) {
  passes(*scenario_gen(slant_for(invariant)), invariant);
}

RC_GTEST_PROP(InvariantProperties, ValidTransitions, ()) {
  property(Invariant::kValidTransitions);
}

RC_GTEST_PROP(InvariantProperties, BoundedDwell, ()) {
  property(Invariant::kBoundedDwell);
}

RC_GTEST_PROP(InvariantProperties, NoLostWrites, ()) {
  property(Invariant::kNoLostWrites);
}

RC_GTEST_PROP(InvariantProperties, SingleWriter, ()) {
  property(Invariant::kSingleWriter);
}

RC_GTEST_PROP(InvariantProperties, EventuallyHealthy, ()) {
  property(Invariant::kEventuallyHealthy);
}

RC_GTEST_PROP(InvariantProperties, IdempotentEffects, ()) {
  property(Invariant::kIdempotentEffects);
}

RC_GTEST_PROP(InvariantProperties, Assertion, ()) {
  property(Invariant::kAssertion);
}

RC_GTEST_PROP(InvariantProperties, NoNeedlessDisruption, ()) {
  property(Invariant::kNoNeedlessDisruption);
}

// A failing property writes its shrunk counterexample where the variable
// says, names it with the replay commands, and the file replays the
// failure. A dwell bound of one second on `provisioning` makes every run
// fail, so the smallest case has no fault at all.
TEST(InvariantProperties, AFailureWritesTheShrunkScenarioAndNamesIt) {
  const std::filesystem::path dir = unwedge::testing::temp_path("properties-test");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(setenv("UNWEDGE_PROPERTIES_OUT", dir.c_str(), 1), 0);
  const rc::Gen<sim::Scenario> gen =
      rc::gen::map(scenario_gen(slant_for(Invariant::kBoundedDwell)), [](sim::Scenario s) {
        s.config.dwell_overrides["service/provisioning"] = core::kSecond;
        return s;
      });
  std::optional<sim::Scenario> last;
  rc::detail::TestParams params;
  params.seed = 3;
  const rc::detail::TestResult result = rc::detail::checkTestable(
      [&] {
        last = *gen;
        passes(*last, Invariant::kBoundedDwell);
      },
      rc::detail::TestMetadata{}, params);
  unsetenv("UNWEDGE_PROPERTIES_OUT");

  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure));
  const std::filesystem::path file = dir / "bounded_dwell.yaml";
  EXPECT_NE(failure.description.find("bounded_dwell violated by db1"), std::string::npos)
      << failure.description;
  EXPECT_NE(failure.description.find("unwedge replay " + file.string()), std::string::npos)
      << failure.description;
  EXPECT_NE(failure.description.find("unwedge run " + file.string()), std::string::npos);

  core::Result<sim::Scenario> written = sim::load_scenario_file(file.string());
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_TRUE(written->faults.empty());
  EXPECT_TRUE(written->operators.empty());
  EXPECT_FALSE(written->expect.violation.has_value());
  sim::Scenario shrunk = *last;  // the last call was the smallest failing case
  shrunk.source = written->source;
  EXPECT_EQ(*written, shrunk);
  const sim::ScenarioOutcome replayed = sim::run_scenario(*written);
  EXPECT_FALSE(replayed.passed);
  ASSERT_TRUE(replayed.run.finding.has_value());
  EXPECT_EQ(replayed.run.finding->invariant, Invariant::kBoundedDwell);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace unwedge::properties
