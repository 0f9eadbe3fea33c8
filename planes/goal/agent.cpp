#include "planes/goal/agent.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/goal_keys.hpp"
#include "planes/goal/keeper_actions.hpp"
#include "planes/goal/keeper_walk.hpp"
#include "planes/goal/node_machine.hpp"

namespace unwedge::goal {

using core::KvKind;
using core::KvState;

KeeperAgent::KeeperAgent(const seam::AgentContext& context, const Settings& settings)
    : node_(context.node),
      env_(context.env),
      coordination_(context.coordination),
      settings_(settings),
      actions_(keeper_actions(settings.mutant)),
      scheduler_(env_, actions_) {
  start();
}

// The keeper's record outlives the agent (the node's disk); a first boot
// writes it in init, every boot counts itself so its request keys are new.
void KeeperAgent::start() {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  std::optional<Keeper> keeper = txn->get<Keeper>(node_);
  if (!keeper) {
    const core::MachineDef& machine = node_machine(settings_.mutant);
    keeper =
        Keeper{.id = node_, .state = {.id = machine.initial(), .entered_us = env_.clock.now_us()}};
  }
  keeper->boots++;
  boots_ = keeper->boots;
  txn->put(*keeper);
  // A failed commit leaves the old count: keys of this boot could repeat an
  // earlier one's, so the agent insists.
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
  UNWEDGE_ASSERT_LT(0u, boots_);
}

// One get of the goal at a time; its answer, when it differs from what the
// keeper last read, is kept in the keeper's record for its actions.
void KeeperAgent::read_goal() {
  if (coordination_ == nullptr) return;
  if (!reading_) {
    ++reads_;
    reading_ = true;
  }
  const core::KvAnswer answer =
      coordination_->ask(fmt::format("{}/boot{}/read{}", node_, boots_, reads_),
                         {.kind = KvKind::kGet, .key = goal_key(node_)});
  if (answer.state == KvState::kPending) return;
  reading_ = false;
  if (!answer.holds()) return;  // no goal yet, or the store did not answer
  const std::optional<Goal> goal = parse_goal(answer.value);
  UNWEDGE_ASSERT_MSG(goal.has_value(), "{}: the store holds a goal no monitor wrote: '{}'", node_,
                     answer.value);
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  std::optional<Keeper> keeper = txn->get<Keeper>(node_);
  UNWEDGE_ASSERT(keeper.has_value());
  if (keeper->goal == goal->state && keeper->upstream == goal->upstream &&
      keeper->reach == goal->reach) {
    return;
  }
  keeper->goal = goal->state;
  keeper->upstream = goal->upstream;
  keeper->reach = goal->reach;
  txn->put(*keeper);
  static_cast<void>(txn->commit());  // failed: the next read writes it again
}

bool KeeperAgent::decide_and_drive() {
  const core::MachineDef& machine = node_machine(settings_.mutant);
  bool started = false;
  {
    std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
    std::shared_ptr<const Keeper> keeper = txn->view<Keeper>(node_);
    UNWEDGE_ASSERT(keeper != nullptr);
    const std::optional<core::StateId> goal = machine.find_state(keeper->goal);
    // No goal read yet, or an action under way: only drive.
    if (goal && !scheduler_.busy(*txn, Keeper::kKind, node_)) started = decide(*keeper, *goal);
  }
  const core::DriveStats drive = scheduler_.drive_all();
  return started || drive.finished > 0;
}

bool KeeperAgent::decide(const Keeper& keeper, core::StateId goal) {
  const core::DecisionTable& table = keeper_table(settings_.mutant);
  bool started = false;
  {
    const std::optional<core::StateId> next = keeper_walk(settings_.mutant)(keeper.state.id, goal);
    const core::SignalSet signals = next ? next_signal(table, *next) : core::SignalSet{};
    const core::Decision decision = table.decide(keeper.state.id, signals);
    UNWEDGE_ASSERT_MSG(
        decision.kind == core::DecisionKind::kAct || decision.kind == core::DecisionKind::kNothing,
        "keeper {}: the table decides no action for {}", node_,
        table.describe_cell(keeper.state.id, signals));
    // A step the walk chose is always some action's.
    if (next) UNWEDGE_ASSERT(decision.kind == core::DecisionKind::kAct);
    const std::string_view action =
        decision.action ? std::string_view(table.action_name(*decision.action)) : "";
    if (decision.kind == core::DecisionKind::kAct) {
      core::Result<bool> offered = scheduler_.offer(Keeper::kKind, node_, action);
      started = offered.ok() && *offered;
    }
    if (env_.journal != nullptr) {
      env_.journal->decision({.table = &table,
                              .kind = Keeper::kKind,
                              .entity = node_,
                              .state = keeper.state.id,
                              .signals = signals,
                              .action = action,
                              .at_us = env_.clock.now_us(),
                              .slot_busy = decision.kind == core::DecisionKind::kAct && !started});
    }
  }
  return started;
}

// The state the keeper stands in, put under its own key until the store
// takes it; one report in flight at a time, so they land in order. A
// demoted node's report carries where its fenced log ends: a promotion
// replays that far before it opens.
void KeeperAgent::report() {
  if (coordination_ == nullptr) return;
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  std::optional<Keeper> keeper = txn->get<Keeper>(node_);
  UNWEDGE_ASSERT(keeper.has_value());
  Report current{.state = node_machine(settings_.mutant).state_name(keeper->state.id)};
  if (current.state == "demoted") {
    const std::vector<core::Checkin> readings = env_.telemetry.checkins(node_);
    UNWEDGE_ASSERT_LE(readings.size(), std::size_t{1});
    if (!readings.empty() && !readings.front().accepts_writes) {
      current.final =
          Position{.timeline = readings.front().term, .lsn = readings.front().log_position};
    }
  }
  const std::string now = format_report(current);
  if (!reporting_) {
    if (keeper->reported == now) return;
    reporting_ = now;
    ++reports_;
  }
  const core::KvAnswer answer =
      coordination_->ask(fmt::format("{}/boot{}/report{}", node_, boots_, reports_),
                         {.kind = KvKind::kPut, .key = state_key(node_), .value = *reporting_});
  if (answer.state == KvState::kPending) return;
  if (answer.holds()) {
    keeper->reported = *reporting_;
    txn->put(*keeper);
    static_cast<void>(txn->commit());  // failed: reported again on the next pass
  }
  reporting_.reset();
}

void KeeperAgent::tick() {
  read_goal();
  // Bounded: an action that finishes is followed by one more decision, at
  // most three in a pass.
  for (int pass = 0; pass < 3; ++pass) {
    if (!decide_and_drive()) break;
  }
  report();
}

}  // namespace unwedge::goal
