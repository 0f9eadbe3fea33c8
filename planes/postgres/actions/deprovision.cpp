// Deprovision: take a service down for good. The endpoint goes first, so no
// client writes to a database that is about to vanish; then every server is
// asked to be destroyed and the certificate to be revoked (their own tables
// do the work), and the service is deprovisioned once all of it is gone.
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

StepResult begin(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (is_in(service_machine(), *service, {"deprovisioning"})) return StepResult::next();
  if (!is_in(service_machine(), *service,
             {"provisioning", "available", "uncertain", "unavailable", "maintenance"})) {
    return StepResult::end(
        fmt::format("the service is {}", state_name(service_machine(), *service)));
  }
  move(ctx, service_machine(), *service, "deprovisioning", "deprovision_started");
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"deprovisioning"}));
  return StepResult::next();
}

StepResult remove_endpoint(StepContext& ctx) {
  UNWEDGE_ASSERT(!ctx.subject().empty());
  OpProgress op =
      progress(call_with_retry(ctx, pgworld::kPointEndpoint, ctx.subject(), "", "endpoint"));
  if (op == OpProgress::kFailed) return StepResult::wait("endpoint removal failed; retrying");
  if (op == OpProgress::kWaiting) return StepResult::wait("removing the endpoint");
  UNWEDGE_ASSERT(op == OpProgress::kDone);
  return StepResult::next();
}

StepResult request_teardown(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  // Only this action moves a service out of deprovisioning.
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"deprovisioning"}));
  for (const std::string& id : server_ids(*service)) {
    std::optional<Server> server = ctx.txn().get<Server>(id);
    if (!server || server->destroy_requested || server->role == Role::kIndependent) continue;
    server->destroy_requested = true;
    ctx.txn().put(*server);
    UNWEDGE_ASSERT(ctx.txn().view<Server>(id)->destroy_requested);
  }
  if (std::optional<Certificate> cert = ctx.txn().get<Certificate>(service->certificate)) {
    cert->revoke_requested = true;
    ctx.txn().put(*cert);
    UNWEDGE_ASSERT(ctx.txn().view<Certificate>(cert->id)->revoke_requested);
  }
  return StepResult::next();
}

StepResult await_teardown(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  std::uint32_t remaining = 0;
  for (const std::string& id : server_ids(*service)) {
    std::optional<Server> server = ctx.txn().get<Server>(id);
    if (server && server->role != Role::kIndependent &&
        !is_in(server_machine(), *server, {"destroyed"})) {
      ++remaining;
    }
  }
  std::optional<Certificate> cert = ctx.txn().get<Certificate>(service->certificate);
  if (cert && !is_in(certificate_machine(), *cert, {"revoked"})) ++remaining;
  if (remaining > 0) return StepResult::wait(fmt::format("{} resources still up", remaining));
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"deprovisioning"}));
  move(ctx, service_machine(), *service, "deprovisioned", "deprovisioned");
  UNWEDGE_ASSERT(is_in(service_machine(), *service, {"deprovisioned"}));
  return StepResult::next();
}

}  // namespace

core::ActionDef deprovision_action() {
  core::ActionDef def{.name = "Deprovision",
                      .steps = {{"begin", begin},
                                {"remove-endpoint", remove_endpoint},
                                {"request-teardown", request_teardown},
                                {"await-teardown", await_teardown}},
                      .summary =
                          "Takes a service down for good: endpoint first, then every "
                          "server and the certificate, then the service."};
  for (const char* from :
       {"provisioning", "available", "uncertain", "unavailable", "maintenance"}) {
    def.transitions.push_back({"service", from, "deprovisioning", "deprovision_started"});
  }
  def.transitions.push_back({"service", "deprovisioning", "deprovisioned", "deprovisioned"});
  UNWEDGE_ASSERT_EQ(def.steps.size(), std::size_t{4});
  return def;
}

}  // namespace unwedge::postgres
