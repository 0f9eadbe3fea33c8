#include "planes/postgres/controller.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

#include "core/probe.hpp"
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

// The service an entity belongs to: the group it is decided with.
std::string_view group_of_entity(const Service& e) {
  return e.id;
}
template <class Entity>
std::string_view group_of_entity(const Entity& e) {
  return e.service;
}

// The decision `table` makes, as the name of its action; empty for none.
std::string action_of(const core::DecisionTable& table, const core::Decision& decision) {
  if (decision.kind != core::DecisionKind::kAct) return {};
  return table.action_name(*decision.action);
}

// The limit on disruptive actions at once: those the model declares.
core::RunningLimit disruption_limit(const Settings& settings) {
  core::RunningLimit limit{.max = settings.disruptions_running_max};
  for (const core::DisruptiveAction& disruptive : model().disruptive_actions)
    limit.actions.push_back(disruptive.action);
  return limit;
}

}  // namespace

Slot slot_for(const ReplicaLink& link, std::string_view action) {
  if (action == "Promote") return {Service::kKind, link.service};
  return {ReplicaLink::kKind, link.id};
}

Controller::Controller(const core::Environment& env, const Settings& settings)
    : env_(env),
      feed_(env.store),
      feed_env_{.store = feed_,
                .infra = env.infra,
                .clock = env.clock,
                .telemetry = env.telemetry,
                .journal = env.journal},
      settings_(settings),
      actions_(make_actions(settings)),
      scheduler_(feed_env_, actions_, 8, disruption_limit(settings)) {}

template <class Entity>
void Controller::decide(const std::string& id, TickStats& stats) {
  std::unique_ptr<core::Transaction> txn = feed_env_.store.begin();  // read only
  std::shared_ptr<const Entity> entity = txn->view<Entity>(id);
  // A server and its replica link share an id: a hold is the kind's. Holds
  // are few (only at the limit), so most decisions never build a key.
  const auto hold_key = [&id] { return fmt::format("{}/{}", Entity::kKind, id); };
  const auto forget_hold = [&] {
    if (!held_.empty()) held_.erase(hold_key());
  };
  if (!entity || scheduler_.busy(*txn, Entity::kKind, id)) {
    forget_hold();  // gone, or its action runs: nothing waits
    return;
  }
  const core::TimeUs now_us = env_.clock.now_us();
  Rules rules = rules_for(*txn, env_.telemetry, settings_, now_us, *entity);
  core::Decision decision = rules.table.decide(entity->state.id, rules.signals);
  stats.decided++;
  const std::string* decided = decision.kind == core::DecisionKind::kAct
                                   ? &rules.table.action_name(*decision.action)
                                   : nullptr;
  const std::string_view action = decided != nullptr ? std::string_view(*decided) : "";
  bool started = false;
  if (!action.empty() && scheduler_.at_limit(*txn, action)) {
    // As many disruptions run as the plane allows: this one waits for a
    // later pass. Journaled the first time it is held (so the trace shows
    // what it waits for) and not again until it starts, so a backlog of
    // thousands does not fill the journal on every pass.
    UNWEDGE_PROBE("controller.action_held_at_limit");
    if (held_.insert(hold_key()).second && env_.journal != nullptr) {
      journal_decision(*env_.journal, decision, *entity, rules,
                       DecisionInputs{*txn, env_.telemetry, settings_, now_us, true});
    }
  } else {
    if (!action.empty()) {
      Slot slot = slot_for(*entity, action);
      core::Result<bool> offered = scheduler_.offer(slot.kind, slot.entity, action, id);
      started = offered.ok() && *offered;
      if (started) stats.started++;
    }
    forget_hold();
    if (env_.journal != nullptr) {
      journal_decision(*env_.journal, decision, *entity, rules,
                       DecisionInputs{*txn, env_.telemetry, settings_, now_us, !started});
    }
  }
  // Signal derivation must never produce what the table declares
  // impossible, and the analysis proves the table has no gap or conflict.
  UNWEDGE_ASSERT_MSG(
      decision.kind == core::DecisionKind::kAct || decision.kind == core::DecisionKind::kNothing,
      "{} {}: {}", Entity::kKind, id,
      rules.table.describe_cell(entity->state.id, rules.signals) + ": " +
          rules.table.describe(decision));
  // An action decided but not started (held at the limit, its slot taken,
  // its commit failed) is decided again on the next pass, as a full pass
  // would.
  const std::string group(group_of_entity(*entity));
  if (!action.empty() && !started) dirty_.insert(group);
  groups_[group].decided.push_back({.kind = Entity::kKind, .id = id, .action = decided});
}

bool Controller::full_pass_needed(core::TimeUs now_us) const {
  // A clock stepped back before the last full pass would put the next one
  // off by as much: that counts as due.
  return full_pass_due_ || settings_.full_pass_every_us == 0 || now_us < last_full_pass_us_ ||
         now_us - last_full_pass_us_ >= settings_.full_pass_every_us;
}

std::optional<std::string> Controller::group_of(core::Transaction& txn, std::string_view kind,
                                                std::string_view id) {
  const bool per_server = kind == Server::kKind || kind == ReplicaLink::kKind;
  if (per_server) {
    if (auto known = group_by_host_.find(id); known != group_by_host_.end()) return known->second;
  }
  std::optional<std::string> group;
  if (kind == Service::kKind) {
    if (txn.view<Service>(id)) group = std::string(id);
  } else if (kind == Server::kKind) {
    if (auto e = txn.view<Server>(id)) group = e->service;
  } else if (kind == ReplicaLink::kKind) {
    if (auto e = txn.view<ReplicaLink>(id)) group = e->service;
  } else if (kind == Certificate::kKind) {
    if (auto e = txn.view<Certificate>(id)) group = e->service;
  }
  if (group && per_server) group_by_host_.emplace(id, *group);
  return group;
}

void Controller::mark_written(core::Transaction& txn, const core::EntityKey& key) {
  std::string_view kind = key.first;
  std::string_view id = key.second;
  // A slot names its entity: freed, the entity is decided again.
  if (kind == core::ActionSlot::kKind) {
    const std::size_t slash = id.find('/');
    UNWEDGE_ASSERT_MSG(slash != std::string_view::npos, "slot id {} names no entity", id);
    kind = id.substr(0, slash);
    id = id.substr(slash + 1);
  }
  if (std::optional<std::string> group = group_of(txn, kind, id)) dirty_.insert(std::move(*group));
}

void Controller::absorb_own_writes() {
  std::vector<core::EntityKey> written = feed_.take_changes();
  if (written.empty()) return;
  std::unique_ptr<core::Transaction> txn = feed_env_.store.begin();  // read only
  for (const core::EntityKey& key : written)
    mark_written(*txn, key);
}

void Controller::hosts_checked_in(const std::vector<std::string>& hosts) {
  std::unique_ptr<core::Transaction> txn;
  for (const std::string& host : hosts) {
    auto known = group_by_host_.find(host);
    if (known != group_by_host_.end()) {
      touched_.push_back(known->second);
      continue;
    }
    if (!txn) txn = feed_env_.store.begin();  // read only
    // A host no server names (yet) moves no decision.
    if (std::optional<std::string> group = group_of(*txn, Server::kKind, host))
      touched_.push_back(std::move(*group));
  }
}

void Controller::records_changed(const std::vector<std::string>& entities) {
  // MUTANT (requests_unwatched): the records a request wrote are not taken
  // for a change; the request waits for the next full pass.
  if (entities.empty() || UNWEDGE_MUTANT(settings_, kRequestsUnwatched)) return;
  std::unique_ptr<core::Transaction> txn = feed_env_.store.begin();  // read only
  for (const std::string& id : entities) {
    bool found = false;
    for (std::string_view kind :
         {Service::kKind, Server::kKind, ReplicaLink::kKind, Certificate::kKind}) {
      if (std::optional<std::string> group = group_of(*txn, kind, id)) {
        dirty_.insert(std::move(*group));
        found = true;
      }
    }
    // Something written that no entity of ours names: look at everything.
    if (!found) full_pass_due_ = true;
  }
}

void Controller::wake_when_facts_may_change(const std::string& group, const GroupFacts& now,
                                            core::TimeUs now_us) {
  if (now.steady_for_us == core::kForever) return;
  wake_.add(group, now_us + now.steady_for_us);
}

void Controller::recheck(const std::string& group, core::TimeUs now_us) {
  auto memo = groups_.find(group);
  if (memo == groups_.end()) {
    dirty_.insert(group);
    return;
  }
  GroupFacts now = facts(memo->second.shape, env_.telemetry, settings_, now_us);
  if (now.values != memo->second.facts.values) {
    dirty_.insert(group);
    return;
  }
  wake_when_facts_may_change(group, now, now_us);
}

void Controller::decide_dirty(TickStats& stats, core::TimeUs now_us) {
  if (dirty_.empty()) return;
  const std::set<std::string, std::less<>> dirty = std::exchange(dirty_, {});
  std::vector<Group> groups;
  std::vector<std::string> servers;
  std::vector<std::string> links;
  std::vector<std::string> certificates;
  {
    std::unique_ptr<core::Transaction> txn = feed_env_.store.begin();  // read only
    for (const std::string& id : dirty) {
      std::optional<Group> group = read_group(*txn, id);
      if (!group) {
        groups_.erase(id);
        continue;
      }
      for (const std::string& server : group->servers) {
        group_by_host_.insert_or_assign(server, id);
        servers.push_back(server);
      }
      links.insert(links.end(), group->links.begin(), group->links.end());
      if (!group->certificate.empty()) certificates.push_back(group->certificate);
      groups_[id].decided.clear();
      groups.push_back(std::move(*group));
    }
  }
  // Kind by kind and in id order within a kind, as a full pass decides.
  std::sort(servers.begin(), servers.end());
  std::sort(links.begin(), links.end());
  std::sort(certificates.begin(), certificates.end());
  for (const Group& group : groups)
    decide<Service>(group.service, stats);
  for (const std::string& id : servers)
    decide<Server>(id, stats);
  for (const std::string& id : links)
    decide<ReplicaLink>(id, stats);
  for (const std::string& id : certificates)
    decide<Certificate>(id, stats);
  // What the decisions were made from, to tell when it next changes.
  for (Group& group : groups) {
    GroupMemo& memo = groups_[group.service];
    memo.shape = std::move(group.shape);
    memo.facts = facts(memo.shape, env_.telemetry, settings_, now_us);
    wake_when_facts_may_change(group.service, memo.facts, now_us);
  }
}

TickStats Controller::tick() {
  TickStats stats;
  const core::TimeUs now_us = env_.clock.now_us();
  absorb_own_writes();
  if (full_pass_needed(now_us)) {
    std::unique_ptr<core::Transaction> txn = feed_env_.store.begin();  // read only
    for (std::string& id : txn->ids(Service::kKind))
      dirty_.insert(std::move(id));
    full_pass_due_ = false;
    last_full_pass_us_ = now_us;
    touched_.clear();
    wake_.clear();
  } else {
    for (std::string& group : wake_.take_due(now_us))
      touched_.push_back(std::move(group));
    // Each once, in name order.
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
    for (const std::string& group : std::exchange(touched_, {})) {
      if (!dirty_.contains(group)) recheck(group, now_us);
    }
  }
  decide_dirty(stats, now_us);
  stats.drive = scheduler_.drive_all();
  // What the pass itself wrote is decided on the next: queued now, so an
  // audit between the two knows it.
  absorb_own_writes();
  return stats;
}

template <class Entity>
std::optional<MissedDecision> Controller::audit_kind(core::Transaction& txn) {
  const core::TimeUs now_us = env_.clock.now_us();
  for (const std::string& id : txn.ids(Entity::kKind)) {
    std::shared_ptr<const Entity> entity = txn.view<Entity>(id);
    if (!entity || scheduler_.busy(txn, Entity::kKind, id)) continue;
    const std::string_view group = group_of_entity(*entity);
    if (dirty_.contains(group)) continue;  // decided on the next pass
    Rules rules = rules_for(txn, env_.telemetry, settings_, now_us, *entity);
    const core::Decision decision = rules.table.decide(entity->state.id, rules.signals);
    const std::string now = action_of(rules.table, decision);
    const auto memo = groups_.find(group);
    const GroupMemo::Decided* decided = nullptr;
    if (memo != groups_.end()) {
      for (const GroupMemo::Decided& d : memo->second.decided) {
        if (d.kind == Entity::kKind && d.id == id) decided = &d;
      }
    }
    const std::string last =
        decided == nullptr || decided->action == nullptr ? "" : *decided->action;
    if (decided != nullptr && last == now) continue;
    const std::string cell = rules.table.describe_cell(entity->state.id, rules.signals);
    const std::string decides = now.empty() ? "nothing" : now;
    return MissedDecision{
        .entity = id,
        .message =
            decided == nullptr
                ? fmt::format("missed decision: {} {} was never decided, and a full "
                              "decision at {} gives {}",
                              Entity::kKind, id, cell, decides)
                : fmt::format("missed decision: {} {} at {} decides {}, but the "
                              "controller last decided {} and has not queued it",
                              Entity::kKind, id, cell, decides, last.empty() ? "nothing" : last)};
  }
  return std::nullopt;
}

std::optional<MissedDecision> Controller::audit() {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
  if (auto missed = audit_kind<Service>(*txn)) return missed;
  if (auto missed = audit_kind<Server>(*txn)) return missed;
  if (auto missed = audit_kind<ReplicaLink>(*txn)) return missed;
  return audit_kind<Certificate>(*txn);
}

}  // namespace unwedge::postgres
