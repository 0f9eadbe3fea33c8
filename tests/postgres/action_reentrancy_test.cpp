// Every action of the reference control plane, interrupted at every Store
// transaction and at each crash point (before begin, mid-transaction, after
// commit before the caller hears), then carried on by a fresh controller,
// ends with the same Store and the same Infra effects as an uninterrupted
// run; with the reply to every fleet API call lost once, it ends the same;
// delivered again once it has completed, it changes nothing, except for the
// open findings listed below; and a settled fleet stays settled when the
// loop runs again. The exploration itself is sim/crash_exploration; these
// tests hold the shipped control plane to it.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "sim/crash_exploration.hpp"

namespace unwedge::sim {
// gtest names a story by its name, not its bytes.
void PrintTo(const Story& story, std::ostream* out) {
  *out << story.name;
}
}  // namespace unwedge::sim

namespace unwedge::postgres {
namespace {

using sim::Check;
using sim::FleetWorld;
using sim::Story;

// Open findings of action re-delivery: a completed execution delivered
// again runs from its first step, and these actions cannot tell it from a
// new one. IssueCertificate and RotateCertificate record a new serial and
// expiry although the issue call, under the same key, issued nothing new
// (the "issued" mark lives in the erased record); Failover accepts an
// available service, so it fails over again and, with no caught-up standby
// left, leaves the service unavailable. Fixing one removes it here.
const std::map<std::string, std::set<std::string>>& open_redelivery_findings() {
  static const std::map<std::string, std::set<std::string>> findings = {
      {"Provision", {"IssueCertificate"}},
      {"Failover", {"Failover", "RotateCertificate"}},
      {"PlannedAsyncFailover", {"Failover", "RotateCertificate"}},
      {"Promote", {"RotateCertificate"}},
      {"RotateCertificate", {"RotateCertificate"}},
  };
  return findings;
}

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
  std::set<std::string> redelivery_findings;
  for (const sim::Divergence& d : report.divergences) {
    EXPECT_EQ(d.check, Check::kActionRedelivery) << d.what;
    redelivery_findings.insert(d.action);
  }
  auto open = open_redelivery_findings().find(story.name);
  EXPECT_EQ(redelivery_findings,
            open == open_redelivery_findings().end() ? std::set<std::string>{} : open->second)
      << divergences(report);
  ASSERT_GT(report.transactions, 0u);
  EXPECT_EQ(report.crash_points, 3 * report.transactions);
  // Every transaction can die before it begins and at its first read; the
  // ones that commit can also die after.
  EXPECT_GE(report.crashes, 2 * report.transactions);
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
                         ::testing::ValuesIn(sim::reference_stories()),
                         [](const ::testing::TestParamInfo<Story>& story) {
                           return story.param.name;
                         });

TEST(CrashExploration, ExploresTheNamedStoriesInOrderAndRefusesAnUnknownName) {
  core::Result<sim::CrashExploration> two =
      sim::explore_crashes({.stories = {"Unfollow", "Promote"}, .transactions_max = 1});
  ASSERT_TRUE(two.ok()) << two.error().message;
  ASSERT_EQ(two->stories.size(), 2u);
  EXPECT_EQ(two->stories[0].story, "Unfollow");
  EXPECT_EQ(two->stories[1].story, "Promote");
  EXPECT_EQ(two->stories[0].crash_points, 3u);  // bounded to the first transaction
  EXPECT_EQ(two->stories[1].divergences.size(), 1u) << sim::summarize(*two);  // open finding

  core::Result<sim::CrashExploration> unknown = sim::explore_crashes({.stories = {"Failver"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no story named Failver"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("Failover"), std::string::npos);
}

}  // namespace
}  // namespace unwedge::postgres
