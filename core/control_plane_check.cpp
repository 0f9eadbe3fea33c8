#include "core/control_plane_check.hpp"

#include <fmt/format.h>

namespace unwedge::core {
namespace {

const MachineDef* machine_named(const ControlPlaneModel& model, std::string_view name) {
  for (const MachineDef* m : model.machines) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

const DecisionTable* table_named(const ControlPlaneModel& model, std::string_view name) {
  for (const DecisionTable* t : model.tables) {
    if (t->name() == name) return t;
  }
  return nullptr;
}

ClaimResult refuted(const std::string& statement, std::string detail) {
  return ClaimResult{statement, false, std::move(detail)};
}

// The named states as a set (all of them when none are named).
Result<StateSet> resolve_states(const MachineDef& machine, const std::vector<std::string>& names) {
  StateSet set = names.empty() ? StateSet::all(machine.state_count()) : StateSet{};
  for (const std::string& name : names) {
    std::optional<StateId> id = machine.find_state(name);
    if (!id) return Error{fmt::format("machine {} has no state '{}'", machine.name(), name)};
    set = set.with(*id);
  }
  return set;
}

Result<SignalSet> resolve_signals(const DecisionTable& table,
                                  const std::vector<std::string>& names) {
  SignalSet set;
  for (const std::string& name : names) {
    std::optional<SignalId> id = table.find_signal(name);
    if (!id) return Error{fmt::format("table {} has no signal '{}'", table.name(), name)};
    set = set.with(*id);
  }
  return set;
}

// "  states: available [healthy, stable], uncertain [dwell 120 s], ..."
// and the transitions, so the printed check shows the machine it judged.
std::string describe_machine(const MachineDef& machine) {
  std::vector<std::string> states;
  for (const StateDef& state : machine.states()) {
    std::vector<std::string> traits;
    if (state.healthy()) traits.push_back("healthy");
    if (state.stable()) traits.push_back("stable");
    if (state.traits.dwell_max_us) {
      traits.push_back(fmt::format("dwell {} s", *state.traits.dwell_max_us / kSecond));
    }
    states.push_back(fmt::format("{} [{}]", state.name, fmt::join(traits, ", ")));
  }
  std::vector<std::string> transitions;
  for (const TransitionDef& t : machine.transitions()) {
    transitions.push_back(fmt::format("{} -> {} ({})", machine.state_name(t.from),
                                      machine.state_name(t.to), t.cause));
  }
  return fmt::format("  states: {}\n  transitions: {}\n", fmt::join(states, ", "),
                     fmt::join(transitions, ", "));
}

// Indents every line of a multi-line text by two spaces.
std::string indented(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && c != '\n') out += "  ";
    out += c;
    line_start = c == '\n';
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

}  // namespace

ClaimResult check_claim(const ControlPlaneModel& model, const PathClaim& claim) {
  const MachineDef* machine = machine_named(model, claim.machine);
  if (machine == nullptr) {
    return refuted(claim.statement, fmt::format("no machine named '{}'", claim.machine));
  }
  std::optional<StateId> ids[3] = {machine->find_state(claim.source),
                                   machine->find_state(claim.target),
                                   machine->find_state(claim.waypoint)};
  const std::string* names[3] = {&claim.source, &claim.target, &claim.waypoint};
  for (int i = 0; i < 3; ++i) {
    if (!ids[i]) {
      return refuted(claim.statement,
                     fmt::format("machine {} has no state '{}'", machine->name(), *names[i]));
    }
  }
  PathCheck check = must_pass_through(*machine, *ids[0], *ids[1], *ids[2]);
  if (!check.holds) {
    return refuted(claim.statement, fmt::format("counterexample: {}",
                                                describe_path(*machine, check.counterexample)));
  }
  return ClaimResult{
      claim.statement, true,
      fmt::format("no path from {} to {} avoids {}", claim.source, claim.target, claim.waypoint)};
}

ClaimResult check_claim(const ControlPlaneModel& model, const DecisionClaim& claim) {
  const DecisionTable* table = table_named(model, claim.table);
  if (table == nullptr) {
    return refuted(claim.statement, fmt::format("no decision table named '{}'", claim.table));
  }
  Result<SignalSet> given = resolve_signals(*table, claim.given);
  if (!given) return refuted(claim.statement, given.error().message);
  Result<SignalSet> unless = resolve_signals(*table, claim.unless);
  if (!unless) return refuted(claim.statement, unless.error().message);
  std::optional<ActionId> action = table->find_action(claim.action);
  if (!action) {
    return refuted(claim.statement,
                   fmt::format("table {} has no action '{}'", table->name(), claim.action));
  }
  Result<StateSet> in = resolve_states(table->machine(), claim.in);
  if (!in) return refuted(claim.statement, in.error().message);

  QueryResult query = claim.kind == DecisionClaim::Kind::kAlways
                          ? always(*table, *given, *action, *in, *unless)
                          : never(*table, *given, *action, *in, *unless);
  return ClaimResult{claim.statement, query.holds, query.describe(*table)};
}

ControlPlaneCheck check_control_plane(const ControlPlaneModel& model) {
  ControlPlaneCheck check;
  check.name = model.name;
  for (const MachineDef* machine : model.machines) {
    check.machines.push_back(MachineCheck{machine, check_model(*machine)});
  }
  for (const DecisionTable* table : model.tables) {
    check.tables.push_back(TableCheck{table, analyze(*table)});
  }
  check.cross = cross_check(model);
  for (const PathClaim& claim : model.path_claims)
    check.claims.push_back(check_claim(model, claim));
  for (const DecisionClaim& claim : model.decision_claims) {
    check.claims.push_back(check_claim(model, claim));
  }
  return check;
}

std::size_t ControlPlaneCheck::problem_count() const {
  std::size_t count = cross.size();
  for (const MachineCheck& m : machines)
    count += m.report.findings.size();
  for (const TableCheck& t : tables)
    count += t.analysis.conflict_count + t.analysis.gap_count;
  for (const ClaimResult& c : claims)
    count += c.holds ? 0 : 1;
  return count;
}

std::string ControlPlaneCheck::describe() const {
  std::string out = fmt::format("control plane {}\n", name);
  for (const MachineCheck& m : machines) {
    out += fmt::format(
        "machine {}: {} states, {} transitions, {}\n", m.machine->name(), m.machine->state_count(),
        m.machine->transitions().size(),
        m.report.ok() ? "no findings" : fmt::format("{} findings", m.report.findings.size()));
    out += describe_machine(*m.machine);
    for (const Finding& f : m.report.findings) {
      out += fmt::format("  {}: {}\n", to_string(f.kind), f.message);
    }
  }
  for (const TableCheck& t : tables) {
    out += fmt::format("table {}: {} rules, {} signals\n", t.table->name(), t.table->rules().size(),
                       t.table->signal_names().size());
    out += indented(t.analysis.describe(*t.table));
  }
  out +=
      fmt::format("cross-checks: {}\n", cross.empty() ? "machines, tables and actions agree"
                                                      : fmt::format("{} findings", cross.size()));
  for (const CrossFinding& f : cross)
    out += fmt::format("  {}: {}\n", to_string(f.kind), f.message);
  out += fmt::format("claims: {}\n", claims.size());
  for (const ClaimResult& c : claims) {
    out += fmt::format("  [{}] {}: {}\n", c.holds ? "holds" : "FAILS", c.statement, c.detail);
  }
  out += fmt::format("verdict: {} ({} problems)\n", ok() ? "ok" : "FAIL", problem_count());
  return out;
}

}  // namespace unwedge::core
