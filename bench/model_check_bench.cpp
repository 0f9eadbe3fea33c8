// Benchmarks of the Boost.Graph model checks: check_model() and
// must_pass_through() on random machines of 16 and 64 states (an entity's
// machine has a dozen; a product of machines may have up to kMaxStates).
//
// Each state has n/4 outgoing transitions to distinct random states, every
// fourth state is healthy and stable, and the last state is a terminal with
// no way out: dense enough that most states are reachable and most paths
// have detours, as in a real machine with many failure edges.
//
//   ./model_check_bench --benchmark_filter=CheckModel/64
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "core/model_check.hpp"

namespace unwedge::bench {
namespace {

using core::MachineDef;
using core::Result;
using core::StateId;

MachineDef random_machine(std::size_t state_count) {
  UNWEDGE_ASSERT_LE(std::size_t{4}, state_count);
  UNWEDGE_ASSERT_LE(state_count, core::kMaxStates);
  Xorshift rng(kSeed ^ state_count);
  MachineDef::Builder builder(fmt::format("random{}", state_count));
  for (std::size_t s = 0; s < state_count; ++s) {
    const bool safe = s % 4 == 1;
    builder.state(fmt::format("s{}", s), {.healthy = safe, .stable = safe});
  }
  const std::size_t terminal = state_count - 1;
  const std::size_t out_degree = state_count / 4;
  for (std::size_t from = 0; from < terminal; ++from) {
    std::set<std::size_t> targets;
    // Bounded: a draw misses (self or repeat) with probability < 1/2.
    for (std::size_t draw = 0; draw < 64 * out_degree && targets.size() < out_degree; ++draw) {
      const std::size_t to = rng.below(state_count);
      if (to != from) targets.insert(to);
    }
    UNWEDGE_ASSERT_EQ(targets.size(), out_degree);
    for (std::size_t to : targets) {
      builder.transition(fmt::format("s{}", from), fmt::format("s{}", to),
                         fmt::format("c{}_{}", from, to));
    }
  }
  builder.initial("s0").terminal(fmt::format("s{}", terminal));
  Result<MachineDef> def = builder.build();
  UNWEDGE_ASSERT_MSG(def.ok(), "{}", def.error().message);
  return std::move(def).value();
}

const MachineDef& machine_of(std::int64_t state_count) {
  static const MachineDef machine16 = random_machine(16);
  static const MachineDef machine64 = random_machine(64);
  if (state_count == 16) return machine16;
  UNWEDGE_ASSERT_EQ(state_count, std::int64_t{64});
  return machine64;
}

void BM_CheckModel(benchmark::State& state) {
  const MachineDef& machine = machine_of(state.range(0));
  std::size_t findings = 0;
  const std::uint64_t allocations_before = allocation_count();
  for (auto _ : state) {
    core::ModelReport report = core::check_model(machine);
    findings = report.findings.size();
    benchmark::DoNotOptimize(report);
  }
  report_allocations(state, allocations_before);
  state.counters["transitions"] = static_cast<double>(machine.transitions().size());
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_CheckModel)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);

struct PathQuery {
  StateId source;
  StateId target;
  StateId waypoint;
};

// Distinct random (source, target, waypoint) triples, cycled through so the
// figure is an average over queries that hold and queries that do not.
constexpr std::size_t kQueryCount = 64;

std::vector<PathQuery> random_queries(const MachineDef& machine) {
  Xorshift rng(kSeed);
  std::vector<PathQuery> queries;
  const std::size_t n = machine.state_count();
  for (std::size_t draw = 0; draw < 64 * kQueryCount && queries.size() < kQueryCount; ++draw) {
    const auto source = static_cast<StateId>(rng.below(n));
    const auto target = static_cast<StateId>(rng.below(n));
    const auto waypoint = static_cast<StateId>(rng.below(n));
    if (source == target || waypoint == source || waypoint == target) continue;
    queries.push_back(PathQuery{source, target, waypoint});
  }
  UNWEDGE_ASSERT_EQ(queries.size(), kQueryCount);
  return queries;
}

void BM_MustPassThrough(benchmark::State& state) {
  const MachineDef& machine = machine_of(state.range(0));
  const std::vector<PathQuery> queries = random_queries(machine);
  std::size_t holds = 0;
  for (const PathQuery& q : queries) {
    if (core::must_pass_through(machine, q.source, q.target, q.waypoint).holds) ++holds;
  }
  std::size_t i = 0;
  const std::uint64_t allocations_before = allocation_count();
  for (auto _ : state) {
    const PathQuery& q = queries[i++ % kQueryCount];
    core::PathCheck check = core::must_pass_through(machine, q.source, q.target, q.waypoint);
    benchmark::DoNotOptimize(check);
  }
  report_allocations(state, allocations_before);
  state.counters["holds%"] = 100.0 * static_cast<double>(holds) / kQueryCount;
}
BENCHMARK(BM_MustPassThrough)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace unwedge::bench
