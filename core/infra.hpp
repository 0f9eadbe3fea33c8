// Infra: the fleet API the control plane drives (hosts, database roles,
// endpoints, certificates).
//
// Every request carries an idempotency key. The first request with a key
// starts an asynchronous operation; every later request with the same key
// starts nothing and reports that operation's current state. So a step that
// is interrupted and run again simply asks again with the same key and picks
// up where the operation is. A key reused with a different request is
// refused, as real cloud APIs do, because it means two different intentions
// share one key.
//
//   Operation op = infra.request({.verb = InfraVerb::kFence, .target = "db1-a",
//                                 .idempotency_key = ctx.key("fence")});
//   if (op.state == OperationState::kPending) return StepResult::wait("fencing");
#pragma once

#include <cstdint>
#include <string>

namespace unwedge::core {

enum class InfraVerb : std::uint8_t {
  kCreateHost,          // target: host id; argument: the service it serves
  kStartHost,           // target: host id
  kStopHost,            // target: host id
  kDestroyHost,         // target: host id
  kPromote,             // target: node; argument: the new timeline
  kFollow,              // target: node; argument: the leader to follow (refused by a node
                        // on a newer timeline than that leader's)
  kUnfollow,            // target: node; it takes writes, on a timeline of its own
  kFence,               // target: node; it must stop accepting writes
  kUnfence,             // target: node; it may accept writes again
  kPointEndpoint,       // target: service endpoint; argument: the node it routes to
  kIssueCertificate,    // target: certificate id; argument: the subject
  kInstallCertificate,  // target: node; argument: certificate id
  kRevokeCertificate,   // target: certificate id
  kStopReplication,     // target: node; it stops applying its upstream's log
};

const char* to_string(InfraVerb verb);

struct InfraRequest {
  InfraVerb verb = InfraVerb::kCreateHost;
  std::string target;
  std::string argument;
  std::string idempotency_key;

  friend bool operator==(const InfraRequest&, const InfraRequest&) = default;
};

enum class OperationState : std::uint8_t {
  kPending,    // accepted, not finished; ask again later with the same key
  kSucceeded,  // done; `result` may hold an output (a created host's address)
  kFailed,     // will not happen; `detail` says why
  kTimedOut,   // the API did not answer: the outcome is unknown
};

const char* to_string(OperationState state);

struct Operation {
  OperationState state = OperationState::kPending;
  std::string result;
  std::string detail;

  bool done() const { return state == OperationState::kSucceeded; }
};

class Infra {
 public:
  virtual ~Infra() = default;
  virtual Operation request(const InfraRequest& request) = 0;
};

}  // namespace unwedge::core
