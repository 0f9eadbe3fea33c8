#include "reports/junit_xml.hpp"

#include <fmt/format.h>
#include <iterator>
#include <string>
#include <vector>

#include "reports/markup_escape.hpp"
#include "reports/verdict.hpp"

namespace unwedge::reports {
namespace {

using Out = std::back_insert_iterator<std::string>;

// JUnit counts time in seconds; milliseconds are exact in three decimals.
std::string seconds(std::int64_t wall_ms) {
  if (wall_ms < 0) wall_ms = 0;
  return fmt::format("{}.{:03}", wall_ms / 1000, wall_ms % 1000);
}

struct SuiteCounts {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::size_t skipped = 0;
  std::int64_t wall_ms = 0;
};

// The bundled scenarios of `plane` (every one when empty).
std::vector<RunResult> scenarios_of(const Report& report, const std::string& plane) {
  std::vector<RunResult> runs;
  for (const RunResult& run : report.scenarios) {
    if (plane.empty() || run.control_plane == plane) runs.push_back(run);
  }
  return runs;
}

SuiteCounts scenario_counts(const std::vector<RunResult>& scenarios) {
  SuiteCounts counts;
  for (const RunResult& run : scenarios) {
    ++counts.tests;
    // Anything but a pass or a failure is an error, as scenario_case writes it.
    if (run.verdict == "fail") {
      ++counts.failures;
    } else if (run.verdict != "pass") {
      ++counts.errors;
    }
    counts.wall_ms += run.wall_ms;
  }
  return counts;
}

SuiteCounts check_counts(const std::vector<CheckRow>& checks) {
  SuiteCounts counts;
  for (const CheckRow& check : checks) {
    ++counts.tests;
    if (check.failed()) {
      ++counts.failures;
    } else if (check.unchecked()) {
      ++counts.skipped;
    }
  }
  return counts;
}

// The harness's own suite: the canary, an error (not a failure) when it
// was not caught, since then the harness is broken rather than the plane.
SuiteCounts harness_counts(const std::optional<CanaryResult>& canary) {
  if (!canary) return {};
  return {.tests = 1, .errors = canary->caught ? 0u : 1u, .wall_ms = canary->wall_ms};
}

// The campaign's own suite: one case, an error when the report covers only
// part of the campaign, so a CI that reads junit.xml alone never shows a
// killed or interrupted campaign as green.
SuiteCounts campaign_counts(const Verdict& verdict, const CampaignFigures& campaign) {
  return {.tests = 1, .errors = verdict.complete() ? 0u : 1u, .wall_ms = campaign.wall_ms};
}

void campaign_case(Out out, const Verdict& verdict, const CampaignFigures& campaign) {
  fmt::format_to(out, "    <testcase name=\"campaign_finished\" classname=\"campaign\" time=\"{}\"",
                 seconds(campaign.wall_ms));
  if (verdict.complete()) {
    fmt::format_to(out, "/>\n");
    return;
  }
  std::string body = fmt::format("status: {}\n", campaign.status);
  if (!campaign.updated_at.empty())
    body += fmt::format("last updated at: {}\n", campaign.updated_at);
  fmt::format_to(out,
                 ">\n      <error message=\"{}\" type=\"incomplete\">{}</error>\n"
                 "    </testcase>\n",
                 markup_attribute("incomplete: " + verdict.incomplete), markup_text(body));
}

// The clients' availability as properties: the figures, the lowest
// service, then each worst window.
std::string availability_properties(const AvailabilityFigures& availability) {
  std::string xml;
  const std::vector<std::string> lines = availability_lines(availability);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string name = i == 0   ? std::string("availability")
                             : i == 1 ? std::string("availability_lowest")
                                      : fmt::format("availability_worst_window_{}", i - 1);
    xml += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name,
                       markup_attribute(lines[i]));
  }
  return xml;
}

void suite_open(Out out, std::string_view name, const SuiteCounts& counts,
                const CampaignFigures& campaign) {
  fmt::format_to(out,
                 "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                 "skipped=\"{}\" time=\"{}\">\n",
                 markup_attribute(name), counts.tests, counts.failures, counts.errors,
                 counts.skipped, seconds(counts.wall_ms));
  // Which plane, and which program, every case of the suite is about, and
  // what the campaign's clients felt.
  fmt::format_to(out,
                 "    <properties>\n"
                 "      <property name=\"control_plane\" value=\"{}\"/>\n"
                 "      <property name=\"build\" value=\"{}\"/>\n"
                 "{}"
                 "    </properties>\n",
                 markup_attribute(campaign.control_plane), markup_attribute(campaign.build),
                 availability_properties(campaign.availability));
}

// The body is text a person reads in the CI's failure view: one fact a line.
std::string run_details(const RunResult& run) {
  std::string body = fmt::format("item: {}\nseed: {}\n", run.item, run.seed);
  if (!run.invariant.empty()) body += fmt::format("invariant: {}\n", run.invariant);
  if (!run.cause.empty()) body += fmt::format("cause: {}\n", run.cause);
  if (!run.repro.empty()) body += fmt::format("repro: {}\n", run.repro);
  if (!run.replay_command.empty()) body += fmt::format("replay: {}\n", run.replay_command);
  return body;
}

// `suite`: the testcase's classname, its suite's name.
void scenario_case(Out out, const RunResult& run, std::string_view suite) {
  const std::string name = run.scenario.empty() ? run.item : run.scenario;
  fmt::format_to(out, "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                 markup_attribute(name), markup_attribute(suite), seconds(run.wall_ms));
  if (run.verdict == "pass") {
    fmt::format_to(out, "/>\n");
    return;
  }
  const bool failed = run.verdict == "fail";
  const std::string_view element = failed ? "failure" : "error";
  const std::string& message = !run.sentence.empty() ? run.sentence : run.cause;
  const std::string& type = failed ? run.invariant : run.verdict;
  fmt::format_to(out, ">\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    </testcase>\n", element,
                 markup_attribute(message), markup_attribute(type), markup_text(run_details(run)),
                 element);
}

// An invariant, or a campaign-wide check (determinism, crash exploration).
void check_case(Out out, const CheckRow& check, std::string_view suite) {
  fmt::format_to(out, "    <testcase name=\"{}\" classname=\"{}\"", markup_attribute(check.name),
                 markup_attribute(suite));
  if (!check.failed() && !check.unchecked()) {
    fmt::format_to(out, "/>\n");
    return;
  }
  if (check.unchecked()) {
    fmt::format_to(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                   check.kind == FindingKind::kInvariantViolation ? "no run reached a verdict"
                                                                  : "not checked in this campaign");
    return;
  }
  std::string body = fmt::format("{}: {} of {} {} checked\n", to_string(check.kind), check.findings,
                                 check.checked, check.unit);
  if (!check.first_item.empty()) body += fmt::format("first: {}\n", check.first_item);
  if (check.first_seed) body += fmt::format("seed: {}\n", *check.first_seed);
  if (!check.first_repro.empty()) body += fmt::format("repro: {}\n", check.first_repro);
  if (!check.first_replay.empty()) body += fmt::format("replay: {}\n", check.first_replay);
  fmt::format_to(
      out, ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
      markup_attribute(check.first_sentence), markup_attribute(check.name), markup_text(body));
}

void canary_case(Out out, const CanaryResult& canary, std::string_view suite) {
  fmt::format_to(out, "    <testcase name=\"canary\" classname=\"{}\" time=\"{}\"",
                 markup_attribute(suite), seconds(canary.wall_ms));
  if (canary.caught) {
    fmt::format_to(out, "/>\n");
    return;
  }
  fmt::format_to(out,
                 ">\n      <error message=\"{}\" type=\"harness_broken\">{}</error>\n"
                 "    </testcase>\n",
                 markup_attribute(describe(canary)), markup_text(canary.sentence + "\n"));
}

}  // namespace

std::string junit_xml(const Report& report) {
  // A campaign of several planes has its suites per plane, named after it
  // ("scenarios.lease", "invariants.lease", "checks.lease"); of one, a set.
  // The harness's suite is the campaign's.
  struct Suites {
    std::string suffix;
    const CampaignFigures* campaign;
    std::vector<RunResult> scenarios;
    std::vector<CheckRow> invariants;
    std::vector<CheckRow> checks;
  };
  std::vector<Suites> suites;
  auto add_suites = [&](std::string suffix, const CampaignFigures& campaign,
                        std::vector<RunResult> scenarios, const Verdict& verdict) {
    Suites added{.suffix = std::move(suffix), .campaign = &campaign, .scenarios = scenarios};
    for (const CheckRow& row : verdict.checks) {
      (row.kind == FindingKind::kInvariantViolation ? added.invariants : added.checks)
          .push_back(row);
    }
    suites.push_back(std::move(added));
  };
  if (report.planes.empty()) add_suites("", report.campaign, report.scenarios, verdict_of(report));
  for (const PlaneReport& plane : report.planes) {
    add_suites("." + plane.campaign.control_plane, plane.campaign,
               scenarios_of(report, plane.campaign.control_plane), verdict_of(plane, report));
  }
  const Verdict whole = verdict_of(report);
  SuiteCounts all = harness_counts(report.canary);
  const SuiteCounts campaign = campaign_counts(whole, report.campaign);
  all.tests += campaign.tests;
  all.errors += campaign.errors;
  for (const Suites& suite : suites) {
    for (const SuiteCounts& counts : {scenario_counts(suite.scenarios),
                                      check_counts(suite.invariants), check_counts(suite.checks)}) {
      all.tests += counts.tests;
      all.failures += counts.failures;
      all.errors += counts.errors;
      all.skipped += counts.skipped;
    }
  }
  std::string xml;
  Out out(xml);
  fmt::format_to(out,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                 "skipped=\"{}\" time=\"{}\">\n",
                 markup_attribute(fmt::format("unwedge nightly {}", report.campaign.control_plane)),
                 all.tests, all.failures, all.errors, all.skipped,
                 seconds(report.campaign.wall_ms));
  suite_open(out, "campaign", campaign, report.campaign);
  campaign_case(out, whole, report.campaign);
  fmt::format_to(out, "  </testsuite>\n");
  for (const Suites& suite : suites) {
    const std::string scenarios = "scenarios" + suite.suffix;
    suite_open(out, scenarios, scenario_counts(suite.scenarios), *suite.campaign);
    for (const RunResult& run : suite.scenarios)
      scenario_case(out, run, scenarios);
    fmt::format_to(out, "  </testsuite>\n");
    for (const auto& [name, rows] :
         {std::pair{"invariants", &suite.invariants}, std::pair{"checks", &suite.checks}}) {
      const std::string suite_name = name + suite.suffix;
      suite_open(out, suite_name, check_counts(*rows), *suite.campaign);
      for (const CheckRow& row : *rows)
        check_case(out, row, suite_name);
      fmt::format_to(out, "  </testsuite>\n");
    }
  }
  if (report.canary) {
    suite_open(out, "harness", harness_counts(report.canary), report.campaign);
    canary_case(out, *report.canary, "harness");
    fmt::format_to(out, "  </testsuite>\n");
  }
  fmt::format_to(out, "</testsuites>\n");
  return xml;
}

}  // namespace unwedge::reports
