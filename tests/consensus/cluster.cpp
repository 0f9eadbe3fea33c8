// The consensus store's test driver (cluster.hpp): its event loop, network,
// clients and the Raft invariants it watches.
#include "tests/consensus/cluster.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::consensus::testing {

namespace {

bool later(TimeUs a_us, std::uint64_t a_sequence, TimeUs b_us, std::uint64_t b_sequence) {
  if (a_us != b_us) return a_us > b_us;
  return a_sequence > b_sequence;
}

bool chance(SeededRandom& random, std::uint32_t ppm) {
  return ppm > 0 && random.below(1'000'000) < ppm;
}

}  // namespace

Cluster::Cluster(ClusterOptions options)
    : options_(std::move(options)),
      network_random_(options_.seed ^ 0x6e6574776f726b00ULL),
      workload_random_(options_.seed ^ 0x776f726b6c6f6164ULL) {
  const std::uint32_t n = options_.store.members;
  UNWEDGE_ASSERT_LE(1u, n);
  UNWEDGE_ASSERT_LE(options_.delay_min_us, options_.delay_max_us);
  SeededRandom seeds(options_.seed);
  for (MemberId id = 0; id < n; ++id)
    members_.emplace_back(id, options_.store, seeds.next_u64());
  clock_offset_us_.assign(n, 0);
  timer_generation_.assign(n, 0);
  cut_.assign(n, std::vector<bool>(n, false));
  client_cut_.assign(options_.clients, std::vector<bool>(n, false));
  clients_.resize(options_.clients);
  for (ClientId client = 0; client < options_.clients; ++client) {
    clients_[client].target = static_cast<MemberId>(client % n);
  }
  safety_checked_.assign(n, 0);
  for (MemberId id = 0; id < n; ++id) {
    Output out;
    members_[id].start(member_now(id), out);
    process(id, out);
  }
}

// --- Event loop -------------------------------------------------------------------

void Cluster::schedule(TimeUs at_us, Event event) {
  UNWEDGE_ASSERT_LE(now_us_, at_us);
  queue_.push_back(
      Scheduled{.at_us = at_us, .sequence = next_sequence_++, .event = std::move(event)});
  std::push_heap(queue_.begin(), queue_.end(), [](const Scheduled& a, const Scheduled& b) {
    return later(a.at_us, a.sequence, b.at_us, b.sequence);
  });
}

bool Cluster::run_until(TimeUs until_us, const std::function<bool()>& stop) {
  while (!queue_.empty() && queue_.front().at_us <= until_us) {
    run_one();
    if (stop && stop()) return true;
  }
  now_us_ = std::max(now_us_, until_us);
  return false;
}

void Cluster::run_one() {
  std::pop_heap(queue_.begin(), queue_.end(), [](const Scheduled& a, const Scheduled& b) {
    return later(a.at_us, a.sequence, b.at_us, b.sequence);
  });
  Scheduled next = std::move(queue_.back());
  queue_.pop_back();
  UNWEDGE_ASSERT_LE(now_us_, next.at_us);
  now_us_ = next.at_us;
  ++events_;
  UNWEDGE_ASSERT_LT(events_, options_.events_max);
  std::visit([&](auto& event) { handle(event); }, next.event);
  check_safety();
}

void Cluster::send(TimeUs at_us, Event event, bool lossy) {
  if (lossy && chance(network_random_, options_.loss_ppm)) return;
  const bool twice = lossy && chance(network_random_, options_.duplicate_ppm);
  const auto delay_us = [&] {
    return static_cast<TimeUs>(
        network_random_.between(static_cast<std::uint64_t>(options_.delay_min_us),
                                static_cast<std::uint64_t>(options_.delay_max_us)));
  };
  if (twice) schedule(at_us + delay_us(), event);
  schedule(at_us + delay_us(), std::move(event));
}

void Cluster::process(MemberId id, Output& out) {
  for (Envelope& envelope : out.messages) {
    Event delivery = ToMember{};
    ToMember& to_member = std::get<ToMember>(delivery);
    to_member.to = envelope.to;
    to_member.from = id;
    to_member.payload.emplace<Message>(std::move(envelope.message));
    send(now_us_, std::move(delivery), true);
  }
  for (Reply& reply : out.replies) {
    send(now_us_, ToClient{.client = reply.client, .from = id, .reply = std::move(reply)}, true);
  }
  for (const ExpiryNotice& notice : out.proposed_expiries) {
    expiry_proposed_us_.emplace(std::make_pair(notice.term, notice.index), now_us_);
  }
  for (const ExpiryNotice& notice : out.applied_expiries) {
    const auto name = std::make_pair(notice.term, notice.index);
    if (!expiry_recorded_.emplace(name, notice.removed).second) continue;
    auto proposed = expiry_proposed_us_.find(name);
    UNWEDGE_ASSERT(proposed != expiry_proposed_us_.end());
    if (!notice.removed) continue;
    history_.expirations.push_back(HistoryExpiry{.key = notice.key,
                                                 .revision = notice.revision,
                                                 .proposed_us = proposed->second,
                                                 .applied_us = now_us_});
  }
  if (out.next_timer_us) {
    const TimeUs at_us = std::max(now_us_, *out.next_timer_us - clock_offset_us_[id]);
    schedule(at_us, TimerFires{.member = id, .generation = ++timer_generation_[id]});
  }
  out.clear();
}

void Cluster::handle(ToMember& event) {
  Member& target = members_[event.to];
  if (!target.up()) return;
  Output out;
  if (event.from_client) {
    if (client_cut_[event.from][event.to]) return;
    ++delivered_;
    target.on_client_request(std::get<Request>(event.payload), member_now(event.to), out);
  } else {
    const auto from = static_cast<MemberId>(event.from);
    if (!link_up(from, event.to)) return;
    ++delivered_;
    target.on_message(from, std::get<Message>(event.payload), member_now(event.to), out);
  }
  process(event.to, out);
}

void Cluster::handle(const TimerFires& event) {
  Member& target = members_[event.member];
  if (!target.up() || event.generation != timer_generation_[event.member]) return;
  Output out;
  target.on_timer(member_now(event.member), out);
  process(event.member, out);
}

// --- Faults ---------------------------------------------------------------------

void Cluster::partition(const std::vector<std::vector<MemberId>>& groups) {
  std::vector<int> group_of(size(), -1);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (MemberId id : groups[g])
      group_of.at(id) = static_cast<int>(g);
  }
  for (MemberId a = 0; a < size(); ++a) {
    for (MemberId b = 0; b < size(); ++b) {
      if (group_of[a] >= 0 && group_of[b] >= 0 && group_of[a] != group_of[b]) {
        cut_[a][b] = true;
      }
    }
  }
}

void Cluster::isolate(MemberId id) {
  std::vector<MemberId> others;
  for (MemberId other = 0; other < size(); ++other) {
    if (other != id) others.push_back(other);
  }
  partition({{id}, others});
}

void Cluster::cut_client(ClientId client, MemberId id) {
  client_cut_.at(client).at(id) = true;
}

void Cluster::heal() {
  for (auto& row : cut_)
    std::fill(row.begin(), row.end(), false);
  for (auto& row : client_cut_)
    std::fill(row.begin(), row.end(), false);
}

void Cluster::crash(MemberId id) {
  if (!members_.at(id).up()) return;
  members_[id].crash();
  ++timer_generation_[id];
  safety_checked_[id] = 0;
}

void Cluster::restart(MemberId id) {
  if (members_.at(id).up()) return;
  Output out;
  members_[id].restart(member_now(id), out);
  process(id, out);
}

void Cluster::step_down(MemberId id) {
  if (!members_.at(id).up()) return;
  Output out;
  members_[id].step_down(member_now(id), out);
  process(id, out);
}

void Cluster::jump_clock(MemberId id, TimeUs delta_us) {
  clock_offset_us_.at(id) += delta_us;
  // Its pending timer was set on the old reading: ask again.
  if (members_[id].up()) {
    schedule(now_us_, TimerFires{.member = id, .generation = ++timer_generation_[id]});
  }
}

void Cluster::set_links(TimeUs delay_min_us, TimeUs delay_max_us, std::uint32_t loss_ppm,
                        std::uint32_t duplicate_ppm) {
  UNWEDGE_ASSERT_LE(delay_min_us, delay_max_us);
  options_.delay_min_us = delay_min_us;
  options_.delay_max_us = delay_max_us;
  options_.loss_ppm = loss_ppm;
  options_.duplicate_ppm = duplicate_ppm;
}

std::optional<MemberId> Cluster::leader() const {
  std::optional<MemberId> found;
  for (const Member& m : members_) {
    if (!m.up() || m.role() != Role::kLeader) continue;
    if (!found || m.term() > members_[*found].term()) found = m.id();
  }
  return found;
}

bool Cluster::await_leader(TimeUs within_us) {
  if (leader()) return true;
  return run_until(now_us_ + within_us, [&] { return leader().has_value(); });
}

// --- Clients --------------------------------------------------------------------

std::size_t Cluster::invoke(ClientId client, Request request) {
  ClientState& state = clients_.at(client);
  UNWEDGE_ASSERT(!state.op);
  request.client = client;
  request.sequence = state.next_sequence++;
  state.op = history_.operations.size();
  history_.operations.push_back(HistoryOp{.request = std::move(request), .invoke_us = now_us_});
  send_attempt(client);
  return *state.op;
}

void Cluster::send_attempt(ClientId client) {
  ClientState& state = clients_[client];
  UNWEDGE_ASSERT(state.op);
  const HistoryOp& op = history_.operations[*state.op];
  if (now_us_ - op.invoke_us >= options_.operation_timeout_us) {
    finish_op(client, std::nullopt);
    return;
  }
  const std::uint64_t attempt = ++state.attempt;
  send(now_us_,
       ToMember{.to = state.target, .from_client = true, .from = client, .payload = op.request},
       true);
  schedule(now_us_ + options_.attempt_timeout_us,
           ClientAttempt{.client = client, .attempt = attempt, .timeout = true});
}

void Cluster::handle(const ToClient& event) {
  if (client_cut_[event.client][event.from]) return;
  ++delivered_;
  ClientState& state = clients_[event.client];
  if (!state.op) return;
  const HistoryOp& op = history_.operations[*state.op];
  if (event.reply.sequence != op.request.sequence) return;  // an answer it gave up on
  if (event.reply.status == ReplyStatus::kOk) {
    finish_op(event.client, event.reply);
    return;
  }
  retry_later(event.client, event.reply.leader_hint);
}

void Cluster::retry_later(ClientId client, std::optional<MemberId> hint) {
  ClientState& state = clients_[client];
  state.target = hint ? *hint : (state.target + 1) % size();
  const std::uint64_t attempt = ++state.attempt;
  schedule(now_us_ + options_.retry_backoff_us,
           ClientAttempt{.client = client, .attempt = attempt});
}

void Cluster::handle(const ClientAttempt& event) {
  ClientState& state = clients_[event.client];
  if (!state.op || event.attempt != state.attempt) return;
  if (event.timeout) {
    // Unanswered: perhaps that member is down or cut off; try the next.
    state.target = (state.target + 1) % size();
  }
  send_attempt(event.client);
}

void Cluster::finish_op(ClientId client, std::optional<Reply> reply) {
  ClientState& state = clients_[client];
  UNWEDGE_ASSERT(state.op);
  HistoryOp& op = history_.operations[*state.op];
  if (reply) {
    op.complete_us = now_us_;
    op.result = std::move(*reply);
    if (op.result.revision > 0) state.seen[op.request.key] = op.result.revision;
  }
  state.op.reset();
  ++state.attempt;
  if (workload_) {
    const auto think_us = static_cast<TimeUs>(
        workload_random_.between(static_cast<std::uint64_t>(options_.think_min_us),
                                 static_cast<std::uint64_t>(options_.think_max_us)));
    schedule(now_us_ + think_us, ClientWakes{.client = client});
  }
}

bool Cluster::finished(std::size_t op) const {
  for (const ClientState& state : clients_) {
    if (state.op == op) return false;
  }
  return true;
}

HistoryOp Cluster::await(std::size_t op, TimeUs within_us) {
  UNWEDGE_ASSERT_LT(op, history_.operations.size());
  if (!finished(op)) run_until(now_us_ + within_us, [&] { return finished(op); });
  return history_.operations[op];
}

void Cluster::start_workload() {
  workload_ = true;
  for (ClientId client = 0; client < clients_.size(); ++client) {
    if (!clients_[client].op) schedule(now_us_, ClientWakes{.client = client});
  }
}

void Cluster::drain(TimeUs within_us) {
  workload_ = false;
  run_until(now_us_ + within_us, [&] {
    return std::all_of(clients_.begin(), clients_.end(),
                       [](const ClientState& state) { return !state.op; });
  });
}

void Cluster::handle(const ClientWakes& event) {
  ClientState& state = clients_[event.client];
  if (!workload_ || state.op) return;
  Request request = draw_request(event.client);
  if (options_.spread_reads && request.kind == OpKind::kGet) {
    state.target = static_cast<MemberId>(workload_random_.below(size()));
  }
  invoke(event.client, std::move(request));
}

Request Cluster::draw_request(ClientId client) {
  ClientState& state = clients_[client];
  const std::string key = fmt::format("k{}", workload_random_.below(options_.keys));
  // Values name their writer, so an explanation shows whose write a read saw.
  const std::string value = fmt::format("c{}v{}", client, ++state.values);
  const TimeUs ttl_us = options_.ttls_us[workload_random_.below(options_.ttls_us.size())];
  const Revision seen = state.seen.contains(key) ? state.seen[key] : 0;
  // An expected revision near what the client saw: mostly the one it saw
  // (a lease renewal), sometimes absent or a neighbour.
  const Revision expected = workload_random_.below(4) == 0 ? 0 : seen + workload_random_.below(2);
  const std::uint64_t kind = workload_random_.below(100);
  if (kind < 35) return get_request(key);
  if (kind < 55) return put_request(key, value, ttl_us);
  if (kind < 85) return compare_and_set_request(key, expected, value, ttl_us);
  if (kind < 90) return remove_request(key);
  return compare_and_remove_request(key, expected == 0 ? seen : expected);
}

// --- Invariants and results ---------------------------------------------------------

void Cluster::check_safety() {
  for (const Member& m : members_) {
    if (!m.up()) continue;
    if (m.role() == Role::kLeader) {
      auto [it, inserted] = leader_of_term_.emplace(m.term(), m.id());
      if (!inserted && it->second != m.id()) {
        safety_violations_.push_back(
            fmt::format("two leaders in term {}: members {} and {}", m.term(), it->second, m.id()));
      }
    }
    // State machine safety: one entry per committed index, on every member.
    LogIndex& checked = safety_checked_[m.id()];
    for (LogIndex index = checked + 1; index <= m.commit_index(); ++index) {
      const Term term = m.log()[index - 1].term;
      if (committed_terms_.size() < index) committed_terms_.push_back(term);
      if (committed_terms_[index - 1] != term) {
        safety_violations_.push_back(
            fmt::format("member {} committed an entry of term {} at index {}, another one of "
                        "term {}",
                        m.id(), term, index, committed_terms_[index - 1]));
      }
    }
    checked = std::max(checked, m.commit_index());
  }
}

std::string Cluster::transcript() const {
  std::string text;
  for (std::size_t i = 0; i < history_.operations.size(); ++i) {
    text += describe(history_.operations[i], i);
    text += '\n';
  }
  for (const HistoryExpiry& expiry : history_.expirations) {
    text += fmt::format("expired {} at revision {} [{}, {}]\n", expiry.key, expiry.revision,
                        expiry.proposed_us, expiry.applied_us);
  }
  text += fmt::format("{} events, {} delivered\n", events_, delivered_);
  return text;
}

}  // namespace unwedge::consensus::testing
