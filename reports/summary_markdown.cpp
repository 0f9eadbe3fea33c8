#include "reports/summary_markdown.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

#include "reports/coverage_figures.hpp"
#include "reports/markup_escape.hpp"
#include "reports/readable_units.hpp"
#include "reports/verdict.hpp"

namespace unwedge::reports {
namespace {

using Out = std::back_insert_iterator<std::string>;

// A command in a fenced block is copied as is; the fence is longer than any
// run of backticks in it, and line breaks become spaces so it stays one line.
void command_block(Out out, std::string_view command) {
  std::string line = valid_xml_chars(command);
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  std::size_t run = 0, longest = 0;
  for (char c : line) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  fmt::format_to(out, "   {}\n   {}\n   {}\n", fence, line, fence);
}

void headline(Out out, const Report& report, const Verdict& verdict) {
  const CampaignFigures& c = report.campaign;
  fmt::format_to(
      out, "## unwedge nightly{}: {}\n\n",
      c.control_plane.empty() ? "" : fmt::format(" ({})", markdown_inline(c.control_plane)),
      verdict.headline());
  if (!verdict.harness_broken.empty()) {
    fmt::format_to(out,
                   "**The harness is broken**: {}. Until it is repaired, no finding below and "
                   "no pass proves anything.\n\n",
                   markdown_inline(verdict.harness_broken));
  }
  if (!verdict.complete()) {
    fmt::format_to(out, "**Incomplete**: {}.\n\n", markdown_inline(verdict.incomplete));
  }
  if (!c.build.empty()) fmt::format_to(out, "Run by {}.\n\n", markdown_inline(c.build));
  if (!c.updated_at.empty()) {
    fmt::format_to(out, "Status: {}; last updated at {}.\n\n", markdown_inline(c.status),
                   markdown_inline(c.updated_at));
  }
  fmt::format_to(
      out,
      "{} ({}, {}: {}): {} passed, {} failed, {} "
      "ended in error. Simulated {} in {} of wall time over {}",
      counted(c.runs, "run", "runs"),
      counted(c.bundled_runs, "bundled scenario", "bundled scenarios"),
      counted(c.swarm_runs, "swarm seed", "swarm seeds"), seed_ranges(c, 3), grouped(c.passed),
      grouped(c.failed), grouped(c.errors), readable_duration(c.simulated_us),
      readable_duration(c.wall_ms * core::kMillisecond), counted(c.shards, "shard", "shards"));
  fmt::format_to(
      out, "; determinism re-checked on {}, {}{}.{}\n\n",
      counted(c.determinism_rechecks, "run", "runs"),
      counted(c.determinism_mismatches, "mismatch", "mismatches"),
      c.swarm_core_ms > 0
          ? fmt::format("; {:.0f} swarm seeds per core-hour", c.swarm_seeds_per_core_hour())
          : std::string(),
      c.interrupted ? " **Interrupted**: some shard stopped before its planned work." : "");
  if (c.store_keys_unchecked > 0) {
    fmt::format_to(out,
                   "**Not checked**: {} of the consensus store's histories were too large to "
                   "check for linearizability, in {}.\n\n",
                   counted(c.store_keys_unchecked, "key", "keys"),
                   counted(c.store_unchecked_runs, "run", "runs"));
  }
  if (report.guided) fmt::format_to(out, "{}\n\n", markdown_inline(describe(*report.guided)));
  if (report.canary && report.canary->caught) {
    fmt::format_to(out, "{}\n\n", markdown_inline(describe(*report.canary)));
  }
}

// A campaign of several planes: a line each.
void planes_table(Out out, const Report& report) {
  if (report.planes.empty()) return;
  fmt::format_to(out,
                 "| control plane | runs | passed | failed | errors | bundled | swarm seeds | "
                 "findings |\n"
                 "|---|---:|---:|---:|---:|---:|---|---:|\n");
  for (const PlaneReport& plane : report.planes) {
    const CampaignFigures& c = plane.campaign;
    fmt::format_to(out, "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                   markdown_inline(c.control_plane), grouped(c.runs), grouped(c.passed),
                   grouped(c.failed), grouped(c.errors), grouped(c.bundled_runs), seed_ranges(c, 3),
                   grouped(verdict_of(plane, report).findings));
  }
  fmt::format_to(out, "\n");
}

// Every invariant, then every campaign-wide check (determinism, crash
// exploration, ...): the verdict's rows, so a finding of any kind is here.
void checks_table(Out out, const Verdict& verdict) {
  fmt::format_to(out,
                 "| invariant or check | checked | findings | first finding |\n"
                 "|---|---:|---:|---|\n");
  for (const CheckRow& row : verdict.checks) {
    std::string first;
    if (row.failed()) {
      first = row.first_item.empty() ? markdown_inline(row.first_sentence)
                                     : fmt::format("{}: {}", markdown_inline(row.first_item),
                                                   markdown_inline(row.first_sentence));
    }
    fmt::format_to(out, "| {} | {} {} | {}{}{} | {} |\n", markdown_inline(row.name),
                   grouped(row.checked), row.unit, row.failed() ? "**" : "", grouped(row.findings),
                   row.failed() ? "**" : "", first);
  }
  fmt::format_to(out, "\n");
}

void availability_list(Out out, const Report& report) {
  fmt::format_to(out, "### Client availability\n\n");
  for (const std::string& line : availability_lines(report.campaign.availability)) {
    fmt::format_to(out, "- {}\n", markdown_inline(line));
  }
  fmt::format_to(out, "\n");
}

// What the control plane took away from customers, and why: a table of
// kind, cause (the rule that fired), decisions and runs; a plane's own in
// a campaign of several.
void disruptions_table(Out out, const Report& report) {
  fmt::format_to(out, "### Disruptions\n\n");
  std::vector<std::pair<std::string, const CampaignFigures*>> parts;
  for (const PlaneReport& plane : report.planes)
    parts.emplace_back(plane.campaign.control_plane, &plane.campaign);
  if (parts.empty()) parts.emplace_back("", &report.campaign);
  bool any = false;
  for (const auto& part : parts)
    any = any || !part.second->disruptions.empty();
  if (!any) {
    fmt::format_to(out, "None decided.\n\n");
    return;
  }
  fmt::format_to(out, "| {}kind | cause (rule) | decided | runs |\n|{}---|---|---:|---:|\n",
                 report.planes.empty() ? "" : "control plane | ",
                 report.planes.empty() ? "" : "---|");
  for (const auto& part : parts) {
    for (const DisruptionCount& d : part.second->disruptions) {
      fmt::format_to(out, "| {}{} | {} | {} | {} |\n",
                     part.first.empty() ? "" : markdown_inline(part.first) + " | ",
                     markdown_inline(d.kind), markdown_inline(d.cause), grouped(d.count),
                     grouped(d.runs));
    }
  }
  fmt::format_to(out, "\n");
}

void first_failures(Out out, const Report& report) {
  if (report.failures.empty()) return;
  fmt::format_to(out, "### First failures\n\n");
  const std::size_t shown = std::min(kSummaryFailuresMax, report.failures.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const RunResult& run = report.failures[i];
    const std::string& why = run.sentence.empty() ? run.cause : run.sentence;
    fmt::format_to(out, "{}. **{}** ({}{}, seed {}{}): {}\n", i + 1, markdown_inline(run.item),
                   markdown_inline(run.scenario),
                   run.control_plane.empty() ? "" : " on " + markdown_inline(run.control_plane),
                   run.seed, run.invariant.empty() ? "" : ", " + markdown_inline(run.invariant),
                   markdown_inline(why));
    if (!run.replay_command.empty()) command_block(out, run.replay_command);
  }
  if (shown < report.failures.size()) {
    fmt::format_to(out, "\nand {} more in report.html.\n", report.failures.size() - shown);
  }
  fmt::format_to(out, "\n");
}

void coverage_kinds(Out out, const Coverage& coverage, std::string_view indent) {
  const CoverageTotals t = coverage_totals(coverage);
  fmt::format_to(out, "{}- transitions {}/{} taken{}\n", indent, t.transitions_taken, t.transitions,
                 t.refused == 0 ? "" : fmt::format("; {} refused", t.refused));
  fmt::format_to(out, "{}- rules {}/{} fired\n", indent, t.rules_fired, t.rules);
  fmt::format_to(out, "{}- action steps {}/{} run\n", indent, t.steps_run, t.steps);
  fmt::format_to(out, "{}- fault kinds {}/{} injected\n", indent, t.fault_kinds_injected,
                 t.fault_kinds);
  fmt::format_to(out, "{}- probes {}/{} hit\n", indent, t.probes_hit, t.probes);
}

// Several planes: each plane's coverage of its own model, then the whole.
void coverage_lines(Out out, const Report& report) {
  fmt::format_to(out, "### Coverage\n\n");
  for (const PlaneReport& plane : report.planes) {
    fmt::format_to(out, "- **{}**\n", markdown_inline(plane.campaign.control_plane));
    coverage_kinds(out, plane.coverage, "  ");
  }
  if (!report.planes.empty()) fmt::format_to(out, "- **all planes**\n");
  coverage_kinds(out, report.coverage, report.planes.empty() ? "" : "  ");
  fmt::format_to(out, "\nThe never-exercised ones are listed in report.html.\n");
}

constexpr std::size_t kSometimesShownMax = 40;

// What the swarm reached of the conditions a scenario may require.
void sometimes_lines(Out out, const Report& report) {
  const std::vector<NamedCount>& reached = report.coverage.sometimes;
  if (reached.empty()) return;
  fmt::format_to(out,
                 "### What the swarm reached\n\n"
                 "Conditions a scenario may require (`requires:`) that swarm runs reached: {}.\n\n"
                 "| condition | runs |\n|---|---:|\n",
                 sometimes_kinds_in_brief(reached));
  // Requests first (fewer, and what race stories are told of), then actions.
  std::vector<NamedCount> ordered = reached;
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const NamedCount& r) { return r.name.starts_with("{request:"); });
  const std::size_t shown = std::min(kSometimesShownMax, ordered.size());
  for (std::size_t i = 0; i < shown; ++i) {
    fmt::format_to(out, "| {} | {} |\n", markdown_inline(ordered[i].name),
                   grouped(ordered[i].count));
  }
  if (shown < reached.size()) {
    fmt::format_to(out, "\nand {} more in report.html.\n", reached.size() - shown);
  }
  fmt::format_to(out, "\n");
}

}  // namespace

std::string summary_markdown(const Report& report) {
  std::string md;
  Out out(md);
  const Verdict verdict = verdict_of(report);
  headline(out, report, verdict);
  planes_table(out, report);
  checks_table(out, verdict);
  availability_list(out, report);
  disruptions_table(out, report);
  first_failures(out, report);
  coverage_lines(out, report);
  sometimes_lines(out, report);
  return md;
}

}  // namespace unwedge::reports
