// The swarm the mutants are hunted with: three services (synchronous HA with
// a customer follower, asynchronous HA with two standbys, synchronous HA)
// under random faults of every kind and random operator requests, six
// simulated hours of safety phase and one of recovery. The same mix the
// shipped control plane must pass on every seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "planes/postgres/settings.hpp"
#include "sim/simulation.hpp"

namespace unwedge::mutants {

inline sim::SimConfig swarm_config(std::uint64_t seed, postgres::Mutant mutant) {
  sim::SimConfig config{.seed = seed,
                        .services = {{.id = "db1", .followers = 1},
                                     {.id = "db2", .standbys = 2, .synchronous = false},
                                     {.id = "db3"}}};
  config.plane_settings["mutant"] = postgres::to_string(mutant);
  config.faults.mean_gap_us = 5 * core::kMinute;
  config.operator_mean_gap_us = core::kHour;
  return config;
}

struct Hunt {
  std::optional<std::uint64_t> caught_by;  // the first seed with a finding
  std::optional<sim::Finding> finding;
  std::uint64_t seeds_run = 0;
  double wall_s = 0;
};

// Runs seeds first_seed, first_seed + 1, ... until one ends with a finding
// or `seeds_max` have run.
inline Hunt hunt(postgres::Mutant mutant, std::uint64_t first_seed, std::uint64_t seeds_max) {
  Hunt result;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = first_seed; seed < first_seed + seeds_max; ++seed) {
    sim::Simulation simulation(swarm_config(seed, mutant));
    sim::RunSummary run = simulation.run(6 * core::kHour, core::kHour);
    result.seeds_run++;
    if (run.finding) {
      result.caught_by = seed;
      result.finding = run.finding;
      break;
    }
  }
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace unwedge::mutants
