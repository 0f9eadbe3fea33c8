// Journal: hears of what a control plane decides and does.
//
// Three kinds of entry: a state change, a decision and an action step.
// Steps change entity states inside transactions; a change is reported only
// once its transaction commits, so the journal never shows a change that was
// rolled back. A refused change (one not in the machine's table) is reported
// at once: the attempt itself is the finding. Production would write these to
// an audit log; the simulator puts them in its trace.
//
//   class Audit final : public Journal {
//     void transition(const TransitionEvent& e) override { log(e.entity, e.cause); }
//   };
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/decision_table.hpp"
#include "core/disruption.hpp"
#include "core/machine.hpp"
#include "core/signal_set.hpp"
#include "core/time.hpp"

namespace unwedge::core {

struct TransitionEvent {
  const MachineDef* machine = nullptr;
  std::string entity;
  StateId from = 0;
  StateId to = 0;
  std::string cause;
  TimeUs at_us = 0;
  std::string action_id;  // the action execution that made it
  bool refused = false;
};

// One entity's decision-table cell as the control plane saw it. Reported
// for every entity on every pass, so it carries no text: a journal that
// wants "running x {Unreachable}" asks the table to describe the cell.
struct DecisionEvent {
  const DecisionTable* table = nullptr;
  std::string_view kind;    // entity kind
  std::string_view entity;  // entity id
  StateId state = 0;
  SignalSet signals;
  std::string_view action;  // empty when the table decided nothing
  TimeUs at_us = 0;
  // The action decided could not start: the slot it takes is busy (a
  // customer's promotion waits for its service's failover). It is decided
  // again on a later pass; only a start counts as a disruption.
  bool slot_busy = false;
  // What the plane saw, when `action` is one its model declares disruptive
  // (core/disruption.hpp); null otherwise, or when the plane records none.
  const DisruptionEvidence* evidence = nullptr;
};

// One committed action step.
struct StepEvent {
  std::string_view action_id;
  std::string_view action;
  std::string_view step;
  std::string_view verdict;  // next, wait, finish, end, or error (nothing committed)
  std::string_view note;
  TimeUs at_us = 0;
  // The execution is over with this step (it succeeded, or ended): a last
  // step's `next` says so no more than its name does.
  bool over = false;
};

class Journal {
 public:
  virtual ~Journal() = default;
  virtual void transition(const TransitionEvent& event) = 0;
  virtual void decision(const DecisionEvent&) {}
  virtual void step(const StepEvent&) {}
};

}  // namespace unwedge::core
