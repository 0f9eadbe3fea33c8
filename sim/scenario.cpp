#include "sim/scenario.hpp"

#include <fmt/format.h>

namespace unwedge::sim {

namespace {

void schedule_timeline(Simulation& simulation, const Scenario& scenario) {
  for (const ScheduledFault& fault : scenario.faults)
    simulation.schedule_fault(fault.at_us, fault.spec);
  for (const ScheduledOperator& request : scenario.operators)
    simulation.schedule_operator(request.at_us, request.request);
}

// Holds the run to the scenario's disruption bounds: a kind over its bound
// fails the run, said after whatever else was said.
void judge_disruption_bounds(const Scenario& scenario, ScenarioOutcome& outcome) {
  for (const auto& [kind, max] : scenario.expect.disruptions_max) {
    const std::uint64_t count = count_of(outcome.run.disruptions, kind);
    if (count <= max) continue;
    outcome.disruptions_over.push_back(kind);
    const std::string sentence =
        fmt::format("expected at most {} {} disruption{}, but the control plane decided {} ({})",
                    max, core::to_string(kind), max == 1 ? "" : "s", count,
                    causes_of(outcome.run.disruptions, kind));
    outcome.mismatch = outcome.passed ? sentence : outcome.mismatch + "; and " + sentence;
    outcome.passed = false;
  }
}

}  // namespace

ScenarioOutcome run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed,
                             TraceSink* sink, RunObserver* observer) {
  SimConfig config = scenario.config;
  if (seed) config.seed = *seed;
  if (sink != nullptr) config.trace_sink = sink;
  if (observer != nullptr) config.observer = observer;
  Simulation simulation(config);
  schedule_timeline(simulation, scenario);
  ScenarioOutcome outcome;
  outcome.run = simulation.run(scenario.duration_us, scenario.recovery_us);
  const std::optional<Finding>& finding = outcome.run.finding;
  const std::optional<Invariant>& expected = scenario.expect.violation;
  if (!expected) {
    outcome.passed = !finding.has_value();
    if (finding) {
      outcome.mismatch = fmt::format("expected to pass, but {} was violated: {}",
                                     to_string(finding->invariant), finding->what);
    }
  } else if (!finding) {
    outcome.mismatch =
        fmt::format("expected a violation of {}, but the run passed", to_string(*expected));
  } else {
    outcome.passed = finding->invariant == *expected;
    if (!outcome.passed) {
      outcome.mismatch =
          fmt::format("expected a violation of {}, but {} was violated first: {}",
                      to_string(*expected), to_string(finding->invariant), finding->what);
    }
  }
  judge_disruption_bounds(scenario, outcome);
  return outcome;
}

RunSummary run_scenario_settling(const Scenario& scenario, core::TimeUs settle_check_us) {
  Simulation simulation(scenario.config);
  schedule_timeline(simulation, scenario);
  return simulation.run(scenario.duration_us, scenario.recovery_us, settle_check_us);
}

}  // namespace unwedge::sim
