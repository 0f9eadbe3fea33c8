#include "sim/sim_infra.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::sim {
namespace {

using core::OperationState;

constexpr std::int64_t kToken = 1'000'000;  // the bucket counts millionths

}  // namespace

core::TimeUs SimInfra::take_token(core::TimeUs now_us) {
  if (rate_limit.per_second == 0) return 0;
  UNWEDGE_ASSERT_LT(0u, rate_limit.burst);
  const std::int64_t full = static_cast<std::int64_t>(rate_limit.burst) * kToken;
  const std::int64_t rate = rate_limit.per_second;
  if (credit_ < 0) {
    credit_ = full;
    refilled_us_ = now_us;
  }
  if (now_us > refilled_us_) {
    // Past the time a full refill takes, the bucket is full: no product of
    // a long gap and the rate can overflow.
    const std::int64_t gap_us = std::min<std::int64_t>(now_us - refilled_us_, full / rate + 1);
    credit_ = std::min(full, credit_ + gap_us * rate);
    refilled_us_ = now_us;
  }
  if (credit_ >= kToken) {
    credit_ -= kToken;
    return 0;
  }
  const core::TimeUs wait_us = (kToken - credit_ + rate - 1) / rate;
  // Asked again this much later, the bucket holds a token.
  UNWEDGE_ASSERT_LT(0, wait_us);
  UNWEDGE_ASSERT_LE(kToken, credit_ + wait_us * rate);
  return wait_us;
}

std::string SimInfra::describe(const core::InfraRequest& r) const {
  if (r.argument.empty())
    return fmt::format("{} {} [{}]", backend_->verb_name(r.verb), r.target, r.idempotency_key);
  return fmt::format("{} {} {} [{}]", backend_->verb_name(r.verb), r.target, r.argument,
                     r.idempotency_key);
}

SimInfra::SimInfra(const SimInfra& other, InfraBackend& backend, Trace& trace) : SimInfra(other) {
  backend_ = &backend;
  trace_ = &trace;
  // The same keys, viewing this copy's operations rather than `other`'s.
  by_key_.clear();
  for (const auto& [index, op] : ops_)
    by_key_.emplace(op.request.idempotency_key, index);
  UNWEDGE_ASSERT_EQ(by_key_.size(), other.by_key_.size());
}

core::Operation SimInfra::request(const core::InfraRequest& request) {
  UNWEDGE_ASSERT_MSG(!request.idempotency_key.empty(),
                     "Infra request without an idempotency key: {}", describe(request));
  const core::TimeUs now_us = backend_->now_us();
  forget_expired(now_us);
  if (auto it = by_key_.find(request.idempotency_key); it != by_key_.end()) {
    Op& op = ops_.at(it->second);
    if (op.request != request) {
      trace_->record(now_us, TraceKind::kInfraCall, request.target,
                     "refused: key reused by " + describe(request));
      return {.state = OperationState::kFailed,
              .detail = "idempotency key " + request.idempotency_key +
                        " already names a different request"};
    }
    if (op.state.state == OperationState::kTimedOut) {
      // Asking again after a timeout: the API knows whether it did the work.
      if (op.applied) {
        op.state = {.state = OperationState::kSucceeded};
        settled(it->second, now_us);
      } else {
        submit(it->second);
      }
    }
    return answer(op.state);
  }
  if (const core::TimeUs wait_us = take_token(now_us); wait_us > 0) {
    // Traced when throttling begins and when it ends, not per request: a
    // fleet held back for an hour would otherwise fill the trace.
    if (throttled_in_a_row_++ == 0) {
      trace_->record(now_us, TraceKind::kInfraCall, request.target,
                     "throttled: the rate limit of {}/s is reached", rate_limit.per_second);
    }
    throttled_++;
    return {.state = OperationState::kPending,
            .detail = fmt::format("throttled; retry after {} us", wait_us),
            .retry_after_us = wait_us};
  }
  if (throttled_in_a_row_ > 0) {
    trace_->record(now_us, TraceKind::kInfraCall, request.target,
                   "throttling over: {} requests were turned away", throttled_in_a_row_);
    throttled_in_a_row_ = 0;
  }
  const std::uint32_t index = next_op_++;
  UNWEDGE_ASSERT_LT(index, UINT32_MAX);
  auto [op, created] =
      ops_.emplace(index, Op{.request = request, .state = {.state = OperationState::kPending}});
  UNWEDGE_ASSERT(created);
  by_key_.emplace(op->second.request.idempotency_key, index);
  submit(index);
  return answer(ops_.at(index).state);
}

core::Operation SimInfra::answer(const core::Operation& state) {
  // The call itself may time out: the caller hears nothing, while the
  // operation goes on (or has finished) on the API's side.
  if (conditions.timeout_ppm > 0 && rng_.chance(conditions.timeout_ppm)) {
    return {.state = OperationState::kTimedOut, .detail = "the call timed out"};
  }
  return state;
}

void SimInfra::settled(std::uint32_t index, core::TimeUs now_us) {
  Op& op = ops_.at(index);
  UNWEDGE_ASSERT(op.state.state != OperationState::kPending);
  op.settled_us = now_us;
  settled_.emplace_back(now_us, index);
}

void SimInfra::forget_expired(core::TimeUs now_us) {
  while (!settled_.empty() && now_us - settled_.front().first >= key_retention_us) {
    const auto [at_us, index] = settled_.front();
    settled_.pop_front();
    auto it = ops_.find(index);
    // Asked again (and pending, or settled later) since: not this entry's to forget.
    if (it == ops_.end() || it->second.settled_us != at_us) continue;
    const std::size_t erased = by_key_.erase(it->second.request.idempotency_key);
    UNWEDGE_ASSERT_EQ(erased, 1u);
    ops_.erase(it);
  }
}

void SimInfra::submit(std::uint32_t index) {
  Op& op = ops_.at(index);
  op.state = {.state = OperationState::kPending};
  op.settled_us = -1;
  const Latency latency = backend_->latency_of(op.request.verb);
  const core::TimeUs delay_us =
      static_cast<core::TimeUs>(rng_.between(latency.min_us, latency.max_us)) *
      conditions.latency_factor;
  trace_->record(backend_->now_us(), TraceKind::kInfraCall, op.request.target,
                 "request " + describe(op.request));
  backend_->schedule_operation(backend_->now_us() + delay_us, index, false);
}

void SimInfra::recover() {
  for (const auto& [index, op] : ops_) {
    if (op.state.state != OperationState::kPending) continue;
    const Latency latency = backend_->latency_of(op.request.verb);
    backend_->schedule_operation(backend_->now_us() + static_cast<core::TimeUs>(rng_.between(
                                                          latency.min_us, latency.max_us)),
                                 index, false);
  }
}

void SimInfra::complete(std::uint32_t index, bool replay) {
  UNWEDGE_ASSERT_LT(index, next_op_);
  const core::TimeUs now_us = backend_->now_us();
  auto found = ops_.find(index);
  if (found == ops_.end()) {
    // Only a settled operation is forgotten: what arrives this late for it
    // (a duplicate, a second answer) is dropped, as its key was.
    trace_->record(now_us, TraceKind::kInfraCall, "",
                   "late delivery for operation #{}: ignored, its key has expired", index);
    return;
  }
  Op& op = found->second;
  if (replay) {
    deliver_again(op, now_us);
    return;
  }
  if (op.state.state != OperationState::kPending) return;
  if (op.applied) {
    // A late delivery already carried the work out while the caller was
    // asking again: the key is done, so this one does nothing more.
    op.state = {.state = OperationState::kSucceeded};
  } else if (rng_.chance(conditions.fail_ppm)) {
    op.state = {.state = OperationState::kFailed, .detail = "the API returned an error"};
  } else if (rng_.chance(conditions.timeout_ppm)) {
    // The caller never hears; the work may or may not have been done.
    op.applied = rng_.chance(500'000) && !backend_->apply(op.request);
    op.state = {.state = OperationState::kTimedOut, .detail = "the API did not answer"};
  } else if (std::optional<std::string> failed = backend_->apply(op.request)) {
    op.state = {.state = OperationState::kFailed, .detail = *failed};
  } else {
    op.applied = true;
    op.state = {.state = OperationState::kSucceeded};
  }
  trace_->record(now_us, TraceKind::kInfraCall, op.request.target, "{} {}{}{}",
                 to_string(op.state.state), describe(op.request),
                 op.state.detail.empty() ? "" : ": ", op.state.detail);
  settled(index, now_us);
  const bool may_arrive_again = op.applied || op.state.state == OperationState::kTimedOut;
  if (may_arrive_again && rng_.chance(conditions.duplicate_ppm)) {
    const Latency latency = backend_->latency_of(op.request.verb);
    backend_->schedule_operation(
        now_us + static_cast<core::TimeUs>(rng_.between(latency.min_us, latency.max_us)), index,
        true);
  }
}

void SimInfra::deliver_again(Op& op, core::TimeUs now_us) {
  if (op.applied) {
    // The fleet carries out each idempotency key once, as a real fleet API
    // does: a second delivery of work already done is recognised and
    // dropped. Applying it again would let a stale copy undo what came
    // after it (a re-point landing after an unfollow), which no real fleet
    // does.
    trace_->record(now_us, TraceKind::kInfraCall, op.request.target,
                   "duplicate delivery of {}: ignored, its key was carried out",
                   describe(op.request));
    return;
  }
  if (op.state.state == OperationState::kFailed) {
    // The caller asked again after the timeout and the API refused the work:
    // the key's outcome is final, and a late copy of it is dropped too.
    trace_->record(now_us, TraceKind::kInfraCall, op.request.target,
                   "duplicate delivery of {}: ignored, its key failed", describe(op.request));
    return;
  }
  UNWEDGE_ASSERT_MSG(
      op.state.state == OperationState::kTimedOut || op.state.state == OperationState::kPending,
      "a second delivery of {} in state {}", describe(op.request), to_string(op.state.state));
  // The first delivery did nothing and its caller heard nothing: this copy
  // is the request arriving late, perhaps after the caller moved on.
  std::optional<std::string> failed = backend_->apply(op.request);
  op.applied = !failed.has_value();
  trace_->record(now_us, TraceKind::kInfraCall, op.request.target, "late delivery of {}: {}",
                 describe(op.request), failed ? *failed : "applied");
}

}  // namespace unwedge::sim
