// The consensus store (worlds/consensus) under the tests' driver
// (tests/consensus/cluster.hpp): client operations per real second for 3 and
// 5 members with 4 clients and no faults, and the linearizability checker's
// speed on histories of runs with faults (operations checked per second),
// and on a long history of one key shaped like a lease renewed for hours.
#include <benchmark/benchmark.h>
#include <optional>
#include <string>

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

// `rounds` rounds of one key, one a second: a keeper renews its lease with a
// compare-and-set, two others read it while the renewal is in flight (each
// may see either value), and every 97th round a compare-and-set of unknown
// outcome, on the revision of the time, may or may not have applied. Three
// operations a round, with the bounds the simulated store uses.
consensus::History lease_history(std::int64_t rounds) {
  using core::kMillisecond;
  consensus::History history;
  Xorshift rng(kSeed);
  consensus::Sequence sequence = 0;
  auto add = [&](consensus::ClientId client, consensus::Request request, core::TimeUs invoke_ms,
                 std::optional<core::TimeUs> complete_ms, consensus::Reply reply) {
    request.client = client;
    request.sequence = ++sequence;
    reply.client = client;
    reply.sequence = sequence;
    history.operations.push_back(consensus::HistoryOp{
        .request = std::move(request),
        .invoke_us = invoke_ms * kMillisecond,
        .complete_us =
            complete_ms ? std::optional<core::TimeUs>(*complete_ms * kMillisecond) : std::nullopt,
        .result = std::move(reply)});
  };
  consensus::Revision revision = 0;
  for (std::int64_t r = 0; r < rounds; ++r) {
    const core::TimeUs t = 1000 * r;
    const std::string before = "n1/" + std::to_string(r - 1);
    const std::string after = "n1/" + std::to_string(r);
    if (r % 97 == 96) {
      add(4, consensus::compare_and_set_request("lease", revision, "n4"), t - 500, std::nullopt,
          {});
    }
    add(1, consensus::compare_and_set_request("lease", revision, after), t, t + 4,
        {.succeeded = true, .revision = revision + 1});
    for (consensus::ClientId reader : {2, 3}) {
      const bool sees_new = r == 0 || rng.below(2) == 0;
      const core::TimeUs start = t + static_cast<core::TimeUs>(reader);
      if (sees_new) {
        add(reader, consensus::get_request("lease"), start, start + 4,
            {.succeeded = true, .value = after, .revision = revision + 1});
      } else {
        add(reader, consensus::get_request("lease"), start, start + 4,
            {.succeeded = true, .value = before, .revision = revision});
      }
    }
    ++revision;
  }
  return history;
}

void BM_CheckLongHistory(benchmark::State& state) {
  const consensus::History history = lease_history(state.range(0));
  const consensus::CheckLimits limits{.states_per_key_max = 2'000'000,
                                      .operations_per_key_max = 100'000};
  for (auto _ : state) {
    const consensus::CheckResult result = consensus::check_linearizability(history, limits);
    UNWEDGE_ASSERT(result.verdict == consensus::Verdict::kLinearizable);
    benchmark::DoNotOptimize(result.states);
  }
  state.SetItemsProcessed(
      static_cast<std::int64_t>(state.iterations() * history.operations.size()));
  state.counters["operations"] = static_cast<double>(history.operations.size());
}
BENCHMARK(BM_CheckLongHistory)->Arg(300)->Arg(3'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unwedge::bench
