// A minimal control plane, complete: one database per service on one host,
// created when ordered and recovered when monitoring loses it. One machine,
// one decision table, two re-entrant actions, registered as "minimal".
//
// It runs in unwedge's simulated Postgres fleet (worlds/postgres) through the
// public seam (seam/control_plane.hpp), exactly as a team's own plane does.
// docs/BRING_YOUR_OWN.md walks through it.
#include <fmt/format.h>

#include "core/action.hpp"
#include "core/decision_table.hpp"
#include "core/entity_codec.hpp"
#include "core/keyed_retry.hpp"
#include "core/machine.hpp"
#include "core/scheduler.hpp"
#include "seam/registry.hpp"
#include "seam/settings_reader.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace minimal {
namespace {

using namespace unwedge;
using core::StepContext;
using core::StepResult;

// What the plane keeps in its Store: one record per ordered service.
struct Database {
  static constexpr std::string_view kKind = "database";
  std::string id;  // the service's id
  core::MachineState state;
  std::string host;  // the node that serves it
  friend bool operator==(const Database&, const Database&) = default;
};
// How a database keeps it (`unwedge serve --store`, `explore-crashes --store`).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Database, id, state, host)

// 1. The machine: the states a database can be in, and the moves between them.
const core::MachineDef& database_machine() {
  static const core::MachineDef machine =
      *core::MachineDef::Builder("database")
           .state("creating", {.dwell_max_us = 15 * core::kMinute})
           .state("available", {.healthy = true, .stable = true})
           .state("recovering", {.dwell_max_us = 4 * core::kHour})
           .transition("creating", "available", "created")
           .transition("available", "recovering", "unreachable")
           .transition("recovering", "available", "recovered")
           .initial("creating")
           .build();
  return machine;
}

// 2. The table: what to do about the signals raised on a database.
const core::DecisionTable& database_table() {
  static const core::DecisionTable table =
      *core::DecisionTable::Builder("database", database_machine())
           .signals({"Unreachable"})
           .actions({"Provision", "Recover"})
           .rule({.name = "provision", .in = {"creating"}, .action = "Provision"})
           .rule({.name = "notice",
                  .when = {"Unreachable"},
                  .in = {"available"},
                  .action = "Recover"})
           .rule({.name = "serve", .unless = {"Unreachable"}, .in = {"available"}})
           .rule({.name = "recover", .in = {"recovering"}, .action = "Recover"})
           .build();
  return table;
}

struct Settings {
  core::TimeUs missed_after_us = 30 * core::kSecond;  // a check-in older than this is missed
};

// Heard from recently by any monitoring vantage point.
bool heard_from(const core::Telemetry& telemetry, std::string_view host, const Settings& s) {
  for (const core::Checkin& checkin : telemetry.checkins(host)) {
    if (checkin.age_us <= s.missed_after_us) return true;
  }
  return false;
}

// Moves the database of `ctx`'s subject to `to` if it is in `from`; false if it is not.
bool move(StepContext& ctx, std::string_view from, std::string_view to, std::string_view cause) {
  std::optional<Database> db = ctx.txn().get<Database>(ctx.subject());
  if (!db || database_machine().state_name(db->state.id) != from) return false;
  const core::Status moved = ctx.change_state(database_machine(), db->id, db->state, to, cause);
  UNWEDGE_ASSERT(moved.ok());
  ctx.txn().put(*db);
  return true;
}

// 3. The actions: each step is one transaction, re-entrant, keyed calls only.
std::vector<core::ActionDef> make_actions(const Settings& settings) {
  core::ActionDef provision{
      .name = "Provision",
      .steps = {{"create-host",
                 [](StepContext& ctx) {
                   // A failed creation did nothing: it is asked again under a new key.
                   core::Operation op = core::call_with_retry(
                       ctx, pgworld::kCreateHost, ctx.subject() + "-1", ctx.subject(), "create");
                   return op.done() ? StepResult::next() : StepResult::wait("creating the host");
                 }},
                {"point-endpoint",
                 [](StepContext& ctx) {
                   core::Operation op = core::call_with_retry(
                       ctx, pgworld::kPointEndpoint, ctx.subject(), ctx.subject() + "-1", "route");
                   return op.done() ? StepResult::next() : StepResult::wait("routing clients");
                 }},
                {"declare-available",
                 [](StepContext& ctx) {
                   if (!move(ctx, "creating", "available", "created")) {
                     return StepResult::end("no longer being created");
                   }
                   return StepResult::next();
                 }}},
      .summary = "Creates the database's host and routes its clients to it.",
      .transitions = {{"database", "creating", "available", "created"}}};
  core::ActionDef recover{
      .name = "Recover",
      .steps = {{"mark",
                 [](StepContext& ctx) {
                   move(ctx, "available", "recovering", "unreachable");  // a rerun finds it moved
                   return StepResult::next();
                 }},
                {"start-host",
                 [](StepContext& ctx) {
                   core::Operation op = ctx.call(pgworld::kStartHost, ctx.subject() + "-1");
                   if (op.state == core::OperationState::kFailed) return StepResult::end(op.detail);
                   return op.done() ? StepResult::next() : StepResult::wait("starting the host");
                 }},
                {"await-checkin",
                 [settings](StepContext& ctx) {
                   if (!heard_from(ctx.telemetry(), ctx.subject() + "-1", settings)) {
                     return StepResult::wait("the host is silent");
                   }
                   move(ctx, "recovering", "available", "recovered");
                   return StepResult::next();
                 }}},
      .summary = "Starts the database's host again and waits until monitoring hears from it.",
      .transitions = {{"database", "available", "recovering", "unreachable"},
                      {"database", "recovering", "available", "recovered"}}};
  return {provision, recover};
}

// The main loop: decide every idle database, then carry running actions on.
class Loop final : public seam::Process {
 public:
  Loop(const core::Environment& env, const Settings& settings)
      : env_(env),
        settings_(settings),
        actions_(make_actions(settings)),
        scheduler_(env, actions_) {}

  bool tick() override {
    std::uint32_t started = 0;
    for (const std::string& id : env_.store.begin()->ids(Database::kKind)) {
      std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
      std::shared_ptr<const Database> db = txn->view<Database>(id);
      if (!db || scheduler_.busy(*txn, Database::kKind, id)) continue;
      const core::DecisionTable& table = database_table();
      const bool lost = !heard_from(env_.telemetry, db->host, settings_);
      const core::SignalSet signals =
          lost ? table.signals_named({"Unreachable"}) : core::SignalSet{};
      const core::Decision decision = table.decide(db->state.id, signals);
      UNWEDGE_ASSERT(decision.kind == core::DecisionKind::kAct ||
                     decision.kind == core::DecisionKind::kNothing);
      const std::string_view action =
          decision.action ? std::string_view(table.action_name(*decision.action)) : "";
      if (env_.journal != nullptr) {
        env_.journal->decision({.table = &table,
                                .kind = Database::kKind,
                                .entity = id,
                                .state = db->state.id,
                                .signals = signals,
                                .action = action,
                                .at_us = env_.clock.now_us()});
      }
      if (decision.kind == core::DecisionKind::kAct) {
        core::Result<bool> offered = scheduler_.offer(Database::kKind, id, action);
        started += offered.ok() && *offered ? 1 : 0;
      }
    }
    const core::DriveStats drive = scheduler_.drive_all();
    return started == 0 && drive.driven == 0;
  }
  const std::vector<core::ActionDef>& actions() const override { return actions_; }

 private:
  core::Environment env_;
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;
};

// 4. The plug-in: what the harness asks of the plane, answered from its Store.
class MinimalPlane final : public seam::ControlPlane {
 public:
  explicit MinimalPlane(Settings settings) : settings_(settings) {}

  const core::ControlPlaneModel& model() const override {
    static const std::vector<core::ActionDef> actions = make_actions({});
    static const core::ControlPlaneModel model{
        .name = "minimal",
        .description = "One database per service on one host, recovered when it goes silent.",
        .machines = {&database_machine()},
        .tables = {&database_table()},
        .actions = {&actions[0], &actions[1]},
        .path_claims = {{.statement = "only a database that was available is recovered",
                         .machine = "database",
                         .source = "creating",
                         .target = "recovering",
                         .waypoint = "available"}}};
    return model;
  }
  seam::FleetConfiguration fleet() const override { return {}; }
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override {
    return std::make_unique<Loop>(env, settings_);
  }
  // The model is a static, so a copy shares it: runs of fleet_fuzzer's
  // version 2 start from a provisioned fleet copied, not simulated again.
  std::unique_ptr<seam::ControlPlane> clone() const override {
    return std::make_unique<MinimalPlane>(*this);
  }
  void order_service(core::Transaction& txn, const seam::ServiceOrder& service,
                     core::TimeUs now_us) const override {
    txn.put(Database{.id = service.id,
                     .state = {.id = database_machine().initial(), .entered_us = now_us},
                     .host = service.id + "-1"});
  }
  std::string role_of(core::Transaction&, std::string_view) const override { return ""; }
  std::vector<std::string> members(core::Transaction&, std::string_view,
                                   std::string_view) const override {
    return {};
  }
  seam::RequestOutcome request(core::Transaction&, std::string_view, std::string_view,
                               core::TimeUs) override {
    return {};  // it declares no requests, so none reaches it
  }
  void committed_states(core::Transaction& txn, const StateSeen& seen) const override {
    for (const std::string& id : txn.ids(Database::kKind)) {
      if (auto db = txn.view<Database>(id)) seen(database_machine(), id, db->state.id);
    }
  }
  std::optional<std::string> new_writer(const core::TransitionEvent&) const override {
    return std::nullopt;  // a database never changes its host
  }
  std::vector<seam::ServiceView> services(core::Transaction& txn) const override {
    std::vector<seam::ServiceView> out;
    for (const std::string& id : txn.ids(Database::kKind)) {
      auto db = txn.view<Database>(id);
      const core::StateDef& state = database_machine().state(db->state.id);
      out.push_back(
          {.id = id, .state = &state, .leader = state.name == "creating" ? "" : db->host});
    }
    return out;
  }
  std::optional<seam::PlaneViolation> end_check(core::Transaction&, core::TimeUs) const override {
    return std::nullopt;
  }

 private:
  Settings settings_;
};

std::vector<seam::SettingInfo> settings() {
  return {{"missed_after", "30s", "a check-in older than this is missed"}};
}

core::Result<std::unique_ptr<seam::ControlPlane>> create(const seam::SettingsText& text) {
  seam::SettingsReader read(text, settings());
  Settings s;
  read.duration("missed_after", 1, core::kHour, s.missed_after_us);
  if (core::Status status = read.finish(); !status) return status.error();
  return std::unique_ptr<seam::ControlPlane>(std::make_unique<MinimalPlane>(s));
}

seam::PlaneInfo info() {
  return {.name = "minimal",
          .summary = "one database per service on one host, recovered when it goes silent",
          .model = []() -> const core::ControlPlaneModel& { return MinimalPlane({}).model(); },
          .settings = &settings,
          .create = &create,
          .entities = [](core::EntityCodecs& codecs) { codecs.add<Database>(); }};
}

}  // namespace
}  // namespace minimal

UNWEDGE_REGISTER_CONTROL_PLANE(minimal::info());
