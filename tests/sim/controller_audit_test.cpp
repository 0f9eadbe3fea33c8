// The reference controller decides only the entities whose inputs changed
// (planes/postgres/controller.hpp). Audited after every pass, it agrees with
// a full decision over every entity on swarm runs, the nightly's own mix of
// faults and requests; and a full pass on every tick (full_pass_every: 0s)
// gives the same verdicts.
#include <gtest/gtest.h>

#include "sim/scenario.hpp"
#include "sim/swarm.hpp"

namespace unwedge::sim {
namespace {

std::string describe(const std::optional<Finding>& finding) {
  return finding ? std::string(to_string(finding->invariant)) + ": " + finding->what : "none";
}

TEST(ControllerAudit, SwarmRunsAuditedAfterEveryPassMissNoDecision) {
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    Scenario scenario = swarm_scenario(seed);
    scenario.config.audit_interval_us = 0;
    const ScenarioOutcome outcome = run_scenario(scenario);
    EXPECT_FALSE(outcome.run.finding) << "seed " << seed << ": " << describe(outcome.run.finding);
  }
}

TEST(ControllerAudit, AFullPassOnEveryTickGivesTheSameVerdicts) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    Scenario changed_only = swarm_scenario(seed);
    Scenario every_entity = changed_only;
    every_entity.config.plane_settings["full_pass_every"] = "0s";
    const ScenarioOutcome a = run_scenario(changed_only);
    const ScenarioOutcome b = run_scenario(every_entity);
    EXPECT_EQ(a.run.finding.has_value(), b.run.finding.has_value())
        << "seed " << seed << ": " << describe(a.run.finding) << " / " << describe(b.run.finding);
  }
}

}  // namespace
}  // namespace unwedge::sim
