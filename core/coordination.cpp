#include "core/coordination.hpp"

namespace unwedge::core {

const char* to_string(KvKind kind) {
  switch (kind) {
    case KvKind::kGet:
      return "get";
    case KvKind::kPut:
      return "put";
    case KvKind::kCompareAndSet:
      return "compare_and_set";
    case KvKind::kRemove:
      return "remove";
    case KvKind::kCompareAndRemove:
      return "compare_and_remove";
  }
  return "?";
}

const char* to_string(KvState state) {
  switch (state) {
    case KvState::kPending:
      return "pending";
    case KvState::kAnswered:
      return "answered";
    case KvState::kFailed:
      return "failed";
  }
  return "?";
}

}  // namespace unwedge::core
