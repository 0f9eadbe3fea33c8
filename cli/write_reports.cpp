#include "cli/write_reports.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

#include "cli/campaign_report.hpp"
#include "cli/output_file.hpp"
#include "reports/coverage_figures.hpp"
#include "reports/html_report.hpp"
#include "reports/junit_xml.hpp"
#include "reports/report_json.hpp"
#include "reports/summary_markdown.hpp"
#include "reports/verdict.hpp"

namespace unwedge::cli {
namespace {

constexpr std::size_t kSummaryFailuresMax = 20;
constexpr const char* kSourceCoverageIndex = "source-coverage/index.html";

std::uint64_t highest_seed(const reports::CampaignFigures& c) {
  return c.swarm_seeds.empty() ? 0 : c.swarm_seeds.back().second;
}

}  // namespace

namespace {

// The verdict and what it rests on: each invariant or check with findings.
std::string verdict_lines(const reports::Verdict& verdict) {
  std::string text = fmt::format("verdict: {} ({} finding{})\n", verdict.headline(),
                                 verdict.findings, verdict.findings == 1 ? "" : "s");
  if (!verdict.harness_broken.empty()) {
    text += fmt::format("harness broken: {}\n", verdict.harness_broken);
  }
  if (!verdict.complete()) text += fmt::format("incomplete: {}\n", verdict.incomplete);
  for (const reports::CheckRow& row : verdict.checks) {
    if (!row.failed()) continue;
    text += fmt::format("  {} ({}): {} of {} {}; first: {}{}\n", row.name, to_string(row.kind),
                        row.findings, row.checked, row.unit,
                        row.first_item.empty() ? "" : row.first_item + ": ", row.first_sentence);
  }
  return text;
}

}  // namespace

std::string summary_text(const reports::Report& report) {
  const reports::CampaignFigures& c = report.campaign;
  std::string text = fmt::format("unwedge campaign of {} ({} shard{})\n", c.control_plane, c.shards,
                                 c.shards == 1 ? "" : "s");
  text += verdict_lines(reports::verdict_of(report));
  if (!c.build.empty()) text += fmt::format("build: {}\n", c.build);
  text += fmt::format("status: {}\n", c.status);
  if (!c.updated_at.empty()) text += fmt::format("last updated at: {}\n", c.updated_at);
  text += fmt::format("runs: {} ({} bundled scenarios, {} swarm seeds, highest seed {})\n", c.runs,
                      c.bundled_runs, c.swarm_runs, highest_seed(c));
  text += fmt::format("passed: {}, failed: {}, errors: {}\n", c.passed, c.failed, c.errors);
  text +=
      fmt::format("simulated time: {} ({} events)\n", format_simulated(c.simulated_us), c.events);
  text += fmt::format("wall time: {}\n", format_wall(std::chrono::milliseconds(c.wall_ms)));
  text += fmt::format("runs/s: {:.1f}\n", c.runs_per_second());
  text += fmt::format("swarm seeds per core-hour: {:.0f}\n", c.swarm_seeds_per_core_hour());
  text += fmt::format("determinism re-checks: {} ({} mismatched)\n", c.determinism_rechecks,
                      c.determinism_mismatches);
  if (c.store_keys_unchecked > 0) {
    // Not checked is not passed: said where the verdicts are.
    text += fmt::format("store keys not checked for linearizability (too large): {} in {} run{}\n",
                        c.store_keys_unchecked, c.store_unchecked_runs,
                        c.store_unchecked_runs == 1 ? "" : "s");
  }
  text += fmt::format("disruptions: {}\n", reports::disruptions_in_brief(c.disruptions));
  const reports::CrashCoverage& crashes = report.coverage.crashes;
  if (crashes.stories > 0 || crashes.divergences > 0) {
    text += fmt::format("crash exploration: {} stories, {} crash points, {} divergences\n",
                        crashes.stories, crashes.crash_points, crashes.divergences);
  }
  if (report.canary && report.canary->caught) text += describe(*report.canary) + "\n";
  if (report.guided) text += describe(*report.guided) + "\n";
  text += "\nclient availability:\n";
  for (const std::string& line : reports::availability_lines(c.availability)) {
    text += fmt::format("  {}\n", line);
  }
  if (!report.planes.empty()) text += "\nby control plane:\n";
  for (const reports::PlaneReport& plane : report.planes) {
    const std::uint64_t findings = reports::verdict_of(plane, report).findings;
    text +=
        fmt::format("  {}: {}; {} finding{}\n    {}\n    disruptions: {}\n",
                    plane.campaign.control_plane, reports::runs_in_brief(plane.campaign), findings,
                    findings == 1 ? "" : "s", reports::coverage_in_brief(plane.coverage),
                    reports::disruptions_in_brief(plane.campaign.disruptions));
  }
  text += "\nviolations by invariant:\n";
  if (c.findings_by_kind.empty()) text += "  none\n";
  for (const reports::NamedCount& kind : c.findings_by_kind) {
    text += fmt::format("  {}: {}\n", kind.name, kind.count);
  }
  text += "\nfirst failing seeds:\n";
  if (report.failures.empty() && crashes.findings.empty()) text += "  none\n";
  for (std::size_t i = 0; i < std::min(report.failures.size(), kSummaryFailuresMax); ++i) {
    const reports::RunResult& r = report.failures[i];
    // A swarm item's label names its seed already.
    const std::string seed = r.swarm ? std::string() : fmt::format(" (seed {})", r.seed);
    text += fmt::format("  {}{}: {}\n", r.item, seed, r.sentence);
    if (!r.repro.empty()) text += fmt::format("    scenario: {}\n", r.repro);
  }
  for (const std::string& finding : crashes.findings) {
    text += fmt::format("  crash exploration: {}\n", finding);
  }
  return text;
}

core::Status write_reports(const reports::Report& report, const std::filesystem::path& out_dir) {
  reports::Report shown = report;
  // llvm-cov's pages, put beside the reports by scripts/coverage.sh.
  if (shown.source_coverage.empty() && std::filesystem::exists(out_dir / kSourceCoverageIndex)) {
    shown.source_coverage = kSourceCoverageIndex;
  }
  const std::pair<const char*, std::string> files[] = {
      {"report.json", reports::to_json(shown)}, {"report.html", reports::html_report(shown)},
      {"junit.xml", reports::junit_xml(shown)}, {"summary.md", reports::summary_markdown(shown)},
      {"summary.txt", summary_text(shown)},
  };
  for (const auto& [name, text] : files) {
    if (core::Status written = write_file_atomically(out_dir / name, text); !written) {
      return written;
    }
  }
  return core::Status();
}

}  // namespace unwedge::cli
