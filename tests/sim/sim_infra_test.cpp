#include "sim/sim_infra.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "worlds/postgres/fleet_api.hpp"
#include "worlds/postgres/world.hpp"

namespace unwedge::sim {
namespace {

using core::InfraRequest;
using core::InfraVerb;
using core::OperationState;

// Stands in for the Simulation: a settable clock, the Postgres world's
// latencies and verbs, a list of the completions SimInfra asked for, and a
// record of every effect it applied.
class FakeBackend final : public InfraBackend {
 public:
  struct Scheduled {
    core::TimeUs at_us;
    std::uint32_t op;
    bool replay;
  };

  core::TimeUs now_us() const override { return now; }
  Latency latency_of(InfraVerb verb) const override {
    const pgworld::OperationLatency latency = pgworld::operation_latency(verb);
    return {.min_us = latency.min_us, .max_us = latency.max_us};
  }
  const char* verb_name(InfraVerb verb) const override { return pgworld::to_string(verb); }
  void schedule_operation(core::TimeUs at_us, std::uint32_t op, bool replay) override {
    scheduled.push_back({at_us, op, replay});
  }
  std::optional<std::string> apply(const InfraRequest& request) override {
    attempts.push_back(request);
    if (refusal) return refusal;
    applied.push_back(request);
    return std::nullopt;
  }

  std::size_t applied_count(const InfraRequest& request) const {
    return static_cast<std::size_t>(std::count(applied.begin(), applied.end(), request));
  }

  core::TimeUs now = 1'000'000;
  std::vector<Scheduled> scheduled;
  std::vector<InfraRequest> attempts;  // every apply() call
  std::vector<InfraRequest> applied;   // the ones that took effect
  std::optional<std::string> refusal;  // set: apply() fails with this reason
};

InfraRequest fence(std::string key, std::string target = "db1-1") {
  return {.verb = pgworld::kFence, .target = std::move(target), .idempotency_key = std::move(key)};
}

class SimInfraTest : public ::testing::Test {
 protected:
  SimInfraTest() : previous_(core::set_assertion_handler(&core::throwing_assertion_handler)) {}
  ~SimInfraTest() override { core::set_assertion_handler(previous_); }

  // Fences servers under calls that all time out until one timeout leaves
  // its work undone (a coin of one half each); that request, or none in 16.
  std::optional<InfraRequest> time_out_until_undone() {
    for (std::uint32_t i = 0; i < 16; ++i) {
      const InfraRequest r = fence("fence/" + std::to_string(i), "db1-" + std::to_string(i));
      infra.request(r);
      const FakeBackend::Scheduled s = backend.scheduled.back();
      backend.now = std::max(backend.now, s.at_us);
      infra.complete(s.op, s.replay);
      if (backend.applied_count(r) == 0) return r;
    }
    return std::nullopt;
  }

  // Delivers the most recently scheduled completion, at its time.
  void deliver_last() {
    ASSERT_FALSE(backend.scheduled.empty());
    const FakeBackend::Scheduled s = backend.scheduled.back();
    backend.now = std::max(backend.now, s.at_us);
    infra.complete(s.op, s.replay);
  }

  FakeBackend backend;
  Trace trace;
  SimInfra infra{backend, trace, Rng::stream(1, "infra")};

 private:
  core::AssertionHandler previous_;
};

TEST_F(SimInfraTest, ANewKeyIsPendingAndSchedulesItsCompletion) {
  const core::Operation op = infra.request(fence("fence/1"));
  EXPECT_EQ(op.state, OperationState::kPending);
  EXPECT_FALSE(op.done());
  EXPECT_EQ(infra.operations(), 1u);
  ASSERT_EQ(backend.scheduled.size(), 1u);
  EXPECT_EQ(backend.scheduled[0].op, 0u);
  EXPECT_FALSE(backend.scheduled[0].replay);
  // A fence takes between half a second and three seconds.
  EXPECT_GE(backend.scheduled[0].at_us, backend.now + 500'000);
  EXPECT_LE(backend.scheduled[0].at_us, backend.now + 3 * core::kSecond);
  // Nothing happens to the world until the operation finishes.
  EXPECT_TRUE(backend.attempts.empty());
  EXPECT_EQ(trace.count(TraceKind::kInfraCall), 1u);
}

TEST_F(SimInfraTest, LatencyIsScaledBySlowness) {
  infra.conditions.latency_factor = 10;
  infra.request(fence("fence/1"));
  ASSERT_EQ(backend.scheduled.size(), 1u);
  EXPECT_GE(backend.scheduled[0].at_us, backend.now + 5 * core::kSecond);
  EXPECT_LE(backend.scheduled[0].at_us, backend.now + 30 * core::kSecond);
}

TEST_F(SimInfraTest, TheSameKeyReportsTheSameOperationWithoutStartingAnother) {
  infra.request(fence("fence/1"));
  backend.now += 100;
  const core::Operation again = infra.request(fence("fence/1"));
  EXPECT_EQ(again.state, OperationState::kPending);
  EXPECT_EQ(infra.operations(), 1u);
  EXPECT_EQ(backend.scheduled.size(), 1u);

  // A different key is a different operation.
  infra.request(fence("fence/2"));
  EXPECT_EQ(infra.operations(), 2u);
  ASSERT_EQ(backend.scheduled.size(), 2u);
  EXPECT_EQ(backend.scheduled[1].op, 1u);
}

// A real fleet API forgets a key a while after its operation finished:
// asked again after that, the key starts the work anew. A pending operation
// is never forgotten, and what arrives late for a forgotten one is dropped.
TEST_F(SimInfraTest, AFinishedOperationsKeyIsForgottenAfterTheRetention) {
  infra.key_retention_us = core::kHour;
  infra.request(fence("fence/1"));
  deliver_last();
  ASSERT_TRUE(backend.attempts.size() == 1u);
  infra.request(fence("fence/2"));  // left pending
  const core::TimeUs finished_us = backend.now;

  backend.now = finished_us + core::kHour - 1;
  EXPECT_TRUE(infra.request(fence("fence/1")).done());  // still remembered
  EXPECT_EQ(infra.operations(), 2u);

  backend.now = finished_us + core::kHour;
  const core::Operation anew = infra.request(fence("fence/1"));
  EXPECT_EQ(anew.state, OperationState::kPending);  // forgotten: a new operation
  EXPECT_EQ(infra.operations(), 2u);                // the first is gone
  EXPECT_EQ(backend.scheduled.back().op, 2u);

  backend.now += 10 * core::kHour;
  infra.request(fence("fence/3"));
  // fence/2 is still pending: kept; the new fence/1 too; fence/3 is new.
  EXPECT_EQ(infra.operations(), 3u);
  infra.complete(0, true);  // a late copy of the forgotten first operation
  EXPECT_EQ(backend.attempts.size(), 1u);
}

TEST_F(SimInfraTest, AKeyReusedForADifferentRequestIsRefused) {
  infra.request(fence("shared-key", "db1-1"));
  const core::Operation clash = infra.request(fence("shared-key", "db1-2"));
  EXPECT_EQ(clash.state, OperationState::kFailed);
  EXPECT_NE(clash.detail.find("already names a different request"), std::string::npos);
  EXPECT_EQ(infra.operations(), 1u);
  EXPECT_EQ(backend.scheduled.size(), 1u);

  // A different verb under the key is refused too, and the original
  // operation is unharmed.
  InfraRequest unfence = fence("shared-key", "db1-1");
  unfence.verb = pgworld::kUnfence;
  EXPECT_EQ(infra.request(unfence).state, OperationState::kFailed);
  deliver_last();
  EXPECT_EQ(infra.request(fence("shared-key", "db1-1")).state, OperationState::kSucceeded);
  EXPECT_EQ(backend.applied, std::vector<InfraRequest>{fence("shared-key", "db1-1")});
}

TEST_F(SimInfraTest, CompletionAppliesTheEffectOnceAndSucceeds) {
  const InfraRequest request = fence("fence/1");
  infra.request(request);
  deliver_last();
  EXPECT_EQ(backend.applied, std::vector<InfraRequest>{request});
  const core::Operation done = infra.request(request);
  EXPECT_EQ(done.state, OperationState::kSucceeded);
  EXPECT_TRUE(done.done());
  EXPECT_EQ(backend.scheduled.size(), 1u);

  // A stray second completion of a finished operation does nothing.
  infra.complete(0, false);
  EXPECT_EQ(backend.applied_count(request), 1u);
  EXPECT_EQ(infra.request(request).state, OperationState::kSucceeded);
}

TEST_F(SimInfraTest, AnEffectTheWorldCannotApplyFailsWithItsReason) {
  backend.refusal = "db1-1 does not exist";
  infra.request(fence("fence/1"));
  deliver_last();
  const core::Operation op = infra.request(fence("fence/1"));
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_EQ(op.detail, "db1-1 does not exist");
  EXPECT_EQ(backend.attempts.size(), 1u);
  EXPECT_TRUE(backend.applied.empty());
  // Failed is final: asking again does not retry.
  EXPECT_EQ(backend.scheduled.size(), 1u);
}

TEST_F(SimInfraTest, FailingCallsDoNothing) {
  infra.conditions.fail_ppm = 1'000'000;
  infra.request(fence("fence/1"));
  deliver_last();
  const core::Operation op = infra.request(fence("fence/1"));
  EXPECT_EQ(op.state, OperationState::kFailed);
  EXPECT_EQ(op.detail, "the API returned an error");
  EXPECT_TRUE(backend.attempts.empty());
  EXPECT_EQ(backend.scheduled.size(), 1u);
}

TEST_F(SimInfraTest, ATimedOutCallAskedAgainReportsWhetherItHappened) {
  // Each timeout applies the effect with chance 1/2, so over many keys both
  // outcomes turn up; each must be reported truthfully when asked again.
  int applied_then_succeeded = 0;
  int resubmitted = 0;
  for (int i = 0; i < 40; ++i) {
    const InfraRequest request = fence("fence/" + std::to_string(i));
    infra.conditions.timeout_ppm = 1'000'000;
    infra.request(request);
    deliver_last();
    // The caller sees a timeout only by asking, which resolves it; the trace
    // shows what the operation came to first.
    ASSERT_TRUE(trace.recent().back().detail.starts_with("timed_out fence db1-1"));
    const std::size_t scheduled = backend.scheduled.size();
    const bool happened = backend.applied_count(request) == 1;

    infra.conditions.timeout_ppm = 0;
    const core::Operation again = infra.request(request);
    if (happened) {
      ++applied_then_succeeded;
      EXPECT_EQ(again.state, OperationState::kSucceeded);
      EXPECT_EQ(backend.scheduled.size(), scheduled);
    } else {
      ++resubmitted;
      EXPECT_EQ(again.state, OperationState::kPending);
      ASSERT_EQ(backend.scheduled.size(), scheduled + 1);
      EXPECT_EQ(backend.scheduled.back().op, static_cast<std::uint32_t>(i));
      EXPECT_FALSE(backend.scheduled.back().replay);
      EXPECT_EQ(backend.applied_count(request), 0u);
      deliver_last();
      EXPECT_EQ(infra.request(request).state, OperationState::kSucceeded);
    }
    // Either way the effect happened exactly once.
    EXPECT_EQ(backend.applied_count(request), 1u);
  }
  EXPECT_GT(applied_then_succeeded, 0);
  EXPECT_GT(resubmitted, 0);
  EXPECT_EQ(infra.operations(), 40u);
}

TEST_F(SimInfraTest, ATimeoutIsTracedAndAKeyClashDoesNotResolveIt) {
  infra.conditions.timeout_ppm = 1'000'000;
  infra.request(fence("fence/1"));
  deliver_last();
  const std::vector<TraceRecord> recent = trace.recent();
  ASSERT_FALSE(recent.empty());
  EXPECT_EQ(recent.back().detail, "timed_out fence db1-1 [fence/1]: the API did not answer");
  // Only the request the key names may ask after the outcome; a clashing one
  // is refused without resubmitting anything.
  EXPECT_EQ(infra.request(fence("fence/1", "db1-2")).state, OperationState::kFailed);
  EXPECT_EQ(backend.scheduled.size(), 1u);
}

// A real fleet API carries out each idempotency key once: a second delivery
// of finished work is recognised and dropped, so it cannot undo what came
// after it (a re-point landing after an unfollow).
TEST_F(SimInfraTest, ADuplicateOfFinishedWorkIsDropped) {
  infra.conditions.duplicate_ppm = 1'000'000;
  const InfraRequest request = fence("fence/1");
  infra.request(request);
  deliver_last();
  EXPECT_EQ(infra.request(request).state, OperationState::kSucceeded);
  ASSERT_EQ(backend.scheduled.size(), 2u);
  const FakeBackend::Scheduled replay = backend.scheduled[1];
  EXPECT_TRUE(replay.replay);
  EXPECT_EQ(replay.op, 0u);
  EXPECT_GE(replay.at_us, backend.now + 500'000);
  EXPECT_EQ(backend.applied_count(request), 1u);

  deliver_last();
  EXPECT_EQ(backend.applied_count(request), 1u);
  EXPECT_EQ(backend.attempts.size(), 1u);
  // A replay is not itself replayed, and the caller's view is unchanged.
  EXPECT_EQ(backend.scheduled.size(), 2u);
  EXPECT_EQ(infra.request(request).state, OperationState::kSucceeded);
  ASSERT_FALSE(trace.recent().empty());
  EXPECT_EQ(trace.recent().back().detail,
            "duplicate delivery of fence db1-1 [fence/1]: ignored, its key was carried out");
}

// A call that timed out having done nothing may still be in a queue: its
// second delivery carries the work out late, and the caller asking again
// hears it done rather than starting it over.
TEST_F(SimInfraTest, ATimedOutCallThatDidNothingMayLandLate) {
  infra.conditions.duplicate_ppm = 1'000'000;
  infra.conditions.timeout_ppm = 1'000'000;
  const std::optional<InfraRequest> undone = time_out_until_undone();
  ASSERT_TRUE(undone.has_value()) << "no timeout left its work undone in 16 calls";
  ASSERT_TRUE(backend.scheduled.back().replay);
  deliver_last();
  EXPECT_EQ(backend.applied_count(*undone), 1u);
  EXPECT_EQ(trace.recent().back().detail, "late delivery of fence " + undone->target + " [" +
                                              undone->idempotency_key + "]: applied");
  infra.conditions = {};
  EXPECT_EQ(infra.request(*undone).state, OperationState::kSucceeded);
  EXPECT_EQ(backend.applied_count(*undone), 1u);
}

// The caller asked again after a timeout and the work was resubmitted; a late
// delivery carries it out first: the resubmitted operation finishes without
// applying it twice.
TEST_F(SimInfraTest, AResubmittedCallOvertakenByItsLateDeliveryAppliesOnce) {
  infra.conditions.duplicate_ppm = 1'000'000;
  infra.conditions.timeout_ppm = 1'000'000;
  const std::optional<InfraRequest> undone = time_out_until_undone();
  ASSERT_TRUE(undone.has_value()) << "no timeout left its work undone in 16 calls";
  const FakeBackend::Scheduled late = backend.scheduled.back();
  ASSERT_TRUE(late.replay);
  infra.conditions = {};
  // Asking again resubmits (the API knows the work was not done).
  EXPECT_EQ(infra.request(*undone).state, OperationState::kPending);
  const FakeBackend::Scheduled resubmitted = backend.scheduled.back();
  ASSERT_FALSE(resubmitted.replay);
  infra.complete(late.op, true);
  EXPECT_EQ(backend.applied_count(*undone), 1u);
  infra.complete(resubmitted.op, false);
  EXPECT_EQ(backend.applied_count(*undone), 1u);
  EXPECT_EQ(infra.request(*undone).state, OperationState::kSucceeded);
}

// Found by fleet_fuzzer (fuzz/regressions/fleet_fuzzer/late-copy-of-a-refused-call):
// after a timeout the caller asked again and the API refused the work; the
// key's outcome is final, so the first call's late copy is dropped.
TEST_F(SimInfraTest, ALateCopyOfACallRefusedSinceIsDropped) {
  infra.conditions.duplicate_ppm = 1'000'000;
  infra.conditions.timeout_ppm = 1'000'000;
  const std::optional<InfraRequest> undone = time_out_until_undone();
  ASSERT_TRUE(undone.has_value()) << "no timeout left its work undone in 16 calls";
  const FakeBackend::Scheduled late = backend.scheduled.back();
  ASSERT_TRUE(late.replay);
  infra.conditions = {};
  backend.refusal = "db1-1 is booting";
  EXPECT_EQ(infra.request(*undone).state, OperationState::kPending);
  deliver_last();
  EXPECT_EQ(infra.request(*undone).state, OperationState::kFailed);
  backend.refusal.reset();
  infra.complete(late.op, true);
  EXPECT_EQ(backend.applied_count(*undone), 0u);
  EXPECT_EQ(trace.recent().back().detail, "duplicate delivery of fence " + undone->target + " [" +
                                              undone->idempotency_key +
                                              "]: ignored, its key failed");
}

TEST_F(SimInfraTest, AFailedOperationIsNeverReplayed) {
  infra.conditions.duplicate_ppm = 1'000'000;
  infra.conditions.fail_ppm = 1'000'000;
  infra.request(fence("fence/1"));
  deliver_last();
  EXPECT_EQ(backend.scheduled.size(), 1u);
  EXPECT_TRUE(backend.attempts.empty());
}

TEST_F(SimInfraTest, ARequestWithoutAnIdempotencyKeyIsAContractBreach) {
  EXPECT_THROW(infra.request(fence("")), core::AssertionFailure);
  EXPECT_EQ(infra.operations(), 0u);
  EXPECT_TRUE(backend.scheduled.empty());
}

TEST_F(SimInfraTest, CompletingAnUnknownOperationIsAContractBreach) {
  EXPECT_THROW(infra.complete(0, false), core::AssertionFailure);
}

TEST_F(SimInfraTest, TheSameSeedSchedulesTheSameTimes) {
  FakeBackend other_backend;
  Trace other_trace;
  SimInfra other{other_backend, other_trace, Rng::stream(1, "infra")};
  for (int i = 0; i < 10; ++i) {
    const InfraRequest request = {.verb = pgworld::kCreateHost,
                                  .target = "db1-" + std::to_string(i),
                                  .argument = "db1",
                                  .idempotency_key = "create/" + std::to_string(i)};
    infra.request(request);
    other.request(request);
  }
  ASSERT_EQ(backend.scheduled.size(), other_backend.scheduled.size());
  for (std::size_t i = 0; i < backend.scheduled.size(); ++i) {
    EXPECT_EQ(backend.scheduled[i].at_us, other_backend.scheduled[i].at_us);
    // Hosts take between 30 s and 2 min to create.
    EXPECT_GE(backend.scheduled[i].at_us, backend.now + 30 * core::kSecond);
    EXPECT_LE(backend.scheduled[i].at_us, backend.now + 120 * core::kSecond);
  }
  EXPECT_EQ(trace.digest(), other_trace.digest());
}

}  // namespace
}  // namespace unwedge::sim

namespace unwedge::sim {
namespace {

// The fleet API's rate limit: a burst passes, the next request is throttled
// with the time until a token is back and starts nothing, and asked again
// under the same key after that time it starts. Asking about an operation
// already started is never throttled.
TEST_F(SimInfraTest, ARateLimitThrottlesNewRequestsWithARetryAfterAndStartsNothing) {
  infra.rate_limit = {.per_second = 2, .burst = 2};
  EXPECT_EQ(infra.request(fence("a", "db1-1")).retry_after_us, 0);
  EXPECT_EQ(infra.request(fence("b", "db1-2")).retry_after_us, 0);
  const core::Operation throttled = infra.request(fence("c", "db1-3"));
  EXPECT_EQ(throttled.state, OperationState::kPending);
  EXPECT_EQ(throttled.retry_after_us, 500 * core::kMillisecond);  // one token at 2/s
  EXPECT_EQ(backend.scheduled.size(), 2u);                        // "c" started nothing
  EXPECT_EQ(infra.throttled(), 1u);
  // Asking about a started operation costs no token.
  EXPECT_EQ(infra.request(fence("a", "db1-1")).retry_after_us, 0);
  backend.now += throttled.retry_after_us - 1;
  EXPECT_GT(infra.request(fence("c", "db1-3")).retry_after_us, 0);  // a moment too soon
  backend.now += 1;
  const core::Operation started = infra.request(fence("c", "db1-3"));
  EXPECT_EQ(started.retry_after_us, 0);
  EXPECT_EQ(backend.scheduled.size(), 3u);
  EXPECT_EQ(infra.throttled(), 2u);
  // A long quiet refills the bucket to its burst, no further.
  backend.now += core::kHour;
  EXPECT_EQ(infra.request(fence("d", "db1-4")).retry_after_us, 0);
  EXPECT_EQ(infra.request(fence("e", "db1-5")).retry_after_us, 0);
  EXPECT_GT(infra.request(fence("f", "db1-6")).retry_after_us, 0);
}

}  // namespace
}  // namespace unwedge::sim
