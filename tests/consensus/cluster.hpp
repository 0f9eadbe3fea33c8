// A small deterministic driver for the consensus store's tests: it runs 3
// or 5 Members and some clients over a queue of timed deliveries, with its
// own network (delay, loss, duplication, reordering, partitions between
// members and between clients and members), member clocks that may be
// skewed or jump, crashes and restarts, and a nemesis that deposes leaders.
// It records the clients' history and the store's expirations for the
// linearizability checker. Everything random comes from one seed.
//
// It stands in for the simulator's engine, which will drive the same
// Members with its own network and clocks; it shares no code with it.
//
//   Cluster cluster(ClusterOptions{.seed = 7});
//   ASSERT_TRUE(cluster.await_leader());
//   std::size_t op = cluster.invoke(0, put_request("k", "v"));
//   EXPECT_TRUE(cluster.await(op).complete_us);
//   EXPECT_EQ(check_linearizability(cluster.history()).verdict, Verdict::kLinearizable);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "worlds/consensus/linearizability.hpp"
#include "worlds/consensus/member.hpp"
#include "worlds/consensus/random.hpp"

namespace unwedge::consensus::testing {

using core::kMillisecond;
using core::kSecond;

struct ClusterOptions {
  std::uint64_t seed = 1;
  Options store;  // store.members: 3 or 5
  std::uint32_t clients = 2;
  TimeUs delay_min_us = 1 * kMillisecond;
  TimeUs delay_max_us = 5 * kMillisecond;
  std::uint32_t loss_ppm = 0;
  std::uint32_t duplicate_ppm = 0;
  // A client retries an attempt unanswered for this long at another member,
  // and gives up (outcome unknown) on an operation older than the second.
  TimeUs attempt_timeout_us = 250 * kMillisecond;
  TimeUs operation_timeout_us = 2 * kSecond;
  TimeUs retry_backoff_us = 20 * kMillisecond;
  // The workload (start_workload): keys "k0".., a think time between a
  // client's operations, and the ttls its writes draw from.
  std::uint32_t keys = 2;
  TimeUs think_min_us = 0;
  TimeUs think_max_us = 20 * kMillisecond;
  std::vector<TimeUs> ttls_us = {0};
  // A workload read goes first to any member, as a client that spreads its
  // load would send it; a write goes to the member the client last found
  // leading.
  bool spread_reads = true;
  std::uint64_t events_max = 20'000'000;
};

class Cluster {
 public:
  explicit Cluster(ClusterOptions options);

  TimeUs now_us() const { return now_us_; }
  // Runs every event up to `until_us` (or until `stop` says so, checked
  // after each event); returns false if `stop` never did.
  bool run_until(TimeUs until_us, const std::function<bool()>& stop = {});
  void run_for(TimeUs duration_us) { run_until(now_us_ + duration_us); }

  std::uint32_t size() const { return options_.store.members; }
  std::uint32_t clients() const { return options_.clients; }
  const Member& member(MemberId id) const { return members_.at(id); }
  // The running leader of the highest term, if any.
  std::optional<MemberId> leader() const;
  bool await_leader(TimeUs within_us = 5 * kSecond);

  // Faults. Members in different groups cannot reach each other; a member
  // in no group keeps its links.
  void partition(const std::vector<std::vector<MemberId>>& groups);
  void isolate(MemberId id);
  void cut_client(ClientId client, MemberId id);  // both directions
  void heal();                                    // every link
  void crash(MemberId id);
  void restart(MemberId id);
  void step_down(MemberId id);
  void jump_clock(MemberId id, TimeUs delta_us);
  void set_links(TimeUs delay_min_us, TimeUs delay_max_us, std::uint32_t loss_ppm,
                 std::uint32_t duplicate_ppm);

  // Clients. invoke() fills in the client and its next sequence and returns
  // the operation's index in history().operations.
  std::size_t invoke(ClientId client, Request request);
  void prefer(ClientId client, MemberId id) { clients_.at(client).target = id; }
  bool idle(ClientId client) const { return !clients_.at(client).op.has_value(); }
  // Runs until the operation is answered or given up, or `within_us` passes;
  // a copy of it, since the history it lives in grows as the cluster runs.
  HistoryOp await(std::size_t op, TimeUs within_us = 10 * kSecond);
  bool finished(std::size_t op) const;
  void start_workload();
  void stop_workload() { workload_ = false; }
  // Stops the workload and runs until no client waits.
  void drain(TimeUs within_us = 10 * kSecond);

  const History& history() const { return history_; }
  // Every operation and expiry with its times and results: equal transcripts
  // mean equal runs.
  std::string transcript() const;
  // Broken Raft invariants seen by the driver: two leaders in one term, two
  // members committing different entries at one index.
  const std::vector<std::string>& safety_violations() const { return safety_violations_; }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t events() const { return events_; }

 private:
  struct ToMember {
    MemberId to = 0;
    bool from_client = false;
    std::uint64_t from = 0;  // a member or a client id
    std::variant<Message, Request> payload;
  };
  struct ToClient {
    ClientId client = 0;
    MemberId from = 0;
    Reply reply;
  };
  struct TimerFires {
    MemberId member = 0;
    std::uint64_t generation = 0;
  };
  struct ClientAttempt {  // a retry after backoff, or an attempt's timeout
    ClientId client = 0;
    std::uint64_t attempt = 0;
    bool timeout = false;
  };
  struct ClientWakes {
    ClientId client = 0;
  };
  using Event = std::variant<ToMember, ToClient, TimerFires, ClientAttempt, ClientWakes>;
  struct Scheduled {
    TimeUs at_us = 0;
    std::uint64_t sequence = 0;
    Event event;
  };
  struct ClientState {
    MemberId target = 0;
    Sequence next_sequence = 1;
    std::optional<std::size_t> op;
    std::uint64_t attempt = 0;             // bumped by every attempt: older timers are stale
    std::map<std::string, Revision> seen;  // last revision observed per key
    std::uint64_t values = 0;
  };

  TimeUs member_now(MemberId id) const { return now_us_ + clock_offset_us_[id]; }
  void schedule(TimeUs at_us, Event event);
  void run_one();
  void handle(ToMember& event);
  void handle(const ToClient& event);
  void handle(const TimerFires& event);
  void handle(const ClientAttempt& event);
  void handle(const ClientWakes& event);
  void process(MemberId id, Output& out);
  void send(TimeUs at_us, Event event, bool lossy);
  void send_attempt(ClientId client);
  void finish_op(ClientId client, std::optional<Reply> reply);
  void retry_later(ClientId client, std::optional<MemberId> hint);
  Request draw_request(ClientId client);
  void check_safety();
  bool link_up(MemberId a, MemberId b) const { return !cut_[a][b]; }

  ClusterOptions options_;
  SeededRandom network_random_;
  SeededRandom workload_random_;
  std::vector<Member> members_;
  std::vector<TimeUs> clock_offset_us_;
  std::vector<std::uint64_t> timer_generation_;
  std::vector<std::vector<bool>> cut_;         // [from][to] between members
  std::vector<std::vector<bool>> client_cut_;  // [client][member], both ways
  std::vector<ClientState> clients_;
  bool workload_ = false;

  std::vector<Scheduled> queue_;  // a heap on (at_us, sequence)
  std::uint64_t next_sequence_ = 0;
  TimeUs now_us_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t delivered_ = 0;

  History history_;
  std::map<std::pair<Term, LogIndex>, TimeUs> expiry_proposed_us_;
  std::map<std::pair<Term, LogIndex>, bool> expiry_recorded_;
  std::map<Term, MemberId> leader_of_term_;
  std::vector<Term> committed_terms_;  // by index - 1: the term committed there
  std::vector<LogIndex> safety_checked_;
  std::vector<std::string> safety_violations_;
};

}  // namespace unwedge::consensus::testing
