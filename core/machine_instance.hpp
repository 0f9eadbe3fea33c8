// MachineInstance: one entity's current state under a MachineDef.
//
// transition() takes only changes that are in the table, with the exact
// cause; anything else is refused with an error and recorded as a refused
// attempt, so the checkers see attempted invalid transitions and not just the
// ones that happened. The history is the sequence of (from, to, at, cause).
//
//   MachineInstance link(link_def, /*now_us=*/0);
//   Status s = link.transition("promoting", "promote_requested", now_us);
//   if (!s) log(s.error().message);
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace unwedge::core {

struct StateChange {
  StateId from;
  StateId to;
  TimeUs at_us;
  std::string cause;
};

class MachineInstance {
 public:
  // Starts in the definition's initial state at `now_us`. The definition must
  // outlive the instance.
  MachineInstance(const MachineDef& def, TimeUs now_us);
  // Resumes in `state`, entered at `entered_us` (as read back from a Store).
  MachineInstance(const MachineDef& def, StateId state, TimeUs entered_us);

  Status transition(StateId to, std::string_view cause, TimeUs now_us);
  Status transition(std::string_view to, std::string_view cause, TimeUs now_us);

  const MachineDef& def() const { return *def_; }
  StateId state() const { return state_; }
  const StateDef& state_def() const { return def_->state(state_); }
  const std::string& state_name() const { return def_->state_name(state_); }
  TimeUs entered_at_us() const { return entered_us_; }
  TimeUs time_in_state_us(TimeUs now_us) const;
  // True when the current state has a maximum dwell and it has been exceeded.
  bool overstayed(TimeUs now_us) const;

  std::span<const StateChange> history() const { return history_; }
  std::span<const StateChange> refusals() const { return refusals_; }

 private:
  Status refuse(StateId to, std::string_view cause, TimeUs now_us, Error error);

  const MachineDef* def_;
  StateId state_;
  TimeUs entered_us_;
  std::vector<StateChange> history_;
  std::vector<StateChange> refusals_;
};

}  // namespace unwedge::core
