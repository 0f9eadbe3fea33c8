// A member of the consensus store (member.hpp): elections, replication,
// commit, the apply loop, ReadIndex reads and the leader's TTL leases.
#include "worlds/consensus/member.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <functional>
#include <type_traits>
#include <utility>

#include "core/assert.hpp"

namespace unwedge::consensus {

namespace {

template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

}  // namespace

Term term_of(const Message& message) {
  return std::visit([](const auto& m) { return m.term; }, message);
}

std::string describe(const Message& message) {
  return std::visit(
      Overloaded{
          [](const VoteRequest& m) {
            return fmt::format("vote?(term {}, last {}/{})", m.term, m.last_log_index,
                               m.last_log_term);
          },
          [](const VoteReply& m) {
            return fmt::format("vote(term {}, {})", m.term, m.granted ? "granted" : "refused");
          },
          [](const AppendRequest& m) {
            return fmt::format("append(term {}, prev {}/{}, {} entries, commit {}, round {})",
                               m.term, m.prev_log_index, m.prev_log_term, m.entries.size(),
                               m.leader_commit, m.read_round);
          },
          [](const AppendReply& m) {
            return m.success ? fmt::format("appended(term {}, match {}, round {})", m.term,
                                           m.match_index, m.read_round)
                             : fmt::format("append refused(term {}, hint {}, round {})", m.term,
                                           m.hint_index, m.read_round);
          },
          [](const TimeoutNow& m) { return fmt::format("timeout now(term {})", m.term); },
      },
      message);
}

void Output::clear() {
  messages.clear();
  replies.clear();
  proposed_expiries.clear();
  applied_expiries.clear();
  next_timer_us.reset();
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kFollower:
      return "follower";
    case Role::kCandidate:
      return "candidate";
    case Role::kLeader:
      return "leader";
  }
  return "?";
}

Member::Member(MemberId self, Options options, std::uint64_t random_seed)
    : self_(self), options_(options), random_(random_seed), state_(options.sessions_max) {
  UNWEDGE_ASSERT_LE(1u, options_.members);
  UNWEDGE_ASSERT_LE(options_.members, kMembersMax);
  UNWEDGE_ASSERT_LT(self_, options_.members);
  UNWEDGE_ASSERT_LT(0, options_.heartbeat_interval_us);
  UNWEDGE_ASSERT_LT(options_.heartbeat_interval_us, options_.election_timeout_min_us);
  UNWEDGE_ASSERT_LE(options_.election_timeout_min_us, options_.election_timeout_max_us);
  UNWEDGE_ASSERT_LT(0u, options_.entries_per_message_max);
  reset_volatile();
}

// --- Lifecycle ----------------------------------------------------------------

void Member::start(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(!up_);
  UNWEDGE_ASSERT(log_.empty());
  restart(now_us, out);
}

void Member::crash() {
  UNWEDGE_ASSERT(up_);
  up_ = false;
  reset_volatile();
}

void Member::restart(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(!up_);
  up_ = true;
  reset_volatile();
  last_now_us_ = now_us;
  election_deadline_us_ = now_us + random_election_timeout();
  finish(out);
}

void Member::reset_volatile() {
  role_ = Role::kFollower;
  leader_.reset();
  commit_index_ = 0;
  last_applied_ = 0;
  state_ = KvStore(options_.sessions_max);
  votes_.clear();
  heartbeat_deadline_us_ = 0;
  leader_since_us_ = 0;
  term_start_index_ = 0;
  read_round_ = 0;
  next_index_.assign(options_.members, 1);
  match_index_.assign(options_.members, 0);
  acked_round_.assign(options_.members, 0);
  heard_us_.assign(options_.members, 0);
  proposals_.clear();
  reads_.clear();
  leases_.clear();
}

// --- Entry points -------------------------------------------------------------

void Member::on_message(MemberId from, const Message& message, TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(up_);
  UNWEDGE_ASSERT_LT(from, options_.members);
  UNWEDGE_ASSERT(from != self_);
  observe_clock(now_us);
  // A newer term, from anyone, ends whatever this member was doing in its
  // own: the rest of Raft relies on a member never acting in an old term.
  const Term message_term = term_of(message);
  if (message_term > term_) become_follower(message_term, std::nullopt, now_us, out);
  std::visit(Overloaded{
                 [&](const VoteRequest& m) { on_vote_request(from, m, now_us, out); },
                 [&](const VoteReply& m) { on_vote_reply(from, m, now_us, out); },
                 [&](const AppendRequest& m) { on_append_request(from, m, now_us, out); },
                 [&](const AppendReply& m) { on_append_reply(from, m, now_us, out); },
                 [&](const TimeoutNow& m) { on_timeout_now(from, m, now_us, out); },
             },
             message);
  finish(out);
}

void Member::on_timer(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(up_);
  observe_clock(now_us);
  if (role_ == Role::kLeader) {
    if (now_us >= heartbeat_deadline_us_) {
      heartbeat_deadline_us_ = now_us + options_.heartbeat_interval_us;
      check_quorum(now_us, out);
      if (role_ == Role::kLeader) broadcast_append(out);
    }
    if (role_ == Role::kLeader) propose_expiries(now_us, out);
  } else if (now_us >= election_deadline_us_) {
    start_election(now_us, out);
  }
  finish(out);
}

void Member::on_client_request(const Request& request, TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(up_);
  UNWEDGE_ASSERT_LT(0u, request.sequence);
  observe_clock(now_us);
  if (request.kind == OpKind::kGet && options_.unsafe_local_reads) {
    Reply reply = state_.read(request);
    reply.leader_hint = leader_;
    out.replies.push_back(std::move(reply));
  } else if (role_ != Role::kLeader) {
    out.replies.push_back(Reply{.client = request.client,
                                .sequence = request.sequence,
                                .status = ReplyStatus::kNotLeader,
                                .leader_hint = leader_});
  } else if (request.kind == OpKind::kGet) {
    on_get(request, out);
  } else {
    on_write(request, now_us, out);
  }
  finish(out);
}

void Member::step_down(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(up_);
  observe_clock(now_us);
  if (role_ == Role::kLeader && options_.members > 1) {
    // The follower with the longest matching log wins an election at once
    // (lowest id on ties, so the choice is deterministic).
    MemberId successor = self_ == 0 ? 1 : 0;
    for (MemberId peer = 0; peer < options_.members; ++peer) {
      if (peer == self_) continue;
      if (match_index_[peer] > match_index_[successor]) successor = peer;
    }
    send_append(successor, out);
    out.messages.push_back(Envelope{.to = successor, .message = TimeoutNow{.term = term_}});
    become_follower(term_, std::nullopt, now_us, out);
    // Stand aside for a full timeout, so the successor's election is not
    // contested by the member just deposed.
    election_deadline_us_ = now_us + options_.election_timeout_max_us + random_election_timeout();
  }
  finish(out);
}

// --- Elections ----------------------------------------------------------------

void Member::start_election(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(role_ != Role::kLeader);
  ++term_;
  voted_for_ = self_;
  role_ = Role::kCandidate;
  leader_.reset();
  votes_ = {self_};
  election_deadline_us_ = now_us + random_election_timeout();
  if (votes_.size() >= majority()) {
    become_leader(now_us, out);
    return;
  }
  const VoteRequest request{.term = term_,
                            .last_log_index = last_log_index(),
                            .last_log_term = term_at(last_log_index())};
  for (MemberId peer = 0; peer < options_.members; ++peer) {
    if (peer != self_) out.messages.push_back(Envelope{.to = peer, .message = request});
  }
}

void Member::on_vote_request(MemberId from, const VoteRequest& request, TimeUs now_us,
                             Output& out) {
  UNWEDGE_ASSERT_LE(request.term, term_);
  bool granted = false;
  if (request.term == term_ && (!voted_for_ || *voted_for_ == from) &&
      log_up_to_date(request.last_log_index, request.last_log_term)) {
    // A candidate or leader of this term has voted for itself.
    UNWEDGE_ASSERT(role_ == Role::kFollower);
    voted_for_ = from;
    granted = true;
    election_deadline_us_ = now_us + random_election_timeout();
  }
  out.messages.push_back(
      Envelope{.to = from, .message = VoteReply{.term = term_, .granted = granted}});
}

void Member::on_vote_reply(MemberId from, const VoteReply& reply, TimeUs now_us, Output& out) {
  if (role_ != Role::kCandidate || reply.term != term_ || !reply.granted) return;
  votes_.insert(from);  // a set: a duplicated vote counts once
  if (votes_.size() >= majority()) become_leader(now_us, out);
}

void Member::on_timeout_now(MemberId from, const TimeoutNow& request, TimeUs now_us, Output& out) {
  static_cast<void>(from);
  // Only the current term's leader sends one; an older one is stale.
  if (request.term == term_ && role_ != Role::kLeader) start_election(now_us, out);
}

void Member::become_leader(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(role_ == Role::kCandidate);
  UNWEDGE_ASSERT_LE(majority(), votes_.size());
  role_ = Role::kLeader;
  leader_ = self_;
  next_index_.assign(options_.members, last_log_index() + 1);
  match_index_.assign(options_.members, 0);
  acked_round_.assign(options_.members, 0);
  heard_us_.assign(options_.members, now_us);
  read_round_ = 0;
  leader_since_us_ = now_us;
  heartbeat_deadline_us_ = now_us + options_.heartbeat_interval_us;
  UNWEDGE_ASSERT(proposals_.empty());
  UNWEDGE_ASSERT(reads_.empty());
  term_start_index_ = append(Noop{});
  // The lease rule: every TTL key this member knows restarts its full ttl
  // now, because the old leader's countdown is not known here.
  leases_.clear();
  for (const auto& [key, current] : state_.keys()) {
    if (current.ttl_us > 0) {
      leases_[key] = Lease{.revision = current.revision, .deadline_us = now_us + current.ttl_us};
    }
  }
  advance_commit(now_us, out);
  broadcast_append(out);
}

void Member::become_follower(Term term, std::optional<MemberId> leader, TimeUs now_us,
                             Output& out) {
  UNWEDGE_ASSERT_LE(term_, term);
  if (term > term_) {
    term_ = term;
    voted_for_.reset();
  }
  if (role_ == Role::kLeader) {
    abandon_leadership(out);
    election_deadline_us_ = now_us + random_election_timeout();
  }
  role_ = Role::kFollower;
  leader_ = leader;
  votes_.clear();
}

void Member::abandon_leadership(Output& out) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  // An entry in the log may still commit under the next leader: its client
  // must not take the loss of leadership for a refusal.
  for (const auto& [index, request] : proposals_) {
    out.replies.push_back(Reply{
        .client = request.client, .sequence = request.sequence, .status = ReplyStatus::kUnknown});
  }
  // A read has no effect: refusing it is a definite answer.
  for (const PendingRead& read : reads_) {
    out.replies.push_back(Reply{.client = read.request.client,
                                .sequence = read.request.sequence,
                                .status = ReplyStatus::kNotLeader});
  }
  proposals_.clear();
  reads_.clear();
  leases_.clear();
}

void Member::check_quorum(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  if (!options_.check_quorum) return;
  const TimeUs window_us = options_.election_timeout_max_us;
  if (now_us - leader_since_us_ < window_us) return;
  std::size_t heard = 1;
  for (MemberId peer = 0; peer < options_.members; ++peer) {
    if (peer != self_ && now_us - heard_us_[peer] < window_us) ++heard;
  }
  if (heard < majority()) become_follower(term_, std::nullopt, now_us, out);
}

// --- Log ----------------------------------------------------------------------

Term Member::term_at(LogIndex index) const {
  if (index == 0) return 0;
  UNWEDGE_ASSERT_LE(index, log_.size());
  return log_[index - 1].term;
}

LogIndex Member::append(Command command) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  // Client writes stop at log_entries_max; the leader's own entries (one
  // per election, one per expiry) may pass it, by a bounded amount.
  UNWEDGE_ASSERT_LT(log_.size(), 2 * options_.log_entries_max);
  log_.push_back(Entry{.term = term_, .command = std::move(command)});
  return log_.size();
}

bool Member::log_up_to_date(LogIndex last_log_index, Term last_log_term) const {
  const Term own_last_term = term_at(this->last_log_index());
  if (last_log_term != own_last_term) return last_log_term > own_last_term;
  return last_log_index >= this->last_log_index();
}

void Member::on_append_request(MemberId from, const AppendRequest& request, TimeUs now_us,
                               Output& out) {
  UNWEDGE_ASSERT_LE(request.term, term_);
  AppendReply reply{.term = term_, .read_round = request.read_round};
  if (request.term < term_) {
    // The reply carries this member's term, which may be the term in which
    // the sender leads again by now: echoing the old round would confirm
    // that new leadership's reads with an answer to the old one.
    reply.read_round = 0;
    reply.hint_index = last_log_index();
    out.messages.push_back(Envelope{.to = from, .message = reply});
    return;
  }
  UNWEDGE_ASSERT_MSG(role_ != Role::kLeader, "two leaders in term {}: members {} and {}", term_,
                     self_, from);
  if (role_ == Role::kCandidate) become_follower(term_, from, now_us, out);
  leader_ = from;
  election_deadline_us_ = now_us + random_election_timeout();
  const bool matches = request.prev_log_index <= last_log_index() &&
                       term_at(request.prev_log_index) == request.prev_log_term;
  if (!matches) {
    reply.hint_index = conflict_hint(request.prev_log_index);
    out.messages.push_back(Envelope{.to = from, .message = reply});
    return;
  }
  store_entries(request);
  const LogIndex match_index = request.prev_log_index + request.entries.size();
  UNWEDGE_ASSERT_LE(match_index, last_log_index());
  // Only what is known to match the leader's log may be taken as committed:
  // entries past match_index may be an old leader's leftovers.
  const LogIndex committed = std::min(request.leader_commit, match_index);
  if (committed > commit_index_) commit_index_ = committed;
  apply_committed(now_us, out);
  reply.success = true;
  reply.match_index = match_index;
  out.messages.push_back(Envelope{.to = from, .message = reply});
}

void Member::store_entries(const AppendRequest& request) {
  const bool safe = !options_.unsafe_commit_without_majority;
  LogIndex index = request.prev_log_index;
  for (const Entry& entry : request.entries) {
    UNWEDGE_ASSERT_LE(entry.term, term_);
    ++index;
    if (index <= last_log_index()) {
      // Already held (a duplicated or reordered message): keep it, and
      // everything after it, which a newer message may have added.
      if (term_at(index) == entry.term) continue;
      // A committed entry is never overwritten (Leader Completeness).
      if (safe) UNWEDGE_ASSERT_LT(commit_index_, index);
      log_.resize(index - 1);
    }
    log_.push_back(entry);
  }
  // Only a store with a planted bug loses committed entries; its member
  // then keeps what it applied rather than apply twice.
  if (commit_index_ > last_log_index()) {
    UNWEDGE_ASSERT(!safe);
    commit_index_ = last_log_index();
  }
}

LogIndex Member::conflict_hint(LogIndex prev_log_index) const {
  if (prev_log_index > last_log_index()) return last_log_index();
  // Skip the whole conflicting term at once rather than one entry per
  // round trip.
  const Term conflicting = term_at(prev_log_index);
  LogIndex first = prev_log_index;
  while (first > 1 && term_at(first - 1) == conflicting)
    --first;
  if (!options_.unsafe_commit_without_majority) UNWEDGE_ASSERT_LT(commit_index_, prev_log_index);
  return std::max(first - 1, std::min(commit_index_, prev_log_index - 1));
}

// --- Leader: replication and commit ---------------------------------------------

void Member::send_append(MemberId peer, Output& out) const {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  UNWEDGE_ASSERT(peer != self_);
  const LogIndex next = next_index_[peer];
  UNWEDGE_ASSERT_LE(1u, next);
  UNWEDGE_ASSERT_LE(next, last_log_index() + 1);
  AppendRequest request{.term = term_,
                        .prev_log_index = next - 1,
                        .prev_log_term = term_at(next - 1),
                        .leader_commit = commit_index_,
                        .read_round = read_round_};
  const LogIndex last =
      std::min<LogIndex>(last_log_index(), next - 1 + options_.entries_per_message_max);
  for (LogIndex index = next; index <= last; ++index)
    request.entries.push_back(log_[index - 1]);
  out.messages.push_back(Envelope{.to = peer, .message = std::move(request)});
}

void Member::broadcast_append(Output& out) const {
  for (MemberId peer = 0; peer < options_.members; ++peer) {
    if (peer != self_) send_append(peer, out);
  }
}

void Member::on_append_reply(MemberId from, const AppendReply& reply, TimeUs now_us, Output& out) {
  // Older terms' replies are stale; a newer term already made this member
  // a follower.
  if (role_ != Role::kLeader || reply.term != term_) return;
  heard_us_[from] = now_us;
  acked_round_[from] = std::max(acked_round_[from], reply.read_round);
  if (reply.success) {
    UNWEDGE_ASSERT_LE(reply.match_index, last_log_index());
    match_index_[from] = std::max(match_index_[from], reply.match_index);
    next_index_[from] = std::max(next_index_[from], match_index_[from] + 1);
    advance_commit(now_us, out);
    if (role_ == Role::kLeader && next_index_[from] <= last_log_index()) send_append(from, out);
  } else {
    // The hint may come from a reordered, older refusal: never go below
    // what the follower is known to hold.
    next_index_[from] =
        std::max(match_index_[from] + 1, std::min(next_index_[from], reply.hint_index + 1));
    send_append(from, out);
  }
  advance_reads(out);
}

void Member::advance_commit(TimeUs now_us, Output& out) {
  if (role_ != Role::kLeader) return;
  // Only an entry of the current term is committed by counting replicas;
  // earlier ones commit with it (Raft's figure 8).
  for (LogIndex index = last_log_index(); index > commit_index_ && term_at(index) == term_;
       --index) {
    std::size_t replicas = 1;
    for (MemberId peer = 0; peer < options_.members; ++peer) {
      if (peer != self_ && match_index_[peer] >= index) ++replicas;
    }
    if (replicas >= majority() || options_.unsafe_commit_without_majority) {
      commit_index_ = index;
      break;
    }
  }
  apply_committed(now_us, out);
  advance_reads(out);
}

void Member::apply_committed(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT_LE(commit_index_, last_log_index());
  while (last_applied_ < commit_index_) {
    ++last_applied_;
    const LogIndex index = last_applied_;
    const Entry& entry = log_[index - 1];
    std::visit(Overloaded{
                   [](const Noop&) {},
                   [&](const Request& request) {
                     std::optional<Reply> reply = state_.apply_request(request);
                     auto proposal = proposals_.find(index);
                     if (proposal != proposals_.end()) {
                       UNWEDGE_ASSERT(proposal->second == request);
                       if (reply) out.replies.push_back(*reply);
                       proposals_.erase(proposal);
                     }
                     if (role_ == Role::kLeader) sync_lease(request.key, now_us);
                   },
                   [&](const Expire& expire) {
                     const bool removed = state_.apply_expiry(expire.key, expire.revision);
                     out.applied_expiries.push_back(ExpiryNotice{.term = entry.term,
                                                                 .index = index,
                                                                 .key = expire.key,
                                                                 .revision = expire.revision,
                                                                 .removed = removed});
                     if (role_ == Role::kLeader) sync_lease(expire.key, now_us);
                   },
               },
               entry.command);
  }
}

// --- Leader: TTL leases ---------------------------------------------------------

void Member::sync_lease(const std::string& key, TimeUs now_us) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  const KeyValue* current = state_.find(key);
  if (current == nullptr || current->ttl_us == 0) {
    leases_.erase(key);
    return;
  }
  auto lease = leases_.find(key);
  if (lease != leases_.end() && lease->second.revision == current->revision) return;
  // A new revision: its ttl runs from now, when this leader applied it.
  leases_[key] = Lease{.revision = current->revision, .deadline_us = now_us + current->ttl_us};
}

void Member::propose_expiries(TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  bool proposed = false;
  for (auto& [key, lease] : leases_) {
    if (lease.proposed || lease.deadline_us > now_us) continue;
    const LogIndex index = append(Expire{.key = key, .revision = lease.revision});
    lease.proposed = true;
    proposed = true;
    out.proposed_expiries.push_back(
        ExpiryNotice{.term = term_, .index = index, .key = key, .revision = lease.revision});
  }
  if (!proposed) return;
  advance_commit(now_us, out);
  if (role_ == Role::kLeader) broadcast_append(out);
}

// --- Leader: client requests ----------------------------------------------------

void Member::on_write(const Request& request, TimeUs now_us, Output& out) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  UNWEDGE_ASSERT(is_write(request.kind));
  const bool backlog_full = last_log_index() - commit_index_ >= options_.uncommitted_entries_max ||
                            log_.size() >= options_.log_entries_max;
  if (backlog_full) {
    out.replies.push_back(Reply{.client = request.client,
                                .sequence = request.sequence,
                                .status = ReplyStatus::kUnavailable,
                                .leader_hint = self_});
    return;
  }
  const LogIndex index = append(request);
  proposals_[index] = request;
  advance_commit(now_us, out);
  if (role_ == Role::kLeader) broadcast_append(out);
}

void Member::on_get(const Request& request, Output& out) {
  UNWEDGE_ASSERT(role_ == Role::kLeader);
  if (reads_.size() >= options_.pending_reads_max) {
    out.replies.push_back(Reply{.client = request.client,
                                .sequence = request.sequence,
                                .status = ReplyStatus::kUnavailable,
                                .leader_hint = self_});
    return;
  }
  reads_.push_back(PendingRead{.request = request});
  advance_reads(out);
}

bool Member::committed_in_term() const {
  return role_ == Role::kLeader && commit_index_ >= term_start_index_;
}

std::uint64_t Member::confirmed_round() const {
  // The highest round a majority (this member included) has answered.
  // On the stack: this runs for every reply a leader gets.
  std::array<std::uint64_t, kMembersMax> rounds{};
  for (MemberId member = 0; member < options_.members; ++member) {
    rounds[member] = member == self_ ? read_round_ : acked_round_[member];
  }
  std::sort(rounds.begin(), rounds.begin() + options_.members, std::greater<>());
  return rounds[majority() - 1];
}

void Member::advance_reads(Output& out) {
  if (role_ != Role::kLeader || reads_.empty()) return;
  // A read waits for its leader to have committed an entry of its term:
  // before that, the leader's commit index may lag what earlier leaders
  // committed.
  if (committed_in_term()) {
    bool new_round = false;
    for (PendingRead& read : reads_) {
      if (read.assigned) continue;
      if (!new_round) {
        ++read_round_;
        new_round = true;
      }
      read.assigned = true;
      read.read_index = commit_index_;
      read.round = read_round_;
    }
    // The heartbeat round whose answers confirm this member still leads.
    if (new_round) broadcast_append(out);
  }
  const std::uint64_t confirmed = confirmed_round();
  while (!reads_.empty()) {
    const PendingRead& read = reads_.front();
    if (!read.assigned || read.round > confirmed || last_applied_ < read.read_index) break;
    Reply reply = state_.read(read.request);
    reply.leader_hint = self_;
    out.replies.push_back(std::move(reply));
    reads_.pop_front();
  }
}

// --- Time -----------------------------------------------------------------------

void Member::observe_clock(TimeUs now_us) {
  // A clock that jumps back would postpone every deadline by the jump:
  // shift them with it, so a timeout still lasts what it says.
  if (now_us < last_now_us_) {
    const TimeUs back_us = last_now_us_ - now_us;
    election_deadline_us_ -= back_us;
    heartbeat_deadline_us_ -= back_us;
    leader_since_us_ -= back_us;
    for (TimeUs& heard_us : heard_us_)
      heard_us -= back_us;
    for (auto& [key, lease] : leases_)
      lease.deadline_us -= back_us;
  }
  last_now_us_ = now_us;
}

TimeUs Member::random_election_timeout() {
  const auto low = static_cast<std::uint64_t>(options_.election_timeout_min_us);
  const auto high = static_cast<std::uint64_t>(options_.election_timeout_max_us);
  return static_cast<TimeUs>(random_.between(low, high));
}

void Member::finish(Output& out) const {
  if (!up_) return;
  if (role_ != Role::kLeader) {
    out.next_timer_us = election_deadline_us_;
    return;
  }
  TimeUs next_us = heartbeat_deadline_us_;
  for (const auto& [key, lease] : leases_) {
    if (!lease.proposed) next_us = std::min(next_us, lease.deadline_us);
  }
  out.next_timer_us = next_us;
}

}  // namespace unwedge::consensus
