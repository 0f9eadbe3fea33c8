#include "planes/postgres/controller.hpp"

#include "planes/postgres/actions.hpp"
#include "planes/postgres/disruption_evidence.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/model.hpp"
#include "planes/postgres/signals.hpp"
#include "planes/postgres/tables.hpp"

namespace unwedge::postgres {
namespace {

// The table and the signal derivation of each entity kind.
struct Rules {
  const core::DecisionTable& table;
  core::SignalSet signals;
};

// What one decision was made from.
struct DecisionInputs {
  core::Transaction& txn;
  const core::Telemetry& telemetry;
  const Settings& settings;
  core::TimeUs now_us;
  bool slot_busy;  // the action decided could not start
};

Rules rules_for(core::Transaction& txn, const core::Telemetry& t, const Settings& s,
                core::TimeUs now_us, const Service& e) {
  return {service_table(), service_signals(txn, t, s, now_us, e)};
}
Rules rules_for(core::Transaction& txn, const core::Telemetry& t, const Settings& s,
                core::TimeUs now_us, const Server& e) {
  return {server_table(), server_signals(txn, t, s, now_us, e)};
}
Rules rules_for(core::Transaction& txn, const core::Telemetry& t, const Settings& s,
                core::TimeUs now_us, const ReplicaLink& e) {
  return {replica_link_table(s), replica_link_signals(txn, t, s, now_us, e)};
}
Rules rules_for(core::Transaction& txn, const core::Telemetry&, const Settings& s,
                core::TimeUs now_us, const Certificate& e) {
  return {certificate_table(), certificate_signals(txn, s, now_us, e)};
}

// The decision as journaled: with what the plane saw when its action is one
// the model declares disruptive, so the journal learns why it was taken.
template <class Entity>
void journal_decision(core::Journal& journal, const core::Decision& decision, const Entity& entity,
                      const Rules& rules, const DecisionInputs& in) {
  const core::DecisionTable& table = rules.table;
  const bool acts = decision.kind == core::DecisionKind::kAct;
  const std::string_view action =
      acts ? std::string_view(table.action_name(*decision.action)) : std::string_view();
  std::optional<core::DisruptionEvidence> evidence;
  if (acts && !in.slot_busy && core::find_disruptive(model(), table.name(), action) != nullptr) {
    evidence = disruption_evidence(in.txn, in.telemetry, in.settings, in.now_us, entity, table,
                                   rules.signals);
  }
  journal.decision(core::DecisionEvent{.table = &table,
                                       .kind = Entity::kKind,
                                       .entity = entity.id,
                                       .state = entity.state.id,
                                       .signals = rules.signals,
                                       .action = action,
                                       .at_us = in.now_us,
                                       .slot_busy = acts && in.slot_busy,
                                       .evidence = evidence ? &*evidence : nullptr});
}

}  // namespace

Slot slot_for(const ReplicaLink& link, std::string_view action) {
  if (action == "Promote") return {Service::kKind, link.service};
  return {ReplicaLink::kKind, link.id};
}

Controller::Controller(const core::Environment& env, const Settings& settings)
    : env_(env), settings_(settings), actions_(make_actions(settings)), scheduler_(env, actions_) {}

template <class Entity>
void Controller::decide_all(TickStats& stats) {
  std::vector<std::string> ids = env_.store.begin()->ids(Entity::kKind);
  for (const std::string& id : ids) {
    std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
    std::shared_ptr<const Entity> entity = txn->view<Entity>(id);
    if (!entity || scheduler_.busy(*txn, Entity::kKind, id)) continue;
    const core::TimeUs now_us = env_.clock.now_us();
    Rules rules = rules_for(*txn, env_.telemetry, settings_, now_us, *entity);
    core::Decision decision = rules.table.decide(entity->state.id, rules.signals);
    stats.decided++;
    bool started = false;
    if (decision.kind == core::DecisionKind::kAct) {
      const std::string& action = rules.table.action_name(*decision.action);
      Slot slot = slot_for(*entity, action);
      core::Result<bool> offered = scheduler_.offer(slot.kind, slot.entity, action, id);
      started = offered.ok() && *offered;
      if (started) stats.started++;
    }
    if (env_.journal != nullptr) {
      journal_decision(*env_.journal, decision, *entity, rules,
                       DecisionInputs{*txn, env_.telemetry, settings_, now_us, !started});
    }
    // Signal derivation must never produce what the table declares
    // impossible, and the analysis proves the table has no gap or conflict.
    UNWEDGE_ASSERT_MSG(
        decision.kind == core::DecisionKind::kAct || decision.kind == core::DecisionKind::kNothing,
        "{} {}: {}", Entity::kKind, id,
        rules.table.describe_cell(entity->state.id, rules.signals) + ": " +
            rules.table.describe(decision));
  }
}

TickStats Controller::tick() {
  TickStats stats;
  decide_all<Service>(stats);
  decide_all<Server>(stats);
  decide_all<ReplicaLink>(stats);
  decide_all<Certificate>(stats);
  stats.drive = scheduler_.drive_all();
  return stats;
}

}  // namespace unwedge::postgres
