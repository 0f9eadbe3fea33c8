// Every planted bug of the goal plane is caught in a whole simulated run of
// a bundled goal scenario aimed at it, with the mutant switched on (the
// shipped plane passes the same files: BundledScenario), and the run ends
// with the node stuck in the very pair the static check names: a reported
// state from which its keeper has no step to its assigned goal. The third
// planted bug, standby_left_catching_up, wedges only through a stale goal;
// the static check catches it (GoalPlaneModel), while the run that first
// showed that race (regression_standby_step_overtaken_by_failover) no longer
// reaches it: the plane's check-in rule keeps the pair from flapping first.
#include <cstdio>
#include <fmt/format.h>
#include <string>

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/node_machine.hpp"
#include "planes/goal/settings.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::mutants {
namespace {

using goal::Mutant;

struct Aimed {
  Mutant mutant;
  std::string scenario;  // under scenarios/goal/
  std::string reported;  // where the stuck node stands
  std::string assigned;  // the goal it cannot reach
};

struct Ended {
  std::optional<sim::Finding> finding;
  std::vector<goal::Member> members;  // the monitor's view at the end
};

Ended run_with(const std::string& file, Mutant mutant) {
  core::Result<sim::Scenario> scenario =
      sim::load_scenario_file(std::string(UNWEDGE_SOURCE_DIR) + "/scenarios/goal/" + file);
  UNWEDGE_ASSERT_MSG(scenario.ok(), "{}", scenario ? "" : scenario.error().message);
  scenario->config.plane_settings["mutant"] = goal::to_string(mutant);
  const std::unique_ptr<sim::Simulation> simulation =
      sim::provisioned(scenario->config, scenario->provisioning_us);
  for (const sim::ScheduledFault& fault : scenario->faults)
    simulation->schedule_fault(fault.at_us, fault.spec);
  Ended ended{.finding = simulation->run(scenario->duration_us, scenario->recovery_us).finding};
  std::unique_ptr<core::Transaction> txn = simulation->durable_store().begin();
  for (const std::string& id : txn->ids(goal::Member::kKind))
    ended.members.push_back(*txn->get<goal::Member>(id));
  return ended;
}

std::string pair_of(const goal::Member& member, Mutant mutant) {
  const core::MachineDef& machine = goal::node_machine(mutant);
  return fmt::format("{}/{}", machine.state_name(member.reported), machine.state_name(member.goal));
}

class GoalMutantsInWholeRuns : public ::testing::TestWithParam<Aimed> {};

TEST_P(GoalMutantsInWholeRuns, TheScenarioAimedAtItEndsStuckInThePairTheModelNames) {
  const Aimed& aimed = GetParam();
  const Ended ended = run_with(aimed.scenario, aimed.mutant);
  ASSERT_TRUE(ended.finding.has_value())
      << goal::to_string(aimed.mutant) << " passed " << aimed.scenario;
  EXPECT_EQ(ended.finding->invariant, sim::Invariant::kBoundedDwell) << ended.finding->what;
  const std::string stuck = fmt::format("{}/{}", aimed.reported, aimed.assigned);
  std::string pairs;
  bool found = false;
  for (const goal::Member& member : ended.members) {
    pairs += fmt::format(" {}={}", member.id, pair_of(member, aimed.mutant));
    found = found || (member.goal_sent && pair_of(member, aimed.mutant) == stuck);
  }
  EXPECT_TRUE(found) << "no node ends reported " << aimed.reported << " with goal "
                     << aimed.assigned << ":" << pairs;
  EXPECT_NE(ended.finding->what.find(aimed.reported), std::string::npos) << ended.finding->what;
  std::printf("%s: %s (%s);%s\n", goal::to_string(aimed.mutant), ended.finding->what.c_str(),
              to_string(ended.finding->invariant), pairs.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    Goal, GoalMutantsInWholeRuns,
    ::testing::Values(Aimed{Mutant::kNoRejoinEdge, "failover_primary_cut_from_monitors.yaml",
                            "demoted", "catchingup"},
                      Aimed{Mutant::kNoAbortEdge, "primary_back_before_demoting.yaml",
                            "prepare_promotion", "secondary"}),
    [](const ::testing::TestParamInfo<Aimed>& param) {
      return std::string(goal::to_string(param.param.mutant));
    });

}  // namespace
}  // namespace unwedge::mutants
