// fleet_fuzzer's throughput: inputs per second of wall time, each input
// decoded and run exactly as fuzz/fleet_fuzzer.cpp runs it (a bounded
// scenario from sim/scenario_from_bytes.hpp, its recovery ended at the first
// settled minute). The inputs are the fixed pseudo-random family
// sim::random_scenario_bytes(1..N), the fuzzer's blind first phase; a
// coverage-guided corpus drifts towards longer and busier runs.
//
// Target, on one core: 5,000 inputs/s without sanitizers (1,000 under
// libFuzzer with ASan and UBSan, measured by the fuzz stage of .ci/run).
//
//   build/default/bench/fleet_fuzzer_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/time.hpp"
#include "sim/scenario_from_bytes.hpp"

namespace unwedge::bench {
namespace {

// The controller as the fuzzer runs it, and two ways to see what that costs.
enum Controller : std::int64_t {
  kAuditedEveryPass = 0,  // as fleet_fuzzer runs it: decides what changed, audited after every pass
  kAuditedSampled = 1,    // the same, audited every 5 simulated minutes (the campaign's default)
  kEveryEntity = 2,       // decides every entity on every pass (full_pass_every: 0s), sampled audit
};

void BM_FleetFuzzerInputs(benchmark::State& state) {
  const auto inputs = static_cast<std::uint64_t>(state.range(0));
  const auto controller = static_cast<Controller>(state.range(1));
  std::vector<sim::Scenario> scenarios;
  for (std::uint64_t n = 1; n <= inputs; ++n) {
    core::Result<sim::Scenario> scenario =
        sim::scenario_from_bytes(sim::random_scenario_bytes(n), fmt::format("input {}", n));
    UNWEDGE_ASSERT(scenario.ok());
    if (controller != kAuditedEveryPass) scenario->config.audit_interval_us = 5 * core::kMinute;
    if (controller == kEveryEntity) scenario->config.plane_settings["full_pass_every"] = "0s";
    scenarios.push_back(std::move(*scenario));
  }
  std::uint64_t events = 0;
  core::TimeUs simulated_us = 0;
  for (auto _ : state) {
    for (const sim::Scenario& scenario : scenarios) {
      const sim::RunSummary run = sim::run_scenario_settling(scenario, core::kMinute);
      if (run.finding) {
        state.SkipWithError(
            fmt::format("{} ended with a finding: {}", scenario.source, run.finding->what).c_str());
        return;
      }
      events += run.events;
      simulated_us += run.simulated_us;
    }
  }
  const double runs = static_cast<double>(state.iterations() * inputs);
  state.SetItemsProcessed(static_cast<std::int64_t>(runs));
  state.counters["events_per_input"] = static_cast<double>(events) / runs;
  state.counters["sim_min_per_input"] = static_cast<double>(simulated_us) / core::kMinute / runs;
}

BENCHMARK(BM_FleetFuzzerInputs)
    ->Args({200, kAuditedEveryPass})
    ->Args({200, kAuditedSampled})
    ->Args({200, kEveryEntity})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace unwedge::bench
