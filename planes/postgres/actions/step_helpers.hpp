// Small helpers every reference action step uses: load an entity by id,
// move it through its machine and write it back, and turn an Infra
// operation's state into the step's verdict.
#pragma once

#include <fmt/format.h>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/action.hpp"

namespace unwedge::postgres {

// Moves `entity` to `to` on `cause` and writes it back. A refusal means the
// action asked for a transition its machine lacks: a bug the cross-check
// should have caught, so it is a contract breach, not a retry.
template <class T>
void move(core::StepContext& ctx, const core::MachineDef& machine, T& entity, std::string_view to,
          std::string_view cause) {
  core::Status moved = ctx.change_state(machine, entity.id, entity.state, to, cause);
  UNWEDGE_ASSERT_MSG(moved.ok(), "{}", moved.ok() ? "" : moved.error().message);
  ctx.txn().put(entity);
}

// True when the entity's state is one of `names`.
template <class T>
bool is_in(const core::MachineDef& machine, const T& entity,
           std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (machine.find_state(name) == entity.state.id) return true;
  }
  return false;
}

template <class T>
const std::string& state_name(const core::MachineDef& machine, const T& entity) {
  return machine.state_name(entity.state.id);
}

enum class OpProgress { kDone, kWaiting, kFailed };

// Pending and timed-out operations are both asked about again with the same
// key: a timeout means the outcome is unknown, never that it did not happen.
inline OpProgress progress(const core::Operation& op) {
  switch (op.state) {
    case core::OperationState::kSucceeded:
      return OpProgress::kDone;
    case core::OperationState::kFailed:
      return OpProgress::kFailed;
    case core::OperationState::kPending:
    case core::OperationState::kTimedOut:
      return OpProgress::kWaiting;
  }
  return OpProgress::kWaiting;
}

// Issues a request under a key that changes only after a definite failure. A
// failed operation did nothing, so retrying it under a new key is safe; a
// pending or timed-out one may still happen, so it is asked about again under
// the same key. Retrying an unknown outcome under a new key is how a control
// plane ends up with two hosts for one server.
inline core::Operation call_with_retry(core::StepContext& ctx, core::InfraVerb verb,
                                       std::string target, std::string argument,
                                       std::string_view label) {
  const std::string counter = fmt::format("attempt.{}", label);
  const std::string attempt = ctx.var(counter).value_or("0");
  core::Operation op =
      ctx.call(verb, std::move(target), std::move(argument), fmt::format("{}#{}", label, attempt));
  if (op.state == core::OperationState::kFailed) {
    ctx.set_var(counter, std::to_string(std::stoul(attempt) + 1));
  }
  return op;
}

}  // namespace unwedge::postgres
