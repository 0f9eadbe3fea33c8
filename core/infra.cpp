#include "core/infra.hpp"

namespace unwedge::core {

const char* to_string(OperationState state) {
  switch (state) {
    case OperationState::kPending:
      return "pending";
    case OperationState::kSucceeded:
      return "succeeded";
    case OperationState::kFailed:
      return "failed";
    case OperationState::kTimedOut:
      return "timed_out";
  }
  return "unknown";
}

}  // namespace unwedge::core
