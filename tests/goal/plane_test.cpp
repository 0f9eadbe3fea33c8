// The goal plane's model and its seam: the static checks pass on the
// shipped plane, every transition of the node machine has the keeper
// action that makes it, the walk is one transition straight to the goal,
// and the monitor's store answers roles and services as the simulator asks.
#include "planes/goal/plane.hpp"

#include <cstdio>

#include <gtest/gtest.h>

#include "core/control_plane_check.hpp"
#include "core/goal_check.hpp"
#include "core/in_memory_store.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/goal_keys.hpp"
#include "planes/goal/keeper_walk.hpp"
#include "planes/goal/model.hpp"
#include "planes/goal/node_machine.hpp"

namespace unwedge::goal {
namespace {

core::StateId state(Mutant mutant, std::string_view name) {
  std::optional<core::StateId> id = node_machine(mutant).find_state(name);
  EXPECT_TRUE(id.has_value()) << name;
  return id.value_or(0);
}

TEST(GoalPlaneModel, IsDeclaredRightAndItsClaimsHold) {
  const core::ControlPlaneCheck check = core::check_control_plane(model());
  EXPECT_TRUE(check.ok()) << check.describe();
  for (const core::ClaimResult& claim : check.claims)
    EXPECT_TRUE(claim.holds) << claim.statement << ": " << claim.detail;
}

TEST(GoalPlaneModel, EveryTransitionHasTheKeeperActionThatMakesIt) {
  const core::MachineDef& machine = node_machine(Mutant::kNone);
  const core::DecisionTable& table = keeper_table(Mutant::kNone);
  for (const core::TransitionDef& t : machine.transitions()) {
    const core::Decision d = table.decide(t.from, next_signal(table, t.to));
    ASSERT_EQ(d.kind, core::DecisionKind::kAct)
        << machine.state_name(t.from) << " -> " << machine.state_name(t.to);
    EXPECT_EQ(table.action_name(*d.action),
              step_action(machine.state_name(t.from), machine.state_name(t.to)));
  }
}

TEST(GoalPlaneModel, TheKeeperWalksOneTransitionStraightToItsGoal) {
  const core::GoalWalk& walk = keeper_walk(Mutant::kNone);
  EXPECT_EQ(walk(state(Mutant::kNone, "demoted"), state(Mutant::kNone, "catchingup")),
            state(Mutant::kNone, "catchingup"));
  EXPECT_EQ(walk(state(Mutant::kNone, "prepare_promotion"), state(Mutant::kNone, "secondary")),
            state(Mutant::kNone, "secondary"));
  // No transition leads there at once: the keeper stays.
  EXPECT_FALSE(walk(state(Mutant::kNone, "demoted"), state(Mutant::kNone, "primary")));
  EXPECT_FALSE(walk(state(Mutant::kNone, "primary"), state(Mutant::kNone, "primary")));
}

// The tests link the plane with its planted bugs: each mutant's machine and
// walk lack their one edge, and so does the model the checks read.
TEST(GoalPlaneModel, EachMutantTakesOneEdgeAwayFromWhatRunsAndWhatIsChecked) {
  const auto lacks = [](Mutant mutant, std::string_view from, std::string_view to) {
    const core::MachineDef& machine = node_machine(mutant);
    EXPECT_EQ(&model(mutant).goal_driven.front()->assignment->machine(), &machine);
    EXPECT_EQ(model(mutant).machines.front(), &machine);
    EXPECT_FALSE(keeper_walk(mutant)(state(mutant, from), state(mutant, to))) << to_string(mutant);
    EXPECT_EQ(machine.transitions().size() + 1, node_machine(Mutant::kNone).transitions().size());
  };
  lacks(Mutant::kNoRejoinEdge, "demoted", "catchingup");
  lacks(Mutant::kNoAbortEdge, "prepare_promotion", "secondary");
}

// The static check of goals against reports (core/goal_check.hpp) over the
// very table and walk the monitor and the keepers run: the shipped plane
// always settles; each planted bug wedges in the pair its whole run ends in
// (GoalMutantsInWholeRuns).
TEST(GoalPlaneModel, TheShippedPlaneSettlesFromEveryPairItReaches) {
  const core::GoalCheck check = core::check_goal_driven(node_def(Mutant::kNone));
  EXPECT_TRUE(check.errors.empty()) << check.describe();
  EXPECT_EQ(check.wedge_count, 0u) << check.describe();
}

bool wedges_in(Mutant mutant, std::string_view reported, std::string_view goal,
               core::GoalWedge::Kind kind = core::GoalWedge::Kind::kMissingEdge) {
  const core::GoalCheck check = core::check_goal_driven(node_def(mutant));
  EXPECT_TRUE(check.errors.empty()) << check.describe();
  for (const core::GoalWedge& wedge : check.wedges) {
    for (const core::MemberPair& pair : wedge.pairs) {
      if (pair.reported != reported || pair.goal != goal || wedge.kind != kind) continue;
      // For docs/HARNESS_POWER.md, as the whole runs print theirs.
      std::printf("%s: %s (%s)\n", to_string(mutant), wedge.message.c_str(),
                  core::to_string(wedge.kind));
      return true;
    }
  }
  ADD_FAILURE() << to_string(mutant) << ": no wedge in " << reported << "/" << goal << "\n"
                << check.describe();
  return false;
}

TEST(GoalPlaneModel, EachMutantWedgesInThePairItsWholeRunEndsIn) {
  EXPECT_TRUE(wedges_in(Mutant::kNoRejoinEdge, "demoted", "catchingup"));
  EXPECT_TRUE(wedges_in(Mutant::kNoAbortEdge, "prepare_promotion", "secondary"));
  // Reached only when the standby steps on the goal it read before the
  // failover: without the lag the same design settles.
  EXPECT_TRUE(wedges_in(Mutant::kStandbyLeftCatchingUp, "catchingup", "catchingup",
                        core::GoalWedge::Kind::kStaleGoal));
  core::GoalDrivenDef without_lag = node_def(Mutant::kStandbyLeftCatchingUp);
  without_lag.stale_goals = false;
  EXPECT_TRUE(core::check_goal_driven(without_lag).ok());
}

TEST(GoalKeys, GoalsAndReportsReadBackAsWritten) {
  const Goal follow{.state = "catchingup", .upstream = "db1-2"};
  EXPECT_EQ(format_goal(follow), "catchingup follow:db1-2");
  EXPECT_EQ(parse_goal(format_goal(follow)), follow);
  const Goal promote{.state = "wait_primary", .reach = Position{.timeline = 2, .lsn = 943}};
  EXPECT_EQ(format_goal(promote), "wait_primary reach:2/943");
  EXPECT_EQ(parse_goal(format_goal(promote)), promote);
  EXPECT_EQ(parse_goal("primary"), Goal{.state = "primary"});
  EXPECT_FALSE(parse_goal(""));
  EXPECT_FALSE(parse_goal("catchingup "));
  EXPECT_FALSE(parse_goal("catchingup db1-2"));
  EXPECT_FALSE(parse_goal("wait_primary reach:2"));
  const Report demoted{.state = "demoted", .final = Position{.timeline = 2, .lsn = 943}};
  EXPECT_EQ(format_report(demoted), "demoted 2/943");
  EXPECT_EQ(parse_report(format_report(demoted)), demoted);
  EXPECT_EQ(parse_report("secondary"), Report{.state = "secondary"});
  EXPECT_FALSE(parse_report("demoted 2/"));
  EXPECT_EQ(state_key("db1-2"), "/goal/db1/db1-2/state");
  EXPECT_EQ(goal_key("db1-2"), "/goal/db1/db1-2/goal");
}

TEST(GoalPlane, SettingsAreReadAndBadOnesRefused) {
  core::Result<Settings> settings =
      parse_settings({{"unhealthy_after", "20s"}, {"mutant", "no_abort_edge"}});
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->unhealthy_after_us, 20 * core::kSecond);
  EXPECT_EQ(settings->mutant, Mutant::kNoAbortEdge);
  EXPECT_FALSE(parse_settings({{"unhealthy_after", "soon"}}).ok());
  EXPECT_FALSE(parse_settings({{"drain", "1s"}}).ok());
}

TEST(GoalPlane, AFreshServiceAssignsItsFirstNodeSingleAndItsSecondWaitStandby) {
  const GoalPlane plane(Settings{});
  core::InMemoryStore store;
  {
    std::unique_ptr<core::Transaction> txn = store.begin();
    plane.order_service(*txn, {.id = "db1", .standbys = 1}, 0);
    ASSERT_TRUE(txn->commit());
  }
  std::unique_ptr<core::Transaction> txn = store.begin();
  EXPECT_EQ(txn->get<Member>("db1-1")->goal, state(Mutant::kNone, "single"));
  EXPECT_EQ(txn->get<Member>("db1-2")->goal, state(Mutant::kNone, "wait_standby"));
  EXPECT_EQ(plane.role_of(*txn, "db1-1"), "");
  EXPECT_EQ(plane.role_of(*txn, "db1-2"), "");
  const std::optional<seam::ServiceView> view = plane.service(*txn, "db1");
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->state->name, "provisioning");
  EXPECT_TRUE(view->leader.empty());
  EXPECT_EQ(plane.services(*txn).size(), 1u);
}

}  // namespace
}  // namespace unwedge::goal
