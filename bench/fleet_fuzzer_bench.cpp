// fleet_fuzzer's throughput: inputs per second of wall time, each input
// decoded and run exactly as fuzz/fleet_fuzzer.cpp runs it (a bounded
// scenario from sim/scenario_from_bytes.hpp, its recovery ended at the first
// settled minute). The inputs are the fixed pseudo-random family
// sim::random_scenario_bytes(1..N), the fuzzer's blind first phase; a
// coverage-guided corpus drifts towards longer and busier runs. The third
// argument is the encoding's version: 1 provisions every input's fleet from
// nothing; 2 starts each input from a copy of its shape's provisioned fleet,
// kept as the fuzzer keeps them (the first iteration provisions them, the
// later ones only copy).
//
// Target, on one core: 2,000 inputs/s in a libFuzzer build without
// sanitizers (300 with ASan and UBSan, measured by the fuzz stage of
// .ci/run); this program, with no libFuzzer instrumentation, is the ceiling.
//
//   build/default/bench/fleet_fuzzer_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/time.hpp"
#include "sim/provisioned_fleets.hpp"
#include "sim/scenario.hpp"
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
  const auto version = static_cast<std::uint8_t>(state.range(2));
  std::vector<sim::Scenario> scenarios;
  // Kept across repetitions, as the fuzzer keeps them for its process's life.
  static sim::ProvisionedFleets fleets;
  for (std::uint64_t n = 1; n <= inputs; ++n) {
    core::Result<sim::Scenario> scenario = sim::scenario_from_bytes(
        sim::random_scenario_bytes(n, version), fmt::format("input {}", n));
    UNWEDGE_ASSERT(scenario.ok());
    if (controller != kAuditedEveryPass) scenario->config.audit_interval_us = 5 * core::kMinute;
    if (controller == kEveryEntity) scenario->config.plane_settings["full_pass_every"] = "0s";
    scenarios.push_back(std::move(*scenario));
  }
  std::uint64_t events = 0;
  core::TimeUs simulated_us = 0;
  for (auto _ : state) {
    for (const sim::Scenario& scenario : scenarios) {
      const sim::RunSummary run = sim::run_scenario_settling(scenario, core::kMinute, &fleets);
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
  state.counters["fleets_kept"] = static_cast<double>(fleets.kept());
}

// What starting an input from a kept fleet costs: one copy of a provisioned
// fleet of two services (two standbys and a follower each, two clients).
void BM_CopyOfAProvisionedFleet(benchmark::State& state) {
  const sim::ServiceSpec service{.id = "db1", .standbys = 2, .followers = 1};
  sim::ServiceSpec other = service;
  other.id = "db2";
  const sim::SimConfig config{.seed = 1, .services = {service, other}, .clients_per_service = 2};
  const std::unique_ptr<sim::Simulation> fleet =
      sim::provisioned(config, sim::kScenarioBytesProvisioningUs);
  UNWEDGE_ASSERT(fleet->restorable());
  for (auto _ : state) {
    sim::Simulation copy(*fleet, nullptr, nullptr);
    benchmark::DoNotOptimize(copy.now_us());
  }
}

BENCHMARK(BM_CopyOfAProvisionedFleet)->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_FleetFuzzerInputs)
    ->Args({200, kAuditedEveryPass, 1})
    ->Args({200, kAuditedSampled, 1})
    ->Args({200, kEveryEntity, 1})
    ->Args({200, kAuditedEveryPass, 2})
    ->Args({200, kAuditedSampled, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace unwedge::bench
