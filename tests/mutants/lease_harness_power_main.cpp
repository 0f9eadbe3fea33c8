// lease_harness_power: how fast the swarm catches each planted bug of the
// lease plane. For every mutant (planes/lease/settings.hpp, compiled into
// unwedge_lease_mutants), swarm seeds 1, 2, ... drawn exactly as
// `unwedge nightly --control-plane lease` draws them, with the mutant
// switched on, until one ends with a finding or SEEDS_MAX have run; then the
// shipped lease plane over SHIPPED_SEEDS of the same seeds, which must all
// pass. Prints the lease rows of docs/HARNESS_POWER.md.
//
//   build/default/tests/lease_harness_power [SEEDS_MAX] [SHIPPED_SEEDS] [MUTANT] [FIRST_SEED]
//
// MUTANT ("all" for every one) hunts that one alone; FIRST_SEED (default 1)
// starts the hunt and the shipped seeds further on, to split a long hunt
// over several processes.
#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <string>

#include "planes/lease/settings.hpp"
#include "seam/registry.hpp"
#include "sim/scenario.hpp"
#include "sim/swarm.hpp"

namespace {

using unwedge::lease::Mutant;

struct Hunt {
  std::optional<std::uint64_t> caught_by;
  std::string invariant = "-";
  std::string said;
  std::uint64_t seeds_run = 0;
  double wall_s = 0;
};

// The nightly's swarm scenario of `seed` for the lease plane, with `mutant`
// switched on after the draw, so the story is the one the nightly runs.
unwedge::sim::ScenarioOutcome run_seed(std::uint64_t seed, Mutant mutant) {
  unwedge::sim::Scenario scenario = unwedge::sim::swarm_scenario(seed);
  scenario.config.plane_settings["mutant"] = unwedge::lease::to_string(mutant);
  return unwedge::sim::run_scenario(scenario);
}

Hunt hunt(Mutant mutant, std::uint64_t first_seed, std::uint64_t seeds_max) {
  Hunt result;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = first_seed; seed < first_seed + seeds_max; ++seed) {
    const unwedge::sim::ScenarioOutcome outcome = run_seed(seed, mutant);
    result.seeds_run++;
    if (const std::optional<unwedge::sim::Finding>& finding = outcome.run.finding) {
      result.caught_by = seed;
      result.invariant = to_string(finding->invariant);
      result.said = finding->what.substr(0, 200);
      for (char& c : result.said) {
        if (c == '|') c = '/';
      }
      break;
    }
  }
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seeds_max = argc > 1 ? std::stoull(argv[1]) : 200;
  const std::uint64_t shipped_seeds = argc > 2 ? std::stoull(argv[2]) : 100;
  const std::string only = argc > 3 && std::string(argv[3]) != "all" ? argv[3] : "";
  const std::uint64_t first_seed = argc > 4 ? std::stoull(argv[4]) : 1;
  if (!unwedge::seam::set_default_plane("lease")) {
    fmt::print(stderr, "lease_harness_power: the lease plane is not registered\n");
    return 2;
  }
  fmt::print(
      "| mutant | swarm: caught at | swarm: wall time | swarm: invariant | what it said |\n");
  fmt::print("| --- | ---: | ---: | --- | --- |\n");
  int escaped = 0;
  for (std::uint8_t m = 1; m < unwedge::lease::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    if (!only.empty() && only != unwedge::lease::to_string(mutant)) continue;
    const Hunt found = hunt(mutant, first_seed, seeds_max);
    if (!found.caught_by) ++escaped;
    fmt::print("| `{}` | {} | {:.2f} s | {} | {} |\n", unwedge::lease::to_string(mutant),
               found.caught_by ? std::to_string(*found.caught_by)
                               : fmt::format("not caught in {}", found.seeds_run),
               found.wall_s, found.invariant, found.said);
    std::fflush(stdout);
  }
  const auto start = std::chrono::steady_clock::now();
  int findings = 0;
  for (std::uint64_t seed = first_seed; seed < first_seed + shipped_seeds; ++seed) {
    const unwedge::sim::ScenarioOutcome outcome = run_seed(seed, Mutant::kNone);
    if (!outcome.run.finding) continue;
    ++findings;
    fmt::print("shipped lease plane, seed {}: {}: {}\n", seed,
               to_string(outcome.run.finding->invariant), outcome.run.finding->what);
  }
  fmt::print("\nshipped lease plane: {} seeds, {} with a finding, {:.1f} s\n", shipped_seeds,
             findings,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return escaped == 0 && findings == 0 ? 0 : 1;
}
