#include "cli/canary_plane.hpp"

#include <fmt/format.h>
#include <memory>

#include "core/action.hpp"
#include "core/assert.hpp"
#include "core/entity_codec.hpp"
#include "core/scheduler.hpp"
#include "seam/settings_reader.hpp"

namespace unwedge::cli {
namespace {

using core::StepContext;
using core::StepResult;

struct Ledger {
  static constexpr std::string_view kKind = "ledger";
  std::string id;  // the service's id
  core::MachineState state;
  friend bool operator==(const Ledger&, const Ledger&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Ledger, id, state)

struct CanarySettings {
  core::TimeUs drain_promise_us = 20 * core::kMinute;
};

// The planted bug: the drain waits for a confirmation nothing ever sends,
// so the ledger never leaves `draining`.
core::ActionDef drain_action() {
  return core::ActionDef{
      .name = "Drain",
      .steps = {{"mark",
                 [](StepContext& ctx) {
                   std::optional<Ledger> ledger = ctx.txn().get<Ledger>(ctx.subject());
                   if (!ledger) return StepResult::end("the ledger is gone");
                   if (ledger_machine().state_name(ledger->state.id) != "serving") {
                     return StepResult::next();  // a rerun finds it marked
                   }
                   const core::Status moved = ctx.change_state(
                       ledger_machine(), ledger->id, ledger->state, "draining", "drain_started");
                   UNWEDGE_ASSERT(moved.ok());
                   ctx.txn().put(*ledger);
                   return StepResult::next();
                 }},
                {"await-confirmation",
                 [](StepContext&) { return StepResult::wait("the drain's confirmation"); }}},
      .summary =
          "Drains a ledger, and waits for a confirmation that never comes (the canary's "
          "planted bug).",
      .transitions = {{"ledger", "serving", "draining", "drain_started"}}};
}

const std::vector<core::ActionDef>& actions() {
  static const std::vector<core::ActionDef> defs = {drain_action()};
  return defs;
}

// Starts Drain on every serving ledger, then drives what runs.
class DrainLoop final : public seam::Process {
 public:
  explicit DrainLoop(const core::Environment& env) : env_(env), scheduler_(env, cli::actions()) {}

  bool tick() override {
    std::uint32_t started = 0;
    for (const std::string& id : env_.store.begin()->ids(Ledger::kKind)) {
      std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
      std::shared_ptr<const Ledger> ledger = txn->view<Ledger>(id);
      if (!ledger || scheduler_.busy(*txn, Ledger::kKind, id)) continue;
      if (ledger_machine().state_name(ledger->state.id) != "serving") continue;
      core::Result<bool> offered = scheduler_.offer(Ledger::kKind, id, "Drain");
      started += offered.ok() && *offered ? 1 : 0;
    }
    const core::DriveStats drive = scheduler_.drive_all();
    return started == 0 && drive.driven == 0;
  }
  const std::vector<core::ActionDef>& actions() const override { return cli::actions(); }

 private:
  core::Environment env_;
  core::Scheduler scheduler_;
};

class CanaryPlane final : public seam::ControlPlane {
 public:
  explicit CanaryPlane(CanarySettings settings) : settings_(settings) {}

  const core::ControlPlaneModel& model() const override {
    static const core::ControlPlaneModel model{
        .name = kCanaryPlane,
        .description = "The canary's plane: a ledger drained and never confirmed.",
        .machines = {&ledger_machine()},
        .actions = {&actions()[0]}};
    return model;
  }
  seam::FleetConfiguration fleet() const override { return {}; }
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override {
    return std::make_unique<DrainLoop>(env);
  }
  void order_service(core::Transaction& txn, const seam::ServiceOrder& service,
                     core::TimeUs now_us) const override {
    txn.put(Ledger{.id = service.id,
                   .state = {.id = ledger_machine().initial(), .entered_us = now_us}});
  }
  std::string role_of(core::Transaction&, std::string_view) const override { return ""; }
  std::vector<std::string> members(core::Transaction&, std::string_view,
                                   std::string_view) const override {
    return {};
  }
  seam::RequestOutcome request(core::Transaction&, std::string_view, std::string_view,
                               core::TimeUs) override {
    return {};
  }
  void committed_states(core::Transaction& txn, const StateSeen& seen) const override {
    for (const std::string& id : txn.ids(Ledger::kKind)) {
      if (auto ledger = txn.view<Ledger>(id)) seen(ledger_machine(), id, ledger->state.id);
    }
  }
  std::optional<std::string> new_writer(const core::TransitionEvent&) const override {
    return std::nullopt;
  }
  std::vector<seam::ServiceView> services(core::Transaction& txn) const override {
    std::vector<seam::ServiceView> out;
    for (const std::string& id : txn.ids(Ledger::kKind)) {
      auto ledger = txn.view<Ledger>(id);
      out.push_back({.id = id, .state = &ledger_machine().state(ledger->state.id)});
    }
    return out;
  }
  // Its own invariant: a drain keeps its promise.
  std::optional<seam::PlaneViolation> check(core::Transaction& txn,
                                            core::TimeUs now_us) const override {
    for (const std::string& id : txn.ids(Ledger::kKind)) {
      auto ledger = txn.view<Ledger>(id);
      if (ledger_machine().state_name(ledger->state.id) != "draining") continue;
      if (now_us - ledger->state.entered_us <= settings_.drain_promise_us) continue;
      return seam::PlaneViolation{
          .entity = id,
          .message = fmt::format("ledger {} has been draining for {} s, past its promise of {} s",
                                 id, (now_us - ledger->state.entered_us) / core::kSecond,
                                 settings_.drain_promise_us / core::kSecond)};
    }
    return std::nullopt;
  }
  std::optional<seam::PlaneViolation> end_check(core::Transaction&, core::TimeUs) const override {
    return std::nullopt;
  }

 private:
  CanarySettings settings_;
};

std::vector<seam::SettingInfo> settings() {
  return {{"drain_promise", "20m", "a drain that lasts longer breaks the plane's own invariant"}};
}

core::Result<std::unique_ptr<seam::ControlPlane>> create(const seam::SettingsText& text) {
  seam::SettingsReader read(text, settings());
  CanarySettings s;
  read.duration("drain_promise", core::kSecond, core::kDay, s.drain_promise_us);
  if (core::Status status = read.finish(); !status) return status.error();
  return std::unique_ptr<seam::ControlPlane>(std::make_unique<CanaryPlane>(s));
}

}  // namespace

const core::MachineDef& ledger_machine() {
  static const core::MachineDef machine =
      *core::MachineDef::Builder("ledger")
           .state("serving", {.healthy = true, .stable = true})
           .state("draining", {.dwell_max_us = kDrainingDwellMaxUs})
           .transition("serving", "draining", "drain_started")
           .transition("draining", "serving", "drain_confirmed")
           .initial("serving")
           .build();
  return machine;
}

seam::PlaneInfo canary_plane_info() {
  return {.name = kCanaryPlane,
          .summary = "the canary's plane: a ledger drained and never confirmed (a planted wedge)",
          .model = []() -> const core::ControlPlaneModel& { return CanaryPlane({}).model(); },
          .settings = &settings,
          .create = &create,
          .entities = [](core::EntityCodecs& codecs) { codecs.add<Ledger>(); }};
}

}  // namespace unwedge::cli
