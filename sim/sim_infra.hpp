// SimInfra: the fleet API in simulation.
//
// Each new idempotency key starts an operation that finishes after a drawn
// latency; only then is its effect applied to the world, so a step that asks
// again early sees it pending. Faults make the API slow, make operations
// fail (doing nothing), time out (the outcome unknown: the effect may or may
// not have happened) or be delivered twice, as an at-least-once queue would.
// The fleet carries out each key once: a second delivery of work already done
// is dropped, and only a request whose first delivery did nothing (its call
// timed out) takes effect late, perhaps after its caller moved on. A request
// under a key already used for a different request is refused, as real APIs
// do.
//
// SimInfra keeps no world of its own and knows no world's verbs: it asks its
// backend (the Simulation) for the time, how long an operation takes and
// what its verb is called, to be called back when an operation is due, and
// to apply an effect.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/infra.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/kernel/trace.hpp"

namespace unwedge::sim {

// How long an operation takes when nothing is wrong: drawn uniformly from
// [min_us, max_us].
struct Latency {
  core::TimeUs min_us;
  core::TimeUs max_us;
};

class InfraBackend {
 public:
  virtual ~InfraBackend() = default;
  virtual core::TimeUs now_us() const = 0;
  // The world's fleet API: how long an operation with this verb takes, and
  // the verb's name as the trace writes it.
  virtual Latency latency_of(core::InfraVerb verb) const = 0;
  virtual const char* verb_name(core::InfraVerb verb) const = 0;
  // Calls SimInfra::complete(op, replay) at `at_us`.
  virtual void schedule_operation(core::TimeUs at_us, std::uint32_t op, bool replay) = 0;
  // Applies a finished operation's effect to the world: nullopt, or why it
  // could not be done (then it did nothing).
  virtual std::optional<std::string> apply(const core::InfraRequest& request) = 0;
};

// How fast the API may be asked, as a real fleet API's throttling limits an
// account: a token bucket refilled at `per_second` tokens a second and
// holding at most `burst`; each request that starts an operation takes one.
// A request that finds the bucket empty starts nothing and is answered
// pending with the time until a token is there (Operation::retry_after_us).
// Asking about an operation already started costs nothing.
struct RateLimit {
  std::uint32_t per_second = 0;  // 0: no limit
  std::uint32_t burst = 1;

  friend bool operator==(const RateLimit&, const RateLimit&) = default;
};

// The API's behaviour, changed by infra faults and healed back to this.
struct InfraConditions {
  std::uint32_t latency_factor = 1;  // every latency multiplied by this
  std::uint32_t fail_ppm = 0;        // operations failing outright
  std::uint32_t timeout_ppm = 0;     // calls and operations whose caller never hears
  std::uint32_t duplicate_ppm = 0;   // effects delivered a second time
};

class SimInfra final : public core::Infra {
 public:
  SimInfra(InfraBackend& backend, Trace& trace, Rng rng)
      : backend_(&backend), trace_(&trace), rng_(rng) {}
  // A copy of `other`'s operations, keys and conditions, answering through
  // `backend` and tracing to `trace` (a copied simulation's).
  SimInfra(const SimInfra& other, InfraBackend& backend, Trace& trace);
  SimInfra& operator=(const SimInfra&) = delete;

  core::Operation request(const core::InfraRequest& request) override;
  void complete(std::uint32_t op, bool replay);
  // The API is fast again: operations still pending finish within their
  // normal latency from now (whichever of the old and new due times comes
  // first completes them).
  void recover();

  InfraConditions conditions;
  RateLimit rate_limit;
  // How long the API remembers a key once its operation has finished, as a
  // real fleet API forgets idempotency keys after a day or so: asked again
  // later, the key starts a new operation. Pending operations are never
  // forgotten. Keeps a year-long run's memory bounded.
  core::TimeUs key_retention_us = 24 * core::kHour;

  // Operations the API remembers: pending, or finished within the retention.
  std::size_t operations() const { return ops_.size(); }
  // Requests the rate limit turned away, in the whole run.
  std::uint64_t throttled() const { return throttled_; }

 private:
  // Member by member, keys still viewing `other`'s: for the constructor above.
  SimInfra(const SimInfra&) = default;

  struct Op {
    core::InfraRequest request;
    core::Operation state;
    bool applied = false;          // the effect happened (known to the API, maybe not the caller)
    core::TimeUs settled_us = -1;  // when it last finished (or timed out); -1: pending
  };

  // Takes a token for a request starting an operation now: 0, or (none
  // left) how long until there is one.
  core::TimeUs take_token(core::TimeUs now_us);
  void submit(std::uint32_t index);
  // The operation has an outcome now: it may be forgotten after the retention.
  void settled(std::uint32_t index, core::TimeUs now_us);
  // Forgets every key whose operation settled at least key_retention_us ago.
  void forget_expired(core::TimeUs now_us);
  // A second delivery of a finished operation (infra_duplicates).
  void deliver_again(Op& op, core::TimeUs now_us);
  // "fence db1-1 [key]", with the verb named by the backend.
  std::string describe(const core::InfraRequest& request) const;
  core::Operation answer(const core::Operation& state);

  InfraBackend* backend_;
  Trace* trace_;
  Rng rng_;
  std::map<std::uint32_t, Op> ops_;  // by number, in the order asked
  std::uint32_t next_op_ = 0;
  // The operations by key: views of the keys in `ops_`, whose nodes never
  // move. Only looked up, never walked, so hash order decides nothing.
  std::unordered_map<std::string_view, std::uint32_t> by_key_;
  // (settled at, operation) in the order they settled, for forget_expired();
  // an entry whose operation settled again since is stale and skipped.
  std::deque<std::pair<core::TimeUs, std::uint32_t>> settled_;
  // The rate limit's bucket, in millionths of a token, as of refilled_us_;
  // -1: full, not yet asked.
  std::int64_t credit_ = -1;
  core::TimeUs refilled_us_ = 0;
  std::uint64_t throttled_ = 0;
  std::uint64_t throttled_in_a_row_ = 0;  // since the bucket last gave a token
};

}  // namespace unwedge::sim
