// The property of one invariant: a scenario drawn with its slant runs on
// the reference control plane without a finding. Any finding fails it, not
// only one of the property's own invariant: a run ends at its first
// violation, so another invariant's would hide the one aimed at, and the
// shipped control plane must pass every scenario anyway.
//
// A failing case writes its scenario to a file (expecting a pass, as a
// regression scenario must once the bug is fixed) and names the file and
// the commands that replay it in the failure; rapidcheck adds the
// counterexample and the string that reproduces it.
//
// hunt() runs the same properties against a planted bug (tests/mutants):
// compiled into the mutants' test, settings.mutant switches the bug on.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <string>

#include "planes/postgres/settings.hpp"
#include "tests/properties/slants.hpp"

namespace unwedge::properties {

// Where counterexamples go: $UNWEDGE_PROPERTIES_OUT, else out/properties
// under the working directory (ctest's is the build's tests/ directory).
inline std::filesystem::path counterexample_dir() {
  if (const char* dir = std::getenv("UNWEDGE_PROPERTIES_OUT"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return std::filesystem::path("out") / "properties";
}

inline std::string describe(const sim::Finding& finding) {
  return fmt::format("{} violated by {} at {}: {}", sim::to_string(finding.invariant),
                     finding.entity, core::format_duration(finding.at_us), finding.what);
}

// Writes the scenario as `<property>.yaml`; returns its path. rapidcheck
// calls a property again for every shrink it tries, so this runs on every
// failing call and the last write, the smallest counterexample, wins.
inline std::filesystem::path write_counterexample(const sim::Scenario& scenario,
                                                  std::string_view property) {
  const std::filesystem::path dir = counterexample_dir();
  std::filesystem::create_directories(dir);
  const std::filesystem::path path =
      std::filesystem::absolute(dir / fmt::format("{}.yaml", property));
  sim::Scenario file = scenario;
  file.expect = {};  // a regression passes once the bug is fixed
  std::ofstream(path) << sim::to_yaml(file);
  return path;
}

// The scenario's finding, if its run has one.
inline std::optional<sim::Finding> run_once(const sim::Scenario& scenario) {
  return sim::run_scenario(scenario).run.finding;
}

// The property body: fails the case (RC_FAIL) on any finding, after
// writing the scenario file.
inline void passes(const sim::Scenario& scenario, sim::Invariant property) {
  const std::optional<sim::Finding> finding = run_once(scenario);
  if (!finding) return;
  const std::string path = write_counterexample(scenario, sim::to_string(property)).string();
  RC_FAIL(
      fmt::format("{}\nscenario written to {}\nreplay it: unwedge replay {}\nrun it: unwedge "
                  "run {}",
                  describe(*finding), path, path, path));
}

struct HuntResult {
  bool caught = false;
  std::size_t cases = 0;                                 // run before the catch, or in all
  sim::Invariant property = sim::Invariant::kAssertion;  // whose property caught it
  std::optional<sim::Finding> finding;
  std::optional<sim::Scenario> scenario;  // the case that caught it, mutant switched on
  double wall_s = 0;
};

// Runs each invariant's property (kHuntOrder) for up to `max_cases` cases
// with `mutant` switched on, stopping at the first catch; the seeds are
// fixed, so a hunt gives the same result every time. No shrinking: a hunt
// asks whether, and how soon, not for the smallest case.
inline HuntResult hunt(postgres::Mutant mutant, std::size_t max_cases) {
  HuntResult result;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < kHuntOrder.size() && !result.caught; ++i) {
    const sim::Invariant property = kHuntOrder[i];
    const rc::Gen<sim::Scenario> gen = scenario_gen(slant_for(property));
    std::optional<sim::Finding> last;
    std::optional<sim::Scenario> last_scenario;
    rc::detail::TestParams params;
    params.seed = 1 + i;
    params.maxSuccess = static_cast<int>(max_cases);
    params.disableShrinking = true;
    const rc::detail::TestResult outcome = rc::detail::checkTestable(
        [&] {
          last_scenario = *gen;
          last_scenario->config.plane_settings["mutant"] = postgres::to_string(mutant);
          last = run_once(*last_scenario);
          RC_ASSERT(!last.has_value());
        },
        rc::detail::TestMetadata{}, params);
    rc::detail::FailureResult failure;
    if (outcome.match(failure)) {
      result.caught = true;
      result.cases += static_cast<std::size_t>(failure.numSuccess) + 1;
      result.property = property;
      result.finding = last;
      result.scenario = last_scenario;
    } else {
      result.cases += max_cases;
    }
  }
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace unwedge::properties
