// The consensus store's members in the run (store_cluster.hpp): their
// messages over the network, their timers by their own clocks, crashes and
// boots, the clients' requests and replies, and the history the
// linearizability checker reads.
#include "sim/store_cluster.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/coordination_client.hpp"
#include "sim/faults.hpp"

namespace unwedge::sim {
namespace {

consensus::Options options_of(std::uint32_t members, const StoreSettings& settings) {
  UNWEDGE_ASSERT_LE(settings.election_timeout_min_us, settings.election_timeout_max_us);
  UNWEDGE_ASSERT_LT(settings.heartbeat_interval_us, settings.election_timeout_min_us);
  return consensus::Options{
      .members = members,
      .election_timeout_min_us = settings.election_timeout_min_us,
      .election_timeout_max_us = settings.election_timeout_max_us,
      .heartbeat_interval_us = settings.heartbeat_interval_us,
      .unsafe_local_reads = settings.unsafe_local_reads,
      .unsafe_commit_without_majority = settings.unsafe_commit_without_majority};
}

// Virtual time until a clock running at `drift_ppm` reads `wait_local_us` more.
core::TimeUs virtual_wait(core::TimeUs wait_local_us, std::int32_t drift_ppm) {
  if (wait_local_us <= 0) return 0;
  const double rate = 1.0 + drift_ppm / 1e6;
  return std::max<core::TimeUs>(1, static_cast<core::TimeUs>(wait_local_us / rate));
}

}  // namespace

StoreCluster::StoreCluster(std::uint32_t members, const StoreSettings& settings, std::uint64_t seed,
                           Network& network, const core::TimeUs& now_us, Trace& trace,
                           Schedule schedule)
    : settings_(settings),
      network_(&network),
      now_us_(&now_us),
      trace_(&trace),
      schedule_(std::move(schedule)),
      rng_(Rng::stream(seed, "store")) {
  UNWEDGE_ASSERT_MSG(members == 3 || members == 5, "a store has 3 or 5 members, not {}", members);
  UNWEDGE_ASSERT_LE(settings_.boot_min_us, settings_.boot_max_us);
  const consensus::Options options = options_of(members, settings_);
  for (std::uint32_t m = 0; m < members; ++m) {
    const std::string name = store_member_name(m);
    // Each member's elections draw from a stream of its own.
    const std::uint64_t member_seed = Rng::stream(seed, "store/" + name).next_u64();
    hosts_.emplace_back(name, network_->add(name), *now_us_,
                        consensus::Member(m, options, member_seed));
  }
}

StoreCluster::StoreCluster(const StoreCluster& other, Network& network, const core::TimeUs& now_us,
                           Trace& trace, Schedule schedule)
    : StoreCluster(other) {
  UNWEDGE_ASSERT_MSG(other.clients_.empty(),
                     "a store is copied only while no client is registered");
  network_ = &network;
  now_us_ = &now_us;
  trace_ = &trace;
  schedule_ = std::move(schedule);
  for (StoreHost& host : hosts_)
    host.clock = SimClock(host.clock, now_us);
}

StoreCluster::~StoreCluster() = default;

void StoreCluster::start() {
  for (std::uint32_t m = 0; m < size(); ++m) {
    StoreHost& host = hosts_[m];
    UNWEDGE_ASSERT(!host.up);
    host.up = true;
    consensus::Output& out = output();
    host.member.start(host.clock.now_us(), out);
    carry_out(m, out);
  }
  trace_->record(*now_us_, TraceKind::kNote, "store", "{} members started, {} to {}", size(),
                 hosts_.front().name, hosts_.back().name);
}

const std::string& StoreCluster::name(std::uint32_t member) const {
  UNWEDGE_ASSERT_LT(member, size());
  return hosts_[member].name;
}

std::optional<std::uint32_t> StoreCluster::find(std::string_view name) const {
  for (std::uint32_t m = 0; m < size(); ++m) {
    if (hosts_[m].name == name) return m;
  }
  return std::nullopt;
}

SimClock& StoreCluster::clock(std::uint32_t member) {
  UNWEDGE_ASSERT_LT(member, size());
  return hosts_[member].clock;
}

const consensus::Member& StoreCluster::member(std::uint32_t member) const {
  UNWEDGE_ASSERT_LT(member, size());
  return hosts_[member].member;
}

std::optional<std::uint32_t> StoreCluster::leader() const {
  std::optional<std::uint32_t> found;
  for (std::uint32_t m = 0; m < size(); ++m) {
    const consensus::Member& member = hosts_[m].member;
    if (!hosts_[m].up || member.role() != consensus::Role::kLeader) continue;
    if (!found || member.term() > hosts_[*found].member.term()) found = m;
  }
  return found;
}

// --- Events ---------------------------------------------------------------------

void StoreCluster::dispatch(const StoreEvent& event) {
  switch (event.kind) {
    case StoreEventKind::kArrival:
      arrive(event.id);
      return;
    case StoreEventKind::kMemberTimer:
      on_timer(event.index, static_cast<core::TimeUs>(event.id));
      return;
    case StoreEventKind::kMemberBoot:
      boot_done(event.index, static_cast<std::uint32_t>(event.id));
      return;
    case StoreEventKind::kClientTimer: {
      auto client = clients_.find(event.index);
      if (client != clients_.end() && client->second->alive()) client->second->on_timer(event.id);
      return;
    }
  }
}

void StoreCluster::arrive(std::uint64_t id) {
  UNWEDGE_ASSERT_LT(id, in_flight_.size());
  UNWEDGE_ASSERT(in_flight_[id].has_value());
  const InFlight what = std::move(*in_flight_[id]);
  in_flight_[id].reset();
  free_slots_.push_back(id);
  if (const auto* to_client = std::get_if<ToClient>(&what)) {
    auto client = clients_.find(to_client->reply.client);
    // A client lost with its host's crash hears nothing more.
    if (client == clients_.end() || !client->second->alive()) return;
    client->second->on_reply(to_client->from, to_client->reply);
    return;
  }
  consensus::Output& out = output();
  std::uint32_t to = 0;
  if (const auto* message = std::get_if<ToMember>(&what)) {
    to = message->to;
    StoreHost& host = hosts_[to];
    if (!host.up) return;
    host.member.on_message(message->from, message->message, host.clock.now_us(), out);
  } else {
    const auto& request = std::get<ToMemberRequest>(what);
    to = request.to;
    StoreHost& host = hosts_[to];
    if (!host.up) return;
    host.member.on_client_request(request.request, host.clock.now_us(), out);
  }
  carry_out(to, out);
}

void StoreCluster::on_timer(std::uint32_t member, core::TimeUs armed_at_us) {
  StoreHost& host = hosts_[member];
  // Re-armed since, or lost with a crash.
  if (!host.up || host.armed_at_us != armed_at_us) return;
  host.armed_at_us.reset();
  consensus::Output& out = output();
  host.member.on_timer(host.clock.now_us(), out);
  carry_out(member, out);
}

void StoreCluster::boot_done(std::uint32_t member, std::uint32_t incarnation) {
  StoreHost& host = hosts_[member];
  if (host.incarnation != incarnation || host.up || host.crashes > 0) return;
  host.up = true;
  consensus::Output& out = output();
  host.member.restart(host.clock.now_us(), out);
  trace_->record(*now_us_, TraceKind::kNote, host.name, "booted; store member restarted in term {}",
                 host.member.term());
  carry_out(member, out);
}

// --- What a member asked for ----------------------------------------------------

consensus::Output& StoreCluster::output() {
  // carry_out() leaves it empty, its vectors' capacity kept for the next call.
  UNWEDGE_ASSERT(out_.messages.empty() && out_.replies.empty());
  UNWEDGE_ASSERT(out_.proposed_expiries.empty() && out_.applied_expiries.empty());
  UNWEDGE_ASSERT(!out_.next_timer_us.has_value());
  return out_;
}

void StoreCluster::carry_out(std::uint32_t member, consensus::Output& out) {
  StoreHost& host = hosts_[member];
  for (consensus::Envelope& envelope : out.messages) {
    UNWEDGE_ASSERT_LT(envelope.to, size());
    StoreHost& peer = hosts_[envelope.to];
    send(host.endpoint, peer.endpoint, std::max(host.slow_us, peer.slow_us),
         ToMember{.from = member, .to = envelope.to, .message = std::move(envelope.message)});
  }
  for (consensus::Reply& reply : out.replies) {
    auto client = clients_.find(reply.client);
    if (client == clients_.end()) continue;  // its client is gone: nobody listens
    send(host.endpoint, client->second->endpoint(), 0,
         ToClient{.from = member, .reply = std::move(reply)});
  }
  for (const consensus::ExpiryNotice& notice : out.proposed_expiries) {
    expiry_proposed_us_.emplace(std::make_pair(notice.term, notice.index), *now_us_);
  }
  for (const consensus::ExpiryNotice& notice : out.applied_expiries) {
    const auto entry = std::make_pair(notice.term, notice.index);
    if (!expiry_applied_.emplace(entry, notice.removed).second) continue;  // applied before
    auto proposed = expiry_proposed_us_.find(entry);
    UNWEDGE_ASSERT_MSG(proposed != expiry_proposed_us_.end(),
                       "{} applied an expiry of {} that no leader proposed", host.name, notice.key);
    if (!notice.removed) continue;
    history_.expirations.push_back(consensus::HistoryExpiry{.key = notice.key,
                                                            .revision = notice.revision,
                                                            .proposed_us = proposed->second,
                                                            .applied_us = *now_us_});
  }
  if (out.next_timer_us) arm(member, *out.next_timer_us);
  out.clear();
  note_leader(member);
}

void StoreCluster::send(EndpointId from, EndpointId to, core::TimeUs extra_us, InFlight what) {
  const std::vector<core::TimeUs> delays = network_->deliveries(from, to, rng_);
  for (std::size_t copy = 0; copy < delays.size(); ++copy) {
    std::uint64_t id = in_flight_.size();
    if (free_slots_.empty()) {
      in_flight_.emplace_back();
    } else {
      id = free_slots_.back();
      free_slots_.pop_back();
    }
    // The last copy takes the message itself.
    if (copy + 1 == delays.size()) {
      in_flight_[id].emplace(std::move(what));
    } else {
      in_flight_[id].emplace(what);
    }
    schedule_(*now_us_ + delays[copy] + extra_us, {.kind = StoreEventKind::kArrival, .id = id});
  }
}

// Only an earlier timer is scheduled: a member called before its deadline
// does nothing harmful and names its next one.
void StoreCluster::arm(std::uint32_t member, core::TimeUs local_at_us) {
  StoreHost& host = hosts_[member];
  const core::TimeUs at_us =
      *now_us_ + virtual_wait(local_at_us - host.clock.now_us(), host.clock.drift_ppm());
  if (host.armed_at_us && *host.armed_at_us <= at_us) return;
  host.armed_at_us = at_us;
  schedule_(at_us, {.kind = StoreEventKind::kMemberTimer,
                    .index = member,
                    .id = static_cast<std::uint64_t>(at_us)});
}

void StoreCluster::note_leader(std::uint32_t member) {
  const consensus::Member& m = hosts_[member].member;
  if (m.role() != consensus::Role::kLeader || m.term() <= leader_term_seen_) return;
  leader_term_seen_ = m.term();
  trace_->record(*now_us_, TraceKind::kNote, hosts_[member].name, "leads the store in term {}",
                 m.term());
}

// --- Faults ---------------------------------------------------------------------

void StoreCluster::crash(std::uint32_t member) {
  UNWEDGE_ASSERT_LT(member, size());
  StoreHost& host = hosts_[member];
  host.crashes++;
  if (!host.up) {
    host.incarnation++;  // a boot under way is called off
    return;
  }
  host.up = false;
  host.incarnation++;
  host.armed_at_us.reset();
  host.member.crash();
  trace_->record(*now_us_, TraceKind::kNote, host.name, "store member down (term {}, log {})",
                 host.member.term(), host.member.last_log_index());
}

void StoreCluster::heal_crash(std::uint32_t member) {
  UNWEDGE_ASSERT_LT(member, size());
  StoreHost& host = hosts_[member];
  UNWEDGE_ASSERT_LT(0u, host.crashes);
  if (--host.crashes > 0) return;
  const auto boot_us =
      static_cast<core::TimeUs>(rng_.between(static_cast<std::uint64_t>(settings_.boot_min_us),
                                             static_cast<std::uint64_t>(settings_.boot_max_us)));
  schedule_(*now_us_ + boot_us,
            {.kind = StoreEventKind::kMemberBoot, .index = member, .id = host.incarnation});
}

std::vector<std::uint32_t> StoreCluster::majority() const {
  const std::uint32_t first = leader().value_or(0);
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < size() / 2 + 1; ++i)
    out.push_back((first + i) % size());
  return out;
}

bool StoreCluster::step_down(std::uint32_t member) {
  UNWEDGE_ASSERT_LT(member, size());
  StoreHost& host = hosts_[member];
  if (!host.up || host.member.role() != consensus::Role::kLeader) return false;
  consensus::Output& out = output();
  host.member.step_down(host.clock.now_us(), out);
  trace_->record(*now_us_, TraceKind::kNote, host.name,
                 "steps down as the store's leader (term {})", host.member.term());
  carry_out(member, out);
  return true;
}

void StoreCluster::set_slow(std::uint32_t member, core::TimeUs extra_us) {
  UNWEDGE_ASSERT_LT(member, size());
  UNWEDGE_ASSERT_LE(0, extra_us);
  hosts_[member].slow_us = extra_us;
}

void StoreCluster::clock_changed(std::uint32_t member) {
  UNWEDGE_ASSERT_LT(member, size());
  StoreHost& host = hosts_[member];
  if (!host.up) return;
  // Its pending timer was set on the old reading: it runs now and names the next.
  host.armed_at_us = *now_us_;
  schedule_(*now_us_, {.kind = StoreEventKind::kMemberTimer,
                       .index = member,
                       .id = static_cast<std::uint64_t>(*now_us_)});
}

// --- Clients ----------------------------------------------------------------------

consensus::ClientId StoreCluster::add_client(CoordinationClient& client) {
  const consensus::ClientId id = next_client_++;
  // Client timers carry the id in an event's 32-bit index.
  UNWEDGE_ASSERT_LT(id, consensus::ClientId{1} << 32);
  clients_.emplace(id, &client);
  return id;
}

void StoreCluster::remove_client(consensus::ClientId id) {
  const std::size_t removed = clients_.erase(id);
  UNWEDGE_ASSERT_EQ(removed, 1u);
}

void StoreCluster::send_request(EndpointId from, std::uint32_t member,
                                const consensus::Request& request) {
  UNWEDGE_ASSERT_LT(member, size());
  send(from, hosts_[member].endpoint, 0,
       ToMemberRequest{.from = from, .to = member, .request = request});
}

void StoreCluster::schedule_client(consensus::ClientId id, core::TimeUs wait_us,
                                   std::uint64_t generation) {
  UNWEDGE_ASSERT_LE(0, wait_us);
  schedule_(*now_us_ + wait_us, {.kind = StoreEventKind::kClientTimer,
                                 .index = static_cast<std::uint32_t>(id),
                                 .id = generation});
}

std::size_t StoreCluster::invoked(const consensus::Request& request) {
  history_.operations.push_back(consensus::HistoryOp{.request = request, .invoke_us = *now_us_});
  return history_.operations.size() - 1;
}

void StoreCluster::completed(std::size_t operation, const consensus::Reply& reply) {
  UNWEDGE_ASSERT_LT(operation, history_.operations.size());
  consensus::HistoryOp& op = history_.operations[operation];
  UNWEDGE_ASSERT(!op.complete_us.has_value());
  UNWEDGE_ASSERT(reply.status == consensus::ReplyStatus::kOk);
  op.complete_us = *now_us_;
  op.result = reply;
}

consensus::CheckResult StoreCluster::check() const {
  return consensus::check_linearizability(
      history_, {.states_per_key_max = settings_.check_states_per_key_max,
                 .operations_per_key_max = settings_.check_operations_per_key_max});
}

}  // namespace unwedge::sim
