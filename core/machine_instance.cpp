#include "core/machine_instance.hpp"

#include <fmt/format.h>

namespace unwedge::core {

MachineInstance::MachineInstance(const MachineDef& def, TimeUs now_us)
    : MachineInstance(def, def.initial(), now_us) {}

MachineInstance::MachineInstance(const MachineDef& def, StateId state, TimeUs entered_us)
    : def_(&def), state_(state), entered_us_(entered_us) {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(state), def.state_count());
}

Status MachineInstance::transition(StateId to, std::string_view cause, TimeUs now_us) {
  if (now_us < entered_us_) {
    return refuse(to, cause, now_us,
                  Error{fmt::format("{}: transition at {} us is earlier than entering {} at {} us",
                                    def_->name(), now_us, state_name(), entered_us_)});
  }
  Status allowed = def_->check_transition(state_, to, cause);
  if (!allowed) return refuse(to, cause, now_us, allowed.error());

  history_.push_back(StateChange{state_, to, now_us, std::string(cause)});
  state_ = to;
  entered_us_ = now_us;
  UNWEDGE_ASSERT_EQ(history_.back().to, state_);
  return Status::Ok();
}

Status MachineInstance::transition(std::string_view to, std::string_view cause, TimeUs now_us) {
  std::optional<StateId> target = def_->find_state(to);
  if (!target) {
    Error error{fmt::format("{}: '{}' is not a state of this machine", def_->name(), to)};
    // Recorded against the current state: the attempt still happened.
    return refuse(state_, cause, now_us, std::move(error));
  }
  return transition(*target, cause, now_us);
}

Status MachineInstance::refuse(StateId to, std::string_view cause, TimeUs now_us, Error error) {
  refusals_.push_back(StateChange{state_, to, now_us, std::string(cause)});
  return error;
}

TimeUs MachineInstance::time_in_state_us(TimeUs now_us) const {
  UNWEDGE_ASSERT_LE(entered_us_, now_us);
  return now_us - entered_us_;
}

bool MachineInstance::overstayed(TimeUs now_us) const {
  const std::optional<TimeUs>& dwell_max_us = state_def().traits.dwell_max_us;
  return dwell_max_us.has_value() && time_in_state_us(now_us) > *dwell_max_us;
}

}  // namespace unwedge::core
