// Property: an action interrupted at any transaction and crash point, then
// driven again from what the Store holds, ends exactly where an uninterrupted
// run ends: same Store contents, same Infra effects, each effect started once.
#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "core/action_runner.hpp"
#include "core/in_memory_store.hpp"
#include "sim/sim_store.hpp"
#include "tests/support/fake_infra.hpp"
#include "tests/support/fake_telemetry.hpp"
#include "tests/support/manual_clock.hpp"
#include "tests/support/test_failover.hpp"

namespace unwedge::core {
namespace {

using sim::CrashPoint;
using sim::ProcessCrash;
using sim::SimStore;
using testing::FakeInfra;
using testing::ManualClock;
using testing::TestServer;
using testing::TestService;

constexpr char kActionId[] = "failover/db1/1";

void seed_fleet(InMemoryStore& store) {
  auto txn = store.begin();
  txn->put(TestService{.id = "db1", .leader = "db1-a"});
  txn->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 90});
  txn->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 88});
  txn->put(TestServer{.id = "db1-c", .service = "db1", .lsn = 70});
  const Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
}

struct Outcome {
  StoreSnapshot store;
  FakeInfra::Effects effects;
};

// Drives the action to completion, restarting the "process" (a fresh runner
// over the same durable store) after every simulated crash. Each restart
// starts the action again, as a scheduler that re-reads its decisions would.
Result<Outcome> run(std::uint32_t polls_to_finish,
                    const std::vector<std::pair<int, CrashPoint>>& crashes) {
  InMemoryStore durable;
  seed_fleet(durable);
  sim::SimStore store(durable);
  FakeInfra infra(polls_to_finish);
  ManualClock clock(5'000);
  testing::FakeTelemetry telemetry;
  Environment env{.store = store, .infra = infra, .clock = clock, .telemetry = telemetry};
  ActionDef failover = testing::test_failover();

  std::size_t next_crash = 0;
  auto arm = [&] {
    if (next_crash < crashes.size()) {
      const auto& [after, point] = crashes[next_crash++];
      store.crash_at(store.transactions_begun() + static_cast<std::uint64_t>(after), point);
    }
  };
  arm();
  for (int restart = 0; restart < 200; ++restart) {
    try {
      ActionRunner runner(env);
      if (Status started = runner.start(failover, kActionId, "db1"); !started) {
        return started.error();
      }
      for (int round = 0; round < 100; ++round) {
        Result<StepOutcome> out = runner.drive(failover, kActionId, 16);
        if (!out) return out.error();
        if (out->status == ActionStatus::kEnded) return Error{"ended: " + out->note};
        if (out->status == ActionStatus::kSucceeded) {
          return Outcome{durable.snapshot(), infra.effects()};
        }
      }
      return Error{"the action did not finish within 100 rounds"};
    } catch (const sim::ProcessCrash&) {
      arm();
    }
  }
  return Error{"the action did not finish within 200 restarts"};
}

RC_GTEST_PROP(ActionReentrancy, InterruptedRunEndsLikeAnUninterruptedOne,
              (std::uint8_t polls_seed)) {
  const std::uint32_t polls_to_finish = polls_seed % 4;
  const auto crashes = *rc::gen::container<std::vector<std::pair<int, CrashPoint>>>(
      rc::gen::pair(rc::gen::inRange(0, 12),
                    rc::gen::element(CrashPoint::kBeforeBegin, CrashPoint::kMidTransaction,
                                     CrashPoint::kAfterCommit)));
  Result<Outcome> clean = run(polls_to_finish, {});
  Result<Outcome> interrupted = run(polls_to_finish, crashes);
  RC_ASSERT(clean.ok());
  RC_ASSERT(interrupted.ok());

  RC_ASSERT(interrupted->store == clean->store);
  RC_ASSERT(interrupted->effects == clean->effects);
  for (const auto& [effect, started] : interrupted->effects)
    RC_ASSERT(started == 1);
  RC_ASSERT(clean->effects.size() == 3u);
}

TEST(ActionReentrancy, CrashAtEveryTransactionAndPointEndsLikeACleanRun) {
  // The exhaustive version of the property for a single crash: the clean run
  // takes 11 transactions with one poll per operation; 14 covers them all.
  Result<Outcome> clean = run(1, {});
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  for (int after = 0; after < 14; ++after) {
    for (CrashPoint point :
         {CrashPoint::kBeforeBegin, CrashPoint::kMidTransaction, CrashPoint::kAfterCommit}) {
      Result<Outcome> interrupted = run(1, {{after, point}});
      ASSERT_TRUE(interrupted.ok()) << interrupted.error().message;
      EXPECT_TRUE(interrupted->store == clean->store)
          << "crash after " << after << " transactions at point " << static_cast<int>(point) << ": "
          << fmt::format("{}", fmt::join(interrupted->store.diff(clean->store), "; "));
      EXPECT_EQ(interrupted->effects, clean->effects);
    }
  }
}

}  // namespace
}  // namespace unwedge::core
