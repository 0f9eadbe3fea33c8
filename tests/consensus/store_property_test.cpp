// Properties of the consensus store under random fault schedules
// (partitions, crashes, restarts, slow and lossy links, duplicated and
// reordered messages, clock jumps, client cut-offs, forced leader changes)
// and random workloads: every history is linearizable, Raft's invariants
// hold, the store makes progress once healed, and a seed replays exactly.
#include <chrono>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "tests/consensus/nemesis.hpp"
#include "worlds/consensus/linearizability.hpp"

namespace unwedge::consensus::testing {
namespace {

rc::Gen<FaultStep> fault_step(TimeUs safety_us) {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange<TimeUs>(0, safety_us / kMillisecond),
                     rc::gen::inRange<std::uint32_t>(0, kFaultKinds),
                     rc::gen::inRange<std::uint32_t>(0, 1000),
                     rc::gen::inRange<std::uint32_t>(0, 1000)),
      [](const std::tuple<TimeUs, std::uint32_t, std::uint32_t, std::uint32_t>& drawn) {
        return FaultStep{.at_us = std::get<0>(drawn) * kMillisecond,
                         .kind = static_cast<FaultKind>(std::get<1>(drawn)),
                         .a = std::get<2>(drawn),
                         .b = std::get<3>(drawn)};
      });
}

RC_GTEST_PROP(ConsensusStoreProperty, RandomFaultsKeepEveryHistoryLinearizable, ()) {
  RunPlan plan;
  plan.cluster.seed = *rc::gen::arbitrary<std::uint64_t>();
  plan.cluster.store.members = *rc::gen::element(3u, 5u);
  plan.cluster.clients = *rc::gen::inRange<std::uint32_t>(1, 7);
  plan.cluster.keys = *rc::gen::inRange<std::uint32_t>(1, 4);
  // Short ttls expire often, under every fault: expiry goes through the
  // log like any write, and reads must agree with it.
  plan.cluster.ttls_us = {0, 50 * kMillisecond, 120 * kMillisecond, 1 * kSecond};
  plan.faults = *rc::gen::container<std::vector<FaultStep>>(fault_step(plan.safety_us));
  const RunOutcome outcome = run_plan(plan);
  for (const FaultStep& step : plan.faults)
    RC_LOG() << describe(step) << "\n";
  RC_ASSERT(outcome.safety_violations.empty());
  if (outcome.check.verdict != Verdict::kLinearizable) {
    RC_LOG() << outcome.check.explanation;
  }
  RC_ASSERT(outcome.check.verdict == Verdict::kLinearizable);
  if (!outcome.progressed) RC_LOG() << outcome.progress_note;
  RC_ASSERT(outcome.progressed);
  RC_TAG(outcome.history.expirations.empty() ? "no expiry" : "expiries");
}

TEST(ConsensusStoreProperty, TheSameSeedReplaysTheSameHistory) {
  SeededRandom random(42);
  RunPlan plan{.cluster = {.seed = 42, .clients = 3, .ttls_us = {0, 300 * kMillisecond}},
               .faults = random_faults(random, 8, 5 * kSecond)};
  const RunOutcome first = run_plan(plan);
  const RunOutcome second = run_plan(plan);
  EXPECT_EQ(first.transcript, second.transcript);
  EXPECT_LT(100u, first.history.operations.size());
  plan.cluster.seed = 43;
  EXPECT_NE(run_plan(plan).transcript, first.transcript);
}

// Not a pass/fail property: the figures the README quotes (checker states
// and time per history, store operations per simulated and per real second).
TEST(ConsensusStoreProperty, ReportsCheckerAndStoreThroughput) {
  std::size_t operations = 0;
  std::size_t states = 0;
  std::chrono::nanoseconds check_time{0};
  std::chrono::nanoseconds run_time{0};
  constexpr int kRuns = 20;
  for (int seed = 1; seed <= kRuns; ++seed) {
    SeededRandom random(static_cast<std::uint64_t>(seed));
    RunPlan plan{.cluster = {.seed = static_cast<std::uint64_t>(seed),
                             .clients = 4,
                             .ttls_us = {0, 300 * kMillisecond}},
                 .faults = random_faults(random, 6, 5 * kSecond)};
    const auto started = std::chrono::steady_clock::now();
    const RunOutcome outcome = run_plan(plan);
    const auto ran = std::chrono::steady_clock::now();
    const CheckResult again = check_linearizability(outcome.history);
    const auto checked = std::chrono::steady_clock::now();
    ASSERT_EQ(again.verdict, Verdict::kLinearizable) << again.explanation;
    operations += outcome.history.operations.size();
    states += again.states;
    run_time += (ran - started) - (checked - ran);  // run_plan also checks once
    check_time += checked - ran;
  }
  const double check_ms = static_cast<double>(check_time.count()) / 1e6;
  const double run_ms = static_cast<double>(run_time.count()) / 1e6;
  RecordProperty("operations", static_cast<int>(operations));
  RecordProperty("check_ms", static_cast<int>(check_ms));
  std::printf(
      "%d runs, %zu operations: checked in %.1f ms (%zu states, %.0f ops/s checked); "
      "simulated in %.1f ms (%.0f store ops per real second)\n",
      kRuns, operations, check_ms, states, static_cast<double>(operations) / check_ms * 1e3, run_ms,
      static_cast<double>(operations) / run_ms * 1e3);
}

}  // namespace
}  // namespace unwedge::consensus::testing
