// A member of the simulated consensus store: Raft (terms, randomized
// election timeouts, the up-to-date-log vote rule, log replication with the
// log-matching check, commit of current-term entries by a majority) over
// the key-value state machine of kv.hpp, with TTL keys and linearizable
// reads. 3 or 5 members form a store; a majority is a quorum.
//
// Sans-IO: a Member is a pure state machine. It never sends, sleeps, reads
// a clock or draws from a global source. The caller (an engine running a world,
// or a test's driver) delivers messages, client requests and timer firings
// with the member's own clock reading `now_us`, and carries out what the
// member appends to an Output: messages to other members, replies to
// clients, and the instant (on the member's own clock) at which it wants
// on_timer. Safety never depends on clocks agreeing or moving forward; only
// TTL expiry and liveness do.
//
// What survives crash(): the term, the vote and the log (written before any
// message that depends on them leaves, as if fsynced). Everything else -
// commit index, the applied state, a leader's bookkeeping, pending requests -
// is lost, and rebuilt from the log as a leader tells the member what is
// committed.
//
// Reads (get) are served by the leader with a ReadIndex confirmation: once an
// entry of its term is committed, it notes the commit index, confirms with a
// majority that it is still the leader (a heartbeat round) and answers once
// it has applied up to that index. Writes go through the log and are
// answered when applied. A request carries (client, sequence); the state
// machine answers a retry with the first answer, so a retried
// compare_and_set applies at most once.
//
// TTL keys: expiry is decided by the leader by its own clock and committed
// as an entry "expire key k if still at revision r", so an expiry is ordered
// with every other operation. The rule: a leader expires a key at revision r
// only after holding r for ttl on its own clock - from when it applied the
// write, or from when it became leader, whichever is later. A new leader
// thus restarts every lease's full ttl, as etcd's lessor does on promotion:
// a leader change can make a key live longer than its ttl (by up to the
// time the change takes plus one ttl), never shorter than ttl after the
// write's commit as measured by the clock of the leader that expires it. A
// forward jump of that leader's clock shortens the lease by the jump: a
// lease holder must leave margin for clock drift, as with any lease.
//
//   Member member(0, Options{.members = 3}, seed);
//   Output out;
//   member.start(now_us, out);
//   ... deliver out.messages, schedule on_timer at *out.next_timer_us ...
//   member.on_client_request(request, now_us, out);
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "worlds/consensus/kv.hpp"
#include "worlds/consensus/random.hpp"

namespace unwedge::consensus {

// --- Log entries ------------------------------------------------------------

// A new leader's first entry: committing it commits everything before it.
struct Noop {
  friend bool operator==(const Noop&, const Noop&) = default;
};
// "Expire `key` if it is still at `revision`", decided by the leader's clock.
struct Expire {
  std::string key;
  Revision revision = 0;
  friend bool operator==(const Expire&, const Expire&) = default;
};
using Command = std::variant<Noop, Request, Expire>;

struct Entry {
  Term term = 0;
  Command command;
  friend bool operator==(const Entry&, const Entry&) = default;
};

// --- Messages between members ----------------------------------------------

struct VoteRequest {
  Term term = 0;
  LogIndex last_log_index = 0;
  Term last_log_term = 0;
};
struct VoteReply {
  Term term = 0;
  bool granted = false;
};
// Replication and heartbeat. read_round: the leader's latest ReadIndex
// round, echoed in the reply to confirm leadership for reads.
struct AppendRequest {
  Term term = 0;
  LogIndex prev_log_index = 0;
  Term prev_log_term = 0;
  std::vector<Entry> entries;
  LogIndex leader_commit = 0;
  std::uint64_t read_round = 0;
};
// match_index: on success, the last index known to match the leader's log.
// hint_index: on failure, where the leader should retry from (+1).
struct AppendReply {
  Term term = 0;
  bool success = false;
  LogIndex match_index = 0;
  LogIndex hint_index = 0;
  std::uint64_t read_round = 0;
};
// Leadership transfer: the leader asks an up-to-date follower to stand for
// election at once.
struct TimeoutNow {
  Term term = 0;
};
using Message = std::variant<VoteRequest, VoteReply, AppendRequest, AppendReply, TimeoutNow>;

Term term_of(const Message& message);
// "append(term 3, prev 7/2, 2 entries, commit 8, round 4)"
std::string describe(const Message& message);

// --- Options and output -----------------------------------------------------

inline constexpr std::uint32_t kMembersMax = 9;

struct Options {
  std::uint32_t members = 3;  // 3 or 5; member ids are 0 .. members-1 (at most kMembersMax)
  TimeUs election_timeout_min_us = 150 * core::kMillisecond;
  TimeUs election_timeout_max_us = 300 * core::kMillisecond;
  TimeUs heartbeat_interval_us = 50 * core::kMillisecond;
  // A leader that has not heard from a majority for election_timeout_max_us
  // steps down, so clients stop waiting on a leader that cannot commit.
  bool check_quorum = true;
  std::size_t entries_per_message_max = 64;
  std::size_t uncommitted_entries_max = 1024;  // beyond: writes get kUnavailable
  std::size_t pending_reads_max = 1024;        // beyond: reads get kUnavailable
  std::size_t log_entries_max = 1 << 20;       // no compaction: writes refused beyond
  std::size_t sessions_max = 1 << 16;          // clients in the de-duplication table

  // Planted bugs, for proving that the linearizability checker catches a
  // broken store. Never on outside such tests.
  // Any member (a follower, a deposed leader) answers get from its own
  // applied state at once, without confirming leadership.
  bool unsafe_local_reads = false;
  // A leader counts an entry committed as soon as it has it itself.
  bool unsafe_commit_without_majority = false;
};

// An expiry entry, as proposed by a leader or applied by a member. (term,
// index) names the entry: the same pair on two members is the same entry.
struct ExpiryNotice {
  Term term = 0;
  LogIndex index = 0;
  std::string key;
  Revision revision = 0;
  bool removed = false;  // applied: the key was still at `revision` and is gone
};

struct Envelope {
  MemberId to = 0;
  Message message;
};

// What a member asks its caller to do. Calls append; the caller clears.
struct Output {
  std::vector<Envelope> messages;
  std::vector<Reply> replies;  // each to the client it names
  std::vector<ExpiryNotice> proposed_expiries;
  std::vector<ExpiryNotice> applied_expiries;
  // Set by every call on a running member: when to call on_timer, on the
  // member's own clock. Calling it earlier or later is harmless.
  std::optional<TimeUs> next_timer_us;

  void clear();
};

enum class Role : std::uint8_t { kFollower, kCandidate, kLeader };
std::string_view to_string(Role role);

// --- The member -------------------------------------------------------------

class Member {
 public:
  // `random_seed` seeds its election timeouts; the caller derives it from
  // the run's seed. A member is down until start().
  Member(MemberId self, Options options, std::uint64_t random_seed);

  // First boot, with an empty log.
  void start(TimeUs now_us, Output& out);
  void on_message(MemberId from, const Message& message, TimeUs now_us, Output& out);
  void on_timer(TimeUs now_us, Output& out);
  void on_client_request(const Request& request, TimeUs now_us, Output& out);
  // A nemesis deposing the leader: it hands leadership to its most
  // up-to-date follower and stands aside for an election timeout. Pending
  // writes are answered kUnknown (they may still commit), pending reads
  // kNotLeader. No effect on a member that does not lead.
  void step_down(TimeUs now_us, Output& out);
  // Loses the volatile state; the member is down until restart().
  void crash();
  void restart(TimeUs now_us, Output& out);

  MemberId id() const { return self_; }
  bool up() const { return up_; }
  Role role() const { return role_; }
  Term term() const { return term_; }
  std::optional<MemberId> voted_for() const { return voted_for_; }
  std::optional<MemberId> leader_hint() const { return leader_; }
  LogIndex commit_index() const { return commit_index_; }
  LogIndex last_applied() const { return last_applied_; }
  LogIndex last_log_index() const { return log_.size(); }
  const std::vector<Entry>& log() const { return log_; }
  const KvStore& state() const { return state_; }
  const Options& options() const { return options_; }
  std::size_t majority() const { return options_.members / 2 + 1; }

 private:
  struct PendingRead {
    Request request;
    bool assigned = false;  // read_index and round are set
    LogIndex read_index = 0;
    std::uint64_t round = 0;
  };
  struct Lease {
    Revision revision = 0;
    TimeUs deadline_us = 0;
    bool proposed = false;  // an expiry entry for this revision is in the log
  };

  // Messages by kind.
  void on_vote_request(MemberId from, const VoteRequest& request, TimeUs now_us, Output& out);
  void on_vote_reply(MemberId from, const VoteReply& reply, TimeUs now_us, Output& out);
  void on_append_request(MemberId from, const AppendRequest& request, TimeUs now_us, Output& out);
  void on_append_reply(MemberId from, const AppendReply& reply, TimeUs now_us, Output& out);
  void on_timeout_now(MemberId from, const TimeoutNow& request, TimeUs now_us, Output& out);

  // Roles.
  void start_election(TimeUs now_us, Output& out);
  void become_leader(TimeUs now_us, Output& out);
  // Follows `leader` (if known) in `term`, which is at least the current one.
  void become_follower(Term term, std::optional<MemberId> leader, TimeUs now_us, Output& out);
  void abandon_leadership(Output& out);

  // Log.
  Term term_at(LogIndex index) const;
  LogIndex append(Command command);
  bool log_up_to_date(LogIndex last_log_index, Term last_log_term) const;
  void store_entries(const AppendRequest& request);
  LogIndex conflict_hint(LogIndex prev_log_index) const;

  // Leader.
  void send_append(MemberId peer, Output& out) const;
  void broadcast_append(Output& out) const;
  void advance_commit(TimeUs now_us, Output& out);
  void apply_committed(TimeUs now_us, Output& out);
  void sync_lease(const std::string& key, TimeUs now_us);
  void propose_expiries(TimeUs now_us, Output& out);
  void check_quorum(TimeUs now_us, Output& out);
  void on_get(const Request& request, Output& out);
  void on_write(const Request& request, TimeUs now_us, Output& out);
  void advance_reads(Output& out);
  std::uint64_t confirmed_round() const;
  bool committed_in_term() const;

  // Time.
  void observe_clock(TimeUs now_us);
  TimeUs random_election_timeout();
  void finish(Output& out) const;
  void reset_volatile();

  MemberId self_;
  Options options_;
  SeededRandom random_;
  bool up_ = false;

  // Persistent.
  Term term_ = 0;
  std::optional<MemberId> voted_for_;
  std::vector<Entry> log_;  // log_[i - 1] is the entry at index i

  // Volatile.
  Role role_ = Role::kFollower;
  std::optional<MemberId> leader_;
  LogIndex commit_index_ = 0;
  LogIndex last_applied_ = 0;
  KvStore state_;
  TimeUs last_now_us_ = 0;
  TimeUs election_deadline_us_ = 0;
  std::set<MemberId> votes_;

  // Volatile, while leading.
  TimeUs heartbeat_deadline_us_ = 0;
  TimeUs leader_since_us_ = 0;
  LogIndex term_start_index_ = 0;
  std::uint64_t read_round_ = 0;
  std::vector<LogIndex> next_index_;
  std::vector<LogIndex> match_index_;
  std::vector<std::uint64_t> acked_round_;
  std::vector<TimeUs> heard_us_;
  std::map<LogIndex, Request> proposals_;  // entries of this term awaiting a reply
  std::deque<PendingRead> reads_;
  std::map<std::string, Lease> leases_;
};

}  // namespace unwedge::consensus
