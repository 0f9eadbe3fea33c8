#include "core/cross_check.hpp"

#include <fmt/format.h>
#include <map>
#include <set>

namespace unwedge::core {
namespace {

const MachineDef* find_machine(const ControlPlaneModel& model, std::string_view name) {
  for (const MachineDef* m : model.machines) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

const ActionDef* find_action(const ControlPlaneModel& model, std::string_view name) {
  for (const ActionDef* a : model.actions) {
    if (a->name == name) return a;
  }
  return nullptr;
}

void check_requested(const ControlPlaneModel& model, const ActionDef& action,
                     std::vector<CrossFinding>& out) {
  for (const RequestedTransition& t : action.transitions) {
    const MachineDef* machine = find_machine(model, t.machine);
    if (machine == nullptr) {
      out.push_back({CrossFindingKind::kUnknownMachine,
                     fmt::format("action {} requests a transition of machine '{}', which the "
                                 "model does not have",
                                 action.name, t.machine)});
      continue;
    }
    std::optional<StateId> from = machine->find_state(t.from);
    std::optional<StateId> to = machine->find_state(t.to);
    for (const auto& [state, name] : {std::pair{from, t.from}, std::pair{to, t.to}}) {
      if (!state) {
        out.push_back({CrossFindingKind::kUnknownState,
                       fmt::format("action {} names state '{}', which machine {} does not have",
                                   action.name, name, machine->name())});
      }
    }
    if (!from || !to) continue;
    if (!machine->find_transition(*from, *to, t.cause)) {
      out.push_back(
          {CrossFindingKind::kMissingTransition,
           fmt::format("action {} requests {}: {} -> {} on '{}', which is not in the {} "
                       "transition table; an entity told to make it would wedge",
                       action.name, machine->name(), t.from, t.to, t.cause, machine->name())});
    }
  }
}

// The states of `machine` that `action` declares a way out of.
std::set<std::string_view> exits(const ActionDef& action, const MachineDef& machine) {
  std::set<std::string_view> result;
  for (const RequestedTransition& t : action.transitions) {
    if (t.machine == machine.name()) result.insert(t.from);
  }
  return result;
}

bool changes_machine(const ActionDef& action, const MachineDef& machine) {
  for (const RequestedTransition& t : action.transitions) {
    if (t.machine == machine.name()) return true;
  }
  return false;
}

// Over every cell the table can decide: an action that moves this machine
// must have a way out of each state it is scheduled in.
void check_scheduled(const ControlPlaneModel& model, const DecisionTable& table,
                     std::vector<CrossFinding>& out) {
  const MachineDef& machine = table.machine();
  std::map<std::pair<StateId, ActionId>, SignalSet> first_cell;
  const std::uint32_t subsets = 1U << table.signal_names().size();
  for (StateId state = 0; state < machine.state_count(); ++state) {
    for (std::uint32_t bits = 0; bits < subsets; ++bits) {
      Decision d = table.decide(state, SignalSet::from_bits(bits));
      if (d.kind == DecisionKind::kAct) {
        first_cell.try_emplace({state, *d.action}, SignalSet::from_bits(bits));
      }
    }
  }
  for (const auto& [key, signals] : first_cell) {
    const auto& [state, action_id] = key;
    const ActionDef* action = find_action(model, table.action_name(action_id));
    if (action == nullptr || !changes_machine(*action, machine)) continue;
    if (exits(*action, machine).contains(machine.state_name(state))) continue;
    out.push_back({CrossFindingKind::kNoExitWhereScheduled,
                   fmt::format("table {} schedules {} {}, but {} declares no transition of {} "
                               "out of {}",
                               table.name(), action->name, table.describe_cell(state, signals),
                               action->name, machine.name(), machine.state_name(state))});
  }
}

}  // namespace

const char* to_string(CrossFindingKind kind) {
  switch (kind) {
    case CrossFindingKind::kUnknownMachine:
      return "unknown-machine";
    case CrossFindingKind::kUnknownState:
      return "unknown-state";
    case CrossFindingKind::kMissingTransition:
      return "missing-transition";
    case CrossFindingKind::kUndefinedAction:
      return "undefined-action";
    case CrossFindingKind::kNoExitWhereScheduled:
      return "no-exit-where-scheduled";
    case CrossFindingKind::kTableForUnknownMachine:
      return "table-for-unknown-machine";
  }
  return "unknown";
}

std::vector<CrossFinding> cross_check(const ControlPlaneModel& model) {
  std::vector<CrossFinding> out;
  for (const ActionDef* action : model.actions)
    check_requested(model, *action, out);
  for (const DecisionTable* table : model.tables) {
    if (find_machine(model, table->machine().name()) != &table->machine()) {
      out.push_back({CrossFindingKind::kTableForUnknownMachine,
                     fmt::format("table {} decides for machine {}, which is not in the model",
                                 table->name(), table->machine().name())});
    }
    for (const std::string& name : table->action_names()) {
      if (find_action(model, name) == nullptr) {
        out.push_back({CrossFindingKind::kUndefinedAction,
                       fmt::format("table {} can schedule action {}, which no ActionDef defines",
                                   table->name(), name)});
      }
    }
    check_scheduled(model, *table, out);
  }
  return out;
}

}  // namespace unwedge::core
