// Benchmarks of check_goal_driven: building the product of a group's
// (reported, goal) pairs and checking it, as `unwedge check-model` and a
// plane's tests pay for it.
//
// The design is the densest a monitor can be: the node's machine joins
// every state to every other, and the monitor may assign any member any
// goal at any time (one signal per member and goal), so every (reported,
// goal, stale goal) triple of every member is reachable and the product is
// (states * states * (states + 1)) ^ members: the worst case for its size.
//
//   ./goal_check_bench --benchmark_filter=Product
#include <benchmark/benchmark.h>
#include <memory>
#include <string>
#include <vector>

#include "core/goal_check.hpp"
#include "core/group_table.hpp"

namespace unwedge::bench {
namespace {

using core::GroupTable;
using core::MachineDef;

struct DenseDesign {
  DenseDesign(std::size_t members, std::size_t states) : machine(build_machine(states)) {
    std::vector<std::string> names{"a", "b", "c"};
    names.resize(members);
    std::vector<std::string> signals;
    for (const std::string& m : names) {
      for (std::size_t s = 0; s < states; ++s)
        signals.push_back(m + ".Go" + std::to_string(s));
    }
    GroupTable::Builder b("monitor", machine);
    b.members(names).signals(signals);
    for (std::size_t m = 0; m < members; ++m) {
      for (std::size_t s = 0; s < states; ++s) {
        b.rule({.name = names[m] + "_to_s" + std::to_string(s),
                .when = {names[m] + ".Go" + std::to_string(s)},
                .assign = {{names[m], "s" + std::to_string(s)}},
                .priority = static_cast<int>(m * states + s + 1)});
      }
    }
    b.rule({.name = "steady"});
    table = std::make_unique<GroupTable>(*b.build());
    def = core::GoalDrivenDef{.name = "dense",
                              .machine = &machine,
                              .assignment = table.get(),
                              .walk = core::direct_walk(machine)};
  }

  static MachineDef build_machine(std::size_t states) {
    MachineDef::Builder b("node");
    for (std::size_t s = 0; s < states; ++s)
      b.state("s" + std::to_string(s), {.healthy = true, .stable = true});
    for (std::size_t from = 0; from < states; ++from) {
      for (std::size_t to = 0; to < states; ++to) {
        if (from != to) b.transition("s" + std::to_string(from), "s" + std::to_string(to), "goal");
      }
    }
    b.initial("s0");
    return *b.build();
  }

  MachineDef machine;
  std::unique_ptr<GroupTable> table;
  core::GoalDrivenDef def;
};

// args: members, states.
void BM_GoalProduct(benchmark::State& state) {
  const DenseDesign design(static_cast<std::size_t>(state.range(0)),
                           static_cast<std::size_t>(state.range(1)));
  std::size_t product_states = 0;
  std::size_t moves = 0;
  for (auto _ : state) {
    const core::GoalCheck check = core::check_goal_driven(design.def);
    benchmark::DoNotOptimize(check.wedge_count);
    product_states = check.product_states;
    moves = check.product_edges;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * product_states));
  state.counters["product_states"] = static_cast<double>(product_states);
  state.counters["moves"] = static_cast<double>(moves);
}
BENCHMARK(BM_GoalProduct)
    ->Args({1, 10})
    ->Args({2, 4})
    ->Args({2, 6})
    ->Args({3, 3})
    ->Args({3, 4})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unwedge::bench
