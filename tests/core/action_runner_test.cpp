#include "core/action_runner.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/support/failover_fixture.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::core {
namespace {

using testing::FakeInfra;
using testing::TestServer;
using testing::TestService;

class ActionRunnerTest : public testing::FailoverFixture {
 protected:
  void SetUp() override {
    FailoverFixture::SetUp();
    auto txn = store_.begin();
    txn->put(TestServer{.id = "db1-c", .service = "db1", .lsn = 70});
    txn->put(TestServer{.id = "db2-a", .service = "db2", .lsn = 99});
    ASSERT_TRUE(txn->commit().ok());
  }

  ActionRecord record(std::string_view id) { return *store_.begin()->get<ActionRecord>(id); }

  ActionRunner runner_{env_};
};

TEST_F(ActionRunnerTest, RunsEveryStepToSuccessWithKeyedInfraCalls) {
  ASSERT_TRUE(runner_.start(failover_, "failover/db1/1", "db1").ok());
  int waits = 0;
  for (int i = 0; i < 20; ++i) {
    Result<StepOutcome> out = runner_.drive(failover_, "failover/db1/1", 10);
    ASSERT_TRUE(out.ok()) << out.error().message;
    if (out->status == ActionStatus::kSucceeded) break;
    EXPECT_EQ(out->verdict, StepVerdict::kWait);
    ++waits;
  }
  EXPECT_EQ(waits, 3);  // fence, promote and repoint each wait once
  ActionRecord done = record("failover/db1/1");
  EXPECT_EQ(done.status, ActionStatus::kSucceeded);
  EXPECT_EQ(done.next_step, 4u);
  EXPECT_EQ(done.vars.at("old_leader"), "db1-a");
  EXPECT_EQ(done.vars.at("new_leader"), "db1-b");  // db2-a has more WAL but is not db1's
  auto txn = store_.begin();
  EXPECT_EQ(txn->get<TestService>("db1")->leader, "db1-b");
  EXPECT_TRUE(txn->get<TestServer>("db1-a")->fenced);

  FakeInfra::Effects effects = infra_.effects();
  EXPECT_EQ(effects.size(), 3u);
  EXPECT_EQ((effects[{pgworld::kFence, "db1-a", ""}]), 1);
  EXPECT_EQ((effects[{pgworld::kPromote, "db1-b", ""}]), 1);
  EXPECT_EQ((effects[{pgworld::kPointEndpoint, "db1", "db1-b"}]), 1);
}

TEST_F(ActionRunnerTest, StartIsIdempotentAndRefusesAReusedId) {
  ASSERT_TRUE(runner_.start(failover_, "failover/db1/1", "db1").ok());
  ASSERT_TRUE(runner_.step(failover_, "failover/db1/1").ok());
  ASSERT_TRUE(runner_.step(failover_, "failover/db1/1").ok());
  ActionRecord progressed = record("failover/db1/1");
  ASSERT_TRUE(runner_.start(failover_, "failover/db1/1", "db1").ok());
  EXPECT_EQ(record("failover/db1/1"), progressed);  // no reset of progress

  Status reused = runner_.start(failover_, "failover/db1/1", "db2");
  ASSERT_FALSE(reused.ok());
  EXPECT_NE(reused.error().message.find("already names Failover on db1"), std::string::npos);
}

TEST_F(ActionRunnerTest, KeysDifferPerStepAndRepeatWithinAStep) {
  ASSERT_TRUE(runner_.start(failover_, "failover/db1/7", "db1").ok());
  ASSERT_TRUE(runner_.step(failover_, "failover/db1/7").ok());  // fence: accepted
  ASSERT_TRUE(runner_.step(failover_, "failover/db1/7").ok());  // fence: done
  EXPECT_EQ(infra_.operations(), 1u);                           // the second request reused the key
  EXPECT_EQ(infra_.requests(), 2u);
  EXPECT_EQ(record("failover/db1/7").next_step, 1u);
}

TEST_F(ActionRunnerTest, StepWhosePreconditionIsGoneEndsTheActionCleanly) {
  ASSERT_TRUE(runner_.start(failover_, "failover/db9/1", "db9").ok());
  Result<StepOutcome> out = runner_.drive(failover_, "failover/db9/1", 10);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, ActionStatus::kEnded);
  EXPECT_EQ(out->note, "service is gone");
  EXPECT_EQ(infra_.operations(), 0u);
  // An ended action stays ended; stepping it again changes nothing.
  Result<StepOutcome> again = runner_.step(failover_, "failover/db9/1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, ActionStatus::kEnded);
}

TEST_F(ActionRunnerTest, ThrowingStepRollsBackEverythingItWrote) {
  ActionDef def{.name = "Broken",
                .steps = {{"write-then-throw", [](StepContext& ctx) -> StepResult {
                             ctx.txn().put(TestService{.id = "db1", .leader = "garbage"});
                             ctx.set_var("half", "done");
                             throw std::runtime_error("disk on fire");
                           }}}};
  ASSERT_TRUE(runner_.start(def, "broken/1", "db1").ok());
  StoreSnapshot before = store_.snapshot();
  Result<StepOutcome> out = runner_.step(def, "broken/1");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("disk on fire"), std::string::npos);
  EXPECT_EQ(store_.snapshot(), before);
}

TEST_F(ActionRunnerTest, AssertionFailureInAStepIsNotSwallowed) {
  ActionDef def{.name = "Contract", .steps = {{"assert", [](StepContext&) -> StepResult {
                                                 UNWEDGE_ASSERT_EQ(1 + 1, 3);
                                                 return StepResult::next();
                                               }}}};
  AssertionHandler previous = set_assertion_handler(&throwing_assertion_handler);
  ASSERT_TRUE(runner_.start(def, "contract/1", "db1").ok());
  EXPECT_THROW((void)runner_.step(def, "contract/1"), AssertionFailure);
  set_assertion_handler(previous);
}

TEST_F(ActionRunnerTest, WaitingIsBoundedByWaitsMax) {
  ActionDef def{
      .name = "Patient",
      .steps = {{"never-ready", [](StepContext&) { return StepResult::wait("not yet"); }}},
      .waits_max = 3};
  ASSERT_TRUE(runner_.start(def, "patient/1", "db1").ok());
  std::vector<ActionStatus> statuses;
  for (int i = 0; i < 3; ++i)
    statuses.push_back(runner_.step(def, "patient/1")->status);
  EXPECT_EQ(statuses, (std::vector<ActionStatus>{ActionStatus::kRunning, ActionStatus::kRunning,
                                                 ActionStatus::kEnded}));
  EXPECT_EQ(record("patient/1").note, "gave up after 3 waits in step never-ready: not yet");
}

TEST_F(ActionRunnerTest, FinishSkipsTheRemainingSteps) {
  int second_ran = 0;
  ActionDef def{.name = "Short",
                .steps = {{"already-done", [](StepContext&) { return StepResult::finish("noop"); }},
                          {"never", [&](StepContext&) {
                             ++second_ran;
                             return StepResult::next();
                           }}}};
  ASSERT_TRUE(runner_.start(def, "short/1", "db1").ok());
  Result<StepOutcome> out = runner_.drive(def, "short/1", 10);
  EXPECT_EQ(out->status, ActionStatus::kSucceeded);
  EXPECT_EQ(second_ran, 0);
}

TEST_F(ActionRunnerTest, MissingOrMismatchedRecordIsAnError) {
  EXPECT_FALSE(runner_.step(failover_, "failover/none").ok());
  ActionDef other{.name = "Other",
                  .steps = {{"x", [](StepContext&) { return StepResult::next(); }}}};
  ASSERT_TRUE(runner_.start(failover_, "failover/db1/2", "db1").ok());
  Result<StepOutcome> out = runner_.step(other, "failover/db1/2");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("is a Failover, not a Other"), std::string::npos);
}

TEST_F(ActionRunnerTest, ConflictingCommitLeavesTheStepToRunAgain) {
  ActionDef def{.name = "Racy",
                .steps = {{"bump", [this](StepContext& ctx) {
                             auto service = ctx.txn().get<TestService>("db1");
                             // Someone else commits a change to db1 meanwhile.
                             auto other = store_.begin();
                             other->put(TestService{.id = "db1", .leader = "db1-c"});
                             EXPECT_TRUE(other->commit().ok());
                             service->generation++;
                             ctx.txn().put(*service);
                             return StepResult::next();
                           }}}};
  ASSERT_TRUE(runner_.start(def, "racy/1", "db1").ok());
  Result<StepOutcome> out = runner_.step(def, "racy/1");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("conflict"), std::string::npos);
  EXPECT_EQ(record("racy/1").next_step, 0u);
}

struct Door {
  static constexpr std::string_view kKind = "door";
  std::string id;
  MachineState state;
  friend bool operator==(const Door&, const Door&) = default;
};

const MachineDef& door_machine() {
  static const MachineDef def = *MachineDef::Builder("door")
                                     .state("closed", {.healthy = true, .stable = true})
                                     .state("open", {.dwell_max_us = kMinute})
                                     .transition("closed", "open", "opened")
                                     .transition("open", "closed", "closed")
                                     .initial("closed")
                                     .build();
  return def;
}

StepResult open_door(StepContext& ctx) {
  std::optional<Door> door = ctx.txn().get<Door>(ctx.subject());
  if (Status s = ctx.change_state(door_machine(), door->id, door->state, "open", "opened"); !s) {
    return StepResult::end(s.error().message);
  }
  ctx.txn().put(*door);
  return StepResult::next();
}

TEST_F(ActionRunnerTest, StateChangesAreLoggedOnlyOnceTheirStepCommits) {
  {
    auto txn = store_.begin();
    txn->put(Door{.id = "d1"});
    ASSERT_TRUE(txn->commit().ok());
  }
  ActionDef def{.name = "Open", .steps = {{"open", open_door}}};
  ASSERT_TRUE(runner_.start(def, "open/1", "d1").ok());
  clock_.set(7'000);
  ASSERT_TRUE(runner_.step(def, "open/1").ok());
  ASSERT_EQ(log_.events.size(), 1u);
  const TransitionEvent& e = log_.events[0];
  EXPECT_EQ(e.machine, &door_machine());
  EXPECT_EQ(e.entity, "d1");
  EXPECT_EQ(door_machine().state_name(e.from), "closed");
  EXPECT_EQ(door_machine().state_name(e.to), "open");
  EXPECT_EQ(e.cause, "opened");
  EXPECT_EQ(e.at_us, 7'000);
  EXPECT_EQ(e.action_id, "open/1");
  EXPECT_FALSE(e.refused);
  EXPECT_EQ(store_.begin()->get<Door>("d1")->state,
            (MachineState{.id = *door_machine().find_state("open"), .entered_us = 7'000}));
}

TEST_F(ActionRunnerTest, ARolledBackStateChangeIsNeverLogged) {
  {
    auto txn = store_.begin();
    txn->put(Door{.id = "d1"});
    ASSERT_TRUE(txn->commit().ok());
  }
  ActionDef def{.name = "OpenThenFail", .steps = {{"open", [](StepContext& ctx) -> StepResult {
                                                     open_door(ctx);
                                                     throw std::runtime_error("hinge broke");
                                                   }}}};
  ASSERT_TRUE(runner_.start(def, "open/2", "d1").ok());
  EXPECT_FALSE(runner_.step(def, "open/2").ok());
  EXPECT_TRUE(log_.events.empty());
  EXPECT_EQ(store_.begin()->get<Door>("d1")->state.id, *door_machine().find_state("closed"));
}

TEST_F(ActionRunnerTest, ARefusedStateChangeIsLoggedAtOnceAndLeavesTheStateAlone) {
  {
    auto txn = store_.begin();
    txn->put(Door{.id = "d1"});
    ASSERT_TRUE(txn->commit().ok());
  }
  ActionDef def{.name = "Slam",
                .steps = {{"close-closed", [](StepContext& ctx) -> StepResult {
                             std::optional<Door> door = ctx.txn().get<Door>(ctx.subject());
                             Status s = ctx.change_state(door_machine(), door->id, door->state,
                                                         "closed", "slammed");
                             EXPECT_EQ(door->state.id, *door_machine().find_state("closed"));
                             return StepResult::end(s.ok() ? "" : s.error().message);
                           }}}};
  ASSERT_TRUE(runner_.start(def, "slam/1", "d1").ok());
  Result<StepOutcome> out = runner_.step(def, "slam/1");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, ActionStatus::kEnded);
  EXPECT_NE(out->note.find("closed -> closed on 'slammed' is not in the transition table"),
            std::string::npos)
      << out->note;
  ASSERT_EQ(log_.events.size(), 1u);
  EXPECT_TRUE(log_.events[0].refused);
}

}  // namespace
}  // namespace unwedge::core
