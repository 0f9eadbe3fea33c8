// The fleet_fuzzer's encoding hunting a planted bug: inputs of pseudo-random
// bytes (sim::random_scenario_bytes, so every run tries the same ones), each decoded as
// fuzz/fleet_fuzzer.cpp decodes it (sim/scenario_from_bytes.hpp) and run as
// it runs them, with settings.mutant switching the bug on. This is the
// fuzzer without coverage guidance, its blind first phase; libFuzzer on the
// fuzz preset adds the guidance, but cannot be driven from a test.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/assert.hpp"
#include "planes/postgres/settings.hpp"
#include "sim/scenario_from_bytes.hpp"

namespace unwedge::mutants {

struct FuzzHunt {
  std::optional<std::size_t> caught_by;  // the first input (counting from 1) with a finding
  std::optional<sim::Finding> finding;
  std::size_t inputs_run = 0;
  double wall_s = 0;
};

inline FuzzHunt fuzz_hunt(postgres::Mutant mutant, std::size_t inputs_max) {
  FuzzHunt result;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t n = 1; n <= inputs_max; ++n) {
    core::Result<sim::Scenario> scenario =
        sim::scenario_from_bytes(sim::random_scenario_bytes(n), "fuzz input");
    UNWEDGE_ASSERT(scenario.ok());
    scenario->config.plane_settings["mutant"] = postgres::to_string(mutant);
    sim::RunSummary run = sim::run_scenario_settling(*scenario, core::kMinute);
    result.inputs_run++;
    if (run.finding) {
      result.caught_by = n;
      result.finding = std::move(run.finding);
      break;
    }
  }
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace unwedge::mutants
