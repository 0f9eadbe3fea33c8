// The scheduler's cache of running slots: read from the Store once, kept in
// step with its own commits, and a second writer of slots caught rather than
// driven past.
#include "core/scheduler.hpp"

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "tests/support/failover_fixture.hpp"

namespace unwedge::core {
namespace {

class SchedulerTest : public testing::FailoverFixture {
 protected:
  bool busy(const Scheduler& scheduler) {
    auto txn = store_.begin();
    return scheduler.busy(*txn, "service", "db1");
  }

  // Service db2, led by db2-a with standby db2-b, beside the fixture's db1.
  void add_second_service() {
    auto txn = store_.begin();
    txn->put(TestService{.id = "db2", .leader = "db2-a"});
    txn->put(TestServer{.id = "db2-a", .service = "db2", .lsn = 90});
    txn->put(TestServer{.id = "db2-b", .service = "db2", .lsn = 88});
    ASSERT_TRUE(txn->commit().ok());
  }

  std::vector<ActionDef> actions_{failover_};
};

TEST_F(SchedulerTest, KeepsWhatRunsInStepWithItsOwnCommitsAndANewOneReadsTheStore) {
  Scheduler scheduler(env_, actions_);
  EXPECT_FALSE(busy(scheduler));
  Result<bool> offered = scheduler.offer("service", "db1", actions_[0].name);
  ASSERT_TRUE(offered.ok() && *offered);
  EXPECT_TRUE(busy(scheduler));
  Result<bool> again = scheduler.offer("service", "db1", actions_[0].name);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);  // one action at a time per slot
  // A process started over the same Store (after a crash) reads it.
  EXPECT_TRUE(busy(Scheduler(env_, actions_)));
  std::uint32_t finished = 0;
  for (int pass = 0; pass < 20 && busy(scheduler); ++pass)
    finished += scheduler.drive_all().finished;
  EXPECT_EQ(finished, 1u);
  EXPECT_FALSE(busy(scheduler));
  EXPECT_FALSE(busy(Scheduler(env_, actions_)));
  EXPECT_EQ(scheduler.drive_all().driven, 0u);
}

TEST_F(SchedulerTest, ASlotWrittenBehindItsBackIsASecondWriterNotAnActionToSkip) {
  Scheduler scheduler(env_, actions_);
  EXPECT_FALSE(busy(scheduler));  // read once, now cached
  {
    auto txn = store_.begin();
    txn->put(ActionSlot{.id = "service/db1", .running = "Failover/db1/7", .executions = 7});
    ASSERT_TRUE(txn->commit().ok());
  }
  ThrowingAssertions throwing;
  EXPECT_THROW((void)scheduler.offer("service", "db1", actions_[0].name), AssertionFailure);
}

// A control plane's own concurrency limit: past it no action it names
// starts, and an action that ends makes room for the next.
TEST_F(SchedulerTest, StartsNothingPastItsLimitUntilAnActionEnds) {
  add_second_service();
  Scheduler scheduler(env_, actions_, 8, {.max = 1, .actions = {actions_[0].name}});
  Result<bool> first = scheduler.offer("service", "db1", actions_[0].name);
  ASSERT_TRUE(first.ok() && *first);
  {
    auto txn = store_.begin();
    EXPECT_TRUE(scheduler.at_limit(*txn, actions_[0].name));
  }
  Result<bool> second = scheduler.offer("service", "db2", actions_[0].name);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  {
    auto txn = store_.begin();
    EXPECT_FALSE(scheduler.busy(*txn, "service", "db2"));
  }
  for (int pass = 0; pass < 20 && busy(scheduler); ++pass)
    scheduler.drive_all();
  ASSERT_FALSE(busy(scheduler));
  Result<bool> again = scheduler.offer("service", "db2", actions_[0].name);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again);
  // A limit on other actions leaves this one be; without a limit both run.
  {
    ActionDef other = failover_;
    other.name = "Other";
    std::vector<ActionDef> two{failover_, other};
    Scheduler elsewhere(env_, two, 8, {.max = 1, .actions = {"Other"}});
    auto txn = store_.begin();
    EXPECT_FALSE(elsewhere.at_limit(*txn, failover_.name));
  }
  Scheduler unlimited(env_, actions_);
  Result<bool> both = unlimited.offer("service", "db1", actions_[0].name);
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(*both);
}

// The limit counts only the actions it names: one it does not name starts
// while the limit is reached.
TEST_F(SchedulerTest, AnActionTheLimitDoesNotNameStartsWhileItIsReached) {
  add_second_service();
  ActionDef limited = failover_;
  limited.name = "LimitedFailover";
  std::vector<ActionDef> two{failover_, limited};
  Scheduler scheduler(env_, two, 8, {.max = 1, .actions = {"LimitedFailover"}});
  Result<bool> first = scheduler.offer("service", "db1", "LimitedFailover");
  ASSERT_TRUE(first.ok() && *first);
  {
    auto txn = store_.begin();
    EXPECT_TRUE(scheduler.at_limit(*txn, "LimitedFailover"));
    EXPECT_FALSE(scheduler.at_limit(*txn, failover_.name));
  }
  Result<bool> other = scheduler.offer("service", "db2", failover_.name);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(*other);
  // A new process over the same Store counts the running one against its limit.
  Scheduler restarted(env_, two, 8, {.max = 1, .actions = {"LimitedFailover"}});
  auto txn = store_.begin();
  EXPECT_TRUE(restarted.at_limit(*txn, "LimitedFailover"));
}

}  // namespace
}  // namespace unwedge::core
