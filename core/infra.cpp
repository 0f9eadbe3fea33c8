#include "core/infra.hpp"

namespace unwedge::core {

const char* to_string(InfraVerb verb) {
  switch (verb) {
    case InfraVerb::kCreateHost:
      return "create_host";
    case InfraVerb::kStartHost:
      return "start_host";
    case InfraVerb::kStopHost:
      return "stop_host";
    case InfraVerb::kDestroyHost:
      return "destroy_host";
    case InfraVerb::kPromote:
      return "promote";
    case InfraVerb::kFollow:
      return "follow";
    case InfraVerb::kUnfollow:
      return "unfollow";
    case InfraVerb::kFence:
      return "fence";
    case InfraVerb::kUnfence:
      return "unfence";
    case InfraVerb::kPointEndpoint:
      return "point_endpoint";
    case InfraVerb::kIssueCertificate:
      return "issue_certificate";
    case InfraVerb::kInstallCertificate:
      return "install_certificate";
    case InfraVerb::kRevokeCertificate:
      return "revoke_certificate";
    case InfraVerb::kStopReplication:
      return "stop_replication";
  }
  return "unknown";
}

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
