#include "core/action.hpp"

#include <fmt/format.h>

namespace unwedge::core {

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
  return infra_.request(InfraRequest{.verb = verb,
                                     .target = std::move(target),
                                     .argument = std::move(argument),
                                     .idempotency_key = key(label)});
}

std::optional<std::string> StepContext::var(std::string_view name) const {
  auto it = record_.vars.find(std::string(name));
  if (it == record_.vars.end()) return std::nullopt;
  return it->second;
}

}  // namespace unwedge::core
