// A small failover action over TestService/TestServer, used to exercise the
// action runtime: fence the old leader, pick the standby with the highest
// LSN (by id, from the service's own servers), promote it, repoint the
// service. Every step is re-entrant: it re-reads what it needs by id and
// issues its Infra request with the step's key.
#pragma once

#include "core/action.hpp"
#include "tests/support/entities.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::testing {

inline core::StepResult fence_old_leader(core::StepContext& ctx) {
  std::optional<TestService> service = ctx.txn().get<TestService>(ctx.subject());
  if (!service) return core::StepResult::end("service is gone");
  core::Operation op = ctx.call(pgworld::kFence, service->leader);
  if (op.state == core::OperationState::kFailed) return core::StepResult::end(op.detail);
  if (!op.done()) return core::StepResult::wait("fencing " + service->leader);
  std::optional<TestServer> old = ctx.txn().get<TestServer>(service->leader);
  old->fenced = true;
  ctx.txn().put(*old);
  ctx.set_var("old_leader", service->leader);
  return core::StepResult::next();
}

inline core::StepResult choose_standby(core::StepContext& ctx) {
  std::optional<std::string> chosen;
  std::uint64_t best_lsn = 0;
  for (const std::string& id : ctx.txn().ids("server")) {
    std::optional<TestServer> server = ctx.txn().get<TestServer>(id);
    if (server->service != ctx.subject() || server->fenced) continue;
    if (!chosen || server->lsn > best_lsn) {
      chosen = id;
      best_lsn = server->lsn;
    }
  }
  if (!chosen) return core::StepResult::end("no standby left to promote");
  ctx.set_var("new_leader", *chosen);
  return core::StepResult::next();
}

inline core::StepResult promote_standby(core::StepContext& ctx) {
  std::string new_leader = *ctx.var("new_leader");
  core::Operation op = ctx.call(pgworld::kPromote, new_leader);
  if (!op.done()) return core::StepResult::wait("promoting " + new_leader);
  return core::StepResult::next();
}

inline core::StepResult repoint_service(core::StepContext& ctx) {
  std::string new_leader = *ctx.var("new_leader");
  core::Operation op = ctx.call(pgworld::kPointEndpoint, ctx.subject(), new_leader);
  if (!op.done()) return core::StepResult::wait("repointing");
  std::optional<TestService> service = ctx.txn().get<TestService>(ctx.subject());
  if (service->leader != new_leader) {
    service->leader = new_leader;
    service->generation++;
    ctx.txn().put(*service);
  }
  return core::StepResult::next();
}

inline core::ActionDef test_failover() {
  return core::ActionDef{
      .name = "Failover",
      .steps = {{"fence", fence_old_leader},
                {"choose", choose_standby},
                {"promote", promote_standby},
                {"repoint", repoint_service}},
      .waits_max = 50,
  };
}

}  // namespace unwedge::testing
