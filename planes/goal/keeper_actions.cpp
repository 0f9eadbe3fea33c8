#include "planes/goal/keeper_actions.hpp"

#include <fmt/format.h>
#include <functional>
#include <string>

#include "core/assert.hpp"
#include "core/keyed_retry.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/goal_keys.hpp"
#include "planes/goal/keeper_walk.hpp"
#include "planes/goal/node_machine.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::goal {
namespace {

using core::StepContext;
using core::StepResult;

std::optional<core::Checkin> local_reading(StepContext& ctx) {
  std::vector<core::Checkin> readings = ctx.telemetry().checkins(ctx.subject());
  UNWEDGE_ASSERT_LE(readings.size(), std::size_t{1});
  if (readings.empty()) return std::nullopt;
  return readings.front();
}

std::optional<Keeper> load_keeper(StepContext& ctx) {
  std::optional<Keeper> keeper = ctx.txn().get<Keeper>(ctx.subject());
  if (keeper) UNWEDGE_ASSERT_EQ(keeper->id, ctx.subject());
  return keeper;
}

// Where the keeper stands against the step `begin` recorded: still to take
// it, taken already (a rerun after `move` committed), or moved elsewhere.
enum class Standing { kBefore, kDone, kElsewhere };

Standing standing(StepContext& ctx, const core::MachineDef& machine, const Keeper& keeper) {
  const std::string& now = machine.state_name(keeper.state.id);
  UNWEDGE_ASSERT(ctx.var("from").has_value());
  UNWEDGE_ASSERT(ctx.var("to").has_value());
  if (now == *ctx.var("from")) return Standing::kBefore;
  if (now == *ctx.var("to")) return Standing::kDone;
  return Standing::kElsewhere;
}

// The walk's step from the keeper's state towards its goal, recorded once:
// a rerun takes the step the first run chose, whatever the goal is now.
StepResult begin(StepContext& ctx, Mutant mutant, std::string_view action) {
  if (ctx.var("to")) return StepResult::next();
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  const core::MachineDef& machine = node_machine(mutant);
  const std::optional<core::StateId> goal = machine.find_state(k->goal);
  if (!goal) return StepResult::end(fmt::format("no goal to walk to ('{}')", k->goal));
  const std::optional<core::StateId> next = keeper_walk(mutant)(k->state.id, *goal);
  if (!next) return StepResult::end("the walk takes no step");
  const std::string& from = machine.state_name(k->state.id);
  const std::string& to = machine.state_name(*next);
  if (step_action(from, to) != action) {
    return StepResult::end(fmt::format("{} -> {} is another action's step", from, to));
  }
  ctx.set_var("from", from);
  ctx.set_var("to", to);
  ctx.set_var("upstream", k->upstream);
  ctx.set_var("reach", k->reach ? fmt::format("{}/{}", k->reach->timeline, k->reach->lsn) : "");
  UNWEDGE_ASSERT(machine.find_transition(k->state.id, *next, goal_cause(to)).has_value());
  return StepResult::next();
}

// A local command, asked again under a new key only after a definite
// refusal (a database that was down when asked).
StepResult local(StepContext& ctx, Mutant mutant, core::InfraVerb verb, std::string argument,
                 std::string_view label) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  const Standing at = standing(ctx, node_machine(mutant), *k);
  if (at == Standing::kDone) return StepResult::next();
  if (at == Standing::kElsewhere) return StepResult::end("the keeper moved meanwhile");
  core::Operation op = core::call_with_retry(ctx, verb, ctx.subject(), std::move(argument), label);
  if (op.done()) return StepResult::next();
  return StepResult::wait(fmt::format("its database refuses {}: {}", pgworld::to_string(verb),
                                      op.detail.empty() ? core::to_string(op.state) : op.detail));
}

StepResult upstream_command(StepContext& ctx, Mutant mutant, core::InfraVerb verb,
                            std::string_view label) {
  const std::string upstream = ctx.var("upstream").value_or("");
  if (upstream.empty()) return StepResult::end("the goal names no primary to follow");
  UNWEDGE_ASSERT(upstream != ctx.subject());
  return local(ctx, mutant, verb, upstream, label);
}

// A promotion opens only once the standby replayed the old primary's log
// to where it was fenced: an asynchronous standby may still be behind what
// the old primary acknowledged.
StepResult reach(StepContext& ctx, Mutant mutant) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  if (standing(ctx, node_machine(mutant), *k) != Standing::kBefore) return StepResult::next();
  const std::string target = ctx.var("reach").value_or("");
  if (target.empty()) return StepResult::next();
  const std::optional<Position> wanted = parse_report("demoted " + target)->final;
  UNWEDGE_ASSERT(wanted.has_value());
  const std::optional<core::Checkin> reading = local_reading(ctx);
  if (!reading) return StepResult::wait("its database is down");
  if (reading->term == wanted->timeline && reading->log_position >= wanted->lsn) {
    return StepResult::next();
  }
  return StepResult::wait(
      fmt::format("replaying to {}, at {}/{}", target, reading->term, reading->log_position));
}

// A promotion starts a timeline above the one the standby replays: it
// follows the old primary, so above every timeline the service led on.
StepResult promote(StepContext& ctx, Mutant mutant) {
  if (!ctx.var("timeline")) {
    const std::optional<core::Checkin> reading = local_reading(ctx);
    if (!reading) return StepResult::wait("its database is down");
    ctx.set_var("timeline", std::to_string(reading->term + 1));
  }
  return local(ctx, mutant, pgworld::kPromote, *ctx.var("timeline"), "promote");
}

// Steps that need no command still need a running database to vouch for.
StepResult running(StepContext& ctx, Mutant mutant) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  if (standing(ctx, node_machine(mutant), *k) != Standing::kBefore) return StepResult::next();
  if (!local_reading(ctx)) return StepResult::wait("its database is down");
  return StepResult::next();
}

StepResult move(StepContext& ctx, Mutant mutant) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  const core::MachineDef& machine = node_machine(mutant);
  const Standing at = standing(ctx, machine, *k);
  if (at == Standing::kDone) return StepResult::next();
  if (at == Standing::kElsewhere) return StepResult::end("the keeper moved meanwhile");
  const std::string to = *ctx.var("to");
  const core::Status moved = ctx.change_state(machine, k->id, k->state, to, goal_cause(to));
  UNWEDGE_ASSERT_MSG(moved.ok(), "keeper {}: {}", k->id, moved.ok() ? "" : moved.error().message);
  UNWEDGE_ASSERT_EQ(machine.state_name(k->state.id), to);
  ctx.txn().put(*k);
  return StepResult::next();
}

using Body = std::function<StepResult(StepContext&, Mutant)>;

struct Spec {
  std::string name;
  std::vector<std::pair<std::string, Body>> work;  // between begin and move
  std::string summary;
};

core::ActionDef build_action(const Spec& spec, Mutant mutant) {
  core::ActionDef def{.name = spec.name, .summary = spec.summary};
  const std::string name = spec.name;
  def.steps.push_back(
      {"begin", [mutant, name](StepContext& ctx) { return begin(ctx, mutant, name); }});
  for (const auto& work : spec.work) {
    const auto body = work.second;  // a copy for the lambda: bindings cannot be captured in C++20
    def.steps.push_back(
        {work.first, [mutant, body](StepContext& ctx) { return body(ctx, mutant); }});
  }
  def.steps.push_back({"move", [mutant](StepContext& ctx) { return move(ctx, mutant); }});
  // The transitions the machine has that this action makes.
  const core::MachineDef& machine = node_machine(mutant);
  for (const core::TransitionDef& t : machine.transitions()) {
    const std::string& from = machine.state_name(t.from);
    const std::string& to = machine.state_name(t.to);
    if (step_action(from, to) == spec.name) def.transitions.push_back({"node", from, to, t.cause});
  }
  // Empty only when a planted bug took away the one edge it makes.
  return def;
}

Body command(core::InfraVerb verb, std::string label) {
  return [verb, label](StepContext& ctx, Mutant mutant) {
    return local(ctx, mutant, verb, "", label);
  };
}

Body to_upstream(core::InfraVerb verb, std::string label) {
  return [verb, label](StepContext& ctx, Mutant mutant) {
    return upstream_command(ctx, mutant, verb, label);
  };
}

std::vector<Spec> specs() {
  const Body up = running;
  return {
      {"StartSingle",
       {{"unfence", command(pgworld::kUnfence, "unfence")}},
       "The first node of a service opens its database for writes, alone."},
      {"StartStandby",
       {{"fence", command(pgworld::kFence, "fence")}},
       "The second node fences its fresh database: it takes no write before it follows."},
      {"AwaitStandby",
       {{"running", up}},
       "A primary makes room for a standby (a new one, or one that was lost)."},
      {"ConfirmPrimary",
       {{"running", up}},
       "A primary whose standby caught up leads with it behind."},
      {"Follow",
       {{"fence", command(pgworld::kFence, "fence")},
        {"rewind", to_upstream(pgworld::kRewind, "rewind")},
        {"follow", to_upstream(pgworld::kFollow, "follow")}},
       "Follows the primary its goal names: fences its database, rewinds it to their common "
       "history (pg_rewind: an old primary's last writes) and streams from the primary."},
      {"ConfirmStandby",
       {{"running", up}},
       "A standby the monitor saw catch up stands ready to take over."},
      {"PreparePromotion",
       {{"running", up}},
       "The standby chosen to take over waits for the old primary to demote."},
      {"Promote",
       {{"reach", reach}, {"promote", promote}, {"unfence", command(pgworld::kUnfence, "unfence")}},
       "The chosen standby replays the old primary's log to where it was fenced, promotes its "
       "database to a new timeline and opens it for writes."},
      {"AbortPromotion",
       {{"running", up}},
       "The old primary is back before it demoted: the chosen standby stays a standby."},
      {"Demote",
       {{"fence", command(pgworld::kFence, "fence")}},
       "An old primary fences its database: the monitor failed its service over."},
      {"Drop",
       {{"fence", command(pgworld::kFence, "fence")}},
       "A node removed from its service fences its database for good."},
  };
}

}  // namespace

std::vector<core::ActionDef> keeper_actions(Mutant mutant) {
  std::vector<core::ActionDef> out;
  for (const Spec& spec : specs())
    out.push_back(build_action(spec, mutant));
  return out;
}

}  // namespace unwedge::goal
