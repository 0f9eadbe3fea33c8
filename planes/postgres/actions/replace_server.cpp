// ReplaceServer: build a fresh server in the place of one that is failing,
// fenced or unwanted, then retire the old one. The service is in maintenance
// meanwhile when it was available. A leader is never replaced in place: it
// must be failed over first, or the service would lose its only writer.
#include "core/probe.hpp"
#include "planes/postgres/actions/server_steps.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::InfraVerb;
using core::StepContext;
using core::StepResult;

StepResult begin(StepContext& ctx) {
  std::optional<Server> old = ctx.txn().get<Server>(ctx.subject());
  if (!old) return StepResult::end("the server is gone");
  std::optional<Service> service = ctx.txn().get<Service>(old->service);
  if (!service) return StepResult::end("the service is gone");
  if (is_in(server_machine(), *old, {"replacing"})) return StepResult::next();
  if (service->leader == old->id) {
    UNWEDGE_PROBE("replace.refused_for_leader");
    return StepResult::end("the leader is replaced only after a failover");
  }
  // The table does not start a replacement of a server being promoted, but
  // an execution can reach this step after a leader change has begun.
  if (std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(old->id);
      link && is_in(replica_link_machine(), *link, {"fencing", "promoting"})) {
    UNWEDGE_PROBE("replace.refused_for_candidate");
    return StepResult::end(fmt::format("{} is being promoted", old->id));
  }
  // Nor one that stands alone: its host holds the customer's only copy.
  if (stands_alone(*old, ctx.txn().view<ReplicaLink>(old->id).get())) {
    UNWEDGE_PROBE("replace.refused_for_independent");
    return StepResult::end(fmt::format("{} stands alone; its host is its only copy", old->id));
  }
  if (!is_in(server_machine(), *old, {"running", "unreachable", "restarting", "fenced"})) {
    return StepResult::end(fmt::format("the server is {}", state_name(server_machine(), *old)));
  }
  UNWEDGE_ASSERT(service->leader != old->id);
  move(ctx, server_machine(), *old, "replacing", "replace_started");
  if (is_in(service_machine(), *service, {"available"})) {
    move(ctx, service_machine(), *service, "maintenance", "maintenance_started");
  }
  UNWEDGE_ASSERT(is_in(server_machine(), *old, {"replacing"}));
  UNWEDGE_ASSERT(!is_in(service_machine(), *service, {"available"}));
  return StepResult::next();
}

StepResult create_replacement(StepContext& ctx) {
  std::optional<Server> old = ctx.txn().get<Server>(ctx.subject());
  if (!old) return StepResult::end("the server is gone");
  std::optional<Service> service = ctx.txn().get<Service>(old->service);
  if (!service) return StepResult::end("the service is gone");
  UNWEDGE_ASSERT_EQ(service->id, old->service);
  if (ctx.var("replacement") || old->destroy_requested || service->deprovision_requested) {
    return StepResult::next();  // created on an earlier run, or not wanted any more
  }
  // An earlier ReplaceServer that ended early may have left one behind.
  for (const std::string& id : server_ids(*service)) {
    std::optional<Server> earlier = ctx.txn().get<Server>(id);
    if (earlier && earlier->replaces == old->id &&
        !is_in(server_machine(), *earlier, {"destroying", "destroyed"})) {
      ctx.set_var("replacement", earlier->id);
      UNWEDGE_ASSERT(earlier->id != old->id);
      return StepResult::next();
    }
  }
  const std::uint32_t named_before = service->servers_named;
  service->servers_named++;
  Server fresh{.id = fmt::format("{}-{}", service->id, service->servers_named),
               .service = service->id,
               .state = {.id = server_machine().initial(), .entered_us = ctx.now_us()},
               .role = old->role == Role::kFollower ? Role::kFollower : Role::kStandby,
               .replaces = old->id};
  ctx.set_var("replacement", fresh.id);
  ctx.txn().put(fresh);
  ctx.txn().put(*service);
  // A name never used before, in the service's numbering.
  UNWEDGE_ASSERT_EQ(service->servers_named, named_before + 1);
  UNWEDGE_ASSERT(fresh.id != old->id && fresh.replaces == old->id);
  UNWEDGE_ASSERT_EQ(ctx.var("replacement").value_or(""), fresh.id);
  return StepResult::next();
}

StepResult attach_replacement(StepContext& ctx) {
  std::optional<std::string> id = ctx.var("replacement");
  if (!id) return StepResult::next();
  UNWEDGE_ASSERT(!id->empty() && *id != ctx.subject());
  std::optional<Server> fresh = ctx.txn().get<Server>(*id);
  if (!fresh) return StepResult::end("the replacement is gone");
  UNWEDGE_ASSERT_EQ(fresh->replaces, ctx.subject());
  std::optional<Service> service = ctx.txn().get<Service>(fresh->service);
  if (!service) return StepResult::end("the service is gone");
  if (is_in(server_machine(), *fresh, {"destroying", "destroyed"})) {
    return StepResult::end("the replacement failed");
  }
  if (!is_in(server_machine(), *fresh, {"running"}))
    return StepResult::wait("replacement coming up");
  // Promoted meanwhile (by a leader change that began before this one
  // marked it): it leads, there is nothing to attach it to.
  if (service->leader == fresh->id) {
    UNWEDGE_PROBE("replace.replacement_leads");
    ctx.set_var("rewinding", "");
    return StepResult::next();
  }
  // A replacement that streamed from a leader since replaced may hold
  // records the new leader lacks; PostgreSQL will not stream to it until it
  // is rewound (found by fleet_fuzzer once the simulated fleet stopped
  // rewinding for free: scenarios/regressions/a_replacement_is_rewound_after_a_leader_change.yaml).
  if (const std::string rewinding = ctx.var("rewinding").value_or(""); !rewinding.empty()) {
    OpProgress rewound =
        progress(call_with_retry(ctx, pgworld::kRewind, fresh->id, service->leader, rewinding));
    if (rewound != OpProgress::kDone) return StepResult::wait("rewinding the replacement");
    ctx.set_var("rewinding", "");
  }
  OpProgress op =
      progress(call_with_retry(ctx, pgworld::kFollow, fresh->id, service->leader, "follow"));
  if (op == OpProgress::kFailed) {
    // One rewind per refused follow, named after the attempt that follows it.
    ctx.set_var("rewinding", "rewind-" + ctx.var("attempt.follow").value_or("0"));
    return StepResult::wait("replacement refused to follow; rewinding it");
  }
  if (op != OpProgress::kDone) return StepResult::wait("replacement attaching");
  UNWEDGE_ASSERT(service->leader != fresh->id);
  if (!ctx.txn().get<ReplicaLink>(fresh->id)) {
    ctx.txn().put(
        ReplicaLink{.id = fresh->id,
                    .service = service->id,
                    .state = {.id = replica_link_machine().initial(), .entered_us = ctx.now_us()},
                    .standby = fresh->role == Role::kStandby});
  }
  // Attached: the replacement replicates from the leader, its link recorded.
  UNWEDGE_ASSERT(ctx.txn().view<ReplicaLink>(fresh->id) != nullptr);
  return StepResult::next();
}

StepResult retire_old(StepContext& ctx) {
  std::optional<Server> old = ctx.txn().get<Server>(ctx.subject());
  if (!old) return StepResult::end("the server is gone");
  if (is_in(server_machine(), *old, {"replacing"})) {
    detach_link(ctx, old->id);
    move(ctx, server_machine(), *old, "destroying", "replacement_ready");
  }
  UNWEDGE_ASSERT(!is_in(server_machine(), *old, {"replacing"}));
  return StepResult::next();
}

StepResult end_maintenance(StepContext& ctx) {
  std::optional<Server> old = ctx.txn().get<Server>(ctx.subject());
  if (!old) return StepResult::end("the server is gone");
  std::optional<Service> service = ctx.txn().get<Service>(old->service);
  if (service && is_in(service_machine(), *service, {"maintenance"})) {
    move(ctx, service_machine(), *service, "available", "maintenance_done");
  }
  UNWEDGE_ASSERT(!service || !is_in(service_machine(), *service, {"maintenance"}));
  return StepResult::next();
}

}  // namespace

core::ActionDef replace_server_action() {
  core::ActionDef def{
      .name = "ReplaceServer",
      .steps = {{"begin", begin},
                {"create-replacement", create_replacement},
                {"attach-replacement", attach_replacement},
                {"retire-old", retire_old},
                {"destroy-old", destroy_host},
                {"end-maintenance", end_maintenance}},
      .summary =
          "Builds a fresh server in place of a failing, fenced or unwanted one and "
          "retires the old one; never the leader.",
      .transitions = {{"server", "replacing", "destroying", "replacement_ready"},
                      {"service", "available", "maintenance", "maintenance_started"},
                      {"service", "maintenance", "available", "maintenance_done"}}};
  for (const char* from : {"running", "unreachable", "restarting", "fenced"}) {
    def.transitions.push_back({"server", from, "replacing", "replace_started"});
  }
  for (core::RequestedTransition& t : teardown_transitions())
    def.transitions.push_back(t);
  UNWEDGE_ASSERT_EQ(def.steps.size(), std::size_t{6});
  return def;
}

}  // namespace unwedge::postgres
