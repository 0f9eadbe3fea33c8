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
#include "core/assert.hpp"
#include "core/keyed_retry.hpp"

namespace unwedge::postgres {

// Moves `entity` to `to` on `cause` and writes it back. A refusal means the
// action asked for a transition its machine lacks: a bug the cross-check
// should have caught, so it is a contract breach, not a retry.
template <class T>
void move(core::StepContext& ctx, const core::MachineDef& machine, T& entity, std::string_view to,
          std::string_view cause) {
  UNWEDGE_ASSERT(!entity.id.empty());
  UNWEDGE_ASSERT(!cause.empty());
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(entity.state.id), machine.state_count());
  core::Status moved = ctx.change_state(machine, entity.id, entity.state, to, cause);
  UNWEDGE_ASSERT_MSG(moved.ok(), "{}", moved.ok() ? "" : moved.error().message);
  UNWEDGE_ASSERT_MSG(machine.find_state(to) == entity.state.id, "{} {} is {}, not {}",
                     machine.name(), entity.id, machine.state_name(entity.state.id), to);
  ctx.txn().put(entity);
}

// True when the entity's state is one of `names`.
template <class T>
bool is_in(const core::MachineDef& machine, const T& entity,
           std::initializer_list<std::string_view> names) {
  UNWEDGE_ASSERT(names.size() > 0);
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(entity.state.id), machine.state_count());
  for (std::string_view name : names) {
    // A misspelt state would make the test false for ever.
    UNWEDGE_ASSERT_MSG(machine.find_state(name).has_value(), "{} has no state {}", machine.name(),
                       name);
    if (machine.find_state(name) == entity.state.id) return true;
  }
  return false;
}

template <class T>
const std::string& state_name(const core::MachineDef& machine, const T& entity) {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(entity.state.id), machine.state_count());
  return machine.state_name(entity.state.id);
}

enum class OpProgress { kDone, kWaiting, kFailed };

// Pending and timed-out operations are both asked about again with the same
// key: a timeout means the outcome is unknown, never that it did not happen.
inline OpProgress progress(const core::Operation& op) {
  switch (op.state) {
    case core::OperationState::kSucceeded:
      UNWEDGE_ASSERT(op.done());
      return OpProgress::kDone;
    case core::OperationState::kFailed:
      return OpProgress::kFailed;
    case core::OperationState::kPending:
    case core::OperationState::kTimedOut:
      return OpProgress::kWaiting;
  }
  UNWEDGE_ASSERT_MSG(false, "an operation in no known state ({})", static_cast<int>(op.state));
  return OpProgress::kWaiting;
}

// Tried again under a new key only after a definite failure (core/keyed_retry.hpp).
using core::call_with_retry;

}  // namespace unwedge::postgres
