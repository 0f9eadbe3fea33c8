#include "core/control_plane_check.hpp"

#include <fmt/format.h>
#include <map>

#include "core/model_lookup.hpp"

namespace unwedge::core {
namespace {

// What a claim names and where it looks the name up, for its error message.
struct Lookup {
  std::string_view what;  // "machine", "state", "signal", "action", "decision table"
  std::string_view role;  // "as its waypoint", "among its given signals"; may be empty
  std::string owner;      // "the model", "machine replica_link", "table replica_link"
  std::vector<std::string> declared;
};

// "it names state 'fencign' as its waypoint, but machine replica_link has no
// state 'fencign'; did you mean 'fencing'?", and the declared names to pick from.
ModelError unknown_name(const std::string& statement, const std::string& name,
                        const Lookup& lookup) {
  const std::string role = lookup.role.empty() ? std::string() : fmt::format(" {}", lookup.role);
  return ModelError{
      .where = fmt::format("claim '{}'", statement),
      .message = fmt::format("it names {} '{}'{}, but {} has no {} '{}'{}", lookup.what, name, role,
                             lookup.owner, lookup.what, name, did_you_mean(name, lookup.declared)),
      .fix = lookup.declared.empty()
                 ? fmt::format("declare the {} in {}, or remove it from the claim", lookup.what,
                               lookup.owner)
                 : fmt::format("name one of the {}s of {}: {}", lookup.what, lookup.owner,
                               fmt::join(lookup.declared, ", "))};
}

ClaimResult claim_error(const std::string& statement, ClaimResult::Kind kind, ModelError error) {
  UNWEDGE_ASSERT(!error.message.empty());
  UNWEDGE_ASSERT(!error.fix.empty());
  ClaimResult result{.statement = statement, .kind = kind, .holds = false, .detail = error.message};
  result.error = std::move(error);
  return result;
}

// Resolves the names a decision claim uses, keeping the first the model
// lacks (one is enough to make the claim meaningless).
struct DecisionNames {
  const DecisionClaim& claim;
  const DecisionTable& table;
  std::optional<ModelError> error;

  SignalSet signals(const std::vector<std::string>& names, std::string_view role) {
    SignalSet set;
    for (const std::string& name : names) {
      std::optional<SignalId> id = table.find_signal(name);
      if (!id) {
        fail(name, {"signal", role, owner(), copied(table.signal_names())});
        return {};
      }
      set = set.with(*id);
    }
    return set;
  }

  // All states of the machine when the claim names none.
  StateSet states() {
    const MachineDef& machine = table.machine();
    StateSet set = claim.in.empty() ? StateSet::all(machine.state_count()) : StateSet{};
    for (const std::string& name : claim.in) {
      std::optional<StateId> id = machine.find_state(name);
      if (!id) {
        fail(name,
             {"state", "among its in states", "machine " + machine.name(), machine.state_names()});
        return {};
      }
      set.insert(*id);
    }
    return set;
  }

  std::optional<ActionId> action() {
    std::optional<ActionId> id = table.find_action(claim.action);
    if (!id) fail(claim.action, {"action", "", owner(), copied(table.action_names())});
    return id;
  }

  std::string owner() const { return "table " + table.name(); }

  static std::vector<std::string> copied(std::span<const std::string> names) {
    return {names.begin(), names.end()};
  }

  void fail(const std::string& name, const Lookup& lookup) {
    if (!error) error = unknown_name(claim.statement, name, lookup);
  }
};

ClaimResult::Kind kind_of(const DecisionClaim& claim) {
  return claim.kind == DecisionClaim::Kind::kAlways ? ClaimResult::Kind::kAlways
                                                    : ClaimResult::Kind::kNever;
}

// Two machines (or tables, or actions) of one name: claims, actions and
// tables find the first, and the second is never checked against anything.
void add_duplicates(std::string_view what, const std::vector<std::string>& names,
                    std::vector<ModelError>& errors) {
  std::map<std::string_view, std::size_t> seen;
  for (const std::string& name : names) {
    if (++seen[name] != 2) continue;
    errors.push_back(ModelError{
        .where = "the model",
        .message = fmt::format("it lists two {}s named '{}'", what, name),
        .fix = fmt::format("list each {} once, or give each its own name: claims, actions and "
                           "tables name it and would only ever find the first",
                           what)});
  }
}

ModelError error_of(const CrossFinding& f) {
  UNWEDGE_ASSERT(is_model_error(f.kind));
  const std::string where =
      f.table.empty() ? fmt::format("action {}", f.action) : fmt::format("table {}", f.table);
  return ModelError{.where = where, .message = f.message, .fix = f.fix};
}

// "  states: available [healthy, stable], uncertain [dwell 120 s], ..."
// and the transitions, so the printed check shows the machine it judged.
std::string describe_machine(const MachineDef& machine) {
  std::vector<std::string> states;
  for (const StateDef& state : machine.states()) {
    std::vector<std::string> traits;
    if (state.healthy()) traits.push_back("healthy");
    if (state.stable()) traits.push_back("stable");
    if (state.traits.leave_on_request) traits.push_back("left on request");
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

const char* to_string(ClaimResult::Kind kind) {
  switch (kind) {
    case ClaimResult::Kind::kPath:
      return "path";
    case ClaimResult::Kind::kAlways:
      return "always";
    case ClaimResult::Kind::kNever:
      return "never";
  }
  UNWEDGE_ASSERT_MSG(false, "unknown ClaimResult::Kind {}", static_cast<int>(kind));
  return "unknown";
}

ClaimResult check_claim(const ControlPlaneModel& model, const PathClaim& claim) {
  const ClaimResult::Kind kind = ClaimResult::Kind::kPath;
  const MachineDef* machine = machine_named(model, claim.machine);
  if (machine == nullptr) {
    return claim_error(claim.statement, kind,
                       unknown_name(claim.statement, claim.machine,
                                    {"machine", "", "the model", machine_names(model)}));
  }
  const std::pair<const std::string*, std::string_view> named[3] = {
      {&claim.source, "as its source"},
      {&claim.target, "as its target"},
      {&claim.waypoint, "as its waypoint"}};
  StateId ids[3] = {};
  for (int i = 0; i < 3; ++i) {
    std::optional<StateId> id = machine->find_state(*named[i].first);
    if (!id) {
      const Lookup lookup{"state", named[i].second, "machine " + machine->name(),
                          machine->state_names()};
      return claim_error(claim.statement, kind,
                         unknown_name(claim.statement, *named[i].first, lookup));
    }
    ids[i] = *id;
  }
  PathCheck check = must_pass_through(*machine, ids[0], ids[1], ids[2]);
  if (!check.holds) {
    UNWEDGE_ASSERT(!check.counterexamples.empty());
    UNWEDGE_ASSERT(check.counterexamples.front() == check.counterexample);
    std::vector<std::string> described;
    ClaimResult result{.statement = claim.statement, .kind = kind, .holds = false};
    for (const Path& path : check.counterexamples) {
      described.push_back(describe_path(*machine, path));
      std::vector<std::string>& names = result.counterexample_paths.emplace_back();
      for (StateId s : path)
        names.push_back(machine->state_name(s));
    }
    result.counterexample_path = result.counterexample_paths.front();
    result.detail = described.size() == 1
                        ? fmt::format("counterexample: {}", described.front())
                        : fmt::format("{} shortest counterexamples: {}", described.size(),
                                      fmt::join(described, "; "));
    return result;
  }
  return ClaimResult{.statement = claim.statement,
                     .kind = kind,
                     .holds = true,
                     .detail = fmt::format("no path from {} to {} avoids {}", claim.source,
                                           claim.target, claim.waypoint)};
}

ClaimResult check_claim(const ControlPlaneModel& model, const DecisionClaim& claim) {
  const DecisionTable* table = table_named(model, claim.table);
  if (table == nullptr) {
    return claim_error(claim.statement, kind_of(claim),
                       unknown_name(claim.statement, claim.table,
                                    {"decision table", "", "the model", table_names(model)}));
  }
  DecisionNames names{claim, *table, std::nullopt};
  const SignalSet given = names.signals(claim.given, "among its given signals");
  const SignalSet unless = names.signals(claim.unless, "among its unless signals");
  const std::optional<ActionId> action = names.action();
  const StateSet in = names.states();
  if (names.error) return claim_error(claim.statement, kind_of(claim), *names.error);
  UNWEDGE_ASSERT(action.has_value());

  QueryResult query = claim.kind == DecisionClaim::Kind::kAlways
                          ? always(*table, given, *action, in, unless)
                          : never(*table, given, *action, in, unless);
  ClaimResult result{.statement = claim.statement,
                     .kind = kind_of(claim),
                     .holds = query.holds,
                     .detail = query.describe(*table)};
  if (query.counterexample) {
    result.counterexample_cell =
        table->name_cell(query.counterexample->state, query.counterexample->signals);
    result.got = table->describe(query.got);
  }
  return result;
}

namespace {

// A disruptive action must name a table of the model, an action of that
// table and signals of it: otherwise the harness would count and judge
// nothing, in silence.
void add_disruption_errors(const ControlPlaneModel& model, std::vector<ModelError>& errors) {
  for (const DisruptiveAction& d : model.disruptive_actions) {
    const std::string where = fmt::format("disruptive action {}/{}", d.table, d.action);
    const DecisionTable* table = table_named(model, d.table);
    if (table == nullptr) {
      const std::vector<std::string> tables = table_names(model);
      errors.push_back({.where = where,
                        .message = fmt::format("the model has no decision table '{}'{}", d.table,
                                               did_you_mean(d.table, tables)),
                        .fix = fmt::format("name one of: {}", fmt::join(tables, ", "))});
      continue;
    }
    if (!table->find_action(d.action)) {
      errors.push_back(
          {.where = where,
           .message = fmt::format("table {} has no action '{}'{}", d.table, d.action,
                                  did_you_mean(d.action, table->action_names())),
           .fix = fmt::format("name one of: {}", fmt::join(table->action_names(), ", "))});
    }
    for (const std::string& signal : d.requested_by) {
      if (table->find_signal(signal)) continue;
      errors.push_back(
          {.where = where,
           .message = fmt::format("table {} has no signal '{}'{} (requested_by)", d.table, signal,
                                  did_you_mean(signal, table->signal_names())),
           .fix = fmt::format("name one of: {}", fmt::join(table->signal_names(), ", "))});
    }
  }
}

}  // namespace

ControlPlaneCheck check_control_plane(const ControlPlaneModel& model) {
  ControlPlaneCheck check;
  check.name = model.name;
  add_duplicates("machine", machine_names(model), check.errors);
  add_duplicates("decision table", table_names(model), check.errors);
  add_duplicates("action", action_names(model), check.errors);
  for (const MachineDef* machine : model.machines) {
    check.machines.push_back(MachineCheck{machine, check_model(*machine)});
  }
  for (const DecisionTable* table : model.tables) {
    check.tables.push_back(TableCheck{table, analyze(*table)});
  }
  for (const GroupTable* table : model.group_tables) {
    check.group_tables.push_back(GroupTableCheck{table, analyze(*table)});
  }
  for (const GoalDrivenDef* def : model.goal_driven) {
    GoalCheck goal = check_goal_driven(*def);
    for (const std::string& e : goal.errors) {
      check.errors.push_back(ModelError{
          .where = fmt::format("goal-driven machine '{}'", def->name),
          .message = e,
          .fix = "declare the node's machine, the monitor's table over that very machine and "
                 "the keeper's walk along the machine's transitions"});
    }
    check.goal_driven.push_back(std::move(goal));
  }
  for (CrossFinding& f : cross_check(model)) {
    if (is_model_error(f.kind)) {
      check.errors.push_back(error_of(f));
    } else {
      check.cross.push_back(std::move(f));
    }
  }
  auto add = [&check](ClaimResult result) {
    if (result.error) {
      check.errors.push_back(*result.error);
    } else {
      check.claims.push_back(std::move(result));
    }
  };
  for (const PathClaim& claim : model.path_claims)
    add(check_claim(model, claim));
  for (const DecisionClaim& claim : model.decision_claims)
    add(check_claim(model, claim));
  add_disruption_errors(model, check.errors);
  return check;
}

std::size_t ControlPlaneCheck::problem_count() const {
  std::size_t count = cross.size();
  for (const MachineCheck& m : machines)
    count += m.report.findings.size();
  for (const TableCheck& t : tables)
    count += t.analysis.conflict_count + t.analysis.gap_count;
  for (const GroupTableCheck& t : group_tables)
    count += t.analysis.conflict_count + t.analysis.gap_count;
  for (const GoalCheck& g : goal_driven)
    count += g.wedges.size();
  for (const ClaimResult& c : claims)
    count += c.holds ? 0 : 1;
  return count;
}

namespace {

// Model errors come first: until they are fixed the rest judges a model
// other than the one its authors meant.
std::string describe_errors(const std::vector<ModelError>& errors) {
  if (errors.empty()) return {};
  std::string out = fmt::format(
      "model errors: {} (the model is declared wrongly; fix these first)\n", errors.size());
  for (const ModelError& e : errors)
    out += fmt::format("  error: {}: {}\n    fix: {}\n", e.where, e.message, e.fix);
  return out;
}

std::string verdict_text(const ControlPlaneCheck& check) {
  if (check.has_errors()) {
    return fmt::format("verdict: MODEL ERROR ({} errors, {} problems)\n", check.errors.size(),
                       check.problem_count());
  }
  return fmt::format("verdict: {} ({} problems)\n", check.ok() ? "ok" : "FAIL",
                     check.problem_count());
}

}  // namespace

std::string ControlPlaneCheck::describe() const {
  std::string out = fmt::format("control plane {}\n", name);
  out += describe_errors(errors);
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
  for (const GroupTableCheck& t : group_tables) {
    out += fmt::format("group table {}: {} members, {} rules as decided, {} signals\n",
                       t.table->name(), t.table->member_count(), t.table->rules().size(),
                       t.table->signal_names().size());
    out += indented(t.analysis.describe(*t.table));
  }
  for (const GoalCheck& g : goal_driven)
    out += indented(g.describe());
  out +=
      fmt::format("cross-checks: {}\n", cross.empty() ? "machines, tables and actions agree"
                                                      : fmt::format("{} findings", cross.size()));
  for (const CrossFinding& f : cross)
    out += fmt::format("  {}: {}\n", to_string(f.kind), f.message);
  out += fmt::format("claims: {}\n", claims.size());
  for (const ClaimResult& c : claims) {
    out += fmt::format("  [{}] {}: {}\n", c.holds ? "holds" : "FAILS", c.statement, c.detail);
  }
  out += verdict_text(*this);
  return out;
}

}  // namespace unwedge::core
