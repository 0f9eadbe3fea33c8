// The swarm generator: a seed becomes a whole Scenario, with a randomly
// drawn fleet shape, fault mix and timeline.
//
// Each seed draws, from its own stream (`Rng::stream(seed, "swarm")`), 1-4
// services of random shape, a random non-empty subset of the fault kinds and
// a mean gap between faults, then writes an explicit timeline: every fault
// and every operator request with its time, its targets (roles such as
// `leader:db2`, resolved when they fire) and its duration and amount. The
// run draws nothing of its own (`config.faults.mean_gap_us` and
// `config.operator_mean_gap_us` are 0), so the Scenario alone reproduces the
// run: written to a file and loaded again, it gives the same digest. Each
// fault is drawn as its kind's entry in the table of fault kinds
// (sim/faults.hpp) describes, as the in-run nemesis draws it, but aimed at
// roles rather than hosts. The generator is a pure function of (seed,
// options).
//
//   Scenario s = swarm_scenario(42);
//   fmt::print("{}\n", s.description);   // the fleet and the enabled kinds
//   Scenario lease = swarm_scenario(42, {.control_plane = "lease"});
//   ScenarioOutcome outcome = run_scenario(s);
//   if (!outcome.passed) fmt::print("swarm seed 42: {}\n", outcome.mismatch);
#pragma once

#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "sim/scenario.hpp"

namespace unwedge::sim {

struct SwarmOptions {
  // The safety phase lasts between these (whole minutes), drawn per seed.
  core::TimeUs duration_min_us = 2 * core::kHour;
  core::TimeUs duration_max_us = 6 * core::kHour;
  core::TimeUs recovery_us = core::kHour;
  // The plane the scenario runs, by its registered name (one that is
  // registered); empty: the default plane (seam/registry.hpp). The draws
  // follow what the plane declares (its roles, its requests, a store), so
  // one seed tells a different story on each plane.
  std::string control_plane;

  friend bool operator==(const SwarmOptions&, const SwarmOptions&) = default;
};

// Never more faults on the timeline than this, whatever the seed draws.
inline constexpr std::size_t kSwarmFaultsMax = 1'000;
// Never more operator requests than this.
inline constexpr std::size_t kSwarmOperatorsMax = 100;

Scenario swarm_scenario(std::uint64_t seed, const SwarmOptions& options = {});

}  // namespace unwedge::sim
