// The whole simulation: the reference control plane over a fleet of N
// services under background faults, measured in simulated seconds per wall
// second, plus the heap held per service.
//
// Each run first provisions the fleet (one simulated hour, untimed), then
// times a further window with faults drawn at one per service per six hours
// on average. Targets, on one core: at least 50,000x at 100 services, 5,000x
// at 1,000 and 500x at 10,000; under 4 KiB of heap per service, trace
// excluded (the trace keeps only its recent ring and streams nowhere here).
//
//   build/default/bench/simulation_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <malloc.h>

#include "core/time.hpp"
#include "sim/simulation.hpp"

namespace unwedge::bench {
namespace {

using core::kHour;
using core::kMinute;

sim::SimConfig fleet(std::size_t services) {
  sim::SimConfig config{.seed = 42};
  for (std::size_t i = 0; i < services; ++i) {
    // Three plans in rotation: HA synchronous, HA asynchronous with two
    // standbys, and synchronous with a customer follower.
    config.services.push_back(sim::ServiceSpec{.id = fmt::format("db{}", i + 1),
                                               .standbys = i % 3 == 1 ? 2U : 1U,
                                               .synchronous = i % 3 != 1,
                                               .followers = i % 3 == 2 ? 1U : 0U});
  }
  config.faults.mean_gap_us = static_cast<core::TimeUs>(6 * kHour / services);
  // Faults local to a host or a link, at a rate per service. The fleet-wide
  // kinds (the fleet API slow, failing or timing out, the control plane
  // crashing, and clock faults, two thirds of which hit the control plane's
  // or a monitor's clock) would, at that rate, be active all the time in a
  // large fleet and measure a fleet in permanent outage instead.
  for (const sim::FaultKindInfo& kind : sim::fault_kinds()) {
    if (!kind.name.starts_with("infra_") && !kind.name.starts_with("clock_") &&
        kind.kind != sim::FaultKind::kControlPlaneCrash) {
      config.faults.kinds.push_back(kind.kind);
    }
  }
  config.faults.active_max = static_cast<std::uint32_t>(std::max<std::size_t>(3, services / 20));
  return config;
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// `every_entity`: the controller decides every entity on every pass
// (full_pass_every: 0s), as it did before it decided only what changed;
// side by side with the default in one sitting.
void run_simulation(benchmark::State& state, bool every_entity) {
  const auto services = static_cast<std::size_t>(state.range(0));
  const core::TimeUs window_us = state.range(1) * kMinute;
  const core::TimeUs warmup_us = kHour;
  double simulated_s = 0;
  double bytes_per_service = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::size_t heap_before = heap_in_use();
    sim::SimConfig config = fleet(services);
    if (every_entity) config.plane_settings["full_pass_every"] = "0s";
    auto sim = std::make_unique<sim::Simulation>(config);
    sim->run_until(warmup_us);
    const std::uint64_t events_before = sim->summary().events;  // the window's alone
    state.ResumeTiming();
    const bool clean = sim->run_until(warmup_us + window_us);
    state.PauseTiming();
    if (!clean) {
      // A finding is a bug to fix, not a figure: say so and stop measuring.
      fmt::print(stderr, "finding: {}\n", sim->finding()->what);
      for (const sim::TraceRecord& r : sim->finding()->excerpt) {
        fmt::print(stderr, "{}\n", sim::format_record(r));
      }
      state.SkipWithError("the run ended with a finding");
      break;
    }
    bytes_per_service =
        static_cast<double>(heap_in_use() - heap_before) / static_cast<double>(services);
    events += sim->summary().events - events_before;
    simulated_s += static_cast<double>(window_us) / core::kSecond;
    sim.reset();
    state.ResumeTiming();
  }
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(simulated_s, benchmark::Counter::kIsRate);
  state.counters["bytes_per_service"] = bytes_per_service;
  state.counters["events"] = static_cast<double>(events);
}

// (services, timed window in simulated minutes)
void BM_Simulation(benchmark::State& state) {
  run_simulation(state, false);
}
void BM_SimulationEveryEntity(benchmark::State& state) {
  run_simulation(state, true);
}

BENCHMARK(BM_Simulation)
    ->Args({100, 360})
    ->Args({1'000, 60})
    ->Args({10'000, 10})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(BM_SimulationEveryEntity)
    ->Args({100, 360})
    ->Args({1'000, 60})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace unwedge::bench
