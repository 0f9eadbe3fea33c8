#include "core/cross_check.hpp"

#include <fmt/format.h>
#include <map>
#include <set>

#include "core/model_lookup.hpp"

namespace unwedge::core {
namespace {

std::string cell_text(const NamedCell& cell) {
  return fmt::format("in {} with {{{}}}", cell.state, fmt::join(cell.signals, ", "));
}

// Calls visit(table_index, state, signals, decision) for every cell of every
// table that schedules the action named `action`.
template <class Visit>
void for_each_scheduling_cell(const ControlPlaneModel& model, std::string_view action,
                              Visit&& visit) {
  for (std::size_t t = 0; t < model.tables.size(); ++t) {
    const DecisionTable& table = *model.tables[t];
    std::optional<ActionId> id = table.find_action(action);
    if (!id) continue;
    UNWEDGE_ASSERT_LE(table.signal_names().size(), kMaxSignals);
    const std::uint32_t subsets = std::uint32_t{1} << table.signal_names().size();
    for (StateId state = 0; state < table.machine().state_count(); ++state) {
      for (std::uint32_t bits = 0; bits < subsets; ++bits) {
        const SignalSet signals = SignalSet::from_bits(bits);
        const Decision d = table.decide(state, signals);
        if (d.kind == DecisionKind::kAct && d.action == id) visit(t, state, signals, d);
      }
    }
  }
}

// The cells, one per (table, rule), that schedule `action` while `machine` is
// in `from`; when no table of that machine schedules it there, every cell
// that schedules it at all (it reaches `from` on its way, or moves this
// machine from a table of another).
std::vector<SchedulingCell> scheduled_by(const ControlPlaneModel& model, std::string_view action,
                                         const MachineDef& machine, StateId from) {
  using ByRule = std::map<std::pair<std::size_t, std::size_t>, SchedulingCell>;
  ByRule in_from;
  ByRule anywhere;
  for_each_scheduling_cell(
      model, action, [&](std::size_t t, StateId state, SignalSet signals, const Decision& d) {
        const DecisionTable& table = *model.tables[t];
        auto record = [&](ByRule& cells, std::size_t rule) {
          auto [it, first] = cells.try_emplace(std::pair{t, rule});
          if (first) {
            it->second = SchedulingCell{.table = table.name(),
                                        .rule = table.rules()[rule].name,
                                        .cell = table.name_cell(state, signals)};
          }
          ++it->second.cells;
        };
        const bool in_source = table.machine().name() == machine.name() && state == from;
        for (std::size_t rule : d.rules) {
          record(anywhere, rule);
          if (in_source) record(in_from, rule);
        }
      });
  std::vector<SchedulingCell> result;
  for (auto& [key, cell] : in_from.empty() ? anywhere : in_from)
    result.push_back(std::move(cell));
  return result;
}

// "; scheduled by table service rule 'failover' in unavailable with {Unreachable}"
std::string scheduled_text(std::string_view action, const std::vector<SchedulingCell>& cells) {
  if (cells.empty()) return fmt::format("; no decision table schedules {}", action);
  std::vector<std::string> parts;
  for (const SchedulingCell& c : cells) {
    UNWEDGE_ASSERT_LE(std::size_t{1}, c.cells);
    std::string more = c.cells == 1 ? "" : fmt::format(" (and {} more cells)", c.cells - 1);
    parts.push_back(
        fmt::format("table {} rule '{}' {}{}", c.table, c.rule, cell_text(c.cell), more));
  }
  return fmt::format("; scheduled by {}", fmt::join(parts, ", and by "));
}

std::vector<std::string> causes_between(const MachineDef& machine, StateId from, StateId to) {
  std::vector<std::string> causes;
  for (const TransitionDef& t : machine.transitions()) {
    if (t.from == from && t.to == to) causes.push_back(t.cause);
  }
  return causes;
}

CrossFinding missing_transition(const ControlPlaneModel& model, const ActionDef& action,
                                const MachineDef& machine, const RequestedTransition& t,
                                StateId from, StateId to) {
  CrossFinding f{.kind = CrossFindingKind::kMissingTransition,
                 .machine = machine.name(),
                 .action = action.name,
                 .from = t.from,
                 .to = t.to,
                 .cause = t.cause,
                 .table_causes = causes_between(machine, from, to),
                 .scheduled_by = scheduled_by(model, action.name, machine, from)};
  std::string refused =
      f.table_causes.empty()
          ? std::string()
          : fmt::format(" (it joins {} -> {} only on '{}', so the runtime refuses '{}')", t.from,
                        t.to, fmt::join(f.table_causes, "', '"), t.cause);
  f.message = fmt::format(
      "action {} requests {}: {} -> {} on '{}', which is not in the {} transition table{}; an "
      "entity told to make it would wedge{}",
      action.name, machine.name(), t.from, t.to, t.cause, machine.name(), refused,
      scheduled_text(action.name, f.scheduled_by));
  return f;
}

CrossFinding unknown_machine(const ControlPlaneModel& model, const ActionDef& action,
                             const RequestedTransition& t) {
  const std::vector<std::string> known = machine_names(model);
  return {.kind = CrossFindingKind::kUnknownMachine,
          .message = fmt::format("action {} requests a transition of machine '{}', which the "
                                 "model does not have{}",
                                 action.name, t.machine, did_you_mean(t.machine, known)),
          .fix = fmt::format("name one of the model's machines ({}) in the action's "
                             "transitions, or add the machine to ControlPlaneModel::machines",
                             fmt::join(known, ", ")),
          .machine = t.machine,
          .action = action.name};
}

CrossFinding unknown_state(const ActionDef& action, const MachineDef& machine,
                           const std::string& state) {
  const std::vector<std::string> known = machine.state_names();
  return {.kind = CrossFindingKind::kUnknownState,
          .message = fmt::format("action {} names state '{}', which machine {} does not have{}",
                                 action.name, state, machine.name(), did_you_mean(state, known)),
          .fix = fmt::format("name one of the states of {} ({}) in the action's transitions",
                             machine.name(), fmt::join(known, ", ")),
          .machine = machine.name(),
          .action = action.name,
          .from = state};
}

void check_requested(const ControlPlaneModel& model, const ActionDef& action,
                     std::vector<CrossFinding>& out) {
  for (const RequestedTransition& t : action.transitions) {
    const MachineDef* machine = machine_named(model, t.machine);
    if (machine == nullptr) {
      out.push_back(unknown_machine(model, action, t));
      continue;
    }
    std::optional<StateId> from = machine->find_state(t.from);
    std::optional<StateId> to = machine->find_state(t.to);
    if (!from) out.push_back(unknown_state(action, *machine, t.from));
    if (!to) out.push_back(unknown_state(action, *machine, t.to));
    if (!from || !to) continue;
    if (!machine->find_transition(*from, *to, t.cause)) {
      out.push_back(missing_transition(model, action, *machine, t, *from, *to));
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
    const ActionDef* action = action_named(model, table.action_name(action_id));
    if (action == nullptr || !changes_machine(*action, machine)) continue;
    if (exits(*action, machine).contains(machine.state_name(state))) continue;
    out.push_back(
        {.kind = CrossFindingKind::kNoExitWhereScheduled,
         .message = fmt::format("table {} schedules {} {}, but {} declares no "
                                "transition of {} out of {}",
                                table.name(), action->name, table.describe_cell(state, signals),
                                action->name, machine.name(), machine.state_name(state)),
         .machine = machine.name(),
         .action = action->name,
         .table = table.name(),
         .from = machine.state_name(state)});
  }
}

// A table keeps a reference to the machine it was built against; the checks
// read the model's machines, so the table must hold that very object.
void check_table_machine(const ControlPlaneModel& model, const DecisionTable& table,
                         std::vector<CrossFinding>& out) {
  const std::string& name = table.machine().name();
  const MachineDef* listed = machine_named(model, name);
  if (listed == &table.machine()) return;
  if (listed == nullptr) {
    const std::vector<std::string> known = machine_names(model);
    out.push_back(
        {.kind = CrossFindingKind::kTableForUnknownMachine,
         .message = fmt::format("table {} decides for machine {}, which is not in the model{}",
                                table.name(), name, did_you_mean(name, known)),
         .fix = fmt::format("add machine {} to ControlPlaneModel::machines (the model has: {})",
                            name, fmt::join(known, ", ")),
         .machine = name,
         .table = table.name()});
    return;
  }
  out.push_back(
      {.kind = CrossFindingKind::kTableForCopiedMachine,
       .message = fmt::format("table {} was built against a copy of machine {}, not the "
                              "MachineDef object the model lists",
                              table.name(), name),
       .fix = fmt::format("pass the model's own MachineDef {} to DecisionTable::Builder, not a "
                          "copy: the table keeps a reference to the object it is given, and a "
                          "copy may be gone or differ by the time the table decides",
                          name),
       .machine = name,
       .table = table.name()});
}

void check_table_actions(const ControlPlaneModel& model, const DecisionTable& table,
                         std::vector<CrossFinding>& out) {
  for (const std::string& name : table.action_names()) {
    if (action_named(model, name) != nullptr) continue;
    out.push_back(
        {.kind = CrossFindingKind::kUndefinedAction,
         .message = fmt::format("table {} can schedule action {}, which no ActionDef defines{}",
                                table.name(), name, did_you_mean(name, action_names(model))),
         .action = name,
         .table = table.name()});
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
    case CrossFindingKind::kTableForCopiedMachine:
      return "table-for-copied-machine";
  }
  UNWEDGE_ASSERT_MSG(false, "unknown CrossFindingKind {}", static_cast<int>(kind));
  return "unknown";
}

bool is_model_error(CrossFindingKind kind) {
  switch (kind) {
    case CrossFindingKind::kUnknownMachine:
    case CrossFindingKind::kUnknownState:
    case CrossFindingKind::kTableForUnknownMachine:
    case CrossFindingKind::kTableForCopiedMachine:
      return true;
    case CrossFindingKind::kMissingTransition:
    case CrossFindingKind::kUndefinedAction:
    case CrossFindingKind::kNoExitWhereScheduled:
      return false;
  }
  UNWEDGE_ASSERT_MSG(false, "unknown CrossFindingKind {}", static_cast<int>(kind));
  return true;
}

std::vector<CrossFinding> cross_check(const ControlPlaneModel& model) {
  std::vector<CrossFinding> out;
  for (const ActionDef* action : model.actions)
    check_requested(model, *action, out);
  for (const DecisionTable* table : model.tables) {
    check_table_machine(model, *table, out);
    check_table_actions(model, *table, out);
    check_scheduled(model, *table, out);
  }
  for (const CrossFinding& f : out) {
    UNWEDGE_ASSERT(!f.message.empty());
    UNWEDGE_ASSERT_EQ(is_model_error(f.kind), !f.fix.empty());
  }
  return out;
}

}  // namespace unwedge::core
