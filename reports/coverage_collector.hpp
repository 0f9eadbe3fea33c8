// CoverageCollector: what one simulated run exercised of a control plane's
// model, as reports::Coverage.
//
// The universe comes from the model (every machine's states and legal
// transitions, every table's rules, every action's steps), from every fault
// kind and every coverage probe linked into the program, so what the run
// never touched is listed with a zero count. The counts come from the run,
// through the simulation's RunObserver tap: transitions taken and refused,
// states entered, decision-table cells seen (each distinct cell decided once
// more here, for its outcome and deciding rules), actions started and their
// step verdicts, faults started, probe hits and dwell times.
//
// Probes are process-wide counters, so the constructor resets them: create
// the collector right before its run, and one run at a time.
//
//   CoverageCollector collector(postgres::model());
//   sim::run_scenario(scenario, {}, nullptr, &collector);
//   Coverage coverage = collector.coverage();
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/control_plane_model.hpp"
#include "reports/report.hpp"
#include "sim/run_observer.hpp"

namespace unwedge::reports {

// The model's universe with every count zero: machines, tables and actions
// by name, every fault kind by name, every probe site by name.
Coverage empty_coverage(const core::ControlPlaneModel& model);

class CoverageCollector final : public sim::RunObserver {
 public:
  explicit CoverageCollector(const core::ControlPlaneModel& model);

  void transition(const core::TransitionEvent& e, core::TimeUs now_us) override;
  void state_seen(const core::MachineDef& machine, std::string_view entity, core::StateId state,
                  core::TimeUs now_us) override;
  void decision(const core::DecisionEvent& e, core::TimeUs now_us) override;
  void step(const core::StepEvent& e, core::TimeUs now_us) override;
  void fault_started(std::uint64_t id, const sim::FaultSpec& spec, core::TimeUs now_us) override;
  void run_ended(const sim::InvariantChecker& checker, core::TimeUs now_us) override;

  // The universe with this run's counts (probe hits read now).
  Coverage coverage() const;

 private:
  struct SeenCell {
    std::string table;
    CellCoverage cell;  // described once, at first sight
  };
  // A decision's cell, by the table object: decisions come on every
  // controller pass, so their lookup must not build strings. Never iterated
  // for output in this order (addresses differ between runs).
  using CellKey = std::tuple<const core::DecisionTable*, core::StateId, std::uint32_t>;
  // (machine, from, to, cause, refused)
  using TransitionKey = std::tuple<std::string, std::string, std::string, std::string, bool>;

  void enter(const core::MachineDef& machine, std::string_view entity, core::StateId state);
  void fill_machines(Coverage& coverage) const;
  void fill_tables(Coverage& coverage) const;
  void fill_actions(Coverage& coverage) const;

  const core::ControlPlaneModel& model_;
  std::map<TransitionKey, std::uint64_t> transitions_;
  std::map<std::string, std::string, std::less<>> entity_state_;  // "machine/entity" -> state
  std::map<std::pair<std::string, std::string>, std::uint64_t> entered_;  // (machine, state)
  std::map<std::string, MachineCoverage> machines_seen_;                  // by name, as first seen
  std::map<CellKey, SeenCell> cells_;
  std::map<std::string, TableCoverage> tables_seen_;         // by name, as first seen
  std::map<std::string, std::set<std::string>> action_ids_;  // action -> executions
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> verdicts_;
  std::map<std::string, std::uint64_t> faults_;  // by kind name
  std::map<std::string, DwellBuckets> dwell_;    // "machine/state"
};

}  // namespace unwedge::reports
