#include "planes/goal/model.hpp"

#include <array>

#include "core/assert.hpp"
#include "planes/goal/keeper_actions.hpp"
#include "planes/goal/keeper_walk.hpp"
#include "planes/goal/monitor.hpp"
#include "planes/goal/monitor_table.hpp"
#include "planes/goal/node_machine.hpp"
#include "planes/goal/service_machine.hpp"

namespace unwedge::goal {
namespace {

using core::DecisionClaim;
using core::PathClaim;

std::vector<PathClaim> path_claims() {
  return {
      {.statement = "a standby takes writes only through prepare_promotion",
       .machine = "node",
       .source = "secondary",
       .target = "wait_primary",
       .waypoint = "prepare_promotion"},
      {.statement = "an old primary follows again only after it was fenced (demoted)",
       .machine = "node",
       .source = "primary",
       .target = "catchingup",
       .waypoint = "demoted"},
  };
}

std::vector<DecisionClaim> decision_claims() {
  using Kind = DecisionClaim::Kind;
  return {
      {.statement = "a keeper promotes its database only from prepare_promotion",
       .kind = Kind::kNever,
       .table = "keeper",
       .action = "Promote",
       .in = {"init", "single", "wait_primary", "primary", "wait_standby", "catchingup",
              "secondary", "demoted", "dropped"}},
      {.statement = "a keeper told to demote always fences its database",
       .kind = Kind::kAlways,
       .table = "keeper",
       .given = {"NextDemoted"},
       .action = "Demote",
       .in = {"primary", "wait_primary"}},
  };
}

// A promotion takes writes away from the old primary until the new one
// opens; the old primary's demotion fences it. The monitor decides both on
// monitoring's view, but the keepers carry them out on their goal alone,
// so they record no vantage points: they are counted, not judged.
std::vector<core::DisruptiveAction> disruptive_actions() {
  return {
      {.table = "keeper", .action = "Promote", .kind = core::DisruptionKind::kFailover},
      {.table = "keeper", .action = "Demote", .kind = core::DisruptionKind::kDemotion},
  };
}

constexpr const char* kDescription =
    R"(The goal plane runs a two-node Postgres service the way pg_auto_failover does: a **monitor** on the control plane's host assigns each node a **goal**, a state of the node machine, and a **keeper** on each node walks its node to that goal one transition at a time, doing its database's part of every step, and reports the state it reached. The monitor moves no node itself, and the keepers know nothing of each other: they share only the consensus store, where each keeper writes its reported state under a key of its own and reads its goal from a key the monitor writes.

Choices that shape it:

- **Goals for the group, not for a node.** The monitor decides both nodes' goals at once, with one table over the pair of their reported states (a `GroupTable`, symmetric in the two nodes) and its own view of them: which node monitoring has not heard for `unhealthy_after`, and which standby follows its primary within `caught_up_lag_max` records. A failover assigns the old primary `demoted` and its standby `prepare_promotion` together.
- **The standby promotes only once the old primary says it is fenced.** `prepare_promotion` waits for the old primary to report `demoted`, with the position where its fenced log ends; the monitor hands that position to the standby with its goal, and the standby replays up to it before it opens, so an asynchronous standby gives up no write the old primary acknowledged. A primary that is back before it demotes calls the failover off (`abort`). A primary that is never heard again holds its service without a writer rather than risk two.
- **The keeper's walk is the one the model checks.** `core::direct_walk` over the node machine: one transition straight to the goal, or none. The static check (`check_goal_driven`) explores every pair of (reported state, assigned goal) the monitor's table and the walk can reach, with goals that lag by one assignment, and finds the pairs from which the service never settles.
- **Every step is a re-entrant action.** A keeper's step records the transition it takes on its first run, skips the local commands already done, and moves the node last, so an interrupted step run again ends as if run once.

The planted bugs (`mutant:`) take one edge out of the node machine or change one monitor rule: `no_rejoin_edge` (`demoted -> catchingup`: an old primary assigned `catchingup` has no step), `no_abort_edge` (`prepare_promotion -> secondary`: a standby told to stand down has none), both missing-edge wedges, and `standby_left_catching_up` (the rule `standby_ready` keeps a standby that fell back to `catchingup` beside its demoted partner where it is: a stale-goal wedge, reached only when the standby steps on the goal it read before the failover).)";

const std::vector<core::ActionDef>& model_actions(Mutant mutant) {
  static const std::array<std::vector<core::ActionDef>, kMutants> actions = [] {
    std::array<std::vector<core::ActionDef>, kMutants> out;
    for (std::uint8_t m = 0; m < kMutants; ++m) {
      out[m] = keeper_actions(static_cast<Mutant>(m));
      for (core::ActionDef& def : monitor_actions(static_cast<Mutant>(m)))
        out[m].push_back(std::move(def));
    }
    return out;
  }();
  return actions[static_cast<std::size_t>(mutant)];
}

core::GoalDrivenDef build_node_def(Mutant mutant) {
  return core::GoalDrivenDef{.name = "node",
                             .machine = &node_machine(mutant),
                             .assignment = &monitor_table(mutant),
                             .walk = keeper_walk(mutant),
                             .initial = {{"a", "single"}, {"b", "wait_standby"}}};
}

core::ControlPlaneModel build_model(Mutant mutant) {
  std::vector<const core::ActionDef*> actions;
  for (const core::ActionDef& def : model_actions(mutant))
    actions.push_back(&def);
  return core::ControlPlaneModel{
      .name = "goal",
      .description = kDescription,
      .machines = {&node_machine(mutant), &service_machine()},
      .tables = {&keeper_table(mutant), &service_table()},
      .group_tables = {&monitor_table(mutant)},
      .goal_driven = {&node_def(mutant)},
      .actions = actions,
      .path_claims = path_claims(),
      .decision_claims = decision_claims(),
      .disruptive_actions = disruptive_actions(),
  };
}

std::size_t index_of(Mutant mutant) {
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, std::size_t{kMutants});
  return index;
}

}  // namespace

const core::GoalDrivenDef& node_def(Mutant mutant) {
  static const std::array<core::GoalDrivenDef, kMutants> defs = {
      build_node_def(Mutant::kNone), build_node_def(Mutant::kNoRejoinEdge),
      build_node_def(Mutant::kNoAbortEdge), build_node_def(Mutant::kStandbyLeftCatchingUp)};
  return defs[index_of(mutant)];
}

const core::ControlPlaneModel& model(Mutant mutant) {
  static const std::array<core::ControlPlaneModel, kMutants> models = {
      build_model(Mutant::kNone), build_model(Mutant::kNoRejoinEdge),
      build_model(Mutant::kNoAbortEdge), build_model(Mutant::kStandbyLeftCatchingUp)};
  return models[index_of(mutant)];
}

const core::ControlPlaneModel& model() {
  return model(Mutant::kNone);
}

}  // namespace unwedge::goal
