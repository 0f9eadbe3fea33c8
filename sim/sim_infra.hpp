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
      : backend_(backend), trace_(trace), rng_(rng) {}

  core::Operation request(const core::InfraRequest& request) override;
  void complete(std::uint32_t op, bool replay);
  // The API is fast again: operations still pending finish within their
  // normal latency from now (whichever of the old and new due times comes
  // first completes them).
  void recover();

  InfraConditions conditions;
  // How long the API remembers a key once its operation has finished, as a
  // real fleet API forgets idempotency keys after a day or so: asked again
  // later, the key starts a new operation. Pending operations are never
  // forgotten. Keeps a year-long run's memory bounded.
  core::TimeUs key_retention_us = 24 * core::kHour;

  // Operations the API remembers: pending, or finished within the retention.
  std::size_t operations() const { return ops_.size(); }

 private:
  struct Op {
    core::InfraRequest request;
    core::Operation state;
    bool applied = false;          // the effect happened (known to the API, maybe not the caller)
    core::TimeUs settled_us = -1;  // when it last finished (or timed out); -1: pending
  };

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

  InfraBackend& backend_;
  Trace& trace_;
  Rng rng_;
  std::map<std::uint32_t, Op> ops_;  // by number, in the order asked
  std::uint32_t next_op_ = 0;
  std::map<std::string, std::uint32_t, std::less<>> by_key_;
  // (settled at, operation) in the order they settled, for forget_expired();
  // an entry whose operation settled again since is stale and skipped.
  std::deque<std::pair<core::TimeUs, std::uint32_t>> settled_;
};

}  // namespace unwedge::sim
