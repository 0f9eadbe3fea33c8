// guided_power: the nightly's swarm alone against the swarm with the guided
// search (sim/guided_search.hpp), side by side on every planted bug, per
// CPU-minute. Each hunter gets the same CPU time per mutant on one core and
// runs the nightly's own scenarios: swarm seeds 1, 2, ... drawn by
// sim::swarm_scenario with the mutant switched on; the guided hunter hands
// PERCENT of its runs to inputs that mutate the runs that reached something
// new, with the features the nightly uses (reports/coverage_features.hpp).
// Prints a Markdown table (docs/HARNESS_POWER.md) and each hunter's bugs
// found per CPU-minute.
//
//   build/default/tests/guided_power [SECONDS_PER_MUTANT] [PERCENT]   # 30 50
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

#include "planes/postgres/settings.hpp"
#include "reports/coverage_collector.hpp"
#include "reports/coverage_features.hpp"
#include "seam/registry.hpp"
#include "sim/guided_search.hpp"
#include "sim/happening_log.hpp"
#include "sim/run_observer.hpp"
#include "sim/step_fault_context.hpp"
#include "sim/swarm.hpp"

namespace {

using unwedge::postgres::Mutant;
namespace sim = unwedge::sim;
namespace reports = unwedge::reports;

// CPU seconds this process has used: the hunters are compared by what they
// cost, whatever else the machine runs meanwhile.
double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

struct Catch {
  std::optional<std::uint64_t> run;  // the run that caught it, from 1
  bool by_guided = false;            // that run was a guided input
  std::string invariant;
  std::uint64_t runs = 0;
  double seconds = 0;
};

// Runs until a finding or `seconds_max` of CPU time: swarm seeds in order, and with
// `percent` > 0 that share of guided inputs once the corpus has one.
Catch hunt(Mutant mutant, double seconds_max, std::uint32_t percent,
           const unwedge::core::ControlPlaneModel& model) {
  Catch result;
  sim::GuidedSearch search(1);
  std::uint64_t seed = 0;
  std::uint64_t guided = 0;
  const double start = cpu_seconds();
  while (cpu_seconds() - start < seconds_max) {
    const bool guided_turn =
        percent > 0 && !search.corpus().empty() && guided * 100 < percent * result.runs;
    sim::Scenario scenario;
    if (guided_turn) {
      scenario = search.next()->scenario;
      ++guided;
    } else {
      scenario = sim::swarm_scenario(++seed, {.control_plane = "postgres"});
      scenario.config.plane_settings["mutant"] = unwedge::postgres::to_string(mutant);
    }
    reports::CoverageCollector coverage(model);
    sim::HappeningLog census(scenario.config);
    sim::StepFaultContext contexts;
    sim::RunObservers observers({&coverage, &census, &contexts});
    const sim::ScenarioOutcome outcome = sim::run_scenario(scenario, {}, nullptr, &observers);
    ++result.runs;
    if (!outcome.passed) {
      result.run = result.runs;
      result.by_guided = guided_turn;
      result.invariant = outcome.run.finding ? sim::to_string(outcome.run.finding->invariant)
                                             : std::string("other");
      break;
    }
    reports::Coverage reached = coverage.coverage();
    for (const sim::Requirement& r : census.sometimes())
      reached.sometimes.push_back({.name = sim::flow_text(r), .count = 1});
    search.offer(scenario, reports::run_features(scenario, reached, contexts.features()));
  }
  result.seconds = cpu_seconds() - start;
  return result;
}

std::string cell(const Catch& c) {
  if (!c.run) return fmt::format("not in {} runs | {:.1f} s | -", c.runs, c.seconds);
  return fmt::format("run {}{} | {:.1f} s | {}", *c.run, c.by_guided ? " (guided)" : "", c.seconds,
                     c.invariant);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds_max = argc > 1 ? std::atof(argv[1]) : 30.0;
  const auto percent = static_cast<std::uint32_t>(argc > 2 ? std::atoi(argv[2]) : 50);
  const unwedge::seam::PlaneInfo* plane = unwedge::seam::find_plane("postgres");
  if (plane == nullptr || seconds_max <= 0 || percent > 90) {
    fmt::print(stderr, "usage: guided_power [SECONDS_PER_MUTANT > 0] [PERCENT 0-90]\n");
    return 2;
  }
  fmt::print(
      "| mutant | swarm alone: caught at | CPU | invariant | swarm + {}% guided: caught at "
      "| CPU | invariant |\n| --- | ---: | ---: | --- | ---: | ---: | --- |\n",
      percent);
  struct Total {
    std::uint64_t found = 0;
    double seconds = 0;
  } alone, mixed;
  for (std::uint8_t m = 1; m < unwedge::postgres::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    const Catch a = hunt(mutant, seconds_max, 0, plane->model());
    const Catch g = hunt(mutant, seconds_max, percent, plane->model());
    alone.found += a.run.has_value();
    alone.seconds += a.seconds;
    mixed.found += g.run.has_value();
    mixed.seconds += g.seconds;
    fmt::print("| `{}` | {} | {} |\n", unwedge::postgres::to_string(mutant), cell(a), cell(g));
    std::fflush(stdout);
  }
  const auto per_minute = [](const Total& t) { return t.found / (t.seconds / 60.0); };
  fmt::print("\nswarm alone: {} of {} found in {:.1f} CPU-min ({:.2f} per CPU-minute)\n",
             alone.found, unwedge::postgres::kMutants - 1, alone.seconds / 60.0, per_minute(alone));
  fmt::print("swarm + {}% guided: {} of {} found in {:.1f} CPU-min ({:.2f} per CPU-minute)\n",
             percent, mixed.found, unwedge::postgres::kMutants - 1, mixed.seconds / 60.0,
             per_minute(mixed));
  return 0;
}
