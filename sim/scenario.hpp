// Scenario: one replayable failure story, as an engineer writes it in YAML
// (docs/SCENARIOS.md) or the swarm generator draws it from a seed.
//
// A scenario is everything a run depends on besides the code: the fleet, the
// workload, the control plane's settings, the random fault and operator mix
// (if any), a timeline of scheduled faults and operator requests, dwell
// bounds, and the verdict it must give. Running it is a pure function of the
// scenario and its seed: the same file gives the same trace digest on every
// build.
//
//   core::Result<Scenario> s = load_scenario_file("scenarios/partial_partition.yaml");
//   if (!s.ok()) { fmt::print(stderr, "{}\n", s.error().message); return 2; }
//   ScenarioOutcome outcome = run_scenario(*s);
//   fmt::print("{} {:016x}\n", outcome.passed ? "pass" : "FAIL", outcome.run.digest);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sim/faults.hpp"
#include "sim/invariants.hpp"
#include "sim/operator_requests.hpp"
#include "sim/requirement.hpp"
#include "sim/simulation.hpp"

namespace unwedge::sim {

class ProvisionedFleets;

// What the clients must have felt, judged once the run gave its verdict:
// every service's share of time its clients could write, and its longest
// write outage (`expect: {availability: {min: 99.5%, worst_window_max: 2m}}`).
struct AvailabilityBounds {
  std::optional<std::uint32_t> min_ppm;  // in parts per million: 99.5% is 995000
  std::optional<core::TimeUs> worst_window_max_us;

  friend bool operator==(const AvailabilityBounds&, const AvailabilityBounds&) = default;
};

// What a run of the scenario must come to: pass, or a violation of one
// named invariant (a scenario that tells a bug the control plane still has,
// or a planted one); and, either way, at most so many disruptions of each
// kind it bounds.
struct ExpectedVerdict {
  std::optional<Invariant> violation;  // nullopt: pass
  // At most this many disruptions of a kind (every cause together); a kind
  // not listed is unbounded. A run over a bound does not pass, whatever
  // else it gives.
  std::map<core::DisruptionKind, std::uint64_t> disruptions_max;
  std::optional<AvailabilityBounds> availability;

  friend bool operator==(const ExpectedVerdict&, const ExpectedVerdict&) = default;
};

struct Scenario {
  std::string name;
  std::string description;
  // The fleet, workload, settings, random mix and bounds; config.seed is
  // the scenario's seed.
  SimConfig config;
  core::TimeUs duration_us = core::kHour;  // the safety phase
  // The fleet's provisioning, a quiet start of the safety phase: until then
  // nothing of the timeline happens, and then the control plane's process
  // and agents restart (Simulation::restart_processes), as after a deploy.
  // 0: none. A run of a scenario with one may start from a copy of its
  // provisioned fleet (ProvisionedFleets) and runs the same either way.
  core::TimeUs provisioning_us = 0;
  core::TimeUs recovery_us = 30 * core::kMinute;  // the liveness phase
  std::vector<ScheduledFault> faults;
  std::vector<ScheduledOperator> operators;
  // What must happen for the run to mean anything (`requires:`): a run
  // that found nothing else but missed one of them is vacuous
  // (Invariant::kVacuous).
  std::vector<Requirement> requirements;
  ExpectedVerdict expect;
  // Where it came from, for messages ("scenarios/x.yaml", "swarm seed 7").
  std::string source;

  friend bool operator==(const Scenario&, const Scenario&) = default;
};

struct ScenarioOutcome {
  RunSummary run;
  bool passed = false;  // the run gave the expected verdict
  // Why it did not, in a sentence, when it did not.
  std::string mismatch;
  // The kinds of disruption over the scenario's bound, if any.
  std::vector<core::DisruptionKind> disruptions_over;
  // It gave its verdict but missed its availability bounds.
  bool availability_missed = false;
};

// The first of `bounds` the run's clients missed, in a sentence; empty: none.
std::string availability_miss(const AvailabilityBounds& bounds, const RunSummary& run);

// Runs the scenario (with `seed` in place of its own if given; `sink`, if
// given, receives every trace record; `observer`, if given, is told what
// the run does). A run that found nothing else but did not meet every
// requirement of the scenario ends with a finding of kVacuous.
ScenarioOutcome run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed = {},
                             TraceSink* sink = nullptr, RunObserver* observer = nullptr);

// Runs the scenario with its own seed, ending the recovery phase at the
// first check (every `settle_check_us` of virtual time) that finds the run
// settled: see Simulation::run. What it finds, run_scenario finds too; the
// expected verdict and the requirements are not judged. For fuzzing, where runs per second count.
// With `fleets`, a scenario with a provisioning phase starts from a copy of
// its provisioned fleet, kept there per shape (sim/provisioned_fleets.hpp).
RunSummary run_scenario_settling(const Scenario& scenario, core::TimeUs settle_check_us,
                                 ProvisionedFleets* fleets = nullptr);

// The simulation of `config` at the end of `provisioning_us` (0: at its
// start): run to then, its processes restarted. A finding in the
// provisioning ends the run there (Simulation::finding).
std::unique_ptr<Simulation> provisioned(const SimConfig& config, core::TimeUs provisioning_us);

}  // namespace unwedge::sim
