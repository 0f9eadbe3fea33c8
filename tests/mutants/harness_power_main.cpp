// harness_power: how fast each hunter catches each planted bug. For every
// mutant and every hunter (the swarm; the invariant properties, up to
// SEEDS_MAX cases each; the fleet_fuzzer's inputs, up to ten times
// SEEDS_MAX), the seeds (or cases, or inputs) run until the first
// finding, the wall time that took and the invariant that fired; then the
// shipped control plane over SHIPPED_SEEDS swarm seeds, which must all stay
// clean, and a determinism re-check of every tenth of them. Prints the
// Markdown table of docs/HARNESS_POWER.md, one column group per hunter.
//
//   build/default/tests/harness_power [SEEDS_MAX] [SHIPPED_SEEDS] [MUTANTS] [HUNTERS]
//
// MUTANTS and HUNTERS, comma-separated names, narrow the table to those
// mutants and hunters (all of each by default).
//
// A hunter is a name and a function from a mutant to a Hunt (see hunters());
// another way of searching (a fuzzer's corpus, a property's generator) joins
// the table by adding one entry there.
#include <chrono>
#include <fmt/format.h>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/determinism.hpp"
#include "tests/mutants/fuzz_hunt.hpp"
#include "tests/mutants/swarm.hpp"
#include "tests/properties/invariant_property.hpp"

namespace {

using unwedge::mutants::Hunt;
using unwedge::postgres::Mutant;

struct Hunter {
  std::string name;
  std::function<Hunt(Mutant)> hunt;
};

// The swarm counts seeds; the properties, cases of every property in turn
// (tests/properties); the fuzzer, fleet_fuzzer inputs (fuzz_hunt.hpp).
std::vector<Hunter> hunters(std::uint64_t seeds_max) {
  return {
      {.name = "swarm",
       .hunt = [seeds_max](Mutant mutant) { return unwedge::mutants::hunt(mutant, 1, seeds_max); }},
      {.name = "properties",
       .hunt =
           [seeds_max](Mutant mutant) {
             const unwedge::properties::HuntResult found =
                 unwedge::properties::hunt(mutant, seeds_max);
             Hunt hunt{.finding = found.finding, .seeds_run = found.cases, .wall_s = found.wall_s};
             if (found.caught) hunt.caught_by = found.cases;
             return hunt;
           }},
      {.name = "fuzzer", .hunt = [seeds_max](Mutant mutant) {
         const unwedge::mutants::FuzzHunt found =
             unwedge::mutants::fuzz_hunt(mutant, 10 * seeds_max);
         return Hunt{.caught_by = found.caught_by,
                     .finding = found.finding,
                     .seeds_run = found.inputs_run,
                     .wall_s = found.wall_s};
       }}};
}

// "| mutant | swarm: caught at | swarm: wall time | swarm: invariant | ... |
// what the first to catch it said |" and its rule.
void print_header(const std::vector<Hunter>& all) {
  std::string header = "| mutant |";
  std::string rule = "| --- |";
  for (const Hunter& hunter : all) {
    for (const char* column : {"caught at", "wall time", "invariant"}) {
      header += fmt::format(" {}: {} |", hunter.name, column);
    }
    rule += " ---: | ---: | --- |";
  }
  fmt::print("{} what the first to catch it said |\n{} --- |\n", header, rule);
}

// "seed 3" / "not caught in 100": the seed, case or input that caught it.
std::string cells(const Hunt& hunt) {
  return fmt::format(" {} | {:.2f} s | {} |",
                     hunt.caught_by ? std::to_string(*hunt.caught_by)
                                    : fmt::format("not caught in {}", hunt.seeds_run),
                     hunt.wall_s, hunt.finding ? to_string(hunt.finding->invariant) : "-");
}

std::string said(const Hunt& hunt) {
  std::string what = hunt.finding ? hunt.finding->what.substr(0, 160) : "";
  for (char& c : what) {
    if (c == '|') c = '/';
  }
  return what;
}

// Whether `name` is one of the comma-separated `names`; every name is when
// `names` is empty.
bool named(std::string_view names, std::string_view name) {
  if (names.empty()) return true;
  for (std::size_t from = 0; from <= names.size();) {
    const std::size_t comma = std::min(names.find(',', from), names.size());
    if (names.substr(from, comma - from) == name) return true;
    from = comma + 1;
  }
  return false;
}

// Every mutant named against every hunter; returns how many mutants no
// hunter caught.
int hunt_mutants(const std::vector<Hunter>& all, std::string_view mutants) {
  print_header(all);
  int escaped = 0;
  for (std::uint8_t m = 1; m < unwedge::postgres::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    if (!named(mutants, to_string(mutant))) continue;
    std::string row = fmt::format("| `{}` |", to_string(mutant));
    bool caught = false;
    std::string first_said;
    for (const Hunter& hunter : all) {
      Hunt hunt = hunter.hunt(mutant);
      if (!caught && hunt.finding) first_said = said(hunt);
      caught = caught || hunt.caught_by.has_value();
      row += cells(hunt);
    }
    if (!caught) ++escaped;
    fmt::print("{} {} |\n", row, first_said);
    std::fflush(stdout);
  }
  return escaped;
}

// The shipped control plane over every seed (not stopping at the first
// finding); returns how many seeds had one.
int run_shipped(std::uint64_t shipped_seeds) {
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
  return findings;
}

// Every tenth shipped seed run twice, traces compared record by record.
bool recheck_determinism(std::uint64_t shipped_seeds) {
  const auto start = std::chrono::steady_clock::now();
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
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return check.ok();
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seeds_max = argc > 1 ? std::stoull(argv[1]) : 100;
  const std::uint64_t shipped_seeds = argc > 2 ? std::stoull(argv[2]) : 100;
  const std::string mutants = argc > 3 ? argv[3] : "";
  std::vector<Hunter> all = hunters(seeds_max);
  if (argc > 4) {
    std::erase_if(all, [&](const Hunter& hunter) { return !named(argv[4], hunter.name); });
  }
  const int escaped = hunt_mutants(all, mutants);
  const int findings = run_shipped(shipped_seeds);
  const bool deterministic = recheck_determinism(shipped_seeds);
  return escaped == 0 && findings == 0 && deterministic ? 0 : 1;
}
