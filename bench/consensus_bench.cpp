// The consensus store (worlds/consensus) under the tests' driver
// (tests/consensus/cluster.hpp): client operations per real second for 3 and
// 5 members with 4 clients and no faults, and the linearizability checker's
// speed on histories of runs with faults (operations checked per second).
#include <benchmark/benchmark.h>

#include "bench/bench_support.hpp"
#include "tests/consensus/nemesis.hpp"
#include "worlds/consensus/linearizability.hpp"

namespace unwedge::bench {
namespace {

using consensus::testing::Cluster;
using consensus::testing::ClusterOptions;

void BM_StoreOperations(benchmark::State& state) {
  const auto members = static_cast<std::uint32_t>(state.range(0));
  std::uint64_t operations = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    Cluster cluster(ClusterOptions{.seed = seed++, .store = {.members = members}, .clients = 4});
    cluster.start_workload();
    cluster.run_for(2 * core::kSecond);
    cluster.drain();
    operations += cluster.history().operations.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(operations));
}
BENCHMARK(BM_StoreOperations)->Arg(3)->Arg(5)->Unit(benchmark::kMillisecond);

void BM_CheckHistory(benchmark::State& state) {
  consensus::SeededRandom random(kSeed);
  consensus::testing::RunPlan plan{
      .cluster = {.seed = 7,
                  .clients = static_cast<std::uint32_t>(state.range(0)),
                  .keys = 2,
                  .ttls_us = {0, 120 * core::kMillisecond}},
      .faults = consensus::testing::random_faults(random, 8, 5 * core::kSecond)};
  const consensus::History history = consensus::testing::run_plan(plan).history;
  for (auto _ : state) {
    const consensus::CheckResult result = consensus::check_linearizability(history);
    UNWEDGE_ASSERT(result.verdict == consensus::Verdict::kLinearizable);
    benchmark::DoNotOptimize(result.states);
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * history.operations.size()));
  state.counters["operations"] = static_cast<double>(history.operations.size());
}
BENCHMARK(BM_CheckHistory)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unwedge::bench
