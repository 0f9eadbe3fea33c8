#include "reports/coverage_collector.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

#include "core/probe.hpp"
#include "sim/faults.hpp"
#include "sim/invariants.hpp"

namespace unwedge::reports {
namespace {

MachineCoverage machine_shell(const core::MachineDef& machine) {
  MachineCoverage m{.name = machine.name(), .initial = machine.state_name(machine.initial())};
  for (const core::StateDef& state : machine.states()) {
    m.states.push_back({.name = state.name,
                        .healthy = state.healthy(),
                        .stable = state.stable(),
                        .dwell_max_us = state.traits.dwell_max_us});
  }
  for (const core::TransitionDef& t : machine.transitions()) {
    m.transitions.push_back({.from = machine.state_name(t.from),
                             .to = machine.state_name(t.to),
                             .cause = t.cause,
                             .legal = true});
  }
  return m;
}

TableCoverage table_shell(const core::DecisionTable& table) {
  TableCoverage t{.name = table.name(), .machine = table.machine().name()};
  for (const core::Rule& rule : table.rules()) {
    t.rules.push_back(
        {.name = rule.name, .action = rule.action ? table.action_name(*rule.action) : ""});
  }
  return t;
}

ActionCoverage action_shell(const core::ActionDef& action) {
  ActionCoverage a{.name = action.name};
  for (const core::StepDef& step : action.steps)
    a.steps.push_back({.name = step.name});
  return a;
}

template <class T>
void sort_by_name(std::vector<T>& entries) {
  std::sort(entries.begin(), entries.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

template <class T>
T* find_named(std::vector<T>& entries, std::string_view name) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const T& entry) { return entry.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

// A list kept sorted by name gets `entry` in its place, or finds its own.
template <class T>
T& named_in(std::vector<T>& entries, const T& entry) {
  if (T* found = find_named(entries, entry.name)) return *found;
  auto at = std::find_if(entries.begin(), entries.end(),
                         [&](const T& other) { return entry.name < other.name; });
  return *entries.insert(at, entry);
}

std::string outcome_of(const core::DecisionTable& table, const core::Decision& decision) {
  switch (decision.kind) {
    case core::DecisionKind::kAct:
      return "act " + table.action_name(*decision.action);
    case core::DecisionKind::kNothing:
      return "nothing";
    case core::DecisionKind::kUncovered:
      return "uncovered";
    case core::DecisionKind::kInvalid:
      return "invalid";
    case core::DecisionKind::kConflict:
      return "conflict";
  }
  return "unknown";
}

CellCoverage describe_cell(const core::DecisionTable& table, core::StateId state,
                           core::SignalSet signals) {
  CellCoverage cell{.state = table.machine().state_name(state)};
  const auto names = table.signal_names();
  for (std::size_t s = 0; s < names.size(); ++s) {
    if (signals.contains(static_cast<core::SignalId>(s))) cell.signals.push_back(names[s]);
  }
  std::sort(cell.signals.begin(), cell.signals.end());
  const core::Decision decision = table.decide(state, signals);
  cell.outcome = outcome_of(table, decision);
  for (std::size_t rule : decision.rules)
    cell.rules.push_back(table.rules()[rule].name);
  return cell;
}

}  // namespace

Coverage empty_coverage(const core::ControlPlaneModel& model) {
  Coverage c;
  for (const core::MachineDef* machine : model.machines)
    c.machines.push_back(machine_shell(*machine));
  for (const core::DecisionTable* table : model.tables)
    c.tables.push_back(table_shell(*table));
  for (const core::ActionDef* action : model.actions)
    c.actions.push_back(action_shell(*action));
  for (const sim::FaultKindInfo& kind : sim::fault_kinds())
    c.faults.push_back({.name = std::string(kind.name)});
  // Sorted by name, file and line already.
  for (const core::ProbeCount& probe : core::ProbeRegistry::instance().counts()) {
    c.probes.push_back({.name = probe.name, .file = probe.file, .line = probe.line});
  }
  sort_by_name(c.machines);
  sort_by_name(c.tables);
  sort_by_name(c.actions);
  sort_by_name(c.faults);
  return c;
}

CoverageCollector::CoverageCollector(const core::ControlPlaneModel& model) : model_(model) {
  core::ProbeRegistry::instance().reset();
}

void CoverageCollector::enter(const core::MachineDef& machine, std::string_view entity,
                              core::StateId state) {
  const std::string& name = machine.state_name(state);
  const std::string key = fmt::format("{}/{}", machine.name(), entity);
  auto it = entity_state_.find(key);
  if (it != entity_state_.end() && it->second == name) return;
  if (it == entity_state_.end()) {
    entity_state_.emplace(key, name);
  } else {
    it->second = name;
  }
  ++entered_[{machine.name(), name}];
  if (!machines_seen_.contains(machine.name()))
    machines_seen_.emplace(machine.name(), machine_shell(machine));
}

void CoverageCollector::transition(const core::TransitionEvent& e, core::TimeUs) {
  const core::MachineDef& machine = *e.machine;
  ++transitions_[{machine.name(), machine.state_name(e.from), machine.state_name(e.to),
                  e.refused ? std::string() : e.cause, e.refused}];
  if (!machines_seen_.contains(machine.name()))
    machines_seen_.emplace(machine.name(), machine_shell(machine));
  if (!e.refused) enter(machine, e.entity, e.to);
}

void CoverageCollector::state_seen(const core::MachineDef& machine, std::string_view entity,
                                   core::StateId state, core::TimeUs) {
  enter(machine, entity, state);
}

void CoverageCollector::decision(const core::DecisionEvent& e, core::TimeUs) {
  const CellKey key{e.table, e.state, e.signals.bits()};
  auto it = cells_.find(key);
  if (it == cells_.end()) {
    it = cells_
             .emplace(key, SeenCell{.table = e.table->name(),
                                    .cell = describe_cell(*e.table, e.state, e.signals)})
             .first;
    if (!tables_seen_.contains(e.table->name()))
      tables_seen_.emplace(e.table->name(), table_shell(*e.table));
  }
  ++it->second.cell.seen;
}

void CoverageCollector::step(const core::StepEvent& e, core::TimeUs) {
  action_ids_[std::string(e.action)].emplace(e.action_id);
  ++verdicts_[{std::string(e.action), std::string(e.step), std::string(e.verdict)}];
}

void CoverageCollector::fault_started(std::uint64_t, const sim::FaultSpec& spec, core::TimeUs) {
  ++faults_[std::string(sim::info(spec.kind).name)];
}

void CoverageCollector::run_ended(const sim::InvariantChecker& checker, core::TimeUs) {
  for (const auto& [state, histogram] : checker.dwell()) {
    DwellBuckets& dwell = dwell_[state];
    for (std::size_t b = 0; b < DwellBuckets::kBuckets && b < histogram.counts.size(); ++b)
      dwell.counts[b] += histogram.counts[b];
    dwell.max_us = std::max(dwell.max_us, histogram.max_us);
    dwell.judged_max_us = std::max(dwell.judged_max_us, histogram.judged_max_us);
  }
}

void CoverageCollector::fill_machines(Coverage& c) const {
  for (const auto& [name, shell] : machines_seen_)
    named_in(c.machines, shell);
  for (MachineCoverage& machine : c.machines) {
    for (StateCoverage& state : machine.states) {
      if (auto it = entered_.find({machine.name, state.name}); it != entered_.end())
        state.entered = it->second;
      if (auto it = dwell_.find(machine.name + "/" + state.name); it != dwell_.end())
        state.dwell = it->second;
    }
  }
  for (const auto& [key, count] : transitions_) {
    const auto& [machine_name, from, to, cause, refused] = key;
    MachineCoverage* machine = find_named(c.machines, machine_name);
    if (machine == nullptr) continue;  // machines_seen_ holds every machine of a transition
    const TransitionCoverage wanted{.from = from, .to = to, .cause = cause};
    auto legal = std::find_if(
        machine->transitions.begin(), machine->transitions.end(), [&](const TransitionCoverage& t) {
          return t.legal && t.from == wanted.from && t.to == wanted.to && t.cause == wanted.cause;
        });
    if (!refused && legal != machine->transitions.end()) {
      legal->taken += count;
      continue;
    }
    // Refused (or, against the runtime's contract, taken outside the table):
    // kept after the legal ones, in key order since transitions_ is sorted.
    machine->transitions.push_back(
        {.from = from, .to = to, .cause = cause, .legal = false, .taken = count});
  }
}

void CoverageCollector::fill_tables(Coverage& c) const {
  for (const auto& [name, shell] : tables_seen_)
    named_in(c.tables, shell);
  // By (table, state, signals): two table objects of one name (a control
  // plane restarted mid-run may build its tables anew) count as one, and
  // the order no longer depends on addresses.
  std::map<std::tuple<std::string, std::string, std::vector<std::string>>, CellCoverage> cells;
  for (const auto& [key, seen] : cells_) {
    auto [it, added] =
        cells.try_emplace({seen.table, seen.cell.state, seen.cell.signals}, seen.cell);
    if (!added) it->second.seen += seen.cell.seen;
  }
  for (const auto& [key, cell] : cells) {
    TableCoverage* table = find_named(c.tables, std::get<0>(key));
    if (table == nullptr) continue;  // tables_seen_ holds every table of a cell
    table->cells.push_back(cell);
    for (const std::string& rule : cell.rules) {
      if (RuleCoverage* r = find_named(table->rules, rule)) r->fired += cell.seen;
    }
  }
}

void CoverageCollector::fill_actions(Coverage& c) const {
  for (const auto& [name, ids] : action_ids_)
    named_in(c.actions, ActionCoverage{.name = name}).started = ids.size();
  for (const auto& [key, count] : verdicts_) {
    const auto& [action_name, step_name, verdict] = key;
    ActionCoverage& action = named_in(c.actions, ActionCoverage{.name = action_name});
    StepCoverage* step = find_named(action.steps, step_name);
    if (step == nullptr) {
      action.steps.push_back({.name = step_name});
      step = &action.steps.back();
    }
    // verdicts_ is sorted by (action, step, verdict): each step's verdicts
    // arrive in order.
    step->verdicts.emplace_back(verdict, count);
  }
}

Coverage CoverageCollector::coverage() const {
  Coverage c = empty_coverage(model_);
  fill_machines(c);
  fill_tables(c);
  fill_actions(c);
  for (const auto& [name, count] : faults_)
    named_in(c.faults, NamedCount{.name = name}).count = count;
  // The registry lists every site, in the same order as empty_coverage().
  c.probes.clear();
  for (const core::ProbeCount& probe : core::ProbeRegistry::instance().counts()) {
    c.probes.push_back(
        {.name = probe.name, .file = probe.file, .line = probe.line, .hits = probe.hits});
  }
  return c;
}

}  // namespace unwedge::reports
