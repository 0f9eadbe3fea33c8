// Provision: bring a new service from nothing to available.
//
// The service entity exists already (the customer's request created it in
// `provisioning` with its plan). Provision names its servers, waits for the
// server table's CreateServer to bring each up, links the standbys to the
// leader, has the certificate issued, points the endpoint and only then
// declares the service available.
#include <algorithm>

#include "core/probe.hpp"
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::StepContext;
using core::StepResult;

std::string next_server_id(Service& service) {
  UNWEDGE_ASSERT(!service.id.empty());
  service.servers_named++;
  UNWEDGE_ASSERT_LT(0u, service.servers_named);  // never wraps round to a name in use
  return fmt::format("{}-{}", service.id, service.servers_named);
}

StepResult name_servers(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (!is_in(service_machine(), *service, {"provisioning"})) {
    return StepResult::end(
        fmt::format("the service is {}", state_name(service_machine(), *service)));
  }
  if (service->servers_named > 0) {
    UNWEDGE_ASSERT(!service->leader.empty());
    return StepResult::next();  // named on an earlier run
  }
  UNWEDGE_ASSERT(service->leader.empty());
  for (std::uint32_t i = 0; i <= service->standbys; ++i) {
    Server server{.id = next_server_id(*service),
                  .service = service->id,
                  .state = {.id = server_machine().initial(), .entered_us = ctx.now_us()},
                  .role = i == 0 ? Role::kLeader : Role::kStandby};
    if (i == 0) service->leader = server.id;
    ctx.txn().put(server);
  }
  ctx.txn().put(*service);
  // The plan's servers, the first of them the leader.
  UNWEDGE_ASSERT_EQ(service->servers_named, service->standbys + 1);
  UNWEDGE_ASSERT_EQ(service->leader, fmt::format("{}-1", service->id));
  return StepResult::next();
}

// A server that failed for good is replaced by a fresh one in its role. A
// server that a live replacement already stands in for (ReplaceServer may
// run while the service is still being provisioned) is not counted: its
// replacement is.
StepResult await_servers(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  const std::vector<std::string> ids = server_ids(*service);
  std::vector<std::string> replaced;
  for (const std::string& id : ids) {
    std::shared_ptr<const Server> server = ctx.txn().view<Server>(id);
    if (server && !server->replaces.empty() && server->role != Role::kRetired &&
        !is_in(server_machine(), *server, {"destroying", "destroyed"})) {
      replaced.push_back(server->replaces);
    }
  }
  std::uint32_t running = 0;
  std::uint32_t live = 0;
  bool leader_live = false;
  for (const std::string& id : ids) {
    std::optional<Server> server = ctx.txn().get<Server>(id);
    // The plan is a leader and its standbys; a customer's follower or
    // unfollowed database is not one of them.
    if (!server || server->role == Role::kIndependent || server->role == Role::kRetired ||
        server->role == Role::kFollower) {
      continue;
    }
    if (std::find(replaced.begin(), replaced.end(), id) != replaced.end()) continue;
    if (is_in(server_machine(), *server, {"destroying", "destroyed"})) {
      Server fresh{.id = next_server_id(*service),
                   .service = service->id,
                   .state = {.id = server_machine().initial(), .entered_us = ctx.now_us()},
                   .role = server->role,
                   .replaces = server->id};
      if (service->leader == server->id) service->leader = fresh.id;
      server->role = Role::kRetired;
      ctx.txn().put(*server);
      ctx.txn().put(fresh);
      ctx.txn().put(*service);
      leader_live = leader_live || fresh.role == Role::kLeader;
      ++live;
      continue;
    }
    leader_live = leader_live || server->role == Role::kLeader;
    ++live;
    if (is_in(server_machine(), *server, {"running"})) ++running;
  }
  // A plan server retired or unfollowed while the service was still being
  // provisioned (its host destroyed, its link unfollowed) leaves the plan
  // short: fresh servers bring it back to strength, a leader first.
  for (; live < service->standbys + 1; ++live) {
    Server fresh{.id = next_server_id(*service),
                 .service = service->id,
                 .state = {.id = server_machine().initial(), .entered_us = ctx.now_us()},
                 .role = leader_live ? Role::kStandby : Role::kLeader};
    if (!leader_live) service->leader = fresh.id;
    leader_live = true;
    ctx.txn().put(fresh);
    ctx.txn().put(*service);
  }
  // Back to the plan's strength, a leader named.
  UNWEDGE_ASSERT_LE(service->standbys + 1, live);
  UNWEDGE_ASSERT(!service->leader.empty());
  UNWEDGE_ASSERT_LE(running, live);
  if (running < live)
    return StepResult::wait(fmt::format("{} of {} servers running", running, live));
  return StepResult::next();
}

StepResult link_standbys(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  UNWEDGE_ASSERT(!service->leader.empty());
  bool waiting = false;
  for (const std::string& id : server_ids(*service)) {
    std::optional<Server> server = ctx.txn().get<Server>(id);
    if (!server || server->role != Role::kStandby) continue;
    if (!is_in(server_machine(), *server, {"running"})) {
      // A standby of the plan not running yet or for now (a fresh host that
      // has not checked in since it booted, one being restarted) is waited
      // for: moving on without it would leave a service declared available
      // whose synchronous standby never follows, so no write is ever
      // acknowledged. One being replaced or destroyed is no longer the
      // plan's; its replacement is a server of its own.
      UNWEDGE_PROBE("provision.standby_not_running");
      waiting =
          waiting || is_in(server_machine(), *server, {"creating", "unreachable", "restarting"});
      continue;
    }
    OpProgress op = progress(ctx.call(pgworld::kFollow, id, service->leader, id));
    if (op == OpProgress::kFailed) return StepResult::end(fmt::format("{} cannot follow", id));
    if (op == OpProgress::kWaiting) {
      waiting = true;
      continue;
    }
    if (!ctx.txn().get<ReplicaLink>(id)) {
      ctx.txn().put(
          ReplicaLink{.id = id,
                      .service = service->id,
                      .state = {.id = replica_link_machine().initial(), .entered_us = ctx.now_us()},
                      .standby = true});
    }
    UNWEDGE_ASSERT(id != service->leader);
    UNWEDGE_ASSERT(ctx.txn().view<ReplicaLink>(id) != nullptr);
  }
  return waiting ? StepResult::wait("standbys attaching") : StepResult::next();
}

StepResult await_certificate(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (service->certificate.empty()) {
    service->certificate = service->id + "-cert";
    ctx.txn().put(
        Certificate{.id = service->certificate,
                    .service = service->id,
                    .state = {.id = certificate_machine().initial(), .entered_us = ctx.now_us()}});
    ctx.txn().put(*service);
    return StepResult::wait("certificate requested");
  }
  std::optional<Certificate> certificate = ctx.txn().get<Certificate>(service->certificate);
  if (!certificate) return StepResult::end("the certificate is gone");
  if (!is_in(certificate_machine(), *certificate, {"active"})) {
    return StepResult::wait("certificate not active yet");
  }
  UNWEDGE_ASSERT_EQ(certificate->service, service->id);
  return StepResult::next();
}

StepResult point_endpoint(StepContext& ctx, const Settings& settings) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  // An empty target would take the endpoint away, not point it.
  UNWEDGE_ASSERT(!service->leader.empty());
  // MUTANT (endpoint_to_last_server): the endpoint goes to the last server
  // named, the leader only when the service has no standby.
  const std::string target = UNWEDGE_MUTANT(settings, kEndpointToLastServer)
                                 ? server_ids(*service).back()
                                 : service->leader;
  OpProgress op = progress(ctx.call(pgworld::kPointEndpoint, service->id, target));
  if (op == OpProgress::kFailed) return StepResult::end("the endpoint cannot be pointed");
  if (op == OpProgress::kWaiting) return StepResult::wait("pointing the endpoint");
  UNWEDGE_ASSERT(op == OpProgress::kDone);
  return StepResult::next();
}

StepResult declare_available(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (!is_in(service_machine(), *service, {"provisioning"})) {
    return StepResult::end(
        fmt::format("the service is {}", state_name(service_machine(), *service)));
  }
  UNWEDGE_ASSERT(!service->leader.empty() && !service->certificate.empty());
  move(ctx, service_machine(), *service, "available", "provisioned");
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"available"}));
  return StepResult::next();
}

}  // namespace

core::ActionDef provision_action(const Settings& settings) {
  UNWEDGE_ASSERT(service_machine().find_state("provisioning") == service_machine().initial());
  return core::ActionDef{
      .name = "Provision",
      .steps = {{"name-servers", name_servers},
                {"await-servers", await_servers},
                {"link-standbys", link_standbys},
                {"await-certificate", await_certificate},
                {"point-endpoint",
                 [settings](StepContext& ctx) { return point_endpoint(ctx, settings); }},
                {"declare-available", declare_available}},
      .summary =
          "Brings a new service from nothing to available: names its servers, waits for "
          "them, attaches the standbys, has the certificate issued and points the endpoint.",
      .transitions = {{"service", "provisioning", "available", "provisioned"}},
  };
}

}  // namespace unwedge::postgres
