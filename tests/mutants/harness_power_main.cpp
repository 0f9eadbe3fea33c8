// harness_power: how fast the swarm catches each planted bug. For every
// mutant, the seeds run until the first finding, the wall time that took
// and the invariant that fired; then the shipped control plane over
// SHIPPED_SEEDS seeds, which must all stay clean, and a determinism re-check
// of every tenth of them. Prints the Markdown table of docs/HARNESS_POWER.md.
//
//   build/default/tests/harness_power [SEEDS_MAX] [SHIPPED_SEEDS]
#include <chrono>
#include <fmt/format.h>
#include <string>

#include "sim/determinism.hpp"
#include "tests/mutants/swarm.hpp"

int main(int argc, char** argv) {
  using unwedge::postgres::Mutant;
  const std::uint64_t seeds_max = argc > 1 ? std::stoull(argv[1]) : 100;
  const std::uint64_t shipped_seeds = argc > 2 ? std::stoull(argv[2]) : 100;
  fmt::print("| mutant | caught by seed | seeds run | wall time | invariant | what it said |\n");
  fmt::print("| --- | ---: | ---: | ---: | --- | --- |\n");
  int escaped = 0;
  for (std::uint8_t m = 1; m < unwedge::postgres::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    unwedge::mutants::Hunt hunt = unwedge::mutants::hunt(mutant, 1, seeds_max);
    if (!hunt.caught_by) ++escaped;
    std::string said = hunt.finding ? hunt.finding->what.substr(0, 160) : "";
    for (char& c : said) {
      if (c == '|') c = '/';
    }
    fmt::print("| `{}` | {} | {} | {:.2f} s | {} | {} |\n", to_string(mutant),
               hunt.caught_by ? std::to_string(*hunt.caught_by) : "not caught", hunt.seeds_run,
               hunt.wall_s, hunt.finding ? to_string(hunt.finding->invariant) : "-", said);
    std::fflush(stdout);
  }
  // The shipped control plane over every seed (not stopping at the first
  // finding), then a determinism re-check of every tenth seed.
  const auto start = std::chrono::steady_clock::now();
  int findings = 0;
  for (std::uint64_t seed = 1; seed <= shipped_seeds; ++seed) {
    unwedge::sim::Simulation simulation(unwedge::mutants::swarm_config(seed, Mutant::kNone));
    unwedge::sim::RunSummary run = simulation.run(6 * unwedge::core::kHour, unwedge::core::kHour);
    if (!run.finding) continue;
    ++findings;
    fmt::print("shipped control plane, seed {}: {}: {}\n", seed, to_string(run.finding->invariant),
               run.finding->what);
    std::fflush(stdout);
  }
  const double shipped_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("\nshipped control plane: {} seeds, {} with a finding, {:.1f} s\n", shipped_seeds,
             findings, shipped_s);
  const auto recheck_start = std::chrono::steady_clock::now();
  unwedge::sim::DeterminismCheck check = unwedge::sim::check_determinism(
      unwedge::sim::determinism_sample(1, shipped_seeds, 10),
      [](std::uint64_t seed, unwedge::sim::TraceSink& sink) {
        unwedge::sim::SimConfig config = unwedge::mutants::swarm_config(seed, Mutant::kNone);
        config.trace_sink = &sink;
        return unwedge::sim::Simulation(config)
            .run(6 * unwedge::core::kHour, unwedge::core::kHour)
            .digest;
      });
  for (const unwedge::sim::DeterminismMismatch& m : check.mismatches)
    fmt::print("{}\n", m.describe());
  fmt::print(
      "determinism re-check: {} seeds replayed, {} trace records compared, {} mismatches, "
      "{:.1f} s\n",
      check.seeds_checked, check.records_compared, check.mismatches.size(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - recheck_start).count());
  return escaped == 0 && findings == 0 && check.ok() ? 0 : 1;
}
