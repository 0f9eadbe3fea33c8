// RunObserver: a read-only tap on one simulated run, for what is gathered
// about a run besides its verdict (model coverage, a failing run's
// timeline; reports/coverage_collector.hpp).
//
// The simulation tells the observer what its trace records, in virtual time,
// after recording it. An observer never feeds back into the run: it draws no
// random numbers and records no trace, so a run's digest is the same with
// or without one. Set it in SimConfig::observer (or pass it to
// run_scenario); RunObservers fans one run out to several.
//
//   CoverageCollector coverage(plane.model());
//   run_scenario(scenario, {}, nullptr, &coverage);
//   reports::Coverage counted = coverage.coverage();
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/journal.hpp"
#include "core/machine.hpp"
#include "core/time.hpp"
#include "sim/faults.hpp"
#include "sim/operator_requests.hpp"

namespace unwedge::sim {

class InvariantChecker;

// How often, in events, a run tells its observer how far it has come.
inline constexpr std::uint64_t kProgressEvents = std::uint64_t{1} << 16;

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // A state change the control plane journaled, refused ones included.
  virtual void transition(const core::TransitionEvent&, core::TimeUs /*now_us*/) {}
  // An entity seen by the controller in a state other than the one it was
  // last seen in (its first sighting, or a change nobody journaled).
  virtual void state_seen(const core::MachineDef&, std::string_view /*entity*/, core::StateId,
                          core::TimeUs /*now_us*/) {}
  // Every decision on every controller pass.
  virtual void decision(const core::DecisionEvent&, core::TimeUs /*now_us*/) {}
  virtual void step(const core::StepEvent&, core::TimeUs /*now_us*/) {}
  // A fault that took effect (targets resolved), and its heal.
  virtual void fault_started(std::uint64_t /*id*/, const FaultSpec&, core::TimeUs /*now_us*/) {}
  virtual void fault_healed(std::uint64_t /*id*/, core::TimeUs /*now_us*/) {}
  // An operator's or customer's request the plane took (its target
  // resolved): raised in its Store, or taken by a node's agent.
  virtual void request_raised(const OperatorRequest&, core::TimeUs /*now_us*/) {}
  // Simulation::run() is over; the checker holds the run's dwell times.
  virtual void run_ended(const InvariantChecker&, core::TimeUs /*now_us*/) {}
  // Every kProgressEvents events: how far the run has come, for a progress
  // line.
  virtual void progress(core::TimeUs /*now_us*/, std::uint64_t /*events*/) {}
};

// Several observers of one run, told in the order given.
class RunObservers final : public RunObserver {
 public:
  explicit RunObservers(std::vector<RunObserver*> observers) : observers_(std::move(observers)) {}

  void transition(const core::TransitionEvent& e, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->transition(e, now_us);
  }
  void state_seen(const core::MachineDef& machine, std::string_view entity, core::StateId state,
                  core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->state_seen(machine, entity, state, now_us);
  }
  void decision(const core::DecisionEvent& e, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->decision(e, now_us);
  }
  void step(const core::StepEvent& e, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->step(e, now_us);
  }
  void fault_started(std::uint64_t id, const FaultSpec& spec, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->fault_started(id, spec, now_us);
  }
  void fault_healed(std::uint64_t id, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->fault_healed(id, now_us);
  }
  void progress(core::TimeUs now_us, std::uint64_t events) override {
    for (RunObserver* o : observers_)
      o->progress(now_us, events);
  }
  void request_raised(const OperatorRequest& request, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->request_raised(request, now_us);
  }
  void run_ended(const InvariantChecker& checker, core::TimeUs now_us) override {
    for (RunObserver* o : observers_)
      o->run_ended(checker, now_us);
  }

 private:
  std::vector<RunObserver*> observers_;
};

}  // namespace unwedge::sim
