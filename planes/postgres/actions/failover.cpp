// Failover: replace a service's leader with the HA standby that holds every
// acknowledged write (see choose_standby), in the safe order of
// leader_change.hpp. Started by the service table when the leader is
// consistently unreachable or an operator asks; re-started in failing_over,
// where it resumes the candidate a previous run was promoting.
#include "core/probe.hpp"
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/leader_change.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"

namespace unwedge::postgres {
namespace {

using core::StepContext;
using core::StepResult;

// A link of the service a previous Failover left mid-promotion, if any.
std::optional<ReplicaLink> promotion_in_flight(StepContext& ctx, const Service& service) {
  for (const std::string& id : server_ids(service)) {
    std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(id);
    if (link && is_in(replica_link_machine(), *link, {"fencing", "promoting"})) {
      UNWEDGE_ASSERT_EQ(link->service, service.id);
      UNWEDGE_ASSERT(link->id != service.leader);
      return link;
    }
  }
  return std::nullopt;
}

// True while what starts a failover still holds: an operator asked for one,
// or the leader is consistently unreachable. The table saw it when it
// started this execution; begin looks again because an execution can reach
// it later than that: a duplicate delivered after a newer leader change has
// made the service healthy again must not fail over its new leader. Silence
// is counted from the last check-in alone, not from when the leader's state
// last changed as the table's signal does, so this never refuses what the
// table saw a moment earlier (a server action in the same pass may just
// have marked the leader unreachable).
bool failover_wanted(StepContext& ctx, const Settings& settings, const Service& service) {
  UNWEDGE_ASSERT(!service.leader.empty());
  if (service.failover_requested) return true;
  HostView leader = view_host(ctx.telemetry(), service.leader, settings, ctx.now_us(), 0);
  return consistently_unreachable(leader, settings);
}

StepResult begin(StepContext& ctx, const Settings& settings) {
  // The first step starts with none of the action's vars.
  UNWEDGE_ASSERT(!ctx.var("candidate") && !ctx.var("fenced_at_us"));
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (std::optional<StepResult> duplicate = leader_change_finished(ctx, *service)) {
    return *duplicate;
  }
  ctx.set_var("service", service->id);
  if (UNWEDGE_MUTANT(settings, kMostRecentlyUpdatedService)) {
    // MUTANT: the leader change works on "the service that changed last",
    // not on the one it was started for.
    core::TimeUs latest_us = -1;
    for (const std::string& id : ctx.txn().ids(Service::kKind)) {
      std::optional<Service> other = ctx.txn().get<Service>(id);
      if (other && other->state.entered_us > latest_us) {
        latest_us = other->state.entered_us;
        ctx.set_var("service", other->id);
      }
    }
  }
  ctx.set_var("old_leader", service->leader);
  if (is_in(service_machine(), *service, {"failing_over"})) {
    if (std::optional<ReplicaLink> resumed = promotion_in_flight(ctx, *service)) {
      UNWEDGE_PROBE("failover.resumed");
      ctx.set_var("candidate", resumed->id);
      UNWEDGE_ASSERT(ctx.var("service") && ctx.var("old_leader"));
      return StepResult::next();
    }
  } else if (is_in(service_machine(), *service, {"available", "uncertain", "unavailable"})) {
    if (!failover_wanted(ctx, settings, *service)) {
      return StepResult::end(fmt::format(
          "{} is not consistently unreachable and no failover is requested", service->leader));
    }
    move(ctx, service_machine(), *service, "failing_over", "failover_started");
  } else {
    return StepResult::end(
        fmt::format("the service is {}", state_name(service_machine(), *service)));
  }
  std::optional<std::string> chosen =
      choose_standby(ctx.txn(), ctx.telemetry(), settings, ctx.now_us(), *service);
  if (!chosen) {
    UNWEDGE_PROBE("failover.no_caught_up_standby");
    service->last_leader_change = ctx.action_id();
    move(ctx, service_machine(), *service, "unavailable", "failover_abandoned");
    return StepResult::end("no standby holds every acknowledged write");
  }
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"failing_over"}));
  // An HA standby of this service, not its leader.
  std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(*chosen);
  UNWEDGE_ASSERT_MSG(link.has_value(), "the chosen standby {} has no link", *chosen);
  UNWEDGE_ASSERT_EQ(link->service, service->id);
  UNWEDGE_ASSERT(link->standby);
  UNWEDGE_ASSERT(*chosen != service->leader);
  move(ctx, replica_link_machine(), *link, "fencing", "promotion_started");
  ctx.set_var("candidate", *chosen);
  UNWEDGE_ASSERT(ctx.var("service") && ctx.var("old_leader"));
  return StepResult::next();
}

}  // namespace

core::ActionDef failover_action(const Settings& settings) {
  core::ActionDef def{
      .name = "Failover",
      .steps = {{"begin", [settings](StepContext& ctx) { return begin(ctx, settings); }}},
      .summary =
          "Replaces an unreachable or operator-retired leader with the HA standby that "
          "holds every acknowledged write, fencing the old leader first.",
      .transitions = leader_change_transitions()};
  for (core::StepDef& step : leader_change_steps(settings))
    def.steps.push_back(std::move(step));
  UNWEDGE_ASSERT_EQ(def.steps.front().name, "begin");
  return def;
}

}  // namespace unwedge::postgres
