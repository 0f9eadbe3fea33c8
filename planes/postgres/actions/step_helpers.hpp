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
#include "core/keyed_retry.hpp"

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

// Tried again under a new key only after a definite failure (core/keyed_retry.hpp).
using core::call_with_retry;

}  // namespace unwedge::postgres
