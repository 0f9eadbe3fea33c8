// The canary (cli/canary_checks.hpp), built here against a modified copy of
// the reference plane: the one with its planted bugs compiled in, which
// registers itself as "postgres" beside the canary's plane. The canary's
// bug must be caught and every checker must flag its recorded history
// whatever that copy does, since the canary runs none of its code; and the
// canary itself must be able to fail.
#include <gtest/gtest.h>

#include "cli/canary_checks.hpp"
#include "cli/canary_plane.hpp"
#include "planes/postgres/settings.hpp"
#include "seam/registry.hpp"
#include "sim/swarm.hpp"

UNWEDGE_REGISTER_CONTROL_PLANE(unwedge::cli::canary_plane_info());

namespace unwedge::cli {
namespace {

TEST(Canary, ItsPlantedWedgeIsCaughtAndEveryCheckerFlagsItsHistory) {
  const reports::CanaryResult canary = run_canary_checks();
  EXPECT_TRUE(canary.caught) << canary.sentence;
  EXPECT_EQ(canary.mutant, "wedged_in_draining");
  EXPECT_EQ(canary.invariant, "bounded_dwell");
  EXPECT_NE(canary.sentence.find("ledger/ledger-1 has been draining"), std::string::npos)
      << canary.sentence;
  std::vector<std::string> checkers;
  for (const reports::CheckerSelfTest& test : canary.self_tests) {
    EXPECT_TRUE(test.flagged) << test.checker << ": " << test.sentence;
    checkers.push_back(test.checker);
  }
  EXPECT_EQ(checkers, (std::vector<std::string>{
                          "valid_transitions", "bounded_dwell", "no_lost_writes", "single_writer",
                          "store_linearizable", "plane_invariant", "determinism"}));
}

// The old canary replayed swarm seed 1 of a mutant of the reference plane:
// any change to that plane's behaviour moved the run. Here the reference
// plane is a modified copy and its behaviour is changed further (a shorter
// `missed_after`, which every decision of its monitoring reads): the old
// canary's run moves, the new canary does not.
TEST(Canary, ItStaysCaughtWhenTheReferencePlaneChanges) {
  ASSERT_NE(seam::find_plane("postgres"), nullptr) << "the modified copy is linked in";
  sim::Scenario old_canary = sim::swarm_scenario(1, {.control_plane = "postgres"});
  old_canary.config.plane_settings["mutant"] =
      postgres::to_string(postgres::Mutant::kPromoteLaggingStandby);
  const std::uint64_t before = sim::run_scenario(old_canary).run.digest;
  old_canary.config.plane_settings["missed_after"] = "20s";
  const std::uint64_t after = sim::run_scenario(old_canary).run.digest;
  EXPECT_NE(before, after) << "the change reaches the reference plane's runs";

  const sim::Scenario scenario = canary_scenario();
  EXPECT_EQ(scenario.config.control_plane, "canary") << "never the default plane";
  const reports::CanaryResult canary = run_canary_checks();
  EXPECT_TRUE(canary.caught) << canary.sentence;
}

// The canary can fail: a harness whose dwell check looks away (the bound
// lifted, the plane's promise too) does not catch the wedge with
// bounded_dwell, and the aimed scenario says so rather than passing.
TEST(Canary, AHarnessBlindToDwellDoesNotCatchTheWedge) {
  sim::Scenario scenario = canary_scenario();
  scenario.config.dwell_overrides["ledger/draining"] = 365 * core::kDay;
  scenario.config.plane_settings["drain_promise"] = "1d";
  const sim::ScenarioOutcome outcome = sim::run_scenario(scenario);
  EXPECT_FALSE(outcome.passed) << "expected bounded_dwell";
  ASSERT_TRUE(outcome.run.finding.has_value()) << "the liveness check still sees the ledger";
  EXPECT_EQ(outcome.run.finding->invariant, sim::Invariant::kEventuallyHealthy)
      << outcome.run.finding->what;
}

}  // namespace
}  // namespace unwedge::cli
