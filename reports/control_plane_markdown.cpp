#include "reports/control_plane_markdown.hpp"

#include <fmt/format.h>
#include <iterator>

namespace unwedge::reports {
namespace {

using Out = std::back_insert_iterator<std::string>;

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

std::string names(const core::DecisionTable& table, core::SignalSet signals) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < table.signal_names().size(); ++i) {
    if (signals.contains(static_cast<core::SignalId>(i))) out.push_back(table.signal_names()[i]);
  }
  return out.empty() ? "" : fmt::format("{}", fmt::join(out, ", "));
}

std::string state_names(const core::MachineDef& machine, const core::StateSet& states) {
  if (states == core::StateSet::all(machine.state_count())) return "any";
  std::vector<std::string_view> out;
  for (const core::StateId s : states)
    out.push_back(machine.state_name(s));
  return fmt::format("{}", fmt::join(out, ", "));
}

bool any_left_on_request(const core::ControlPlaneCheck& check) {
  for (const core::MachineCheck& m : check.machines) {
    for (const core::StateDef& s : m.machine->states()) {
      if (s.traits.leave_on_request) return true;
    }
  }
  return false;
}

void machine_section(Out out, const core::MachineCheck& check, std::string_view graphs_dir) {
  const core::MachineDef& m = *check.machine;
  fmt::format_to(out, "### {}\n\n![{} machine]({}/{}.svg)\n\n", m.name(), m.name(), graphs_dir,
                 m.name());
  fmt::format_to(out, "| state | healthy | stable | max dwell | why |\n|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < m.state_count(); ++i) {
    const core::StateDef& s = m.state(static_cast<core::StateId>(i));
    std::string mark = i == m.initial() ? " (initial)" : "";
    if (m.is_terminal(static_cast<core::StateId>(i))) {
      mark += s.traits.leave_on_request ? " (terminal, left on request)" : " (terminal)";
    }
    fmt::format_to(out, "| `{}`{} | {} | {} | {} | {} |\n", s.name, mark, yes_no(s.healthy()),
                   yes_no(s.stable()),
                   describe_duration(s.traits.dwell_max_us) +
                       (s.traits.bound_holds_during_faults ? ", faults or not" : ""),
                   s.traits.why);
  }
  fmt::format_to(out, "\n| from | to | cause |\n|---|---|---|\n");
  for (const core::TransitionDef& t : m.transitions()) {
    fmt::format_to(out, "| `{}` | `{}` | {} |\n", m.state_name(t.from), m.state_name(t.to),
                   t.cause);
  }
  fmt::format_to(
      out, "\nModel checks: {}.\n\n",
      check.report.ok() ? "no findings" : fmt::format("{} findings", check.report.findings.size()));
  for (const core::Finding& f : check.report.findings)
    fmt::format_to(out, "- {}\n", f.message);
}

void table_section(Out out, const core::TableCheck& check) {
  const core::DecisionTable& t = *check.table;
  fmt::format_to(out, "### {}\n\nSignals: {}.\n\n", t.name(), fmt::join(t.signal_names(), ", "));
  fmt::format_to(out,
                 "| rule | when | unless | in | action | priority |\n|---|---|---|---|---|---|\n");
  for (const core::Rule& r : t.rules()) {
    fmt::format_to(out, "| {} | {} | {} | {} | {} | {} |\n", r.name, names(t, r.when),
                   names(t, r.unless), state_names(t.machine(), r.in),
                   r.action ? t.action_name(*r.action) : "(nothing)", r.priority);
  }
  if (!t.invalid_combinations().empty()) {
    fmt::format_to(out, "\nInvalid combinations:\n\n");
    for (const core::InvalidCombination& c : t.invalid_combinations()) {
      fmt::format_to(out, "- {{{}}} in {}: {}\n", names(t, c.signals),
                     state_names(t.machine(), c.in), c.why);
    }
  }
  std::string analysis = check.analysis.describe(t);
  if (!analysis.empty() && analysis.back() == '\n') analysis.pop_back();
  fmt::format_to(out, "\nAnalysis: {}\n\n", analysis);
}

void action_section(Out out, const core::ActionDef& action) {
  fmt::format_to(out, "### {}\n\n{}\n\nSteps:", action.name, action.summary);
  for (std::size_t i = 0; i < action.steps.size(); ++i) {
    fmt::format_to(out, "{} {}. `{}`", i == 0 ? "" : ";", i + 1, action.steps[i].name);
  }
  fmt::format_to(out, ".\n\nTransitions it may request:");
  for (std::size_t i = 0; i < action.transitions.size(); ++i) {
    const core::RequestedTransition& t = action.transitions[i];
    fmt::format_to(out, "{} {} `{}` → `{}` ({})", i == 0 ? "" : ";", t.machine, t.from, t.to,
                   t.cause);
  }
  fmt::format_to(out, "{}.\n\n", action.transitions.empty() ? " none" : "");
}

}  // namespace

std::string describe_duration(std::optional<core::TimeUs> duration_us) {
  if (!duration_us) return "unbounded";
  const core::TimeUs d = *duration_us;
  if (d % core::kHour == 0) return fmt::format("{} h", d / core::kHour);
  if (d % core::kMinute == 0) return fmt::format("{} min", d / core::kMinute);
  if (d % core::kSecond == 0) return fmt::format("{} s", d / core::kSecond);
  if (d % core::kMillisecond == 0) return fmt::format("{} ms", d / core::kMillisecond);
  return fmt::format("{} us", d);
}

std::string control_plane_markdown(const core::ControlPlaneModel& model,
                                   const core::ControlPlaneCheck& check,
                                   std::string_view graphs_dir) {
  std::string text;
  Out out(text);
  fmt::format_to(out,
                 "# The {} control plane\n\n"
                 "<!-- Generated by `unwedge check-model --control-plane {} --markdown FILE`; "
                 "edit the model in the code, not this file. -->\n\n{}\n\n",
                 model.name, model.name, model.description);
  fmt::format_to(out,
                 "## Machines\n\nA *safe* state is healthy and stable, or a declared "
                 "terminal. Graphs: safe states green, unhealthy ones red, unstable ones "
                 "dashed, terminal ones double-circled{}.\n\n",
                 any_left_on_request(check) ? " (dotted when left on request)" : "");
  for (const core::MachineCheck& m : check.machines)
    machine_section(out, m, graphs_dir);
  fmt::format_to(out,
                 "## Decision tables\n\nThe highest-priority matching rule wins; a rule "
                 "without an action says to do nothing.\n\n");
  for (const core::TableCheck& t : check.tables)
    table_section(out, t);
  fmt::format_to(out,
                 "## Actions\n\nEach step runs in one Store transaction; every Infra "
                 "request carries the key of its action execution and step.\n\n");
  for (const core::ActionDef* a : model.actions)
    action_section(out, *a);
  fmt::format_to(out, "## Claims\n\n| claim | holds | proof or counterexample |\n|---|---|---|\n");
  for (const core::ClaimResult& c : check.claims) {
    fmt::format_to(out, "| {} | {} | {} |\n", c.statement, yes_no(c.holds), c.detail);
  }
  fmt::format_to(out, "\nCross-checks: {}.\n",
                 check.cross.empty() ? "machines, tables and actions agree"
                                     : fmt::format("{} findings", check.cross.size()));
  return text;
}

}  // namespace unwedge::reports
