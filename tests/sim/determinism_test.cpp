// The determinism re-check passes runs that replay exactly and, for runs
// that do not, names the first trace record where the two runs parted.
#include "sim/determinism.hpp"

#include <gtest/gtest.h>

#include "sim/simulation.hpp"

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kMinute;

SimConfig small_fleet(std::uint64_t seed) {
  SimConfig config{.seed = seed,
                   .services = {{.id = "db1", .followers = 1},
                                {.id = "db2", .standbys = 2, .synchronous = false}}};
  config.faults.mean_gap_us = 5 * kMinute;
  config.operator_mean_gap_us = 30 * kMinute;
  return config;
}

TEST(Determinism, RunsOfTheSimulatorReplayExactly) {
  DeterminismCheck check =
      check_determinism(determinism_sample(1, 6, 2), [](std::uint64_t seed, TraceSink& sink) {
        SimConfig config = small_fleet(seed);
        config.trace_sink = &sink;
        return Simulation(config).run(2 * kHour, 30 * kMinute).digest;
      });
  EXPECT_EQ(check.seeds_checked, 3u);
  EXPECT_GT(check.records_compared, 3u * 1000u);
  ASSERT_TRUE(check.ok()) << check.mismatches.front().describe();
}

TEST(Determinism, ARunThatDoesSomethingElseTheSecondTimeIsNamedWhereItParts) {
  // A leak of state between runs: the second run of each seed gets a fault
  // the first did not.
  int runs = 0;
  DeterminismCheck check = check_determinism({7}, [&runs](std::uint64_t seed, TraceSink& sink) {
    SimConfig config = small_fleet(seed);
    config.faults.mean_gap_us = 0;
    config.operator_mean_gap_us = 0;
    config.trace_sink = &sink;
    Simulation sim(config);
    if (++runs == 2) {
      sim.schedule_fault(
          40 * kMinute,
          {.kind = FaultKind::kAgentPause, .targets = {"db1-2"}, .duration_us = 5 * kMinute});
    }
    return sim.run(kHour, 0).digest;
  });
  ASSERT_EQ(check.mismatches.size(), 1u);
  const DeterminismMismatch& m = check.mismatches.front();
  EXPECT_EQ(m.seed, 7u);
  EXPECT_NE(m.first_digest, m.second_digest);
  ASSERT_TRUE(m.first.has_value());
  ASSERT_TRUE(m.second.has_value());
  // Everything before the fault matched; the second run's first new record
  // is the fault starting, at the moment it was scheduled.
  EXPECT_EQ(m.second->kind, TraceKind::kFault);
  EXPECT_EQ(m.second->at_us, 40 * kMinute);
  EXPECT_GE(m.first->at_us, 40 * kMinute);
  const std::string text = m.describe();
  EXPECT_NE(text.find("seed 7 is not deterministic"), std::string::npos) << text;
  EXPECT_NE(text.find("agent_pause"), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("trace record {}", m.record)), std::string::npos) << text;
}

TEST(Determinism, ARunThatEndsEarlyTheSecondTimeIsAMismatchToo) {
  int runs = 0;
  DeterminismCheck check = check_determinism({3}, [&runs](std::uint64_t seed, TraceSink& sink) {
    SimConfig config = small_fleet(seed);
    config.trace_sink = &sink;
    Simulation sim(config);
    sim.run_until(++runs == 1 ? kHour : 30 * kMinute);
    return sim.trace().digest();
  });
  ASSERT_EQ(check.mismatches.size(), 1u);
  const DeterminismMismatch& m = check.mismatches.front();
  EXPECT_TRUE(m.first.has_value());
  EXPECT_FALSE(m.second.has_value());
  EXPECT_NE(m.describe().find("(the run had ended)"), std::string::npos) << m.describe();
}

TEST(Determinism, TheSampleTakesEveryNthSeed) {
  EXPECT_EQ(determinism_sample(1, 10, 3), (std::vector<std::uint64_t>{1, 4, 7, 10}));
  EXPECT_EQ(determinism_sample(5, 3, 0), (std::vector<std::uint64_t>{5, 6, 7}));
  EXPECT_TRUE(determinism_sample(5, 0, 2).empty());
}

}  // namespace
}  // namespace unwedge::sim
