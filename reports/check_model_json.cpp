#include "reports/check_model_json.hpp"

#include <nlohmann/json.hpp>

namespace unwedge::reports {
namespace {

using JsonOut = nlohmann::ordered_json;

JsonOut state_names_out(const core::MachineDef& machine, const std::vector<core::StateId>& states) {
  JsonOut names = JsonOut::array();
  for (core::StateId s : states)
    names.push_back(machine.state_name(s));
  return names;
}

JsonOut cell_out(const core::NamedCell& cell) {
  return JsonOut{{"state", cell.state}, {"signals", cell.signals}};
}

JsonOut machine_states(const core::MachineDef& machine) {
  JsonOut states = JsonOut::array();
  for (core::StateId id = 0; id < machine.state_count(); ++id) {
    const core::StateDef& s = machine.state(id);
    states.push_back(
        JsonOut{{"name", s.name},
                {"healthy", s.healthy()},
                {"stable", s.stable()},
                {"terminal", machine.is_terminal(id)},
                {"leave_on_request", s.traits.leave_on_request},
                {"dwell_max_us",
                 s.traits.dwell_max_us ? JsonOut(*s.traits.dwell_max_us) : JsonOut(nullptr)}});
  }
  return states;
}

JsonOut machine_transitions(const core::MachineDef& machine) {
  JsonOut transitions = JsonOut::array();
  for (const core::TransitionDef& t : machine.transitions()) {
    transitions.push_back(JsonOut{{"from", machine.state_name(t.from)},
                                  {"to", machine.state_name(t.to)},
                                  {"cause", t.cause}});
  }
  return transitions;
}

// A finding's path is the witness of its first state: how an entity gets
// from the initial state into the trouble (empty when it cannot).
JsonOut machine_findings(const core::MachineDef& machine, const core::ModelReport& report) {
  JsonOut findings = JsonOut::array();
  for (const core::Finding& f : report.findings) {
    UNWEDGE_ASSERT(!f.states.empty());
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(f.states.front()), report.witness.size());
    findings.push_back(
        JsonOut{{"kind", core::to_string(f.kind)},
                {"states", state_names_out(machine, f.states)},
                {"message", f.message},
                {"path", state_names_out(machine, report.witness[f.states.front()])}});
  }
  return findings;
}

JsonOut machine_check_out(const core::MachineCheck& m) {
  const core::MachineDef& machine = *m.machine;
  UNWEDGE_ASSERT_EQ(m.report.witness.size(), machine.state_count());
  JsonOut witness = JsonOut::object();
  for (core::StateId id = 0; id < machine.state_count(); ++id) {
    if (!m.report.witness[id].empty()) {
      witness[machine.state_name(id)] = state_names_out(machine, m.report.witness[id]);
    }
  }
  return JsonOut{{"name", machine.name()},
                 {"initial", machine.state_name(machine.initial())},
                 {"states", machine_states(machine)},
                 {"transitions", machine_transitions(machine)},
                 {"ok", m.report.ok()},
                 {"findings", machine_findings(machine, m.report)},
                 {"witness", std::move(witness)}};
}

JsonOut rule_names(const core::DecisionTable& table, const std::vector<std::size_t>& rules) {
  JsonOut names = JsonOut::array();
  for (std::size_t r : rules) {
    UNWEDGE_ASSERT_LT(r, table.rules().size());
    names.push_back(table.rules()[r].name);
  }
  return names;
}

// What one entity's and a group's table analyses share.
template <class Analysis>
JsonOut analysis_out(const Analysis& a, JsonOut conflicts, JsonOut gaps) {
  return JsonOut{{"ok", a.ok()},
                 {"cells_checked", a.cells_checked},
                 {"invalid_cells", a.invalid_cells},
                 {"conflict_count", a.conflict_count},
                 {"gap_count", a.gap_count},
                 {"conflicts", std::move(conflicts)},
                 {"gaps", std::move(gaps)}};
}

JsonOut table_check_out(const core::TableCheck& t) {
  const core::DecisionTable& table = *t.table;
  const core::TableAnalysis& a = t.analysis;
  JsonOut conflicts = JsonOut::array();
  for (const core::ConflictFinding& c : a.conflicts) {
    JsonOut cell = cell_out(table.name_cell(c.cell.state, c.cell.signals));
    cell["rules"] = rule_names(table, c.rules);
    cell["message"] =
        table.describe(core::Decision{.kind = core::DecisionKind::kConflict, .rules = c.rules});
    conflicts.push_back(std::move(cell));
  }
  JsonOut gaps = JsonOut::array();
  for (const core::Cell& g : a.gaps)
    gaps.push_back(cell_out(table.name_cell(g.state, g.signals)));
  JsonOut out = analysis_out(a, std::move(conflicts), std::move(gaps));
  out["name"] = table.name();
  out["machine"] = table.machine().name();
  out["dead_rules"] = rule_names(table, a.dead_rules);
  return out;
}

JsonOut cross_out(const core::CrossFinding& f) {
  JsonOut scheduled = JsonOut::array();
  for (const core::SchedulingCell& s : f.scheduled_by) {
    scheduled.push_back(JsonOut{{"table", s.table},
                                {"rule", s.rule},
                                {"state", s.cell.state},
                                {"signals", s.cell.signals},
                                {"cells", s.cells}});
  }
  return JsonOut{{"kind", core::to_string(f.kind)},
                 {"message", f.message},
                 {"machine", f.machine},
                 {"action", f.action},
                 {"table", f.table},
                 {"from", f.from},
                 {"to", f.to},
                 {"cause", f.cause},
                 {"table_causes", f.table_causes},
                 {"scheduled_by", std::move(scheduled)}};
}

JsonOut counterexample_out(const core::ClaimResult& c) {
  if (c.holds) return nullptr;
  if (c.kind == core::ClaimResult::Kind::kPath) {
    UNWEDGE_ASSERT(!c.counterexample_path.empty());
    UNWEDGE_ASSERT(!c.counterexample_paths.empty());
    UNWEDGE_ASSERT(c.counterexample_paths.front() == c.counterexample_path);
    return JsonOut{{"path", c.counterexample_path}, {"paths", c.counterexample_paths}};
  }
  UNWEDGE_ASSERT(c.counterexample_cell.has_value());
  JsonOut cell = cell_out(*c.counterexample_cell);
  cell["got"] = c.got;
  return cell;
}

JsonOut group_cell_out(const core::GroupTable& table, const core::GroupCell& cell) {
  JsonOut states = JsonOut::object();
  for (std::size_t m = 0; m < table.member_count(); ++m)
    states[table.member_names()[m]] = table.machine().state_name(cell.states.of[m]);
  JsonOut signals = JsonOut::array();
  for (std::size_t i = 0; i < table.signal_names().size(); ++i) {
    if (cell.signals.contains(static_cast<core::SignalId>(i)))
      signals.push_back(table.signal_names()[i]);
  }
  return JsonOut{{"states", std::move(states)}, {"signals", std::move(signals)}};
}

JsonOut group_table_out(const core::GroupTableCheck& t) {
  const core::GroupTable& table = *t.table;
  const core::GroupAnalysis& a = t.analysis;
  JsonOut conflicts = JsonOut::array();
  for (const core::GroupConflict& c : a.conflicts) {
    JsonOut cell = group_cell_out(table, c.cell);
    cell["message"] = table.describe(table.decide(c.cell.states, c.cell.signals));
    conflicts.push_back(std::move(cell));
  }
  JsonOut gaps = JsonOut::array();
  for (const core::GroupCell& g : a.gaps)
    gaps.push_back(group_cell_out(table, g));
  JsonOut dead = JsonOut::array();
  for (std::size_t r : a.dead_rules)
    dead.push_back(table.rules()[r].name);
  JsonOut out = analysis_out(a, std::move(conflicts), std::move(gaps));
  out["name"] = table.name();
  out["machine"] = table.machine().name();
  out["members"] = table.member_names();
  out["symmetric"] = table.symmetric();
  out["dead_rules"] = std::move(dead);
  return out;
}

JsonOut pairs_out(const std::vector<core::MemberPair>& pairs) {
  JsonOut out = JsonOut::array();
  for (const core::MemberPair& p : pairs) {
    out.push_back(JsonOut{{"member", p.member},
                          {"reported", p.reported},
                          {"goal", p.goal},
                          {"stale", p.stale ? JsonOut(*p.stale) : JsonOut(nullptr)}});
  }
  return out;
}

JsonOut goal_out(const core::GoalCheck& g) {
  JsonOut wedges = JsonOut::array();
  for (const core::GoalWedge& w : g.wedges) {
    wedges.push_back(JsonOut{{"kind", core::to_string(w.kind)},
                             {"message", w.message},
                             {"pairs", pairs_out(w.pairs)},
                             {"paths", w.paths}});
  }
  JsonOut stale = JsonOut::array();
  for (const core::StaleStep& s : g.stale_steps) {
    stale.push_back(JsonOut{{"member", s.member},
                            {"reported", s.reported},
                            {"goal", s.goal},
                            {"stale", s.stale},
                            {"to", s.to}});
  }
  JsonOut unreachable = JsonOut::array();
  for (const core::UnreachablePair& u : g.unreachable) {
    unreachable.push_back(JsonOut{{"reported", u.reported}, {"goal", u.goal}, {"stuck", u.stuck}});
  }
  return JsonOut{{"name", g.name},
                 {"ok", g.ok()},
                 {"members", g.members},
                 {"product_states", g.product_states},
                 {"product_moves", g.product_edges},
                 {"cells_read", g.cells_checked},
                 {"wedged_states", g.wedge_count},
                 {"wedges", std::move(wedges)},
                 {"stale_steps", std::move(stale)},
                 {"unreachable_pairs", std::move(unreachable)},
                 {"errors", g.errors}};
}

JsonOut claim_out(const core::ClaimResult& c) {
  UNWEDGE_ASSERT(!c.error.has_value());
  return JsonOut{{"statement", c.statement},
                 {"kind", core::to_string(c.kind)},
                 {"verdict", c.holds ? "holds" : "refuted"},
                 {"detail", c.detail},
                 {"counterexample", counterexample_out(c)}};
}

}  // namespace

const char* check_verdict(const core::ControlPlaneCheck& check) {
  if (check.has_errors()) return "model-error";
  return check.ok() ? "ok" : "fail";
}

std::string check_model_json(const core::ControlPlaneCheck& check) {
  JsonOut errors = JsonOut::array();
  for (const core::ModelError& e : check.errors)
    errors.push_back(JsonOut{{"where", e.where}, {"message", e.message}, {"fix", e.fix}});
  JsonOut machines = JsonOut::array();
  for (const core::MachineCheck& m : check.machines)
    machines.push_back(machine_check_out(m));
  JsonOut tables = JsonOut::array();
  for (const core::TableCheck& t : check.tables)
    tables.push_back(table_check_out(t));
  JsonOut group_tables = JsonOut::array();
  for (const core::GroupTableCheck& t : check.group_tables)
    group_tables.push_back(group_table_out(t));
  JsonOut goal_driven = JsonOut::array();
  for (const core::GoalCheck& g : check.goal_driven)
    goal_driven.push_back(goal_out(g));
  JsonOut cross = JsonOut::array();
  for (const core::CrossFinding& f : check.cross)
    cross.push_back(cross_out(f));
  JsonOut claims = JsonOut::array();
  for (const core::ClaimResult& c : check.claims)
    claims.push_back(claim_out(c));
  const JsonOut json{{"schema_version", kCheckModelSchemaVersion},
                     {"control_plane", check.name},
                     {"verdict", check_verdict(check)},
                     {"problem_count", check.problem_count()},
                     {"errors", std::move(errors)},
                     {"machines", std::move(machines)},
                     {"tables", std::move(tables)},
                     {"group_tables", std::move(group_tables)},
                     {"goal_driven", std::move(goal_driven)},
                     {"cross_checks", std::move(cross)},
                     {"claims", std::move(claims)}};
  return json.dump(2, ' ', false, JsonOut::error_handler_t::replace) + "\n";
}

}  // namespace unwedge::reports
