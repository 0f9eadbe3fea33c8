// Every planted bug of the lease plane is caught in a whole simulated run by
// a bundled lease scenario aimed at it, with the mutant switched on (the
// shipped plane passes the same files: Cli.EveryBundledScenarioGivesItsExpectedVerdict);
// the swarm's figures are lease_harness_power's.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "planes/lease/settings.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::mutants {
namespace {

using lease::Mutant;

struct Aimed {
  Mutant mutant;
  std::string scenario;  // under scenarios/lease/
  sim::Invariant invariant;
};

std::optional<sim::Finding> run_with(const std::string& file, Mutant mutant) {
  core::Result<sim::Scenario> scenario =
      sim::load_scenario_file(std::string(UNWEDGE_SOURCE_DIR) + "/scenarios/lease/" + file);
  UNWEDGE_ASSERT_MSG(scenario.ok(), "{}", scenario ? "" : scenario.error().message);
  scenario->config.plane_settings["mutant"] = lease::to_string(mutant);
  return sim::run_scenario(*scenario).run.finding;
}

class LeaseMutantsInWholeRuns : public ::testing::TestWithParam<Aimed> {};

TEST_P(LeaseMutantsInWholeRuns, TheScenarioAimedAtItCatchesIt) {
  const Aimed& aimed = GetParam();
  const std::optional<sim::Finding> finding = run_with(aimed.scenario, aimed.mutant);
  ASSERT_TRUE(finding.has_value())
      << lease::to_string(aimed.mutant) << " passed " << aimed.scenario;
  EXPECT_EQ(finding->invariant, aimed.invariant) << finding->what;
}

INSTANTIATE_TEST_SUITE_P(
    Lease, LeaseMutantsInWholeRuns,
    ::testing::Values(
        Aimed{Mutant::kNoSafetyMargin, "leader_clock_fast.yaml", sim::Invariant::kPlaneInvariant},
        Aimed{Mutant::kDemoteAfterTtl, "leader_cut_from_store_not_clients.yaml",
              sim::Invariant::kPlaneInvariant},
        Aimed{Mutant::kPromoteWithoutLagCheck, "switchover_during_replication_lag.yaml",
              sim::Invariant::kNoLostWrites},
        Aimed{Mutant::kRenewFromStaleRead, "leader_cut_from_store_not_clients.yaml",
              sim::Invariant::kPlaneInvariant}),
    [](const ::testing::TestParamInfo<Aimed>& param) {
      return std::string(lease::to_string(param.param.mutant));
    });

// Which bundled lease scenarios catch which mutant, printed for
// docs/HARNESS_POWER.md; each mutant must be caught by at least one.
TEST(LeaseMutantsInWholeRuns, EveryMutantIsCaughtByABundledScenario) {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(UNWEDGE_SOURCE_DIR) + "/scenarios/lease")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8u);
  for (std::uint8_t m = 1; m < lease::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    std::string caught_by;
    for (const std::string& file : files) {
      if (std::optional<sim::Finding> finding = run_with(file, mutant)) {
        caught_by += fmt::format(" {} ({})", file, to_string(finding->invariant));
      }
    }
    EXPECT_FALSE(caught_by.empty()) << lease::to_string(mutant) << " escaped every scenario";
    std::printf("%s:%s\n", lease::to_string(mutant), caught_by.c_str());
  }
}

}  // namespace
}  // namespace unwedge::mutants
