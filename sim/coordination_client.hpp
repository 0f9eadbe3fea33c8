// CoordinationClient: core::Coordination as an agent's host reaches the
// fleet's consensus store (store_cluster.hpp) over the simulated network.
//
// One client per agent, per incarnation of its host: a crash of the host
// loses it with everything it waited for, and the next boot's agent gets a
// new one (a new client id). Asks are keyed (core/coordination.hpp): the
// first ask with a key queues its request; the client sends one request at
// a time, as the store's de-duplication wants (one outstanding request per
// client, retried with the same sequence), to the member it last found
// leading (a read first to any member, as a client that spreads its load
// sends it; a sound store refuses it there and hints at its leader), follows
// a refusal's leader hint, and tries the next member when an attempt goes
// unanswered. An ask unanswered `client_timeout_us` after it
// was made, by the host's clock, is given up: kFailed, and a write may still
// apply. Every ask, answer and failure is traced (TraceKind::kCoordination).
//
//   CoordinationClient client(store, "db1-1", endpoint, host.clock, now_us, trace,
//                             [&] { return host.up(); });
//   client.ask("acquire", {.kind = core::KvKind::kCompareAndSet, .key = "/db1/leader",
//                          .value = "db1-1", .ttl_us = 10 * kSecond});   // pending
//   ... later, the same ask finds its answer
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/coordination.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/sim_clock.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/store_cluster.hpp"
#include "worlds/consensus/kv.hpp"

namespace unwedge::sim {

// Asks a client keeps at once: waiting to be sent, and finished ones it
// still answers by key (the oldest finished are forgotten first).
inline constexpr std::size_t kQueuedAsksMax = 256;
inline constexpr std::size_t kFinishedAsksKept = 4096;

class CoordinationClient final : public core::Coordination {
 public:
  // `node` names it in traces; `alive` says whether its host still runs the
  // incarnation it was made for. Everything passed must outlive it.
  CoordinationClient(StoreCluster& store, std::string node, EndpointId endpoint,
                     const SimClock& clock, const core::TimeUs& now_us, Trace& trace,
                     std::function<bool()> alive);
  ~CoordinationClient() override;
  CoordinationClient(const CoordinationClient&) = delete;
  CoordinationClient& operator=(const CoordinationClient&) = delete;

  core::KvAnswer ask(std::string_view request_key, const core::KvRequest& request) override;

  // From the cluster: a member's reply arrived at this client's host.
  void on_reply(std::uint32_t from, const consensus::Reply& reply);
  void on_timer(std::uint64_t generation);

  consensus::ClientId id() const { return id_; }
  EndpointId endpoint() const { return endpoint_; }
  bool alive() const { return alive_(); }

 private:
  struct Ask {
    core::KvRequest asked;
    consensus::Request request;  // its client and sequence set when it is sent
    core::KvAnswer answer;       // kPending until answered or given up
    core::TimeUs asked_us = 0;   // virtual time, for traces
    core::TimeUs deadline_local_us = 0;
    std::optional<std::size_t> operation;  // in the store's history, once sent
  };

  Ask& current();
  // Sends the next queued ask if none is in flight; fails those whose time ran out.
  void send_next();
  void attempt();
  void finish(core::KvAnswer answer);
  void fail_current(std::string why);
  // A timer `wait_local_us` from now by the host's clock, capped by the
  // current ask's deadline; `rotate`: the attempt went unanswered.
  void arm(core::TimeUs wait_local_us, bool rotate);
  void remember_finished(const std::string& key);

  StoreCluster& store_;
  std::string node_;
  EndpointId endpoint_;
  const SimClock& clock_;
  const core::TimeUs& now_us_;
  Trace& trace_;
  std::function<bool()> alive_;
  consensus::ClientId id_ = 0;

  std::map<std::string, Ask, std::less<>> asks_;
  Ask* current_ = nullptr;            // the ask in flight, while `sending_` (elements never move)
  std::deque<std::string> queue_;     // keys waiting; the front is in flight when `sending_`
  std::deque<std::string> finished_;  // oldest first
  bool sending_ = false;
  std::uint32_t leader_ = 0;  // the member it last found leading: where a write goes first
  std::uint32_t target_ = 0;  // the member the current ask's next attempt goes to
  consensus::Sequence next_sequence_ = 1;
  std::uint64_t timer_generation_ = 0;
  bool rotate_on_timer_ = false;
};

// The control plane's process reaches the store through a client made at
// its first ask: a process that never asks (most planes' do not) takes no
// client id, so the ids, and with them every agent's first member, stay
// what they were without it.
class DeferredCoordination final : public core::Coordination {
 public:
  explicit DeferredCoordination(std::function<std::unique_ptr<CoordinationClient>()> make)
      : make_(std::move(make)) {}

  core::KvAnswer ask(std::string_view request_key, const core::KvRequest& request) override {
    if (client_ == nullptr) client_ = make_();
    return client_->ask(request_key, request);
  }

 private:
  std::function<std::unique_ptr<CoordinationClient>()> make_;
  std::unique_ptr<CoordinationClient> client_;
};

}  // namespace unwedge::sim
