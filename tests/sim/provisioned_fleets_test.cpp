// Runs that start from a copy of a provisioned fleet (sim/provisioned_fleets.hpp,
// fleet_fuzzer's encoding version 2) are the runs simulated from nothing:
// the same events and the same digest, for a plane with a process only and
// for one with agents on every node and a consensus store; and a copy never
// changes the fleet it was copied from.
#include "sim/provisioned_fleets.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <string>

#include <gtest/gtest.h>

#include "sim/scenario.hpp"
#include "sim/scenario_from_bytes.hpp"

namespace unwedge::sim {
namespace {

void expect_same_run(const RunSummary& copied, const RunSummary& simulated,
                     const std::string& what) {
  EXPECT_EQ(copied.digest, simulated.digest) << what;
  EXPECT_EQ(copied.events, simulated.events) << what;
  EXPECT_EQ(copied.simulated_us, simulated.simulated_us) << what;
  EXPECT_EQ(copied.writes_acked, simulated.writes_acked) << what;
  ASSERT_EQ(copied.finding.has_value(), simulated.finding.has_value()) << what;
  if (copied.finding) {
    EXPECT_EQ(copied.finding->invariant, simulated.finding->invariant) << what;
    EXPECT_EQ(copied.finding->at_us, simulated.finding->at_us) << what;
  }
}

// Inputs 1..n of version 2 for `plane`: each run from a copy, twice (the
// second copy is of a fleet the first copy ran beside), and from nothing.
void expect_copies_run_as_simulated(const std::string& plane, std::uint64_t inputs) {
  ProvisionedFleets fleets;
  for (std::uint64_t n = 1; n <= inputs; ++n) {
    const std::string what = fmt::format("{} input {}", plane, n);
    core::Result<Scenario> s = scenario_from_bytes(random_scenario_bytes(n, 2), what, plane);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->provisioning_us, kScenarioBytesProvisioningUs);
    const RunSummary first = run_scenario_settling(*s, core::kMinute, &fleets);
    const RunSummary second = run_scenario_settling(*s, core::kMinute, &fleets);
    const RunSummary simulated = run_scenario_settling(*s, core::kMinute);
    expect_same_run(first, simulated, what);
    expect_same_run(second, simulated, what + ", copied again");
    // It ran past the provisioning, into its faults and recovery.
    EXPECT_GT(simulated.simulated_us, s->duration_us) << what;
  }
  EXPECT_EQ(fleets.copied(), 2 * inputs);
  EXPECT_EQ(fleets.simulated(), 0U);
  // Inputs share shapes: fewer fleets kept than inputs.
  EXPECT_LT(fleets.kept(), inputs);
  EXPECT_GT(fleets.kept(), 1U);
}

TEST(ProvisionedFleets, RunsFromCopiesAreTheRunsSimulatedFromNothing) {
  expect_copies_run_as_simulated("postgres", 60);
}

TEST(ProvisionedFleets, RunsFromCopiesOfAFleetWithAgentsAndAStoreAreTheRunsSimulated) {
  expect_copies_run_as_simulated("lease", 30);
}

TEST(ProvisionedFleets, RunsFromCopiesOfAFleetWhoseProcessAsksTheStoreAreTheRunsSimulated) {
  expect_copies_run_as_simulated("goal", 10);
}

TEST(ProvisionedFleets, PastItsLimitItSimulatesEveryRunFromNothingAlike) {
  ProvisionedFleets none(0);
  core::Result<Scenario> s = scenario_from_bytes(random_scenario_bytes(7, 2), "input 7");
  ASSERT_TRUE(s.ok());
  expect_same_run(run_scenario_settling(*s, core::kMinute, &none),
                  run_scenario_settling(*s, core::kMinute), "input 7");
  EXPECT_EQ(none.kept(), 0U);
  EXPECT_EQ(none.copied(), 0U);
  EXPECT_EQ(none.simulated(), 1U);
}

TEST(ProvisionedFleets, OnlyAFleetWhoseProcessesJustRestartedMayBeCopied) {
  Simulation sim(SimConfig{.seed = 5, .services = {{.id = "db1", .standbys = 1}}});
  ASSERT_TRUE(sim.run_until(core::kMinute));
  // Its process is running, with a memory no copy could have.
  EXPECT_FALSE(sim.restorable());
  sim.restart_processes();
  EXPECT_TRUE(sim.restorable());
  ASSERT_TRUE(sim.run_until(2 * core::kMinute));
  EXPECT_FALSE(sim.restorable());
}

// Twenty minutes bring every shape version 2 draws up and quiet: its faults
// strike a fleet that is running, not one still being built.
TEST(ProvisionedFleets, EveryShapeOfVersionTwoIsSettledWhenItsProvisioningEnds) {
  for (std::uint32_t standbys = 0; standbys <= 2; ++standbys) {
    for (const bool synchronous : {false, true}) {
      if (synchronous && standbys == 0) continue;
      for (std::uint32_t followers = 0; followers <= 1; ++followers) {
        const ServiceSpec one{
            .id = "db1", .standbys = standbys, .synchronous = synchronous, .followers = followers};
        ServiceSpec two = one;
        two.id = "db2";
        const SimConfig config{.seed = 1, .services = {one, two}, .clients_per_service = 2};
        const std::unique_ptr<Simulation> sim = provisioned(config, kScenarioBytesProvisioningUs);
        ASSERT_FALSE(sim->finding().has_value()) << sim->finding()->what;
        sim->heal_all();
        EXPECT_TRUE(sim->settled()) << standbys << " standbys, synchronous " << synchronous << ", "
                                    << followers << " followers";
      }
    }
  }
}

}  // namespace
}  // namespace unwedge::sim
