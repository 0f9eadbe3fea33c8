#include <algorithm>
#include <fmt/format.h>

#include "reports/coverage_figures.hpp"
#include "reports/html_sections.hpp"
#include "reports/markup_escape.hpp"
#include "reports/readable_units.hpp"
#include "reports/state_graph_svg.hpp"
#include "reports/state_palette.hpp"

namespace unwedge::reports::html {
namespace {

std::string kind_badge(bool healthy, bool stable) {
  return fmt::format("<span class=\"badge\" style=\"background:{}\">{}</span>",
                     state_fill(healthy, stable), state_kind(healthy, stable));
}

// Dwell percentiles matter for unstable states (those with somewhere to be);
// an entity may rest in a stable one indefinitely.
std::string dwell_cells(const StateCoverage& state) {
  if (state.stable) return "<td colspan=\"5\" class=\"muted\">stable: may rest here</td>";
  const std::uint64_t stays = dwell_count(state.dwell);
  if (stays == 0) return "<td>0</td><td></td><td></td><td></td><td></td>";
  const bool overstayed = state.dwell_max_us && state.dwell.max_us > *state.dwell_max_us;
  return fmt::format("<td>{}</td><td>&le; {}</td><td>&le; {}</td><td>&le; {}</td><td{}>{}</td>",
                     grouped(stays), readable_duration(dwell_bound_us(state.dwell, 0.5)),
                     readable_duration(dwell_bound_us(state.dwell, 0.9)),
                     readable_duration(dwell_bound_us(state.dwell, 0.99)),
                     overstayed ? " class=\"bad\"" : "", readable_duration(state.dwell.max_us));
}

void states_table(Out out, const MachineCoverage& machine) {
  fmt::format_to(out,
                 "<table><thead><tr><th>state</th><th>kind</th><th>dwell bound</th>"
                 "<th class=\"num\">entered</th><th>stays</th><th>p50</th><th>p90</th>"
                 "<th>p99</th><th>max</th></tr></thead><tbody>\n");
  for (const StateCoverage& s : machine.states) {
    fmt::format_to(
        out,
        "<tr{}><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>{}</tr>\n",
        s.entered == 0 ? " class=\"never\"" : "", markup_text(s.name),
        s.name == machine.initial ? " (initial)" : "", kind_badge(s.healthy, s.stable),
        s.dwell_max_us ? readable_duration(*s.dwell_max_us) : "unbounded", grouped(s.entered),
        dwell_cells(s));
  }
  fmt::format_to(out, "</tbody></table>\n");
}

std::string transition_name(const TransitionCoverage& t) {
  return fmt::format("{} → {}{}", t.from, t.to, t.cause.empty() ? "" : " (" + t.cause + ")");
}

}  // namespace

std::string link(std::string_view path, std::string_view text) {
  const std::string href = safe_relative_href(path);
  if (href.empty()) return markup_text(text);
  return fmt::format("<a href=\"{}\">{}</a>", markup_attribute(href), markup_text(text));
}

void never_list(Out out, std::string_view what, const std::vector<std::string>& names) {
  if (names.empty()) {
    fmt::format_to(out, "<p class=\"good\">{}: none.</p>\n", what);
    return;
  }
  fmt::format_to(out, "<p class=\"never-list\"><strong>{} ({}):</strong> ", what, names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    fmt::format_to(out, "{}<code>{}</code>", i == 0 ? "" : ", ", markup_text(names[i]));
  }
  fmt::format_to(out, ".</p>\n");
}

void machine_section(Out out, const MachineCoverage& machine) {
  std::vector<std::string> never, refused;
  std::size_t legal = 0;
  for (const TransitionCoverage& t : machine.transitions) {
    if (t.legal) ++legal;
    if (t.legal && t.taken == 0) never.push_back(transition_name(t));
    if (!t.legal) refused.push_back(fmt::format("{} ×{}", transition_name(t), t.taken));
  }
  fmt::format_to(out, "<section class=\"machine\"><h3>{}</h3>\n", markup_text(machine.name));
  fmt::format_to(out, "<p>{} of {} legal transitions taken.</p>\n", legal - never.size(), legal);
  fmt::format_to(out, "<div class=\"graph\">{}</div>\n", state_graph_svg(machine));
  states_table(out, machine);
  never_list(out, "Legal transitions never taken", never);
  if (!refused.empty()) never_list(out, "Refused transitions (findings)", refused);
  fmt::format_to(out, "</section>\n");
}

void table_section(Out out, const TableCoverage& table) {
  fmt::format_to(out, "<section class=\"table\"><h3>{} <span class=\"muted\">on {}</span></h3>\n",
                 markup_text(table.name), markup_text(table.machine));
  fmt::format_to(out,
                 "<table><thead><tr><th>rule</th><th>action</th><th class=\"num\">fired</th>"
                 "</tr></thead><tbody>\n");
  std::vector<std::string> never;
  for (const RuleCoverage& r : table.rules) {
    if (r.fired == 0) never.push_back(r.name);
    fmt::format_to(
        out, "<tr{}><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>\n",
        r.fired == 0 ? " class=\"never\"" : "", markup_text(r.name),
        r.action.empty() ? "<span class=\"muted\">do nothing</span>" : markup_text(r.action),
        grouped(r.fired));
  }
  fmt::format_to(out, "</tbody></table>\n");
  never_list(out, "Rules never fired", never);
  // Cells whose outcome is not a decision are findings worth a line each.
  std::uint64_t decisions = 0;
  std::vector<std::string> odd;
  for (const CellCoverage& c : table.cells) {
    decisions += c.seen;
    if (c.outcome == "uncovered" || c.outcome == "conflict" || c.outcome == "invalid") {
      odd.push_back(fmt::format(
          "{} in {} with {{{}}} ×{}{}", c.outcome, c.state, fmt::join(c.signals, ", "), c.seen,
          c.rules.empty() ? "" : fmt::format(" (rules {})", fmt::join(c.rules, ", "))));
    }
  }
  fmt::format_to(out, "<p>{} cells seen, {} decisions.</p>\n", grouped(table.cells.size()),
                 grouped(decisions));
  if (!odd.empty()) never_list(out, "Cells without a single decision", odd);
  fmt::format_to(out, "</section>\n");
}

void actions_section(Out out, const std::vector<ActionCoverage>& actions) {
  fmt::format_to(out,
                 "<table><thead><tr><th>action</th><th class=\"num\">started</th>"
                 "<th>step</th><th>verdicts</th></tr></thead><tbody>\n");
  std::vector<std::string> never;
  for (const ActionCoverage& a : actions) {
    const std::size_t rows = std::max<std::size_t>(a.steps.size(), 1);
    fmt::format_to(
        out,
        "<tr{}><td rowspan=\"{}\"><code>{}</code></td><td rowspan=\"{}\" class=\"num\">{}</td>",
        a.started == 0 ? " class=\"never\"" : "", rows, markup_text(a.name), rows,
        grouped(a.started));
    if (a.steps.empty()) fmt::format_to(out, "<td></td><td></td></tr>\n");
    for (std::size_t i = 0; i < a.steps.size(); ++i) {
      const StepCoverage& step = a.steps[i];
      if (step.verdicts.empty()) never.push_back(fmt::format("{}.{}", a.name, step.name));
      std::vector<std::string> verdicts;
      for (const auto& [verdict, count] : step.verdicts)
        verdicts.push_back(fmt::format("{} {}", markup_text(verdict), grouped(count)));
      fmt::format_to(out, "{}<td{}><code>{}</code></td><td>{}</td></tr>\n", i == 0 ? "" : "<tr>",
                     step.verdicts.empty() ? " class=\"never\"" : "", markup_text(step.name),
                     fmt::join(verdicts, ", "));
    }
  }
  fmt::format_to(out, "</tbody></table>\n");
  never_list(out, "Steps never run", never);
}

void faults_section(Out out, const std::vector<NamedCount>& faults) {
  fmt::format_to(out,
                 "<table><thead><tr><th>fault kind</th><th class=\"num\">injected</th>"
                 "</tr></thead><tbody>\n");
  std::vector<std::string> never;
  for (const NamedCount& f : faults) {
    if (f.count == 0) never.push_back(f.name);
    fmt::format_to(out, "<tr{}><td><code>{}</code></td><td class=\"num\">{}</td></tr>\n",
                   f.count == 0 ? " class=\"never\"" : "", markup_text(f.name), grouped(f.count));
  }
  fmt::format_to(out, "</tbody></table>\n");
  never_list(out, "Fault kinds never injected", never);
}

void sometimes_section(Out out, const std::vector<NamedCount>& reached) {
  if (reached.empty()) {
    fmt::format_to(out, "<p>No swarm run in this campaign.</p>\n");
    return;
  }
  fmt::format_to(out,
                 "<p>Conditions a scenario may require (<code>requires:</code>) that swarm runs "
                 "reached ({}), with the runs that reached each.</p>\n"
                 "<table><thead><tr><th>condition</th><th class=\"num\">runs</th>"
                 "</tr></thead><tbody>\n",
                 markup_text(sometimes_kinds_in_brief(reached)));
  for (const NamedCount& r : reached) {
    fmt::format_to(out, "<tr><td><code>{}</code></td><td class=\"num\">{}</td></tr>\n",
                   markup_text(r.name), grouped(r.count));
  }
  fmt::format_to(out, "</tbody></table>\n");
}

void probes_section(Out out, const std::vector<ProbeCoverage>& probes) {
  fmt::format_to(out,
                 "<table><thead><tr><th>probe</th><th>where</th><th class=\"num\">hits</th>"
                 "</tr></thead><tbody>\n");
  std::vector<std::string> never;
  for (const ProbeCoverage& p : probes) {
    if (p.hits == 0) never.push_back(p.name);
    fmt::format_to(out,
                   "<tr{}><td><code>{}</code></td><td>{}:{}</td><td class=\"num\">{}</td></tr>\n",
                   p.hits == 0 ? " class=\"never\"" : "", markup_text(p.name), markup_text(p.file),
                   p.line, grouped(p.hits));
  }
  fmt::format_to(out, "</tbody></table>\n");
  never_list(out, "Probes never hit", never);
}

void crashes_section(Out out, const CrashCoverage& c) {
  fmt::format_to(out,
                 "<table class=\"figures\"><tbody>"
                 "<tr><th>stories</th><td class=\"num\">{}</td></tr>"
                 "<tr><th>transactions</th><td class=\"num\">{}</td></tr>"
                 "<tr><th>crash points</th><td class=\"num\">{}</td></tr>"
                 "<tr><th>actions redelivered</th><td class=\"num\">{}</td></tr>"
                 "<tr><th>calls redelivered</th><td class=\"num\">{}</td></tr>"
                 "<tr><th>divergences</th><td class=\"num{}\">{}</td></tr>"
                 "</tbody></table>\n",
                 grouped(c.stories), grouped(c.transactions), grouped(c.crash_points),
                 grouped(c.actions_redelivered), grouped(c.calls_redelivered),
                 c.divergences > 0 ? " bad" : "", grouped(c.divergences));
}

}  // namespace unwedge::reports::html
