// Benchmarks of GroupTable::decide (paid by a monitor for every group on
// every pass) and of the exhaustive group analysis (paid at test time and by
// `unwedge check-model`), to find the largest table analysed in under a
// second.
//
// The table is a monitor's over a group of 2 or 3 nodes of a 10-state
// machine: each member has the same per-member signals (Unhealthy, CaughtUp,
// Lagging, Fenced, ...), the rules are written once for members a and b and
// the table is symmetric, so every rule holds under each renaming of the
// members. A table of N signals per member keeps the first N of them.
//
//   ./group_table_bench --benchmark_filter=Analyze
#include <benchmark/benchmark.h>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "core/group_analysis.hpp"
#include "core/group_table.hpp"

namespace unwedge::bench {
namespace {

using core::GroupTable;
using core::MachineDef;
using Spec = GroupTable::Builder::RuleSpec;

const std::vector<std::string>& node_states() {
  static const std::vector<std::string> states{
      "single",    "wait_primary",      "primary", "wait_standby", "catchingup",
      "secondary", "prepare_promotion", "demoted", "draining",     "dropped"};
  return states;
}

const MachineDef& node_machine() {
  static const MachineDef machine = [] {
    MachineDef::Builder b("node");
    for (const std::string& s : node_states())
      b.state(s, {.healthy = s == "primary" || s == "secondary", .stable = true});
    // Every state may move to every other: the analysis cost does not depend
    // on the transitions, and a dense table keeps every rule satisfiable.
    for (const std::string& from : node_states()) {
      for (const std::string& to : node_states()) {
        if (from != to) b.transition(from, to, "goal");
      }
    }
    b.initial("wait_standby");
    return *b.build();
  }();
  return machine;
}

const std::vector<std::string> kPerMember{"Unhealthy", "CaughtUp",  "Lagging",  "Fenced",
                                          "Paused",    "Upgrading", "DiskFull", "Slow"};

GroupTable monitor(std::size_t members, std::size_t signals_per_member) {
  std::vector<std::string> names{"a", "b", "c"};
  names.resize(members);
  std::vector<std::string> signals;
  for (const std::string& m : names) {
    for (std::size_t i = 0; i < signals_per_member; ++i)
      signals.push_back(m + "." + kPerMember[i]);
  }
  auto signal = [&](std::size_t i) { return kPerMember[i % signals_per_member]; };
  GroupTable::Builder b("monitor", node_machine());
  b.members(names).symmetric().signals(signals);
  // One rule per (a state, b state) pattern the monitor acts on, each
  // reading a signal of a and one of b; then a catch-all.
  const std::vector<std::string>& states = node_states();
  for (std::size_t i = 0; i < 24; ++i) {
    Spec spec{.name = "r" + std::to_string(i), .priority = static_cast<int>(10 + i % 5)};
    spec.in["a"] = {states[i % states.size()]};
    spec.in["b"] = {states[(i * 7 + 3) % states.size()], states[(i * 3 + 1) % states.size()]};
    spec.when = {"a." + signal(i)};
    spec.unless = {"b." + signal(i + 1)};
    spec.assign = {{"a", states[(i + 2) % states.size()]}, {"b", states[(i + 5) % states.size()]}};
    b.rule(spec);
  }
  b.rule(Spec{.name = "steady", .priority = 0});
  return *b.build();
}

// args: members, signals per member.
void BM_GroupAnalyze(benchmark::State& state) {
  const GroupTable table =
      monitor(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  std::uint64_t cells = 0;
  for (auto _ : state) {
    const core::GroupAnalysis analysis = core::analyze(table);
    benchmark::DoNotOptimize(analysis.conflict_count);
    cells += analysis.cells_checked;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(cells));
  state.counters["cells"] = static_cast<double>(table.cell_count());
  state.counters["rules"] = static_cast<double>(table.rules().size());
}
BENCHMARK(BM_GroupAnalyze)
    ->Args({2, 4})
    ->Args({2, 6})
    ->Args({2, 8})
    ->Args({3, 3})
    ->Args({3, 4})
    ->Args({3, 5})
    ->Unit(benchmark::kMillisecond);

void BM_GroupDecide(benchmark::State& state) {
  const GroupTable table = monitor(static_cast<std::size_t>(state.range(0)), 4);
  Xorshift rng(kSeed);
  std::vector<core::GroupStates> tuples(1024);
  std::vector<core::SignalSet> signals(1024);
  for (std::size_t i = 0; i < tuples.size(); ++i) {
    for (std::size_t m = 0; m < table.member_count(); ++m)
      tuples[i].of[m] = static_cast<core::StateId>(rng.below(node_states().size()));
    signals[i] = core::SignalSet::from_bits(static_cast<std::uint32_t>(rng.next()) &
                                            table.all_signals().bits());
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.decide(tuples[i % 1024], signals[i % 1024]).kind);
    ++i;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}
BENCHMARK(BM_GroupDecide)->Arg(2)->Arg(3);

}  // namespace
}  // namespace unwedge::bench
