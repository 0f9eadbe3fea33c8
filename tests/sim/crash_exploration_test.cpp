// The checks of sim/crash_exploration fail when they should: a small control
// plane over TestService runs one deliberately broken action per story, and
// each break is caught by the check meant for it, with a sentence that says
// what differs. A correct variant of the same action passes every check.
#include "sim/crash_exploration.hpp"

#include <gtest/gtest.h>

#include "core/scheduler.hpp"
#include "tests/support/entities.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {
namespace {

using core::StepContext;
using core::StepResult;
using testing::TestServer;
using testing::TestService;

enum class Bug : std::uint8_t {
  kNone,
  kSideTransaction,    // counts the election in a transaction of its own
  kUncheckedCount,     // counts the election again on every run of the step
  kAssertsLeaderless,  // asserts that the service has no leader yet
};

// Elect: promote the service's first server and make it the leader; the
// service's generation counts elections.
core::ActionDef elect(Bug bug, core::Store& store) {
  auto count = [bug, &store](StepContext& ctx) {
    if (bug != Bug::kSideTransaction) return StepResult::next();
    std::unique_ptr<core::Transaction> side = store.begin();
    std::optional<TestService> service = side->get<TestService>(ctx.subject());
    service->generation++;
    side->put(*service);
    const core::Status committed = side->commit();
    UNWEDGE_ASSERT(committed.ok());
    return StepResult::next();
  };
  auto promote = [bug](StepContext& ctx) {
    std::optional<TestService> service = ctx.txn().get<TestService>(ctx.subject());
    if (bug == Bug::kAssertsLeaderless) UNWEDGE_ASSERT_EQ(service->leader, "");
    std::string chosen;
    for (const std::string& id : ctx.txn().ids(TestServer::kKind)) {
      if (ctx.txn().get<TestServer>(id)->service == service->id) chosen = id;
    }
    core::Operation op = ctx.call(pgworld::kPromote, chosen);
    if (!op.done()) return StepResult::wait("promoting " + chosen);
    if (bug != Bug::kUncheckedCount && service->leader == chosen) return StepResult::next();
    service->leader = chosen;
    if (bug != Bug::kSideTransaction) service->generation++;
    ctx.txn().put(*service);
    return StepResult::next();
  };
  return core::ActionDef{.name = "Elect", .steps = {{"count", count}, {"promote", promote}}};
}

// Starts Elect on every leaderless service that has a server.
class ElectionLoop final : public seam::Process {
 public:
  ElectionLoop(const core::Environment& env, Bug bug)
      : env_(env), actions_{elect(bug, env.store)}, scheduler_(env, actions_) {}

  bool tick() override {
    std::uint32_t started = 0;
    for (const std::string& id : env_.store.begin()->ids(TestService::kKind)) {
      if (!leaderless_with_server(id)) continue;
      core::Result<bool> offered = scheduler_.offer(TestService::kKind, id, "Elect");
      if (offered.ok() && *offered) started++;
    }
    return started == 0 && scheduler_.drive_all().driven == 0;
  }
  const std::vector<core::ActionDef>& actions() const override { return actions_; }

 private:
  bool leaderless_with_server(const std::string& id) {
    std::unique_ptr<core::Transaction> txn = env_.store.begin();
    std::optional<TestService> service = txn->get<TestService>(id);
    if (!service || !service->leader.empty()) return false;
    if (scheduler_.busy(*txn, TestService::kKind, id)) return false;
    for (const std::string& server : txn->ids(TestServer::kKind)) {
      if (txn->get<TestServer>(server)->service == id) return true;
    }
    return false;
  }

  core::Environment env_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;
};

Story election(Bug bug) {
  return Story{
      .name = "Election",
      .setup =
          [bug](FleetWorld& w) {
            w.process_factory = [bug](const core::Environment& env) {
              return std::make_unique<ElectionLoop>(env, bug);
            };
            auto txn = w.durable.begin();
            txn->put(TestService{.id = "svc"});
            const core::Status committed = txn->commit();
            UNWEDGE_ASSERT(committed.ok());
          },
      .trigger =
          [](FleetWorld& w) {
            auto txn = w.durable.begin();
            txn->put(TestServer{.id = "svc-a", .service = "svc"});
            const core::Status committed = txn->commit();
            UNWEDGE_ASSERT(committed.ok());
          },
  };
}

std::vector<Divergence> found(const StoryReport& report, Check check) {
  std::vector<Divergence> result;
  for (const Divergence& d : report.divergences) {
    if (d.check == check) result.push_back(d);
  }
  return result;
}

TEST(CrashExploration, ACorrectActionPassesEveryCheck) {
  StoryReport report = explore_story(election(Bug::kNone), {});
  EXPECT_TRUE(report.divergences.empty()) << summarize({.stories = {report}});
  EXPECT_GT(report.transactions, 0u);
  EXPECT_EQ(report.crash_points, 3 * report.transactions);
  EXPECT_GE(report.crashes, 2 * report.transactions);
  EXPECT_EQ(report.actions_completed, 1u);
  EXPECT_EQ(report.actions_redelivered, 1u);
  EXPECT_EQ(report.infra_calls, 1u);
  EXPECT_EQ(report.infra_calls_redelivered, 1u);
}

TEST(CrashExploration, AStepThatCommitsHalfItsWorkAloneIsNotReentrant) {
  StoryReport report = explore_story(election(Bug::kSideTransaction), {});
  std::vector<Divergence> divergences = found(report, Check::kReentrancy);
  // Only a crash right after the side transaction commits, before the
  // step's own transaction does, counts the election twice.
  ASSERT_EQ(divergences.size(), 1u) << summarize({.stories = {report}});
  const std::string& what = divergences[0].what;
  EXPECT_EQ(what.rfind("Election, crashed after commit of transaction ", 0), 0u) << what;
  EXPECT_NE(what.find(fmt::format("(of {}) in step count of Elect/svc/1, ends with a different "
                                  "Store: service svc is service svc leader=svc-a generation=2, "
                                  "service svc leader=svc-a generation=1 in the uninterrupted run",
                                  report.transactions)),
            std::string::npos)
      << what;
}

TEST(CrashExploration, AStepThatDoesNotCheckWhatItDidChangesTheStoreWhenDeliveredAgain) {
  StoryReport report = explore_story(election(Bug::kUncheckedCount), {});
  // Transactional, so every crash is survived...
  EXPECT_TRUE(found(report, Check::kReentrancy).empty()) << summarize({.stories = {report}});
  // ...but a second delivery counts a second election.
  std::vector<Divergence> divergences = found(report, Check::kActionRedelivery);
  ASSERT_EQ(divergences.size(), 1u) << summarize({.stories = {report}});
  EXPECT_EQ(divergences[0].action, "Elect");
  EXPECT_EQ(divergences[0].what,
            "Election: Elect/svc/1 (Elect on svc), delivered again after it succeeded, ends with "
            "a different Store: service svc is service svc leader=svc-a generation=2, service "
            "svc leader=svc-a generation=1 in the uninterrupted run");
}

TEST(CrashExploration, AFailedAssertionIsAFindingOfItsRunNotTheEndOfTheExploration) {
  // The handler installed now, read by swapping it out and back.
  core::AssertionHandler before = core::set_assertion_handler(core::throwing_assertion_handler);
  core::set_assertion_handler(before);
  StoryReport report = explore_story(election(Bug::kAssertsLeaderless), {});
  EXPECT_TRUE(found(report, Check::kReentrancy).empty()) << summarize({.stories = {report}});
  std::vector<Divergence> divergences = found(report, Check::kActionRedelivery);
  ASSERT_EQ(divergences.size(), 1u) << summarize({.stories = {report}});
  EXPECT_NE(divergences[0].what.find("delivered again after it succeeded, breaks an internal "
                                     "contract: assertion failed: service->leader == \"\""),
            std::string::npos)
      << divergences[0].what;
  // The handler the caller had is back.
  EXPECT_EQ(core::set_assertion_handler(before), before);
}

TEST(CrashExploration, AStoryThatBreaksAContractUninterruptedIsReportedAndNotExplored) {
  Story story = election(Bug::kNone);
  story.trigger = [](FleetWorld&) { UNWEDGE_ASSERT_EQ(1 + 1, 3); };
  StoryReport report = explore_story(story, {});
  ASSERT_EQ(report.divergences.size(), 1u);
  EXPECT_EQ(report.divergences[0].check, Check::kSettles);
  EXPECT_NE(report.divergences[0].what.find("Election, uninterrupted, breaks an internal contract"),
            std::string::npos)
      << report.divergences[0].what;
  EXPECT_EQ(report.crash_points, 0u);
}

}  // namespace
}  // namespace unwedge::sim
