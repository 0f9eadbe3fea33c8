#include "reports/html_report.hpp"

#include <fmt/format.h>

#include "reports/coverage_figures.hpp"
#include "reports/html_sections.hpp"
#include "reports/markup_escape.hpp"
#include "reports/readable_units.hpp"
#include "reports/timeline_svg.hpp"
#include "reports/verdict.hpp"

namespace unwedge::reports {
namespace {

using html::Out;

// No scripts and nothing fetched: the policy makes that a property of the
// page, not only of how it was written.
constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
)";

constexpr std::string_view kStyle = R"(<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 0 1.5em 3em; color: #212121; }
h1 { margin: 0.8em 0 0.3em; } h2 { border-bottom: 2px solid #e0e0e0; margin-top: 1.6em; }
h3 { margin-bottom: 0.3em; }
.verdict { padding: 0.05em 0.4em; border-radius: 4px; color: #fff; }
.verdict.pass { background: #2e7d32; } .verdict.fail { background: #c62828; }
.verdict.incomplete { background: #ef6c00; }
dl.figures { display: grid; grid-template-columns: repeat(4, auto 1fr); gap: 0.2em 0.8em; }
dl.figures dt { color: #616161; } dl.figures dd { margin: 0; font-weight: 600; }
nav a { margin-right: 0.8em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #e0e0e0; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num, th.num { text-align: right; }
tr.never td { color: #9e9e9e; } .bad { color: #c62828; font-weight: 600; }
.good { color: #2e7d32; } .muted { color: #757575; font-weight: normal; }
.badge { padding: 0 0.4em; border-radius: 3px; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.92em; }
pre.replay { background: #263238; color: #eceff1; padding: 0.4em 0.6em; border-radius: 4px;
             white-space: pre-wrap; word-break: break-all; }
.graph, .chart { overflow-x: auto; } .graph svg, .chart svg { max-width: 100%; height: auto; }
details { margin: 0.6em 0; border: 1px solid #e0e0e0; border-radius: 4px; padding: 0.3em 0.8em; }
summary { cursor: pointer; font-weight: 600; }
</style>
)";

// How many failing runs are shown unfolded; the rest are one click away.
constexpr std::size_t kFailuresOpen = 3;

std::string replay_block(std::string_view command) {
  if (command.empty()) return "";
  return fmt::format("<pre class=\"replay\"><code>{}</code></pre>", markup_text(command));
}

// Runs per second of shard time: wall times are summed over shards, so
// this is a per-worker rate whatever the number of shards.
std::string runs_per_second(const CampaignFigures& c) {
  if (c.wall_ms <= 0) return "n/a";
  const double rate = static_cast<double>(c.runs) * 1000.0 / static_cast<double>(c.wall_ms);
  return fmt::format("{:.1f}", rate);
}

void headline(Out out, const Report& report, const Verdict& verdict) {
  const CampaignFigures& c = report.campaign;
  fmt::format_to(out, "<h1>unwedge nightly{} <span class=\"verdict {}\">{}</span></h1>\n",
                 c.control_plane.empty() ? "" : ": " + markup_text(c.control_plane),
                 verdict.outcome == Outcome::kIncomplete ? "incomplete"
                 : verdict.failed()                      ? "fail"
                                                         : "pass",
                 verdict.headline());
  if (!verdict.harness_broken.empty()) {
    fmt::format_to(out,
                   "<p id=\"harness-broken\" class=\"bad\">The harness is broken: {}. Until it "
                   "is repaired, no finding below and no pass proves anything.</p>\n",
                   markup_text(verdict.harness_broken));
  }
  if (!c.build.empty()) {
    fmt::format_to(out, "<p class=\"build\">Control plane {}, run by {}.</p>\n",
                   markup_text(c.control_plane), markup_text(c.build));
  }
  if (!verdict.complete()) {
    fmt::format_to(out, "<p id=\"incomplete\" class=\"bad\">Incomplete: {}.</p>\n",
                   markup_text(verdict.incomplete));
  }
  if (!c.updated_at.empty()) {
    fmt::format_to(out, "<p class=\"build\">Status: {}; last updated at {}.</p>\n",
                   markup_text(c.status), markup_text(c.updated_at));
  }
  fmt::format_to(
      out,
      "<dl class=\"figures\">"
      "<dt>runs</dt><dd>{}</dd><dt>passed</dt><dd>{}</dd><dt>failed</dt><dd{}>{}</dd>"
      "<dt>errors</dt><dd{}>{}</dd><dt>bundled scenarios</dt><dd>{}</dd>"
      "<dt>swarm runs</dt><dd>{}</dd><dt>swarm seeds</dt><dd>{}</dd><dt>events</dt><dd>{}</dd>"
      "<dt>simulated time</dt><dd>{}</dd><dt>wall time</dt><dd>{}</dd>"
      "<dt>runs/s (per shard)</dt><dd>{}</dd><dt>swarm seeds per core-hour</dt><dd>{}</dd>"
      "<dt>shards</dt><dd>{}</dd>"
      "<dt>determinism re-checks</dt><dd>{}</dd><dt>mismatches</dt><dd{}>{}</dd></dl>\n",
      grouped(c.runs), grouped(c.passed), c.failed > 0 ? " class=\"bad\"" : "", grouped(c.failed),
      c.errors > 0 ? " class=\"bad\"" : "", grouped(c.errors), grouped(c.bundled_runs),
      grouped(c.swarm_runs), seed_ranges(c, 4), grouped(c.events),
      readable_duration(c.simulated_us), readable_duration(c.wall_ms * core::kMillisecond),
      runs_per_second(c),
      c.swarm_core_ms > 0 ? grouped(static_cast<std::uint64_t>(c.swarm_seeds_per_core_hour()))
                          : std::string("n/a"),
      c.shards, grouped(c.determinism_rechecks),
      c.determinism_mismatches > 0 ? " class=\"bad\"" : "", grouped(c.determinism_mismatches));
  if (report.guided) {
    fmt::format_to(out, "<p id=\"guided\">{}</p>\n", markup_text(describe(*report.guided)));
  }
  if (report.canary) {
    fmt::format_to(out, "<p id=\"canary\"{}>{}</p>\n",
                   report.canary->caught ? "" : " class=\"bad\"",
                   markup_text(describe(*report.canary)));
  }
}

// A campaign of several planes: a row of figures each.
void planes_section(Out out, const Report& report) {
  if (report.planes.empty()) return;
  fmt::format_to(out,
                 "<section id=\"planes\"><h2>Control planes</h2>\n<table><thead><tr>"
                 "<th>control plane</th><th class=\"num\">runs</th><th class=\"num\">passed</th>"
                 "<th class=\"num\">failed</th><th class=\"num\">errors</th>"
                 "<th class=\"num\">bundled scenarios</th><th>swarm seeds</th>"
                 "<th>simulated</th><th class=\"num\">findings</th><th>coverage</th>"
                 "</tr></thead><tbody>\n");
  for (const PlaneReport& plane : report.planes) {
    const CampaignFigures& c = plane.campaign;
    const std::uint64_t findings = verdict_of(plane, report).findings;
    fmt::format_to(out,
                   "<tr><td><a href=\"#coverage-{0}\">{1}</a></td><td class=\"num\">{2}</td>"
                   "<td class=\"num\">{3}</td><td class=\"num{4}\">{5}</td>"
                   "<td class=\"num{6}\">{7}</td><td class=\"num\">{8}</td><td>{9}</td>"
                   "<td>{10}</td><td class=\"num{11}\">{12}</td><td>{13}</td></tr>\n",
                   markup_attribute(c.control_plane), markup_text(c.control_plane), grouped(c.runs),
                   grouped(c.passed), c.failed > 0 ? " bad" : "", grouped(c.failed),
                   c.errors > 0 ? " bad" : "", grouped(c.errors), grouped(c.bundled_runs),
                   seed_ranges(c, 4), readable_duration(c.simulated_us), findings > 0 ? " bad" : "",
                   grouped(findings), markup_text(coverage_in_brief(plane.coverage)));
  }
  fmt::format_to(out, "</tbody></table></section>\n");
}

void contents(Out out, const Report& report) {
  std::string coverage;
  if (report.planes.empty()) {
    coverage =
        "<a href=\"#machines\">machines</a><a href=\"#tables\">decision tables</a>"
        "<a href=\"#actions\">actions</a><a href=\"#faults\">faults</a>"
        "<a href=\"#sometimes\">sometimes</a><a href=\"#probes\">probes</a><a "
        "href=\"#crashes\">crash exploration</a>";
  }
  for (const PlaneReport& plane : report.planes) {
    coverage += fmt::format("<a href=\"#coverage-{}\">coverage of {}</a>",
                            markup_attribute(plane.campaign.control_plane),
                            markup_text(plane.campaign.control_plane));
  }
  fmt::format_to(
      out,
      "<nav>{}<a href=\"#invariants\">invariants</a><a href=\"#availability\">availability</a>"
      "<a href=\"#disruptions\">disruptions</a><a href=\"#failures\">failing runs "
      "({})</a><a href=\"#scenarios\">scenarios</a>{}{}</nav>\n",
      report.planes.empty() ? "" : "<a href=\"#planes\">control planes</a>", report.failures.size(),
      coverage,
      report.source_coverage.empty() ? "" : "<a href=\"#source-coverage\">source coverage</a>");
}

// Disruptions by kind and cause, a plane's own in a campaign of several.
void disruptions_section(Out out, const Report& report) {
  fmt::format_to(out,
                 "<section id=\"disruptions\"><h2>Disruptions</h2>\n<table><thead><tr>"
                 "{}<th>kind</th><th>cause (rule)</th><th class=\"num\">decided</th>"
                 "<th class=\"num\">runs</th></tr></thead><tbody>\n",
                 report.planes.empty() ? "" : "<th>control plane</th>");
  std::vector<std::pair<std::string, const CampaignFigures*>> parts;
  for (const PlaneReport& plane : report.planes)
    parts.emplace_back(plane.campaign.control_plane, &plane.campaign);
  if (parts.empty()) parts.emplace_back("", &report.campaign);
  for (const auto& part : parts) {
    for (const DisruptionCount& d : part.second->disruptions) {
      fmt::format_to(out,
                     "<tr>{}<td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td>"
                     "<td class=\"num\">{}</td></tr>\n",
                     part.first.empty() ? "" : fmt::format("<td>{}</td>", markup_text(part.first)),
                     markup_text(d.kind), markup_text(d.cause), grouped(d.count), grouped(d.runs));
    }
  }
  fmt::format_to(out, "</tbody></table></section>\n");
}

// Every invariant, then every campaign-wide check (determinism, crash
// exploration, ...): the verdict's rows, so a finding of any kind is here.
void invariants_section(Out out, const Verdict& verdict) {
  fmt::format_to(out,
                 "<section id=\"invariants\"><h2>Invariants and checks</h2>\n<table><thead><tr>"
                 "<th>invariant or check</th><th class=\"num\">checked</th>"
                 "<th class=\"num\">findings</th><th>first finding</th></tr></thead><tbody>\n");
  for (const CheckRow& row : verdict.checks) {
    std::string first;
    if (row.failed()) {
      std::string where = markup_text(row.first_item);
      if (row.first_seed) where += fmt::format(", seed {}", *row.first_seed);
      if (!row.first_repro.empty()) where += ", " + html::link(row.first_repro, row.first_repro);
      first = fmt::format("{}{}{}", where.empty() ? "" : where + "<br>",
                          markup_text(row.first_sentence), replay_block(row.first_replay));
    }
    fmt::format_to(out,
                   "<tr><td><code>{}</code></td><td class=\"num\">{} {}</td><td "
                   "class=\"num{}\">{}</td><td>{}</td></tr>\n",
                   markup_text(row.name), grouped(row.checked), markup_text(row.unit),
                   row.failed() ? " bad" : "", grouped(row.findings), first);
  }
  fmt::format_to(out, "</tbody></table></section>\n");
}

void failure_details(Out out, const RunResult& run, bool open) {
  fmt::format_to(
      out, "<details{}><summary>{}{}: {}</summary>\n", open ? " open" : "", markup_text(run.item),
      run.control_plane.empty() || run.swarm ? "" : " (" + markup_text(run.control_plane) + ")",
      markup_text(run.sentence.empty() ? run.cause : run.sentence));
  fmt::format_to(
      out,
      "<p>Scenario <strong>{}</strong>, seed {}, verdict {}{}; simulated {}, wall "
      "{}; digest <code>{:016x}</code>{}.</p>\n",
      markup_text(run.scenario), run.seed, markup_text(run.verdict),
      run.invariant.empty() ? "" : ", invariant <code>" + markup_text(run.invariant) + "</code>",
      readable_duration(run.simulated_us), readable_duration(run.wall_ms * core::kMillisecond),
      run.digest, run.repro.empty() ? "" : "; reproducer " + html::link(run.repro, run.repro));
  fmt::format_to(out, "{}\n", replay_block(run.replay_command));
  if (run.timeline) {
    fmt::format_to(out, "<div class=\"chart\">{}</div>\n", timeline_svg(*run.timeline));
  } else {
    fmt::format_to(out, "<p class=\"muted\">No timeline kept for this run.</p>\n");
  }
  fmt::format_to(out, "</details>\n");
}

void availability_section(Out out, const Report& report) {
  fmt::format_to(out, "<section id=\"availability\"><h2>Client availability</h2>\n<ul>\n");
  for (const std::string& line : availability_lines(report.campaign.availability)) {
    fmt::format_to(out, "<li>{}</li>\n", markup_text(line));
  }
  fmt::format_to(out, "</ul></section>\n");
}

void failures_section(Out out, const Report& report) {
  fmt::format_to(out, "<section id=\"failures\"><h2>Failing runs</h2>\n");
  if (report.failures.empty()) fmt::format_to(out, "<p class=\"good\">None.</p>\n");
  if (report.failures.size() == kFailuresKept) {
    fmt::format_to(out, "<p>The {} failing runs with the lowest indices are kept.</p>\n",
                   kFailuresKept);
  }
  for (std::size_t i = 0; i < report.failures.size(); ++i)
    failure_details(out, report.failures[i], i < kFailuresOpen);
  fmt::format_to(out, "</section>\n");
}

void scenarios_section(Out out, const Report& report) {
  fmt::format_to(out,
                 "<section id=\"scenarios\"><h2>Bundled scenarios</h2>\n<table><thead><tr>"
                 "<th class=\"num\">#</th><th>scenario</th><th>verdict</th><th>seed</th>"
                 "<th>simulated</th><th>wall</th><th>why not a pass</th></tr></thead><tbody>\n");
  for (const RunResult& run : report.scenarios) {
    const bool passed = run.verdict == "pass";
    std::string why = markup_text(run.sentence.empty() ? run.cause : run.sentence);
    if (!run.repro.empty()) why += " " + html::link(run.repro, "reproducer");
    fmt::format_to(out,
                   "<tr><td class=\"num\">{}</td><td>{}<br><span class=\"muted\">{}</span></td>"
                   "<td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
                   run.index, markup_text(run.scenario), markup_text(run.item),
                   passed ? "good" : "bad", markup_text(run.verdict), run.seed,
                   readable_duration(run.simulated_us),
                   readable_duration(run.wall_ms * core::kMillisecond), why,
                   passed ? "" : replay_block(run.replay_command));
  }
  fmt::format_to(out, "</tbody></table></section>\n");
}

// `plane`: in a campaign of several, whose coverage this is; its name goes
// into the headings and the sections' ids.
void coverage_sections(Out out, const Coverage& c, const std::string& plane) {
  const std::string of = plane.empty() ? "" : " of " + markup_text(plane);
  const std::string id = plane.empty() ? "" : "-" + markup_attribute(plane);
  if (!plane.empty()) {
    fmt::format_to(out, "<h2 id=\"coverage-{}\">Coverage of {}</h2>\n", markup_attribute(plane),
                   markup_text(plane));
  }
  fmt::format_to(out,
                 "<section id=\"machines{}\"><h2>Machines{}</h2>\n<p>Edges: "
                 "<span class=\"good\">taken</span> (wider when taken more often), grey "
                 "dashed never taken, <span class=\"bad\">red refused</span>. States: "
                 "green healthy and stable, grey stable, yellow healthy but unstable, red "
                 "unstable; dashed borders unstable.</p>\n",
                 id, of);
  for (const MachineCoverage& m : c.machines)
    html::machine_section(out, m);
  fmt::format_to(out, "</section>\n<section id=\"tables{}\"><h2>Decision tables{}</h2>\n", id, of);
  for (const TableCoverage& t : c.tables)
    html::table_section(out, t);
  fmt::format_to(out, "</section>\n<section id=\"actions{}\"><h2>Actions and steps{}</h2>\n", id,
                 of);
  html::actions_section(out, c.actions);
  fmt::format_to(out, "</section>\n<section id=\"faults{}\"><h2>Faults injected{}</h2>\n", id, of);
  html::faults_section(out, c.faults);
  fmt::format_to(out, "</section>\n<section id=\"sometimes{}\"><h2>What the swarm reached{}</h2>\n",
                 id, of);
  html::sometimes_section(out, c.sometimes);
  fmt::format_to(out, "</section>\n<section id=\"probes{}\"><h2>Probes{}</h2>\n", id, of);
  html::probes_section(out, c.probes);
  fmt::format_to(out, "</section>\n<section id=\"crashes{}\"><h2>Crash exploration{}</h2>\n", id,
                 of);
  html::crashes_section(out, c.crashes);
  fmt::format_to(out, "</section>\n");
}

}  // namespace

std::string html_report(const Report& report) {
  std::string page;
  Out out(page);
  const Verdict verdict = verdict_of(report);
  fmt::format_to(out, "{}<title>unwedge nightly {}: {}</title>\n{}</head>\n<body>\n", kHead,
                 markup_text(report.campaign.control_plane), verdict.headline(), kStyle);
  headline(out, report, verdict);
  contents(out, report);
  planes_section(out, report);
  invariants_section(out, verdict);
  availability_section(out, report);
  disruptions_section(out, report);
  failures_section(out, report);
  scenarios_section(out, report);
  if (report.planes.empty()) coverage_sections(out, report.coverage, "");
  // Several planes: each plane's coverage of its own model.
  for (const PlaneReport& plane : report.planes)
    coverage_sections(out, plane.coverage, plane.campaign.control_plane);
  if (!report.source_coverage.empty()) {
    fmt::format_to(out,
                   "<section id=\"source-coverage\"><h2>Source coverage</h2><p>The llvm-cov "
                   "summary of this build: {}.</p></section>\n",
                   html::link(report.source_coverage, report.source_coverage));
  }
  fmt::format_to(out,
                 "<footer class=\"muted\"><p>Report schema version {}.</p></footer>\n"
                 "</body>\n</html>\n",
                 report.schema_version);
  return page;
}

}  // namespace unwedge::reports
