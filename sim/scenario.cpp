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
  return outcome;
}

RunSummary run_scenario_settling(const Scenario& scenario, core::TimeUs settle_check_us) {
  Simulation simulation(scenario.config);
  schedule_timeline(simulation, scenario);
  return simulation.run(scenario.duration_us, scenario.recovery_us, settle_check_us);
}

}  // namespace unwedge::sim
