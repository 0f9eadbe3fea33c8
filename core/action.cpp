#include "core/action.hpp"

#include <fmt/format.h>

namespace unwedge::core {

const char* to_string(StepVerdict verdict) {
  switch (verdict) {
    case StepVerdict::kNext:
      return "next";
    case StepVerdict::kWait:
      return "wait";
    case StepVerdict::kFinish:
      return "finish";
    case StepVerdict::kEnd:
      return "end";
  }
  return "?";
}

const char* to_string(ActionStatus status) {
  switch (status) {
    case ActionStatus::kRunning:
      return "running";
    case ActionStatus::kSucceeded:
      return "succeeded";
    case ActionStatus::kEnded:
      return "ended";
  }
  return "unknown";
}

std::string describe(const ActionRecord& record) {
  std::vector<std::string> vars;
  for (const auto& [name, value] : record.vars)
    vars.push_back(fmt::format("{}={}", name, value));
  return fmt::format("{} {} on {}: step {} {} (waits {}) [{}]{}", record.action, record.id,
                     record.subject, record.next_step, to_string(record.status), record.waits,
                     fmt::join(vars, ", "), record.note.empty() ? "" : ": " + record.note);
}

std::string StepContext::key(std::string_view label) const {
  if (label.empty()) return fmt::format("{}#{}.{}", record_.id, record_.next_step, step_name_);
  return fmt::format("{}#{}.{}/{}", record_.id, record_.next_step, step_name_, label);
}

Operation StepContext::call(InfraVerb verb, std::string target, std::string argument,
                            std::string_view label) {
  return env_.infra.request(InfraRequest{.verb = verb,
                                         .target = std::move(target),
                                         .argument = std::move(argument),
                                         .idempotency_key = key(label)});
}

Status StepContext::change_state(const MachineDef& machine, std::string_view entity,
                                 MachineState& state, std::string_view to, std::string_view cause) {
  TransitionEvent event{.machine = &machine,
                        .entity = std::string(entity),
                        .from = state.id,
                        .cause = std::string(cause),
                        .at_us = now_us(),
                        .action_id = record_.id};
  std::optional<StateId> target = machine.find_state(to);
  Status allowed = target ? machine.check_transition(state.id, *target, cause)
                          : Status(Error{fmt::format("{}: '{}' is not a state of this machine",
                                                     machine.name(), to)});
  event.to = target.value_or(state.id);
  if (!allowed) {
    event.refused = true;
    if (env_.journal != nullptr) env_.journal->transition(event);
    return allowed;
  }
  state = MachineState{.id = *target, .entered_us = event.at_us};
  pending_.push_back(std::move(event));
  return Status::Ok();
}

std::optional<std::string> StepContext::var(std::string_view name) const {
  auto it = record_.vars.find(std::string(name));
  if (it == record_.vars.end()) return std::nullopt;
  return it->second;
}

}  // namespace unwedge::core
