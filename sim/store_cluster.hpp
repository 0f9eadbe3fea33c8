// StoreCluster: the fleet's consensus store (worlds/consensus/), its members
// on hosts of their own, moved through time by the engine.
//
// A plane that asks for a store (FleetConfiguration::coordination_members,
// 3 or 5) gets hosts "store-1".."store-N", each a network endpoint with its
// own clock, running one consensus::Member seeded from the run's seed. The
// members talk over the run's Network, so cuts, delays, loss and duplication
// reach them as they reach everyone; each member's timer fires by its own
// clock. A crash loses the member's volatile state; its boot restarts it.
// The agents' clients (coordination_client.hpp) send their requests here and
// get their replies from here. Every client operation and every expiry the
// store applied goes into a History, which check() hands to the
// linearizability checker: the store is part of the harness, so it is
// checked, not trusted.
//
// The cluster keeps what it has in flight (messages between members,
// requests and replies) by id and asks the engine, through `schedule`, for
// an event at the instant each arrives; the engine calls dispatch() then.
//
//   StoreCluster store(3, settings, seed, network, now_us, trace, schedule);
//   store.start();
//   ... the engine calls store.dispatch(event) for every StoreEvent it was given
//   std::optional<std::uint32_t> leader = store.leader();
//   consensus::CheckResult verdict = store.check();
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/kernel/sim_clock.hpp"
#include "sim/kernel/trace.hpp"
#include "worlds/consensus/linearizability.hpp"
#include "worlds/consensus/member.hpp"

namespace unwedge::sim {

class CoordinationClient;

// How the engine runs the store and its clients. The store's timing is
// five times etcd's (a heartbeat every 500 ms, elections after 2.5-5 s of
// silence, where etcd has 100 ms and 1-2 s): idle heartbeats were most of a
// run's events, and the times that matter to a plane stay well above these
// (the lease plane's ttl of 30 s, loop_wait and retry_timeout of 10 s, the
// client's 5 s timeout); a read does not wait for a heartbeat but starts its
// own round. A plane sees the store fail over in 3-6 s instead of 1-2 s:
// longer outages, never shorter ones.
struct StoreSettings {
  core::TimeUs heartbeat_interval_us = 500 * core::kMillisecond;
  core::TimeUs election_timeout_min_us = 2500 * core::kMillisecond;
  core::TimeUs election_timeout_max_us = 5 * core::kSecond;
  // A client gives an ask up (kFailed) this long after it was made, by its
  // host's clock; it tries another member when one attempt goes unanswered
  // this long, and waits `retry_backoff_us` after a refusal.
  core::TimeUs client_timeout_us = 5 * core::kSecond;
  core::TimeUs attempt_timeout_us = 500 * core::kMillisecond;
  core::TimeUs retry_backoff_us = 50 * core::kMillisecond;
  // A store host's boot after a crash heals, drawn uniformly.
  core::TimeUs boot_min_us = 5 * core::kSecond;
  core::TimeUs boot_max_us = 15 * core::kSecond;
  // The linearizability check's bounds per key (consensus::CheckLimits): a
  // lease renewed every few seconds for hours is tens of thousands of
  // operations on one key, which a mostly sequential history checks fast.
  std::size_t check_operations_per_key_max = 100'000;
  std::size_t check_states_per_key_max = 2'000'000;
  // Planted bugs of the store (consensus::Options), for tests that prove the
  // linearizability check catches a broken store in a whole run. Never on
  // otherwise.
  bool unsafe_local_reads = false;
  bool unsafe_commit_without_majority = false;

  friend bool operator==(const StoreSettings&, const StoreSettings&) = default;
};

// An event the cluster asked the engine for.
enum class StoreEventKind : std::uint8_t {
  kArrival,      // id: something in flight arrives
  kMemberTimer,  // index: member, id: the instant it was armed for (stale when rearmed)
  kMemberBoot,   // index: member, id: its incarnation
  kClientTimer,  // index: client id, id: the client's timer generation
};

struct StoreEvent {
  StoreEventKind kind = StoreEventKind::kArrival;
  std::uint32_t index = 0;
  std::uint64_t id = 0;
};

class StoreCluster {
 public:
  using Schedule = std::function<void(core::TimeUs at_us, StoreEvent event)>;

  // `now_us`, `network`, `trace` and `schedule` must outlive the cluster.
  StoreCluster(std::uint32_t members, const StoreSettings& settings, std::uint64_t seed,
               Network& network, const core::TimeUs& now_us, Trace& trace, Schedule schedule);
  // A copy of `other`'s members, messages in flight and history, over the
  // given network, time, trace and schedule (a copied simulation's). Only
  // while no client is registered: clients live in agents, which a copy
  // starts afresh (Simulation::restore).
  StoreCluster(const StoreCluster& other, Network& network, const core::TimeUs& now_us,
               Trace& trace, Schedule schedule);
  ~StoreCluster();
  StoreCluster& operator=(const StoreCluster&) = delete;

  // Boots every member; once, before the first event.
  void start();
  void dispatch(const StoreEvent& event);

  std::uint32_t size() const { return static_cast<std::uint32_t>(hosts_.size()); }
  const std::string& name(std::uint32_t member) const;
  std::optional<std::uint32_t> find(std::string_view name) const;
  SimClock& clock(std::uint32_t member);
  const consensus::Member& member(std::uint32_t member) const;
  // The running leader of the highest term, if any.
  std::optional<std::uint32_t> leader() const;
  const StoreSettings& settings() const { return settings_; }

  // Faults. A member is down while any crash holds it; the last heal boots it.
  void crash(std::uint32_t member);
  void heal_crash(std::uint32_t member);
  // A majority to take down: the leader (if any) first, then the members
  // after it in order.
  std::vector<std::uint32_t> majority() const;
  // True if the member led and stepped down.
  bool step_down(std::uint32_t member);
  // Extra delay on messages between members to or from `member` (0: none).
  void set_slow(std::uint32_t member, core::TimeUs extra_us);
  // The member's clock was stepped or its rate changed: its timer is re-armed.
  void clock_changed(std::uint32_t member);

  // Clients (coordination_client.hpp) register for their replies and timers.
  consensus::ClientId add_client(CoordinationClient& client);
  void remove_client(consensus::ClientId id);
  // Sends a client's request from `from` to `member`.
  void send_request(EndpointId from, std::uint32_t member, const consensus::Request& request);
  // Asks for the client's timer event after `wait_us`.
  void schedule_client(consensus::ClientId id, core::TimeUs wait_us, std::uint64_t generation);
  // History: an operation sent now (its index), and its answer.
  std::size_t invoked(const consensus::Request& request);
  void completed(std::size_t operation, const consensus::Reply& reply);

  const consensus::History& history() const { return history_; }
  consensus::CheckResult check() const;

 private:
  struct StoreHost {
    StoreHost(std::string name_, EndpointId endpoint_, const core::TimeUs& now_us,
              consensus::Member member_)
        : name(std::move(name_)), endpoint(endpoint_), clock(now_us), member(std::move(member_)) {}
    std::string name;
    EndpointId endpoint;
    SimClock clock;
    consensus::Member member;
    bool up = false;
    std::uint32_t incarnation = 0;
    std::uint32_t crashes = 0;                // active crashes holding it down
    std::optional<core::TimeUs> armed_at_us;  // its pending timer, in virtual time
    core::TimeUs slow_us = 0;
  };
  struct ToMember {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    consensus::Message message;
  };
  struct ToMemberRequest {
    EndpointId from = 0;
    std::uint32_t to = 0;
    consensus::Request request;
  };
  struct ToClient {
    std::uint32_t from = 0;
    consensus::Reply reply;
  };
  using InFlight = std::variant<ToMember, ToMemberRequest, ToClient>;

  // Whole, bindings and all: only for the copy above to start from.
  StoreCluster(const StoreCluster&) = default;

  void arrive(std::uint64_t id);
  void on_timer(std::uint32_t member, core::TimeUs armed_at_us);
  void boot_done(std::uint32_t member, std::uint32_t incarnation);
  // The one Output every call on a member fills, empty between calls.
  consensus::Output& output();
  // Carries out what a member asked for; clears `out`.
  void carry_out(std::uint32_t member, consensus::Output& out);
  void send(EndpointId from, EndpointId to, core::TimeUs extra_us, InFlight what);
  void arm(std::uint32_t member, core::TimeUs local_at_us);
  void note_leader(std::uint32_t member);

  StoreSettings settings_;
  Network* network_;
  const core::TimeUs* now_us_;
  Trace* trace_;
  Schedule schedule_;
  Rng rng_;
  std::deque<StoreHost> hosts_;  // a deque: members keep their address
  // What is in flight, by slot (an arrival event's id); a slot is freed when
  // its arrival runs, and reused, the last freed first.
  std::vector<std::optional<InFlight>> in_flight_;
  std::vector<std::uint64_t> free_slots_;
  consensus::Output out_;
  std::map<consensus::ClientId, CoordinationClient*> clients_;
  consensus::ClientId next_client_ = 1;
  consensus::Term leader_term_seen_ = 0;

  consensus::History history_;
  std::map<std::pair<consensus::Term, consensus::LogIndex>, core::TimeUs> expiry_proposed_us_;
  std::map<std::pair<consensus::Term, consensus::LogIndex>, bool> expiry_applied_;
};

}  // namespace unwedge::sim
