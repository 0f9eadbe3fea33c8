#include "reports/junit_xml.hpp"

#include <fmt/format.h>
#include <iterator>

#include "reports/markup_escape.hpp"

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

SuiteCounts scenario_counts(const Report& report) {
  SuiteCounts counts;
  for (const RunResult& run : report.scenarios) {
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

SuiteCounts invariant_counts(const Report& report) {
  SuiteCounts counts;
  for (const InvariantResult& invariant : report.invariants) {
    ++counts.tests;
    if (invariant.violations > 0) {
      ++counts.failures;
    } else if (invariant.runs_checked == 0) {
      ++counts.skipped;
    }
  }
  return counts;
}

void suite_open(Out out, std::string_view name, const SuiteCounts& counts,
                const CampaignFigures& campaign) {
  fmt::format_to(out,
                 "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                 "skipped=\"{}\" time=\"{}\">\n",
                 name, counts.tests, counts.failures, counts.errors, counts.skipped,
                 seconds(counts.wall_ms));
  // Which plane, and which program, every case of the suite is about.
  fmt::format_to(out,
                 "    <properties>\n"
                 "      <property name=\"control_plane\" value=\"{}\"/>\n"
                 "      <property name=\"build\" value=\"{}\"/>\n"
                 "    </properties>\n",
                 markup_attribute(campaign.control_plane), markup_attribute(campaign.build));
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

void scenario_case(Out out, const RunResult& run) {
  const std::string name = run.scenario.empty() ? run.item : run.scenario;
  fmt::format_to(out, "    <testcase name=\"{}\" classname=\"scenarios\" time=\"{}\"",
                 markup_attribute(name), seconds(run.wall_ms));
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

void invariant_case(Out out, const Report& report, const InvariantResult& invariant) {
  fmt::format_to(out, "    <testcase name=\"{}\" classname=\"invariants\"",
                 markup_attribute(invariant.name));
  if (invariant.violations == 0 && invariant.runs_checked > 0) {
    fmt::format_to(out, "/>\n");
    return;
  }
  if (invariant.violations == 0) {
    fmt::format_to(out,
                   ">\n      <skipped message=\"no run reached a verdict\"/>\n    </testcase>\n");
    return;
  }
  std::string body =
      fmt::format("violations: {} of {} runs checked\nfirst: {}\nseed: {}\n", invariant.violations,
                  invariant.runs_checked, invariant.first_item, invariant.first_seed);
  if (!invariant.first_repro.empty()) body += fmt::format("repro: {}\n", invariant.first_repro);
  const std::string replay = first_replay_command(report, invariant);
  if (!replay.empty()) body += fmt::format("replay: {}\n", replay);
  fmt::format_to(out,
                 ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                 markup_attribute(invariant.first_sentence), markup_attribute(invariant.name),
                 markup_text(body));
}

}  // namespace

std::string first_replay_command(const Report& report, const InvariantResult& invariant) {
  if (invariant.first_index) {
    for (const std::vector<RunResult>* runs : {&report.failures, &report.scenarios}) {
      for (const RunResult& run : *runs) {
        if (run.index == *invariant.first_index && !run.replay_command.empty()) {
          return run.replay_command;
        }
      }
    }
  }
  if (invariant.first_repro.empty()) return "";
  return fmt::format("unwedge run {}", invariant.first_repro);
}

std::string junit_xml(const Report& report) {
  const SuiteCounts scenarios = scenario_counts(report);
  const SuiteCounts invariants = invariant_counts(report);
  std::string xml;
  Out out(xml);
  fmt::format_to(out,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                 "skipped=\"{}\" time=\"{}\">\n",
                 markup_attribute(fmt::format("unwedge nightly {}", report.campaign.control_plane)),
                 scenarios.tests + invariants.tests, scenarios.failures + invariants.failures,
                 scenarios.errors + invariants.errors, scenarios.skipped + invariants.skipped,
                 seconds(report.campaign.wall_ms));
  suite_open(out, "scenarios", scenarios, report.campaign);
  for (const RunResult& run : report.scenarios)
    scenario_case(out, run);
  fmt::format_to(out, "  </testsuite>\n");
  suite_open(out, "invariants", invariants, report.campaign);
  for (const InvariantResult& invariant : report.invariants)
    invariant_case(out, report, invariant);
  fmt::format_to(out, "  </testsuite>\n</testsuites>\n");
  return xml;
}

}  // namespace unwedge::reports
