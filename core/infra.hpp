// Infra: the fleet API the control plane drives (hosts, database roles,
// endpoints, certificates: whatever the fleet's world declares).
//
// Every request carries an idempotency key. The first request with a key
// starts an asynchronous operation; every later request with the same key
// starts nothing and reports that operation's current state. So a step that
// is interrupted and run again simply asks again with the same key and picks
// up where the operation is. A key reused with a different request is
// refused, as real cloud APIs do, because it means two different intentions
// share one key.
//
//   Operation op = infra.request({.verb = fleet::kFence, .target = "db1-a",
//                                 .idempotency_key = ctx.key("fence")});
//   if (op.state == OperationState::kPending) return StepResult::wait("fencing");
//
// A fleet API limits how fast it is asked: a request over the limit is
// answered kPending with `retry_after_us`, having started nothing, so the
// same request under the same key later is the whole of the retry.
#pragma once

#include <cstdint>
#include <string>

namespace unwedge::core {

// A request's verb. Core gives verbs no meaning and no names: the world whose
// fleet API takes the request declares its vocabulary as constants of this
// type, with their names (worlds/<kind>/fleet_api.hpp).
enum class InfraVerb : std::uint16_t {};

struct InfraRequest {
  InfraVerb verb{};
  std::string target;
  std::string argument;
  std::string idempotency_key;

  friend bool operator==(const InfraRequest&, const InfraRequest&) = default;
};

enum class OperationState : std::uint8_t {
  // Accepted and not finished, or throttled (`retry_after_us` set: nothing
  // was started). Either way: ask again later with the same key.
  kPending,
  kSucceeded,  // done; `result` may hold an output (a created host's address)
  kFailed,     // will not happen; `detail` says why
  kTimedOut,   // the API did not answer: the outcome is unknown
};

const char* to_string(OperationState state);

struct Operation {
  OperationState state = OperationState::kPending;
  std::string result;
  std::string detail;
  // A throttled request (a rate limit, as an HTTP 429 with Retry-After):
  // nothing was started under the key, and asking again sooner than this
  // is throttled again. 0: not throttled.
  std::int64_t retry_after_us = 0;

  bool done() const { return state == OperationState::kSucceeded; }
};

class Infra {
 public:
  virtual ~Infra() = default;
  virtual Operation request(const InfraRequest& request) = 0;
};

}  // namespace unwedge::core
