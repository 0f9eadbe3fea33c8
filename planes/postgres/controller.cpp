#include "planes/postgres/controller.hpp"

#include "planes/postgres/actions.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/signals.hpp"
#include "planes/postgres/tables.hpp"

namespace unwedge::postgres {
namespace {

// The table and the signal derivation of each entity kind.
struct Rules {
  const core::DecisionTable& table;
  core::SignalSet signals;
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

template <class Entity>
void journal_decision(core::Journal& journal, const core::DecisionTable& table,
                      const core::SignalSet& signals, const core::Decision& decision,
                      const Entity& entity, core::TimeUs now_us) {
  const bool acts = decision.kind == core::DecisionKind::kAct;
  journal.decision(core::DecisionEvent{
      .table = &table,
      .kind = Entity::kKind,
      .entity = entity.id,
      .state = entity.state.id,
      .signals = signals,
      .action = acts ? std::string_view(table.action_name(*decision.action)) : std::string_view(),
      .at_us = now_us});
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
    if (env_.journal != nullptr) {
      journal_decision(*env_.journal, rules.table, rules.signals, decision, *entity, now_us);
    }
    // Signal derivation must never produce what the table declares
    // impossible, and the analysis proves the table has no gap or conflict.
    UNWEDGE_ASSERT_MSG(
        decision.kind == core::DecisionKind::kAct || decision.kind == core::DecisionKind::kNothing,
        "{} {}: {}", Entity::kKind, id,
        rules.table.describe_cell(entity->state.id, rules.signals) + ": " +
            rules.table.describe(decision));
    if (decision.kind != core::DecisionKind::kAct) continue;
    const std::string& action = rules.table.action_name(*decision.action);
    Slot slot = slot_for(*entity, action);
    core::Result<bool> started = scheduler_.offer(slot.kind, slot.entity, action, id);
    if (started.ok() && *started) stats.started++;
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
