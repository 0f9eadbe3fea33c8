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

}  // namespace
}  // namespace unwedge::core
