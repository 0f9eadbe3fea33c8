#include "core/machine.hpp"

#include <gtest/gtest.h>

#include "core/machine_instance.hpp"
#include "tests/support/small_machines.hpp"

namespace unwedge::core {
namespace {

MachineDef replica_link() {
  return testing::small_replica_link();
}

TEST(MachineDef, DescribesStatesTransitionsAndEnds) {
  MachineDef def = replica_link();
  EXPECT_EQ(def.name(), "replica_link");
  EXPECT_EQ(def.state_count(), 4u);
  EXPECT_EQ(def.transitions().size(), 4u);
  EXPECT_EQ(def.state_name(def.initial()), "following");
  EXPECT_TRUE(def.is_terminal(*def.find_state("promoted")));
  EXPECT_FALSE(def.is_terminal(*def.find_state("following")));
  EXPECT_EQ(def.state(*def.find_state("promoting")).traits.dwell_max_us, 5 * kMinute);
  EXPECT_TRUE(def.state(*def.find_state("following")).safe());
  EXPECT_FALSE(def.state(*def.find_state("lagging")).safe());
  EXPECT_FALSE(def.find_state("unfollowed").has_value());
}

TEST(MachineDef, BuildReportsEveryMistakeAtOnce) {
  Result<MachineDef> def = MachineDef::Builder("broken")
                               .state("a")
                               .state("a")
                               .state("b", {.dwell_max_us = 0})
                               .transition("a", "nowhere", "go")
                               .transition("a", "b", "")
                               .transition("b", "b", "spin")
                               .terminal("ghost")
                               .build();
  ASSERT_FALSE(def.ok());
  const std::string& message = def.error().message;
  EXPECT_NE(message.find("state 'a' is declared twice"), std::string::npos) << message;
  EXPECT_NE(message.find("maximum dwell of 0 us"), std::string::npos) << message;
  EXPECT_NE(message.find("transition target 'nowhere'"), std::string::npos) << message;
  EXPECT_NE(message.find("transition a -> b has no cause"), std::string::npos) << message;
  EXPECT_NE(message.find("b -> b ('spin') does not change state"), std::string::npos) << message;
  EXPECT_NE(message.find("terminal state 'ghost'"), std::string::npos) << message;
  EXPECT_NE(message.find("no initial state"), std::string::npos) << message;
}

TEST(MachineDef, RefusesDuplicateTransitionsAndTooManyStates) {
  Result<MachineDef> dup = MachineDef::Builder("dup")
                               .state("a")
                               .state("b")
                               .transition("a", "b", "go")
                               .transition("a", "b", "go")
                               .initial("a")
                               .build();
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("declared twice"), std::string::npos);

  MachineDef::Builder big("big");
  for (std::size_t i = 0; i < kMaxStates; ++i)
    big.state("s" + std::to_string(i));
  big.initial("s0");
  EXPECT_TRUE(big.build().ok());
  big.state("one_too_many");
  Result<MachineDef> too_big = big.build();
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("it declares 4097 states; a machine holds at most 4096"),
            std::string::npos)
      << too_big.error().message;
}

TEST(MachineDef, OnlyADeclaredEndMayBeLeftOnRequest) {
  Result<MachineDef> draining = MachineDef::Builder("node")
                                    .state("active", {.healthy = true, .stable = true})
                                    .state("draining", {.leave_on_request = true})
                                    .state("dropped", {.stable = true, .leave_on_request = true})
                                    .transition("active", "draining", "drain")
                                    .transition("draining", "dropped", "drained")
                                    .transition("dropped", "active", "re_add")
                                    .initial("active")
                                    .terminal("dropped")
                                    .build();
  ASSERT_FALSE(draining.ok());
  const std::string& message = draining.error().message;
  EXPECT_NE(message.find("state 'draining' may be left on request (leave_on_request) but is not "
                         "declared terminal; declare it with terminal(\"draining\"), or drop "
                         "leave_on_request if it is not an end"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("'dropped'"), std::string::npos) << message;

  Result<MachineDef> dropped = MachineDef::Builder("node")
                                   .state("active", {.healthy = true, .stable = true})
                                   .state("dropped", {.stable = true, .leave_on_request = true})
                                   .transition("active", "dropped", "drop")
                                   .transition("dropped", "active", "re_add")
                                   .initial("active")
                                   .terminal("dropped")
                                   .build();
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_TRUE(dropped->state(*dropped->find_state("dropped")).traits.leave_on_request);
  EXPECT_TRUE(dropped->is_terminal(*dropped->find_state("dropped")));
}

TEST(MachineDef, SuggestsTheDeclaredStateATypoMeant) {
  Result<MachineDef> def = MachineDef::Builder("server")
                               .state("running", {.healthy = true, .stable = true})
                               .state("draining", {.dwell_max_us = 5 * kMinute})
                               .state("stopped", {.stable = true})
                               .transition("running", "drainng", "drain_requested")
                               .transition("draining", "Stopped", "drained")
                               .initial("runnign")
                               .terminal("stopped")
                               .build();
  ASSERT_FALSE(def.ok());
  const std::string& message = def.error().message;
  EXPECT_NE(message.find("transition target 'drainng' is not a declared state; did you mean "
                         "'draining'?"),
            std::string::npos)
      << message;
  // A case slip and a swap of two neighbours count as one mistake each.
  EXPECT_NE(message.find("'Stopped' is not a declared state; did you mean 'stopped'?"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("initial state 'runnign' is not a declared state; did you mean "
                         "'running'?"),
            std::string::npos)
      << message;
}

TEST(MachineDef, SuggestsNothingWhenNoDeclaredStateIsClose) {
  Result<MachineDef> def = MachineDef::Builder("server")
                               .state("running", {.healthy = true, .stable = true})
                               .state("draining", {.dwell_max_us = 5 * kMinute})
                               .initial("running")
                               .terminal("deprovisioned")
                               .build();
  ASSERT_FALSE(def.ok());
  EXPECT_EQ(def.error().message,
            "machine 'server' is invalid: terminal state 'deprovisioned' is not a declared state");
}

TEST(DidYouMean, SuggestsOnlyANearMissAndTheFirstOfEquals) {
  const std::vector<std::string> states = {"running", "draining", "drained", "stopped"};
  EXPECT_EQ(did_you_mean("drainng", states), "; did you mean 'draining'?");
  EXPECT_EQ(did_you_mean("DRAINED", states), "; did you mean 'drained'?");
  EXPECT_EQ(did_you_mean("stoped", states), "; did you mean 'stopped'?");
  // "drainxd" is one substitution from "drained" and two from "draining".
  EXPECT_EQ(did_you_mean("drainxd", states), "; did you mean 'drained'?");
  // Equally close to both: the first declared wins, on every run.
  const std::vector<std::string> equals = {"drained", "drainfed"};
  EXPECT_EQ(did_you_mean("drainfd", equals), "; did you mean 'drained'?");
  EXPECT_EQ(did_you_mean("deprovisioned", states), "");
  EXPECT_EQ(did_you_mean("run", states), "");
  EXPECT_EQ(did_you_mean("", states), "");
  EXPECT_EQ(did_you_mean("x", std::vector<std::string>{"y"}), "");
  EXPECT_EQ(did_you_mean("drainng", {}), "");
}

// docs/FRAMEWORK.md's first example, as written there: it must build.
TEST(MachineDef, TheFrameworkGuidesFirstExampleBuilds) {
  MachineDef::Builder b("replica_link");
  b.state("syncing", {.dwell_max_us = 2 * kHour})
      .state("following", {.healthy = true, .stable = true})
      .state("lagging", {.dwell_max_us = 30 * kMinute})
      .state("fencing", {.dwell_max_us = 5 * kMinute})
      .state("promoted", {.healthy = true, .stable = true})
      .transition("syncing", "following", "caught_up")
      .transition("following", "lagging", "lag_exceeded")
      .transition("lagging", "following", "caught_up")
      .transition("following", "fencing", "promotion_started")
      .transition("fencing", "promoted", "old_leader_fenced")
      .initial("syncing")
      .terminal("promoted");
  Result<MachineDef> def = b.build();  // every mistake reported at once
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_EQ(def->state_name(def->initial()), "syncing");
  EXPECT_TRUE(def->is_terminal(*def->find_state("promoted")));
}

TEST(MachineInstance, TakesTableTransitionsAndRecordsHistory) {
  MachineDef def = replica_link();
  MachineInstance link(def, 100);
  EXPECT_EQ(link.state_name(), "following");
  ASSERT_TRUE(link.transition("promoting", "promote_requested", 250).ok());
  ASSERT_TRUE(link.transition("promoted", "promote_done", 400).ok());
  EXPECT_EQ(link.state_name(), "promoted");
  ASSERT_EQ(link.history().size(), 2u);
  EXPECT_EQ(def.state_name(link.history()[0].from), "following");
  EXPECT_EQ(def.state_name(link.history()[0].to), "promoting");
  EXPECT_EQ(link.history()[0].at_us, 250);
  EXPECT_EQ(link.history()[0].cause, "promote_requested");
  EXPECT_EQ(link.history()[1].at_us, 400);
  EXPECT_EQ(link.time_in_state_us(1000), 600);
  EXPECT_TRUE(link.refusals().empty());
}

TEST(MachineInstance, RefusesTransitionNotInTableAndRecordsTheAttempt) {
  MachineDef def = replica_link();
  MachineInstance link(def, 0);
  // A shortcut straight to promoted skips promoting: not in the table.
  Status shortcut = link.transition("promoted", "promote_done", 10);
  ASSERT_FALSE(shortcut.ok());
  EXPECT_NE(shortcut.error().message.find("following -> promoted on 'promote_done' is not in"),
            std::string::npos)
      << shortcut.error().message;
  EXPECT_NE(shortcut.error().message.find("promoting (promote_requested)"), std::string::npos)
      << shortcut.error().message;
  EXPECT_EQ(link.state_name(), "following");
  EXPECT_EQ(link.entered_at_us(), 0);
  EXPECT_TRUE(link.history().empty());
  ASSERT_EQ(link.refusals().size(), 1u);
  EXPECT_EQ(def.state_name(link.refusals()[0].to), "promoted");
  EXPECT_EQ(link.refusals()[0].at_us, 10);
}

TEST(MachineInstance, RefusesRightEdgeWithWrongCause) {
  MachineDef def = replica_link();
  MachineInstance link(def, 0);
  EXPECT_FALSE(link.transition("lagging", "operator_said_so", 5).ok());
  EXPECT_EQ(link.refusals().size(), 1u);
  EXPECT_TRUE(link.transition("lagging", "lag_exceeded", 5).ok());
}

TEST(MachineInstance, RefusesUnknownStateTimeTravelAndLeavingTerminal) {
  MachineDef def = replica_link();
  MachineInstance link(def, 100);
  EXPECT_FALSE(link.transition("vanished", "cause", 200).ok());
  EXPECT_FALSE(link.transition("lagging", "lag_exceeded", 50).ok());  // earlier than entry
  ASSERT_TRUE(link.transition("promoting", "promote_requested", 300).ok());
  ASSERT_TRUE(link.transition("promoted", "promote_done", 310).ok());
  EXPECT_FALSE(link.transition("following", "promote_requested", 320).ok());
  EXPECT_EQ(link.refusals().size(), 3u);
  EXPECT_EQ(link.history().size(), 2u);
}

TEST(MachineInstance, KnowsWhenItOverstaysABoundedState) {
  MachineDef def = replica_link();
  MachineInstance link(def, *def.find_state("lagging"), 1'000);
  EXPECT_FALSE(link.overstayed(1'000 + 10 * kMinute));
  EXPECT_TRUE(link.overstayed(1'000 + 10 * kMinute + 1));
  MachineInstance steady(def, 0);
  EXPECT_FALSE(steady.overstayed(365LL * 24 * kHour));  // following has no bound
}

}  // namespace
}  // namespace unwedge::core
