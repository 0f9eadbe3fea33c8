// call_with_retry: a fleet API request that is tried again after a definite
// failure, and only then.
//
// A failed operation did nothing, so it is safe to ask again under a new
// idempotency key; a pending or timed-out one may still happen, so it is
// asked about again under the same key. Retrying an unknown outcome under a
// new key is how a control plane ends up with two hosts for one server. The
// attempt number lives in the action's record (a step variable), so a step
// run again after a crash asks under the same key as before.
//
//   core::Operation op = call_with_retry(ctx, fleet::kCreateHost, host, service, "create");
//   if (!op.done()) return StepResult::wait("creating the host");
#pragma once

#include <fmt/format.h>
#include <string>
#include <string_view>

#include "core/action.hpp"

namespace unwedge::core {

inline Operation call_with_retry(StepContext& ctx, InfraVerb verb, std::string target,
                                 std::string argument, std::string_view label) {
  const std::string counter = fmt::format("attempt.{}", label);
  const std::string attempt = ctx.var(counter).value_or("0");
  Operation op =
      ctx.call(verb, std::move(target), std::move(argument), fmt::format("{}#{}", label, attempt));
  if (op.state == OperationState::kFailed) {
    ctx.set_var(counter, std::to_string(std::stoul(attempt) + 1));
  }
  return op;
}

}  // namespace unwedge::core
