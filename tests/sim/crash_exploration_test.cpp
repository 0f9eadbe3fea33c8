// The checks of sim/crash_exploration fail when they should: a small control
// plane over TestService runs one deliberately broken action per story, and
// each break is caught by the check meant for it, with a sentence that says
// what differs. A correct variant of the same action passes every check.
#include "sim/crash_exploration.hpp"

#include <gtest/gtest.h>

#include "tests/sim/election_story.hpp"

namespace unwedge::sim {
namespace {

using namespace election_story;  // NOLINT(google-build-using-namespace)

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
  // Before begin, before the first statement and after commit of every
  // transaction, plus the points between statements and at commit.
  EXPECT_EQ(report.crash_points,
            3 * report.transactions + report.statement_crash_points + report.commit_crash_points);
  EXPECT_GE(report.crashes, 2 * report.transactions + report.statement_crash_points);
  EXPECT_EQ(report.actions_completed, 1u);
  EXPECT_EQ(report.actions_redelivered, 1u);
  EXPECT_EQ(report.infra_calls, 1u);
  EXPECT_EQ(report.infra_calls_redelivered, 1u);
}

TEST(CrashExploration, AStepThatCommitsHalfItsWorkAloneIsNotReentrant) {
  StoryReport report = explore_story(election(Bug::kSideTransaction), {});
  std::vector<Divergence> divergences = found(report, Check::kReentrancy);
  // Only a crash after the side transaction commits and before the step's
  // own transaction does counts the election twice: right after the side
  // commit, between the step's statements around it, or as the step's
  // transaction sends its COMMIT.
  ASSERT_EQ(divergences.size(), 3u) << summarize({.stories = {report}});
  EXPECT_EQ(divergences[0].what.rfind("Election, crashed after statement 1 of ", 0), 0u)
      << divergences[0].what;
  EXPECT_EQ(divergences[1].what.rfind("Election, crashed as it sent the commit of transaction ", 0),
            0u)
      << divergences[1].what;
  const std::string& what = divergences[2].what;
  EXPECT_EQ(what.rfind("Election, crashed after commit of transaction ", 0), 0u) << what;
  EXPECT_NE(what.find(fmt::format("(of {}) in step count of Elect/svc/1, ends with a different "
                                  "Store: service svc is service svc leader=svc-a generation=2, "
                                  "service svc leader=svc-a generation=1 in the uninterrupted run",
                                  report.transactions)),
            std::string::npos)
      << what;
}

TEST(CrashExploration, CrashesBetweenStatementsAndAtCommitFireAndAreCounted) {
  StoryReport all = explore_story(election(Bug::kNone), {.statement_crashes_max = 0});
  ASSERT_TRUE(all.divergences.empty()) << summarize({.stories = {all}});
  EXPECT_GT(all.statements, all.transactions);
  EXPECT_GT(all.statement_crash_points, 0u);
  EXPECT_GT(all.commit_crash_points, 0u);
  EXPECT_EQ(all.statement_crash_points_skipped, 0u);
  // Every crash armed before a statement fires, as does every one before
  // the transaction begins and before its first statement.
  EXPECT_GE(all.crashes, 2 * all.transactions + all.statement_crash_points);

  // Bounded: one a transaction, the rest counted and said.
  StoryReport one = explore_story(election(Bug::kNone), {.statement_crashes_max = 1});
  EXPECT_EQ(one.transactions, all.transactions);
  EXPECT_EQ(one.statement_crash_points + one.statement_crash_points_skipped,
            all.statement_crash_points);
  EXPECT_GT(one.statement_crash_points_skipped, 0u);
  EXPECT_LE(one.statement_crash_points, one.transactions);
  const std::string text =
      summarize({.store = "memory", .statement_crashes_max = 1, .stories = {one}});
  EXPECT_EQ(text.rfind("store: memory\n", 0), 0u) << text;
  EXPECT_NE(
      text.find(fmt::format("not explored: {} crash point", one.statement_crash_points_skipped)),
      std::string::npos)
      << text;
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
