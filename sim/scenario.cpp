#include "sim/scenario.hpp"

#include <fmt/format.h>

#include "sim/happening_log.hpp"
#include "sim/provisioned_fleets.hpp"

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

// A run that found nothing else but missed a requirement: vacuous.
void judge_requirements(const Scenario& scenario, const Simulation& simulation,
                        const HappeningLog& log, RunSummary& run) {
  if (run.finding) return;
  std::optional<std::string> unmet = log.first_unmet(scenario.requirements);
  if (!unmet) return;
  run.finding = Finding{.invariant = Invariant::kVacuous,
                        .at_us = simulation.now_us(),
                        .what = std::move(*unmet),
                        .excerpt = simulation.trace().recent()};
}

}  // namespace

namespace {

std::string hours(core::TimeUs us) {
  return fmt::format("{:.2f} h", static_cast<double>(us) / static_cast<double>(core::kHour));
}

}  // namespace

ScenarioOutcome run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed,
                             TraceSink* sink, RunObserver* observer) {
  SimConfig config = scenario.config;
  if (seed) config.seed = *seed;
  if (sink != nullptr) config.trace_sink = sink;
  // The requirements are judged from what the run did, heard beside the
  // caller's observer.
  if (observer != nullptr) config.observer = observer;
  HappeningLog log(config);
  RunObservers both({&log, config.observer});
  if (!scenario.requirements.empty()) {
    config.observer = config.observer != nullptr ? static_cast<RunObserver*>(&both) : &log;
  }
  const std::unique_ptr<Simulation> started = provisioned(config, scenario.provisioning_us);
  Simulation& simulation = *started;
  schedule_timeline(simulation, scenario);
  ScenarioOutcome outcome;
  outcome.run = simulation.run(scenario.duration_us, scenario.recovery_us);
  if (!scenario.requirements.empty()) judge_requirements(scenario, simulation, log, outcome.run);
  if (outcome.run.events_max_reached) {
    // Short of its end the run has no verdict: neither a pass nor a finding.
    outcome.mismatch = fmt::format(
        "the run stopped at its limit of {} events, {} into the scenario's {}: no "
        "verdict",
        outcome.run.events, hours(outcome.run.simulated_us),
        hours(scenario.duration_us + scenario.recovery_us));
    return outcome;
  }
  const std::optional<Finding>& finding = outcome.run.finding;
  const std::optional<Invariant>& expected = scenario.expect.violation;
  if (!expected) {
    outcome.passed = !finding.has_value();
    if (finding && finding->invariant == Invariant::kVacuous) {
      outcome.mismatch = fmt::format("expected to pass, but the run is vacuous: {}", finding->what);
    } else if (finding) {
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
  if (outcome.passed && scenario.expect.availability) {
    outcome.mismatch = availability_miss(*scenario.expect.availability, outcome.run);
    outcome.availability_missed = !outcome.mismatch.empty();
    outcome.passed = !outcome.availability_missed;
  }
  judge_disruption_bounds(scenario, outcome);
  return outcome;
}

std::string availability_miss(const AvailabilityBounds& bounds, const RunSummary& run) {
  for (const ServiceAvailability& service : run.availability) {
    const double share = service.write_share();
    if (bounds.min_ppm && share * 1e6 < static_cast<double>(*bounds.min_ppm)) {
      return fmt::format(
          "expected every service's clients to write at least {} of the time, but {}'s wrote {}",
          percent(static_cast<double>(*bounds.min_ppm) / 1e6), service.service, percent(share));
    }
  }
  if (bounds.worst_window_max_us && !run.worst_windows.empty()) {
    const OutageWindow& worst = run.worst_windows.front();
    if (worst.length_us() > *bounds.worst_window_max_us) {
      return fmt::format(
          "expected no write outage longer than {:.0f} s, but {}'s writes failed for {:.0f} s "
          "from {:.0f} s ({}; cause: {})",
          static_cast<double>(*bounds.worst_window_max_us) / core::kSecond, worst.client,
          static_cast<double>(worst.length_us()) / core::kSecond,
          static_cast<double>(worst.from_us) / core::kSecond, worst.why, worst.cause);
    }
  }
  return {};
}

std::unique_ptr<Simulation> provisioned(const SimConfig& config, core::TimeUs provisioning_us) {
  auto simulation = std::make_unique<Simulation>(config);
  if (provisioning_us > 0 && simulation->run_until(provisioning_us)) {
    simulation->restart_processes();
  }
  return simulation;
}

RunSummary run_scenario_settling(const Scenario& scenario, core::TimeUs settle_check_us,
                                 ProvisionedFleets* fleets) {
  const std::unique_ptr<Simulation> simulation =
      fleets != nullptr && scenario.provisioning_us > 0
          ? fleets->start(scenario.config, scenario.provisioning_us)
          : provisioned(scenario.config, scenario.provisioning_us);
  schedule_timeline(*simulation, scenario);
  return simulation->run(scenario.duration_us, scenario.recovery_us, settle_check_us);
}

}  // namespace unwedge::sim
