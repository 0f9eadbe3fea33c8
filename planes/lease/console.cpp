#include "planes/lease/console.hpp"

#include <fmt/format.h>
#include <tuple>

#include "core/assert.hpp"
#include "core/keyed_retry.hpp"
#include "planes/lease/machines.hpp"
#include "planes/lease/tables.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::lease {
namespace {

using core::StepContext;
using core::StepResult;

std::string_view state_of(const Service& service) {
  return service_machine().state_name(service.state.id);
}

StepResult create_hosts(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
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
  return StepResult::next();
}

StepResult choose_writer(StepContext& ctx, const Settings& s) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (ctx.var("writer")) return StepResult::next();
  std::optional<std::string> writer = current_writer(ctx.telemetry(), *service, s);
  if (!writer) return StepResult::end("no member takes writes");
  ctx.set_var("writer", *writer);
  return StepResult::next();
}

// `elect`: the service had no leader (being provisioned, or leaderless)
// and is available once routed; otherwise only the route changes.
StepResult point_endpoint(StepContext& ctx, bool elect) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  const std::string writer = *ctx.var("writer");
  core::Operation op =
      core::call_with_retry(ctx, pgworld::kPointEndpoint, service->id, writer, "route");
  if (!op.done()) return StepResult::wait("pointing the endpoint at " + writer);
  service->endpoint = writer;
  if (elect && state_of(*service) != "available") {
    const core::Status moved = ctx.change_state(service_machine(), service->id, service->state,
                                                "available", "leader_elected");
    UNWEDGE_ASSERT(moved.ok());
  }
  ctx.txn().put(*service);
  return StepResult::next();
}

StepResult mark_leaderless(StepContext& ctx) {
  std::optional<Service> service = ctx.txn().get<Service>(ctx.subject());
  if (!service) return StepResult::end("the service is gone");
  if (state_of(*service) != "available") return StepResult::end("not available");
  const core::Status moved =
      ctx.change_state(service_machine(), service->id, service->state, "leaderless", "leader_lost");
  UNWEDGE_ASSERT(moved.ok());
  ctx.txn().put(*service);
  return StepResult::next();
}

}  // namespace

std::optional<std::string> current_writer(const core::Telemetry& telemetry, const Service& service,
                                          const Settings& settings) {
  std::optional<std::string> best;
  std::tuple<core::Term, core::LogPosition> best_rank{0, 0};
  for (const std::string& member : service.members) {
    std::optional<core::Checkin> freshest;
    for (const core::Checkin& c : telemetry.checkins(member)) {
      if (!freshest || c.age_us < freshest->age_us) freshest = c;
    }
    if (!freshest || freshest->age_us > settings.ttl_us) continue;
    if (!freshest->accepts_writes || freshest->term <= 1) continue;
    const std::tuple<core::Term, core::LogPosition> rank{freshest->term, freshest->log_position};
    if (!best || rank > best_rank) {
      best = member;
      best_rank = rank;
    }
  }
  return best;
}

std::vector<core::ActionDef> console_actions(const Settings& settings) {
  core::ActionDef provision{
      .name = "Provision",
      .steps = {{"create-hosts", create_hosts}, {"record", record_hosts}},
      .summary = "Creates the hosts of a new service's members; their keepers elect a leader.",
      .transitions = {}};
  core::ActionDef route{
      .name = "Route",
      .steps = {{"choose", [settings](StepContext& ctx) { return choose_writer(ctx, settings); }},
                {"point", [](StepContext& ctx) { return point_endpoint(ctx, true); }}},
      .summary =
          "A service without a leader has one again: routes its endpoint to the member "
          "that reports taking writes, and marks the service available.",
      .transitions = {{"service", "provisioning", "available", "leader_elected"},
                      {"service", "leaderless", "available", "leader_elected"}}};
  core::ActionDef reroute{
      .name = "Reroute",
      .steps = {{"choose", [settings](StepContext& ctx) { return choose_writer(ctx, settings); }},
                {"point", [](StepContext& ctx) { return point_endpoint(ctx, false); }}},
      .summary =
          "Leadership moved while the service stayed available (a switchover): routes "
          "the endpoint to the new leader.",
      .transitions = {}};
  core::ActionDef leaderless{
      .name = "MarkLeaderless",
      .steps = {{"mark", mark_leaderless}},
      .summary = "Records that no member reports taking writes.",
      .transitions = {{"service", "available", "leaderless", "leader_lost"}}};
  return {provision, route, reroute, leaderless};
}

Console::Console(const core::Environment& env, const Settings& settings)
    : env_(env),
      settings_(settings),
      actions_(console_actions(settings)),
      scheduler_(env_, actions_) {}

bool Console::decide(const std::string& id) {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
  std::shared_ptr<const Service> service = txn->view<Service>(id);
  if (!service || scheduler_.busy(*txn, Service::kKind, id)) return false;
  const core::DecisionTable& table = service_table();
  const std::optional<std::string> writer = current_writer(env_.telemetry, *service, settings_);
  std::vector<std::string_view> raised;
  if (service->hosts_created) raised.push_back("HostsCreated");
  if (writer) raised.push_back("WriterSeen");
  if (writer && *writer != service->endpoint) raised.push_back("EndpointStale");
  core::SignalSet signals;
  for (std::string_view name : raised)
    signals = signals.with(*table.find_signal(name));
  const core::Decision decision = table.decide(service->state.id, signals);
  UNWEDGE_ASSERT(decision.kind == core::DecisionKind::kAct ||
                 decision.kind == core::DecisionKind::kNothing);
  const std::string_view action =
      decision.action ? std::string_view(table.action_name(*decision.action)) : "";
  if (env_.journal != nullptr) {
    env_.journal->decision({.table = &table,
                            .kind = Service::kKind,
                            .entity = id,
                            .state = service->state.id,
                            .signals = signals,
                            .action = action,
                            .at_us = env_.clock.now_us()});
  }
  if (decision.kind != core::DecisionKind::kAct) return false;
  core::Result<bool> offered = scheduler_.offer(Service::kKind, id, action);
  return offered.ok() && *offered;
}

bool Console::tick() {
  std::uint32_t started = 0;
  for (const std::string& id : env_.store.begin()->ids(Service::kKind)) {
    started += decide(id) ? 1 : 0;
  }
  const core::DriveStats drive = scheduler_.drive_all();
  return started == 0 && drive.driven == 0;
}

}  // namespace unwedge::lease
