// An agent's client of the consensus store (coordination_client.hpp): keyed
// asks, one request in flight at a time, retries that keep their sequence,
// and the client's own timeout by its host's clock.
#include "sim/coordination_client.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::sim {
namespace {

consensus::OpKind op_kind(core::KvKind kind) {
  switch (kind) {
    case core::KvKind::kGet:
      return consensus::OpKind::kGet;
    case core::KvKind::kPut:
      return consensus::OpKind::kPut;
    case core::KvKind::kCompareAndSet:
      return consensus::OpKind::kCompareAndSet;
    case core::KvKind::kRemove:
      return consensus::OpKind::kRemove;
    case core::KvKind::kCompareAndRemove:
      return consensus::OpKind::kCompareAndRemove;
  }
  UNWEDGE_ASSERT_MSG(false, "unknown request kind {}", static_cast<int>(kind));
  return consensus::OpKind::kGet;
}

consensus::Request store_request(const core::KvRequest& asked) {
  UNWEDGE_ASSERT_LE(0, asked.ttl_us);
  return consensus::Request{.kind = op_kind(asked.kind),
                            .key = asked.key,
                            .value = asked.value,
                            .expected_revision = asked.expected_revision,
                            .ttl_us = asked.ttl_us};
}

std::string millis(core::TimeUs us) {
  return fmt::format("{} ms", us / core::kMillisecond);
}

}  // namespace

CoordinationClient::CoordinationClient(StoreCluster& store, std::string node, EndpointId endpoint,
                                       const SimClock& clock, const core::TimeUs& now_us,
                                       Trace& trace, std::function<bool()> alive)
    : store_(store),
      node_(std::move(node)),
      endpoint_(endpoint),
      clock_(clock),
      now_us_(now_us),
      trace_(trace),
      alive_(std::move(alive)) {
  id_ = store_.add_client(*this);
  // Clients start at different members, as real ones spread over their endpoints.
  leader_ = static_cast<std::uint32_t>(id_ % store_.size());
}

CoordinationClient::~CoordinationClient() {
  store_.remove_client(id_);
}

core::KvAnswer CoordinationClient::ask(std::string_view request_key,
                                       const core::KvRequest& request) {
  UNWEDGE_ASSERT(!request_key.empty());
  if (auto known = asks_.find(request_key); known != asks_.end()) {
    UNWEDGE_ASSERT_MSG(known->second.asked == request,
                       "{} asked the store again under key {} with another request", node_,
                       request_key);
    return known->second.answer;
  }
  const std::string key(request_key);
  Ask fresh{.asked = request,
            .request = store_request(request),
            .asked_us = now_us_,
            .deadline_local_us = clock_.now_us() + store_.settings().client_timeout_us};
  if (queue_.size() >= kQueuedAsksMax) {
    fresh.answer =
        core::KvAnswer{.state = core::KvState::kFailed,
                       .detail = fmt::format("{} asks already wait to be sent", kQueuedAsksMax)};
    trace_.record(now_us_, TraceKind::kCoordination, node_, "{}: failed: {}", key,
                  fresh.answer.detail);
    const core::KvAnswer answer = fresh.answer;
    asks_.emplace(key, std::move(fresh));
    remember_finished(key);
    return answer;
  }
  Ask& added = asks_.emplace(key, std::move(fresh)).first->second;
  queue_.push_back(key);
  send_next();
  return added.answer;
}

CoordinationClient::Ask& CoordinationClient::current() {
  UNWEDGE_ASSERT(sending_);
  UNWEDGE_ASSERT(current_ != nullptr);
  return *current_;
}

void CoordinationClient::send_next() {
  // Bounded by the queue: each pass either sends one ask or fails one.
  while (!sending_ && !queue_.empty()) {
    auto found = asks_.find(queue_.front());
    UNWEDGE_ASSERT(found != asks_.end());
    Ask& next = found->second;
    sending_ = true;
    current_ = &next;
    if (clock_.now_us() >= next.deadline_local_us) {
      fail_current("its time ran out before it could be sent (asks ahead of it took it)");
      continue;
    }
    next.request.client = id_;
    next.request.sequence = next_sequence_++;
    const bool read = next.request.kind == consensus::OpKind::kGet;
    target_ =
        read ? static_cast<std::uint32_t>((id_ + next.request.sequence) % store_.size()) : leader_;
    next.operation = store_.invoked(next.request);
    trace_.record(now_us_, TraceKind::kCoordination, node_, "ask {}: {} to {} (client {} seq {})",
                  queue_.front(), consensus::describe(next.request), store_.name(target_), id_,
                  next.request.sequence);
    attempt();
  }
}

void CoordinationClient::attempt() {
  store_.send_request(endpoint_, target_, current().request);
  arm(store_.settings().attempt_timeout_us, /*rotate=*/true);
}

void CoordinationClient::arm(core::TimeUs wait_local_us, bool rotate) {
  const core::TimeUs left_us = current().deadline_local_us - clock_.now_us();
  const core::TimeUs wait_us = std::max<core::TimeUs>(0, std::min(wait_local_us, left_us));
  const double rate = 1.0 + clock_.drift_ppm() / 1e6;
  rotate_on_timer_ = rotate;
  store_.schedule_client(id_, std::max<core::TimeUs>(1, static_cast<core::TimeUs>(wait_us / rate)),
                         ++timer_generation_);
}

void CoordinationClient::on_timer(std::uint64_t generation) {
  if (generation != timer_generation_ || !sending_) return;
  if (clock_.now_us() >= current().deadline_local_us) {
    fail_current(fmt::format("no answer within {} by {}'s clock (last tried {})",
                             millis(store_.settings().client_timeout_us), node_,
                             store_.name(target_)));
    send_next();
    return;
  }
  // Unanswered: that member may be down or cut off; try the next.
  if (rotate_on_timer_) target_ = (target_ + 1) % store_.size();
  attempt();
}

void CoordinationClient::on_reply(std::uint32_t from, const consensus::Reply& reply) {
  UNWEDGE_ASSERT_EQ(reply.client, id_);
  if (!sending_ || reply.sequence != current().request.sequence) return;  // one it gave up on
  if (reply.status != consensus::ReplyStatus::kOk) {
    // Refused, or the leader lost its leadership with it in flight: try
    // again, with the same sequence, where the refusal points.
    target_ = reply.leader_hint && *reply.leader_hint < store_.size() ? *reply.leader_hint
                                                                      : (from + 1) % store_.size();
    if (reply.leader_hint) leader_ = target_;
    arm(store_.settings().retry_backoff_us, /*rotate=*/false);
    return;
  }
  Ask& ask = current();
  if (ask.request.kind != consensus::OpKind::kGet) leader_ = from;  // a write's answer: it leads
  UNWEDGE_ASSERT(ask.operation.has_value());
  store_.completed(*ask.operation, reply);
  trace_.record(now_us_, TraceKind::kCoordination, node_, "{}: {} from {} after {}", queue_.front(),
                consensus::describe(reply), store_.name(from), millis(now_us_ - ask.asked_us));
  finish(core::KvAnswer{.state = core::KvState::kAnswered,
                        .succeeded = reply.succeeded,
                        .value = reply.value,
                        .revision = reply.revision,
                        .detail = consensus::describe(reply)});
  send_next();
}

void CoordinationClient::fail_current(std::string why) {
  trace_.record(now_us_, TraceKind::kCoordination, node_, "{}: failed: {}", queue_.front(), why);
  finish(core::KvAnswer{.state = core::KvState::kFailed, .detail = std::move(why)});
}

void CoordinationClient::finish(core::KvAnswer answer) {
  current().answer = std::move(answer);
  const std::string key = queue_.front();
  queue_.pop_front();
  sending_ = false;
  current_ = nullptr;
  ++timer_generation_;  // its timer is stale now
  remember_finished(key);
}

void CoordinationClient::remember_finished(const std::string& key) {
  finished_.push_back(key);
  if (finished_.size() <= kFinishedAsksKept) return;
  asks_.erase(finished_.front());
  finished_.pop_front();
}

}  // namespace unwedge::sim
