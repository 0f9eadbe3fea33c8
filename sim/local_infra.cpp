#include "sim/local_infra.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::sim {

core::Operation LocalInfra::request(const core::InfraRequest& request) {
  UNWEDGE_ASSERT_MSG(!request.idempotency_key.empty(), "a local command on {} has no key", node_);
  if (auto done = by_key_.find(request.idempotency_key); done != by_key_.end()) {
    if (done->second.request == request) return done->second.operation;
    return {.state = core::OperationState::kFailed,
            .detail = fmt::format("key {} was used for another command", request.idempotency_key)};
  }
  core::Operation operation{.state = core::OperationState::kSucceeded};
  if (request.target != node_) {
    operation = {.state = core::OperationState::kFailed,
                 .detail = fmt::format("an agent on {} commands only its own node, not {}", node_,
                                       request.target)};
  } else if (std::optional<std::string> why = apply_(request)) {
    operation = {.state = core::OperationState::kFailed, .detail = *why};
  }
  by_key_.emplace(request.idempotency_key, Done{.request = request, .operation = operation});
  return operation;
}

}  // namespace unwedge::sim
