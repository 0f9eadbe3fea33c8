// The monitor's actions on a service: Provision, Route, MarkSettled,
// MarkUnsettled. The goals of its nodes are not actions: the monitor
// writes them to the store as it decides them (monitor.cpp).
#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/keyed_retry.hpp"
#include "planes/goal/monitor.hpp"
#include "planes/goal/service_machine.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::goal {
namespace {

using core::StepContext;
using core::StepResult;

std::string_view state_of(const Service& service) {
  return service_machine().state_name(service.state.id);
}

StepResult create_hosts(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  UNWEDGE_ASSERT_EQ(service->members.size(), std::size_t{2});
  std::uint32_t created = 0;
  for (const std::string& member : service->members) {
    // A failed creation did nothing: asked again under a new key. A pending
    // or timed-out one is asked about under the same key.
    core::Operation op =
        core::call_with_retry(ctx, pgworld::kCreateHost, member, service->id, "create-" + member);
    created += op.done() ? 1 : 0;
  }
  if (created < service->members.size()) {
    return StepResult::wait(
        fmt::format("{} of {} hosts created", created, service->members.size()));
  }
  return StepResult::next();
}

StepResult record_hosts(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  service->hosts_created = true;
  ctx.txn().put(*service);
  UNWEDGE_ASSERT(ctx.txn().get<Service>(ctx.subject())->hosts_created);
  return StepResult::next();
}

StepResult choose_leader(StepContext& ctx, Mutant mutant) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (ctx.var("leader")) return StepResult::next();
  std::vector<Member> members;
  for (const std::string& id : service->members) {
    std::optional<Member> member = ctx.txn().get<Member>(id);
    UNWEDGE_ASSERT(member.has_value());
    members.push_back(std::move(*member));
  }
  const std::optional<std::string> leader = leading_member(members, mutant);
  if (!leader) return StepResult::end("no member leads");
  ctx.set_var("leader", *leader);
  return StepResult::next();
}

StepResult point_endpoint(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  const std::string leader = *ctx.var("leader");
  UNWEDGE_ASSERT(!leader.empty());
  core::Operation op =
      core::call_with_retry(ctx, pgworld::kPointEndpoint, service->id, leader, "route");
  if (!op.done()) return StepResult::wait("pointing the endpoint at " + leader);
  service->endpoint = leader;
  ctx.txn().put(*service);
  return StepResult::next();
}

StepResult mark(StepContext& ctx, std::string_view from, std::string_view to,
                std::string_view cause) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (state_of(*service) == to) return StepResult::next();
  if (state_of(*service) != from && !(to == "available" && state_of(*service) == "provisioning")) {
    return StepResult::end(fmt::format("the service is {}", state_of(*service)));
  }
  const core::Status moved =
      ctx.change_state(service_machine(), service->id, service->state, to, cause);
  UNWEDGE_ASSERT_MSG(moved.ok(), "{}", moved.ok() ? "" : moved.error().message);
  ctx.txn().put(*service);
  return StepResult::next();
}

}  // namespace

std::vector<core::ActionDef> monitor_actions(Mutant mutant) {
  core::ActionDef provision{
      .name = "Provision",
      .steps = {{"create-hosts", create_hosts}, {"record", record_hosts}},
      .summary =
          "Creates the hosts of a new service's two nodes; the monitor then assigns the "
          "first node single and the second wait_standby.",
      .transitions = {}};
  core::ActionDef route{
      .name = "Route",
      .steps = {{"choose", [mutant](StepContext& ctx) { return choose_leader(ctx, mutant); }},
                {"point", point_endpoint}},
      .summary =
          "Routes the service's endpoint to the node that reports a primary's state and "
          "keeps a primary's goal.",
      .transitions = {}};
  core::ActionDef settled{
      .name = "MarkSettled",
      .steps = {{"mark",
                 [](StepContext& ctx) { return mark(ctx, "degraded", "available", "settled"); }}},
      .summary = "Records that one node reports primary and the other secondary.",
      .transitions = {{"service", "provisioning", "available", "settled"},
                      {"service", "degraded", "available", "settled"}}};
  core::ActionDef unsettled{
      .name = "MarkUnsettled",
      .steps = {{"mark",
                 [](StepContext& ctx) { return mark(ctx, "available", "degraded", "unsettled"); }}},
      .summary = "Records that the nodes walk towards new goals.",
      .transitions = {{"service", "available", "degraded", "unsettled"}}};
  return {provision, route, settled, unsettled};
}

}  // namespace unwedge::goal
