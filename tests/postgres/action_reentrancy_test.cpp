// Every action of the reference control plane, interrupted at every Store
// transaction and at each crash point (before begin, mid-transaction, after
// commit before the caller hears), then carried on by a fresh controller,
// ends with the same Store and the same Infra effects as an uninterrupted
// run; with the reply to every fleet API call lost once, it ends the same;
// delivered again once it has completed, it changes nothing; and a settled
// fleet stays settled when the loop runs again. The exploration itself is
// sim/crash_exploration; these tests hold the shipped control plane to it.
#include <gtest/gtest.h>

#include "core/action_runner.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/plane.hpp"
#include "sim/crash_exploration.hpp"

namespace unwedge::sim {
// gtest names a story by its name, not its bytes.
void PrintTo(const Story& story, std::ostream* out) {
  *out << story.name;
}
}  // namespace unwedge::sim

namespace unwedge::postgres {
namespace {

using sim::FleetWorld;
using sim::Story;

class ActionReentrancy : public ::testing::TestWithParam<Story> {};

std::string divergences(const sim::StoryReport& report) {
  std::string out;
  for (const sim::Divergence& d : report.divergences)
    out += fmt::format("{}: {}\n", to_string(d.check), d.what);
  return out;
}

TEST_P(ActionReentrancy, EndsAsIfNeverInterruptedAndChangesNothingWhenDeliveredAgain) {
  const Story& story = GetParam();
  sim::StoryReport report = sim::explore_story(story, {});
  EXPECT_TRUE(report.divergences.empty()) << divergences(report);
  ASSERT_GT(report.transactions, 0u);
  // Before begin, before the first statement and after commit of every
  // transaction, then between its statements and at its commit.
  EXPECT_EQ(report.crash_points,
            3 * report.transactions + report.statement_crash_points + report.commit_crash_points);
  // Every transaction can die before it begins, at its first read and
  // before every later statement; the ones that commit can also die at and
  // after their commit.
  EXPECT_GE(report.crashes, 2 * report.transactions + report.statement_crash_points);
  EXPECT_LE(report.crashes, report.crash_points);
  // The story's own action and whatever it set off all completed, and each
  // was delivered again; every fleet API call lost its first reply.
  EXPECT_GE(report.actions_completed, 1u);
  EXPECT_EQ(report.actions_redelivered, report.actions_completed);
  EXPECT_GE(report.infra_calls, 1u);
  EXPECT_EQ(report.infra_calls_redelivered, report.infra_calls);
  ::testing::Test::RecordProperty("transactions", static_cast<int>(report.transactions));
  ::testing::Test::RecordProperty("crashes_explored", static_cast<int>(report.crashes));
  ::testing::Test::RecordProperty("actions_redelivered",
                                  static_cast<int>(report.actions_redelivered));
}

TEST_P(ActionReentrancy, ASettledFleetStaysSettled) {
  const Story& story = GetParam();
  FleetWorld world;
  story.setup(world);
  story.trigger(world);
  ASSERT_TRUE(world.settle());
  core::StoreSnapshot settled = world.durable.snapshot();
  sim::KeyedInfra::Effects effects = world.infra.effects();
  ASSERT_TRUE(world.settle());
  EXPECT_EQ(world.durable.snapshot(), settled);
  EXPECT_EQ(world.infra.effects(), effects);
}

INSTANTIATE_TEST_SUITE_P(EveryAction, ActionReentrancy,
                         ::testing::ValuesIn(sim::stories_of(postgres::plane_info())),
                         [](const ::testing::TestParamInfo<Story>& story) {
                           return story.param.name;
                         });

// The exploration delivers a duplicate close behind the original. These
// deliver one late, after the entity has moved on under a newer execution:
// the duplicate must still recognise that its own work is done.
class LateDuplicate : public ::testing::Test {
 protected:
  void SetUp() override {
    world.order_service({.id = "db1", .standbys = 1});
    ASSERT_TRUE(world.settle()) << world.activity();
  }

  sim::CompletedAction last_completed(std::string_view action) {
    for (auto it = world.journal.completed.rbegin(); it != world.journal.completed.rend(); ++it) {
      if (it->action == action) return *it;
    }
    ADD_FAILURE() << "no " << action << " completed";
    return {};
  }

  void rotate_before_expiry() {
    world.clock.set(world.get<Certificate>("db1-cert")->not_after_us - core::kHour);
    ASSERT_TRUE(world.settle()) << world.activity();
  }

  // Runs `action` again under its own id from its first step, then drops its
  // record as the scheduler does; true when it ran to an end.
  bool deliver_again(const sim::CompletedAction& action) {
    std::unique_ptr<seam::Process> process = world.start_process();
    const core::ActionDef* def = nullptr;
    for (const core::ActionDef& candidate : process->actions()) {
      if (candidate.name == action.action) def = &candidate;
    }
    if (def == nullptr) return false;
    core::ActionRunner runner(world.env);
    if (!runner.start(*def, action.id, action.subject).ok()) return false;
    core::Result<core::StepOutcome> out = runner.drive(*def, action.id, 64);
    std::unique_ptr<core::Transaction> txn = world.durable.begin();
    txn->erase<core::ActionRecord>(action.id);
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT(committed.ok());
    return out.ok() && out->status != core::ActionStatus::kRunning;
  }

  FleetWorld world;
};

TEST_F(LateDuplicate, TheFirstIssueDeliveredAfterARotationChangesNothing) {
  const sim::CompletedAction issued = last_completed("IssueCertificate");
  rotate_before_expiry();
  ASSERT_EQ(world.get<Certificate>("db1-cert")->serial, 2u);
  const core::StoreSnapshot before = world.durable.snapshot();
  const sim::KeyedInfra::Effects effects = world.infra.effects();

  EXPECT_TRUE(deliver_again(issued));
  EXPECT_EQ(world.durable.snapshot(), before) << describe(*world.get<Certificate>("db1-cert"));
  EXPECT_EQ(world.infra.effects(), effects);
}

TEST_F(LateDuplicate, ARotationDeliveredAfterTheNextOneChangesNothing) {
  rotate_before_expiry();
  const sim::CompletedAction first = last_completed("RotateCertificate");
  // A failover moves the leader; the certificate is rotated onto it.
  world.silence("db1-1");
  world.clock.advance(2 * core::kMinute);
  ASSERT_TRUE(world.settle()) << world.activity();
  ASSERT_EQ(world.get<Service>("db1")->leader, "db1-2");
  ASSERT_NE(last_completed("RotateCertificate").id, first.id);
  ASSERT_EQ(world.get<Certificate>("db1-cert")->installed_on, "db1-2");
  const core::StoreSnapshot before = world.durable.snapshot();
  const sim::KeyedInfra::Effects effects = world.infra.effects();

  EXPECT_TRUE(deliver_again(first));
  EXPECT_EQ(world.durable.snapshot(), before) << describe(*world.get<Certificate>("db1-cert"));
  EXPECT_EQ(world.infra.effects(), effects);
}

TEST_F(LateDuplicate, AFailoverDeliveredAfterTheNextLeaderChangeChangesNothing) {
  world.silence("db1-1");
  world.clock.advance(2 * core::kMinute);
  ASSERT_TRUE(world.settle()) << world.activity();
  const sim::CompletedAction first = last_completed("Failover");
  ASSERT_EQ(world.get<Service>("db1")->leader, "db1-2");
  // The fenced old leader is replaced; once its replacement has caught up,
  // an operator moves the leader onto it.
  world.clock.advance(5 * core::kMinute);
  ASSERT_TRUE(world.settle()) << world.activity();
  world.update<Service>("db1", [](Service& s) { s.failover_requested = true; });
  ASSERT_TRUE(world.settle()) << world.activity();
  ASSERT_NE(last_completed("Failover").id, first.id);
  ASSERT_NE(world.get<Service>("db1")->leader, "db1-2") << describe(*world.get<Service>("db1"));
  ASSERT_EQ(world.state_of("service", "db1"), "available");
  const core::StoreSnapshot before = world.durable.snapshot();
  const sim::KeyedInfra::Effects effects = world.infra.effects();

  EXPECT_TRUE(deliver_again(first));
  EXPECT_EQ(world.durable.snapshot(), before) << describe(*world.get<Service>("db1"));
  EXPECT_EQ(world.infra.effects(), effects);
}

TEST(CrashExploration, ExploresTheNamedStoriesInOrderAndRefusesAnUnknownName) {
  core::Result<sim::CrashExploration> two =
      sim::explore_crashes({.stories = {"Unfollow", "Promote"}, .transactions_max = 1});
  ASSERT_TRUE(two.ok()) << two.error().message;
  ASSERT_EQ(two->stories.size(), 2u);
  EXPECT_EQ(two->stories[0].story, "Unfollow");
  EXPECT_EQ(two->stories[1].story, "Promote");
  // Bounded to the first transaction: three points, and those between its
  // statements and at its commit.
  EXPECT_EQ(two->stories[0].crash_points,
            3u + two->stories[0].statement_crash_points + two->stories[0].commit_crash_points);
  EXPECT_GT(two->stories[0].transactions, 0u);
  EXPECT_EQ(two->stories[1].divergences.size(), 0u) << sim::summarize(*two);

  core::Result<sim::CrashExploration> unknown = sim::explore_crashes({.stories = {"Failver"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no story named Failver"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("Failover"), std::string::npos);
}

}  // namespace
}  // namespace unwedge::postgres
