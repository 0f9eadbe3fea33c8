// check_goal_driven over a two-node keeper/monitor design in the manner of
// pg_auto_failover: the correct design has no wedge; dropping the old
// primary's way back (demoted -> catchingup) wedges it in a pair every run
// of a failover reaches; dropping the way back from an abandoned promotion
// (prepare_promotion -> secondary) wedges only when a node acts on the goal
// before its last.
#include "core/goal_check.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/group_table.hpp"
#include "core/machine.hpp"

namespace unwedge::core {
namespace {

enum class Drop { kNothing, kRejoin, kAbort, kOrphanRule };

MachineDef node_machine(Drop drop) {
  MachineDef::Builder b("node");
  b.state("single", {.healthy = true})
      .state("wait_primary", {.healthy = true})
      .state("primary", {.healthy = true, .stable = true})
      .state("wait_standby")
      .state("catchingup")
      .state("secondary", {.healthy = true, .stable = true})
      .state("prepare_promotion")
      .state("demoted")
      .transition("single", "wait_primary", "goal")
      .transition("wait_primary", "primary", "goal")
      .transition("primary", "wait_primary", "goal")
      .transition("wait_standby", "catchingup", "goal")
      .transition("catchingup", "secondary", "goal")
      .transition("secondary", "catchingup", "goal")
      .transition("secondary", "prepare_promotion", "goal")
      .transition("prepare_promotion", "wait_primary", "goal")
      .transition("primary", "demoted", "goal")
      .transition("wait_primary", "demoted", "goal")
      .initial("wait_standby");
  if (drop != Drop::kRejoin) b.transition("demoted", "catchingup", "goal");
  if (drop != Drop::kAbort) b.transition("prepare_promotion", "secondary", "goal");
  return *b.build();
}

GroupTable monitor_table(const MachineDef& machine, Drop drop = Drop::kNothing) {
  using Spec = GroupTable::Builder::RuleSpec;
  GroupTable::Builder b("monitor", machine);
  b.members({"a", "b"})
      .symmetric()
      .signals({"a.Unhealthy", "b.Unhealthy", "a.CaughtUp", "b.CaughtUp"})
      .rule(Spec{.name = "join",
                 .in = {{"a", {"single"}}, {"b", {"wait_standby"}}},
                 .assign = {{"a", "wait_primary"}, {"b", "catchingup"}},
                 .priority = 10})
      .rule(Spec{.name = "caught_up",
                 .in = {{"a", {"wait_primary"}}, {"b", {"catchingup"}}},
                 .when = {"b.CaughtUp"},
                 .assign = {{"a", "primary"}, {"b", "secondary"}},
                 .priority = 10})
      .rule(Spec{.name = "catching_up",
                 .in = {{"a", {"wait_primary"}}, {"b", {"catchingup"}}},
                 .unless = {"b.CaughtUp"},
                 .assign = {{"a", "wait_primary"}, {"b", "catchingup"}},
                 .priority = 10})
      .rule(Spec{.name = "settled",
                 .in = {{"a", {"primary", "wait_primary"}}, {"b", {"secondary"}}},
                 .assign = {{"a", "primary"}, {"b", "secondary"}},
                 .priority = 10})
      .rule(Spec{.name = "failover",
                 .in = {{"a", {"primary", "wait_primary"}}, {"b", {"secondary"}}},
                 .when = {"a.Unhealthy"},
                 .unless = {"b.Unhealthy"},
                 .assign = {{"a", "demoted"}, {"b", "prepare_promotion"}},
                 .priority = 50})
      .rule(Spec{.name = "standby_lost",
                 .in = {{"a", {"primary"}}, {"b", {"secondary"}}},
                 .when = {"b.Unhealthy"},
                 .unless = {"a.Unhealthy"},
                 .assign = {{"a", "wait_primary"}, {"b", "catchingup"}},
                 .priority = 40})
      .rule(Spec{.name = "promoted",
                 .in = {{"a", {"demoted"}}, {"b", {"prepare_promotion"}}},
                 .assign = {{"a", "demoted"}, {"b", "wait_primary"}},
                 .priority = 20})
      .rule(Spec{.name = "abort",
                 .in = {{"a", {"primary", "wait_primary"}}, {"b", {"prepare_promotion"}}},
                 .unless = {"a.Unhealthy"},
                 .assign = {{"a", "primary"}, {"b", "secondary"}},
                 .priority = 20})
      .rule(Spec{.name = "resume_failover",
                 .in = {{"a", {"demoted"}}, {"b", {"secondary"}}},
                 .assign = {{"a", "demoted"}, {"b", "prepare_promotion"}},
                 .priority = 20})
      .rule(Spec{.name = drop == Drop::kOrphanRule ? "unused" : "orphan_caught_up",
                 .in = {{"a", {"demoted"}}, {"b", {"catchingup"}}},
                 .when = {"b.CaughtUp"},
                 .assign = {{"a", "demoted"},
                            {"b", drop == Drop::kOrphanRule ? "catchingup" : "secondary"}},
                 .priority = 20})
      .rule(Spec{.name = "rejoin",
                 .in = {{"a", {"demoted"}}, {"b", {"wait_primary"}}},
                 .unless = {"a.Unhealthy"},
                 .assign = {{"a", "catchingup"}, {"b", "wait_primary"}},
                 .priority = 20})
      .rule(Spec{.name = "steady", .priority = 0});
  Result<GroupTable> table = b.build();
  EXPECT_TRUE(table.ok()) << table.error().message;
  return *std::move(table);
}

// The design as declared, with one of its points changed.
struct Design {
  explicit Design(Drop drop)
      : machine(node_machine(drop)),
        monitor(monitor_table(machine, drop)),
        node{.name = "node",
             .machine = &machine,
             .assignment = &monitor,
             .walk = direct_walk(machine),
             .initial = {{"a", "single"}, {"b", "wait_standby"}}} {}
  Design(const Design&) = delete;

  MachineDef machine;
  GroupTable monitor;
  GoalDrivenDef node;
};

bool has_pair(const GoalWedge& wedge, std::string_view member, std::string_view reported,
              std::string_view goal) {
  return std::any_of(wedge.pairs.begin(), wedge.pairs.end(), [&](const MemberPair& p) {
    return p.member == member && p.reported == reported && p.goal == goal && !p.stale;
  });
}

TEST(GoalCheck, TheDesignAsWrittenHasNoWedgeAndItsProductPassesSixtyFourStates) {
  Design design(Drop::kNothing);
  GoalCheck check = check_goal_driven(design.node);
  EXPECT_TRUE(check.ok()) << check.describe();
  EXPECT_EQ(check.members, 2U);
  EXPECT_GT(check.product_states, 64U);
  EXPECT_FALSE(check.stale_steps.empty()) << "the lag is modelled, so some member acts on a "
                                             "stale goal somewhere";
  // (single, demoted) is never held: the monitor never fails over a single.
  EXPECT_TRUE(
      std::any_of(check.unreachable.begin(), check.unreachable.end(), [](const UnreachablePair& u) {
        return u.reported == "single" && u.goal == "demoted" && u.stuck;
      }));
}

TEST(GoalCheck, AMissingEdgeWedgesTheOldPrimaryInTheRejoinPair) {
  Design design(Drop::kRejoin);
  GoalCheck check = check_goal_driven(design.node);
  ASSERT_FALSE(check.ok());
  ASSERT_EQ(check.wedges.size(), 1U) << check.describe();
  const GoalWedge& wedge = check.wedges.front();
  EXPECT_EQ(wedge.kind, GoalWedge::Kind::kMissingEdge);
  EXPECT_TRUE(has_pair(wedge, "a", "demoted", "catchingup")) << wedge.message;
  EXPECT_TRUE(has_pair(wedge, "b", "wait_primary", "wait_primary")) << wedge.message;
  EXPECT_NE(wedge.message.find("a's keeper has no step from demoted towards catchingup"),
            std::string::npos)
      << wedge.message;
  // Several shortest ways, all of one length, none on a stale goal.
  ASSERT_EQ(wedge.paths.size(), 3U);
  for (const GoalPath& path : wedge.paths) {
    EXPECT_EQ(path.size(), wedge.paths.front().size());
    for (const std::string& move : path)
      EXPECT_EQ(move.find("stale"), std::string::npos) << move;
  }
  EXPECT_NE(wedge.paths[0], wedge.paths[1]);
  const GoalPath& way = wedge.paths.front();
  EXPECT_TRUE(std::any_of(way.begin(), way.end(), [](const std::string& move) {
    return move.starts_with("monitor assigns a -> catchingup, b -> wait_primary (rule rejoin");
  })) << fmt::format("{}", fmt::join(way, "; "));
  EXPECT_EQ(way.back(), "a reads its goal catchingup");
}

TEST(GoalCheck, AWedgeReachedOnlyThroughAStaleGoalIsCalledSo) {
  Design design(Drop::kOrphanRule);
  GoalCheck check = check_goal_driven(design.node);
  ASSERT_FALSE(check.ok());
  ASSERT_FALSE(check.wedges.empty());
  for (const GoalWedge& wedge : check.wedges) {
    EXPECT_EQ(wedge.kind, GoalWedge::Kind::kStaleGoal) << wedge.message;
    const bool orphan = (has_pair(wedge, "a", "demoted", "demoted") &&
                         has_pair(wedge, "b", "catchingup", "catchingup")) ||
                        (has_pair(wedge, "b", "demoted", "demoted") &&
                         has_pair(wedge, "a", "catchingup", "catchingup"));
    EXPECT_TRUE(orphan) << wedge.message;
    const bool acts_on_stale = std::any_of(
        wedge.paths.front().begin(), wedge.paths.front().end(),
        [](const std::string& move) { return move.find("stale goal") != std::string::npos; });
    EXPECT_TRUE(acts_on_stale) << fmt::format("{}", fmt::join(wedge.paths.front(), "; "));
  }
  // Without the lag the same design is clean: the wedge needs the stale goal.
  design.node.stale_goals = false;
  EXPECT_TRUE(check_goal_driven(design.node).ok());
}

TEST(GoalCheck, AStuckPairThatIsNeverReachedIsListedApartNotAsAWedge) {
  // A two-state machine whose monitor only ever keeps the goal: the pair
  // (up, down) has no step (no edge up -> down) but is never assigned.
  MachineDef machine = *MachineDef::Builder("m")
                            .state("up", {.healthy = true, .stable = true})
                            .state("down")
                            .transition("down", "up", "repair")
                            .initial("up")
                            .build();
  GroupTable table = *GroupTable::Builder("keep", machine)
                          .members({"n"})
                          .rule({.name = "keep", .assign = {{"n", "up"}}})
                          .build();
  GoalDrivenDef def{
      .name = "m", .machine = &machine, .assignment = &table, .walk = direct_walk(machine)};
  GoalCheck check = check_goal_driven(def);
  EXPECT_TRUE(check.ok()) << check.describe();
  EXPECT_EQ(check.product_states, 1U);
  ASSERT_TRUE(std::any_of(
      check.unreachable.begin(), check.unreachable.end(),
      [](const UnreachablePair& u) { return u.reported == "up" && u.goal == "down" && u.stuck; }));
  EXPECT_NE(check.describe().find("(up, down)"), std::string::npos);
}

TEST(GoalCheck, AWalkThatLeavesTheMachinesTableIsADeclarationError) {
  Design design(Drop::kNothing);
  design.node.walk = [](StateId reported, StateId goal) -> std::optional<StateId> {
    return reported == goal ? std::nullopt : std::optional<StateId>(goal);  // teleports
  };
  GoalCheck check = check_goal_driven(design.node);
  ASSERT_EQ(check.errors.size(), 1U);
  EXPECT_NE(check.errors.front().find("has no transition to"), std::string::npos)
      << check.errors.front();
  EXPECT_FALSE(check.ok());
}

TEST(GoalCheck, ATableOverAnotherMachineAndUnknownInitialNamesAreErrors) {
  Design design(Drop::kNothing);
  MachineDef copy = design.machine;
  design.node.machine = &copy;
  GoalCheck other = check_goal_driven(design.node);
  ASSERT_EQ(other.errors.size(), 1U);
  EXPECT_NE(other.errors.front().find("the very machine"), std::string::npos);

  design.node.machine = &design.machine;
  design.node.initial = {{"c", "single"}, {"b", "singel"}};
  GoalCheck unknown = check_goal_driven(design.node);
  ASSERT_EQ(unknown.errors.size(), 2U) << unknown.describe();
  EXPECT_NE(unknown.describe().find("did you mean 'single'"), std::string::npos)
      << unknown.describe();
}

TEST(GoalCheck, TheSameDeclarationGivesTheSameReport) {
  Design first(Drop::kRejoin);
  Design second(Drop::kRejoin);
  EXPECT_EQ(check_goal_driven(first.node).describe(), check_goal_driven(second.node).describe());
}

}  // namespace
}  // namespace unwedge::core
