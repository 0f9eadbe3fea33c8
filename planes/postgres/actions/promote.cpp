// Promote: a customer makes one of their followers the service's writable
// leader. The follower must be caught up to within the lag bound to start;
// it then goes through exactly the leader change a failover does, including
// waiting for the fenced leader's final position, since a follower
// replicates asynchronously.
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/leader_change.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::StepContext;
using core::StepResult;

// How far behind its leader the link is, if both positions are current.
std::optional<pgworld::Lsn> lag_bytes(StepContext& ctx, const Settings& settings,
                                      const Service& service, const ReplicaLink& link) {
  UNWEDGE_ASSERT(link.id != service.leader);
  HostView mine = view_host(ctx.telemetry(), link.id, settings, ctx.now_us(), 0);
  HostView theirs = view_host(ctx.telemetry(), service.leader, settings, ctx.now_us(), 0);
  if (!mine.latest || !theirs.latest || mine.fresh == 0 || theirs.fresh == 0) return std::nullopt;
  const pgworld::Lsn leader_lsn = theirs.latest->log_position;
  const pgworld::Lsn replica_lsn = mine.latest->log_position;
  const pgworld::Lsn lag = leader_lsn > replica_lsn ? leader_lsn - replica_lsn : 0;
  UNWEDGE_ASSERT_LE(lag, leader_lsn);
  return lag;
}

StepResult begin(StepContext& ctx, const Settings& settings) {
  UNWEDGE_ASSERT(!ctx.var("candidate") && !ctx.var("fenced_at_us"));
  std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(ctx.subject());
  if (!link) return StepResult::end("the link is gone");
  std::optional<Service> service = ctx.txn().get<Service>(link->service);
  if (!service) return StepResult::end("the service is gone");
  if (std::optional<StepResult> duplicate = leader_change_finished(ctx, *service)) {
    return *duplicate;
  }
  if (!link->promote_requested) return StepResult::end("no promotion was requested");
  if (!is_in(replica_link_machine(), *link, {"following"})) {
    return StepResult::end(
        fmt::format("the link is {}", state_name(replica_link_machine(), *link)));
  }
  if (!is_in(service_machine(), *service, {"available", "uncertain", "unavailable"})) {
    return StepResult::end(
        fmt::format("the service is {}", state_name(service_machine(), *service)));
  }
  // A replica on a server being replaced or torn down would be promoted onto
  // a host about to disappear.
  std::optional<Server> server = ctx.txn().get<Server>(link->id);
  if (!server || !is_in(server_machine(), *server, {"running"})) {
    return StepResult::end(fmt::format("{}'s server is {}", link->id,
                                       server ? state_name(server_machine(), *server) : "gone"));
  }
  // A following link is a replica: the leader's own link is promoted.
  UNWEDGE_ASSERT(link->id != service->leader);
  UNWEDGE_ASSERT(!service->leader.empty());
  std::optional<pgworld::Lsn> lag = lag_bytes(ctx, settings, *service, *link);
  if (lag && *lag > settings.lag_bytes_max) {
    return StepResult::end(
        fmt::format("{} is {} bytes behind; not promoting a lagging replica", link->id, *lag));
  }
  ctx.set_var("service", service->id);
  ctx.set_var("old_leader", service->leader);
  ctx.set_var("candidate", link->id);
  move(ctx, service_machine(), *service, "failing_over", "failover_started");
  // MUTANT (transition_shortcut): straight to promoting, a move the
  // replica-link machine does not have.
  move(ctx, replica_link_machine(), *link,
       UNWEDGE_MUTANT(settings, kTransitionShortcut) ? "promoting" : "fencing",
       "promotion_started");
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"failing_over"}));
  UNWEDGE_ASSERT(is_in(replica_link_machine(), *link, {"fencing"}));
  return StepResult::next();
}

}  // namespace

core::ActionDef promote_action(const Settings& settings) {
  core::ActionDef def{
      .name = "Promote",
      .steps = {{"begin", [settings](StepContext& ctx) { return begin(ctx, settings); }}},
      .summary =
          "Makes a customer's caught-up follower the service's writable leader, through "
          "the same fenced leader change as a failover.",
      .transitions = leader_change_transitions()};
  for (core::StepDef& step : leader_change_steps(settings))
    def.steps.push_back(std::move(step));
  UNWEDGE_ASSERT_EQ(def.steps.front().name, "begin");
  return def;
}

}  // namespace unwedge::postgres
