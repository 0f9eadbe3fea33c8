// TransitionLog: hears of every state change a control plane makes.
//
// Steps change entity states inside transactions; a change is reported only
// once its transaction commits, so the log never shows a change that was
// rolled back. A refused change (one not in the machine's table) is reported
// at once: the attempt itself is the finding.
#pragma once

#include <string>

#include "core/machine.hpp"
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

class TransitionLog {
 public:
  virtual ~TransitionLog() = default;
  virtual void record(const TransitionEvent& event) = 0;
};

}  // namespace unwedge::core
