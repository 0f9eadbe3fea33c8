#include "worlds/postgres/keyed_infra.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::pgworld {

core::Operation KeyedInfra::request(const core::InfraRequest& request) {
  ++requests_;
  auto [it, created] = operations_.try_emplace(request.idempotency_key, Op{request});
  Op& op = it->second;
  if (created) {
    auto failing = std::find(fail_next_.begin(), fail_next_.end(), request.verb);
    if (failing != fail_next_.end()) {
      op.fails = true;
      fail_next_.erase(failing);
    }
    if (lose_first_replies_ &&
        replies_lost_for_.insert({request.verb, request.target, request.argument}).second) {
      return {core::OperationState::kTimedOut, "", "the reply was lost"};
    }
    return {core::OperationState::kPending, "", "accepted"};
  }
  if (!(op.request == request)) {
    return {core::OperationState::kFailed, "",
            "idempotency key " + request.idempotency_key + " was used for another request"};
  }
  if (op.polls < polls_to_finish_) {
    ++op.polls;
    return {core::OperationState::kPending, "", "in progress"};
  }
  if (op.fails) return {core::OperationState::kFailed, "", "injected failure"};
  op.succeeded = true;
  return {core::OperationState::kSucceeded, request.target, ""};
}

bool KeyedInfra::succeeded(core::InfraVerb verb, std::string_view target) const {
  for (const auto& [key, op] : operations_) {
    if (op.succeeded && op.request.verb == verb && op.request.target == target) return true;
  }
  return false;
}

KeyedInfra::Effects KeyedInfra::effects() const {
  Effects result;
  for (const auto& [key, op] : operations_) {
    ++result[{op.request.verb, op.request.target, op.request.argument}];
  }
  return result;
}

std::string describe_effect(const KeyedInfra::Effects::key_type& effect) {
  const auto& [verb, target, argument] = effect;
  if (argument.empty()) return fmt::format("{} {}", to_string(verb), target);
  return fmt::format("{} {} -> {}", to_string(verb), target, argument);
}

}  // namespace unwedge::pgworld
