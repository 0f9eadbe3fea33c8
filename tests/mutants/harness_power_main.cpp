// harness_power: how fast the swarm catches each planted bug. For every
// mutant, the seeds run until the first finding, the wall time that took
// and the invariant that fired; then the shipped control plane over the
// same number of seeds, which must stay clean. Prints the Markdown table of
// docs/HARNESS_POWER.md.
//
//   build/default/tests/harness_power [SEEDS_MAX] [SHIPPED_SEEDS]
#include <fmt/format.h>
#include <string>

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
    fmt::print("| `{}` | {} | {} | {:.1f} s | {} | {} |\n", to_string(mutant),
               hunt.caught_by ? std::to_string(*hunt.caught_by) : "not caught", hunt.seeds_run,
               hunt.wall_s, hunt.finding ? to_string(hunt.finding->invariant) : "-", said);
    std::fflush(stdout);
  }
  unwedge::mutants::Hunt shipped = unwedge::mutants::hunt(Mutant::kNone, 1, shipped_seeds);
  fmt::print("\nshipped control plane: {} seeds, {:.1f} s, {}\n", shipped.seeds_run, shipped.wall_s,
             shipped.finding
                 ? fmt::format("FINDING at seed {}: {}", *shipped.caught_by, shipped.finding->what)
                 : "no finding");
  return escaped == 0 && !shipped.finding ? 0 : 1;
}
