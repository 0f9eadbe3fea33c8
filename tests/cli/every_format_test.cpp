// Every finding reaches every report: a campaign report built by hand with
// one finding of one kind, written as a campaign writes it
// (cli/write_reports.hpp), says FAIL in summary.md, summary.txt, junit.xml,
// report.html and report.json alike, names the finding in each, and its
// verdict gives exit code 1; a clean one says PASS everywhere, and one whose
// canary missed says HARNESS BROKEN with exit code 3.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/write_reports.hpp"
#include "reports/verdict.hpp"
#include "tests/reports/report_fixture.hpp"
#include "tests/support/temp_path.hpp"

namespace unwedge::cli {
namespace {

using reports::Report;

// The fixture with every run passing and nothing found.
Report clean_report() {
  Report report = reports::testing::fixture_report();
  report.campaign.passed = report.campaign.runs;
  report.campaign.failed = report.campaign.errors = 0;
  report.campaign.findings_by_kind.clear();
  for (reports::InvariantResult& invariant : report.invariants) {
    invariant = {.name = invariant.name, .runs_checked = invariant.runs_checked};
  }
  for (reports::RunResult& run : report.scenarios) {
    run.verdict = "pass";
    run.invariant = run.cause = run.sentence = run.repro = "";
    run.timeline.reset();
  }
  report.failures.clear();
  return report;
}

struct Written {
  std::string md, txt, junit, html, json;
};

Written written(const Report& report, const std::string& name) {
  const std::filesystem::path dir = unwedge::testing::temp_path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_TRUE(write_reports(report, dir).ok());
  auto read = [&](const char* file) {
    std::ifstream in(dir / file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  Written w{read("summary.md"), read("summary.txt"), read("junit.xml"), read("report.html"),
            read("report.json")};
  std::filesystem::remove_all(dir);
  return w;
}

// `check`'s row fails in every format, with `sentence`.
void expect_fail_everywhere(const Written& w, const std::string& check,
                            const std::string& sentence) {
  EXPECT_NE(w.md.find("## unwedge nightly (postgres): FAIL"), std::string::npos) << w.md;
  std::string escaped;  // Markdown escapes the underscores
  for (char c : check)
    escaped += c == '_' ? std::string("\\_") : std::string(1, c);
  EXPECT_NE(w.md.find("| " + escaped + " | "), std::string::npos) << w.md;
  EXPECT_NE(w.md.find(sentence), std::string::npos) << w.md;
  EXPECT_NE(w.txt.find("verdict: FAIL (1 finding)"), std::string::npos) << w.txt;
  EXPECT_NE(w.txt.find("  " + check + " ("), std::string::npos) << w.txt;
  EXPECT_NE(w.txt.find(sentence), std::string::npos) << w.txt;
  EXPECT_NE(w.junit.find("<testcase name=\"" + check + "\" classname=\"checks\">\n      <failure "),
            std::string::npos)
      << w.junit;
  EXPECT_NE(w.junit.find(sentence), std::string::npos) << w.junit;
  EXPECT_NE(w.html.find("<title>unwedge nightly postgres: FAIL</title>"), std::string::npos);
  const std::size_t row = w.html.find("<tr><td><code>" + check + "</code></td>");
  ASSERT_NE(row, std::string::npos) << w.html;
  EXPECT_NE(w.html.find("class=\"num bad\">1</td>", row), std::string::npos);
  EXPECT_NE(w.html.find(sentence, row), std::string::npos);
  EXPECT_NE(w.json.find("\"outcome\": \"FAIL\""), std::string::npos) << w.json.substr(0, 300);
  EXPECT_NE(w.json.find("\"exit_code\": 1"), std::string::npos) << w.json.substr(0, 300);
}

TEST(EveryFormat, ACleanCampaignPassesInEveryFormat) {
  const Report report = clean_report();
  EXPECT_EQ(reports::verdict_of(report).exit_code(), 0);
  const Written w = written(report, "clean");
  EXPECT_NE(w.md.find("## unwedge nightly (postgres): PASS"), std::string::npos) << w.md;
  EXPECT_NE(w.txt.find("verdict: PASS (0 findings)"), std::string::npos) << w.txt;
  EXPECT_NE(w.junit.find("failures=\"0\" errors=\"0\""), std::string::npos) << w.junit;
  EXPECT_NE(w.html.find("<title>unwedge nightly postgres: PASS</title>"), std::string::npos);
  EXPECT_NE(w.json.find("\"outcome\": \"PASS\""), std::string::npos);
}

TEST(EveryFormat, OnlyACrashExplorationDivergenceFailsEveryFormat) {
  Report report = clean_report();
  const std::string sentence =
      "Failover crashed after the commit of its step fence ended with "
      "db1-a fenced twice";
  report.coverage.crashes.divergences = 1;
  report.coverage.crashes.findings = {sentence};
  EXPECT_EQ(reports::verdict_of(report).exit_code(), 1);
  expect_fail_everywhere(written(report, "crash-divergence"), "crash_exploration", sentence);
}

TEST(EveryFormat, OnlyADeterminismMismatchFailsEveryFormat) {
  Report report = clean_report();
  const std::string sentence =
      "the same scenario run twice gave different digests: 00000000000000aa, then "
      "00000000000000ab";
  report.campaign.passed -= 1;
  report.campaign.failed = 1;
  report.campaign.determinism_mismatches = 1;
  report.campaign.findings_by_kind = {{.name = "determinism", .count = 1}};
  report.failures = {{.index = 35,
                      .item = "swarm seed 32",
                      .seed = 32,
                      .swarm = true,
                      .verdict = "fail",
                      .invariant = "determinism",
                      .sentence = sentence,
                      .replay_command = "unwedge run repro/swarm-seed-32.yaml"}};
  EXPECT_EQ(reports::verdict_of(report).exit_code(), 1);
  const Written w = written(report, "determinism");
  expect_fail_everywhere(w, "determinism", sentence);
  EXPECT_NE(w.junit.find("first: swarm seed 32\nseed: 32\n"), std::string::npos) << w.junit;
}

TEST(EveryFormat, ACanaryMissedIsTheHarnessBrokenInEveryFormatNotAFinding) {
  Report report = clean_report();
  report.canary = reports::CanaryResult{.mutant = "wedged_in_draining",
                                        .caught = false,
                                        .seed = 1,
                                        .wall_ms = 4,
                                        .sentence = "the run found nothing"};
  const reports::Verdict verdict = reports::verdict_of(report);
  EXPECT_EQ(verdict.exit_code(), 3);
  EXPECT_EQ(verdict.findings, 0u);
  const Written w = written(report, "harness-broken");
  EXPECT_NE(w.md.find("## unwedge nightly (postgres): HARNESS BROKEN"), std::string::npos) << w.md;
  EXPECT_NE(w.txt.find("verdict: HARNESS BROKEN (0 findings)"), std::string::npos) << w.txt;
  EXPECT_NE(w.junit.find("<error message=\"canary wedged_in_draining: NOT caught"),
            std::string::npos)
      << w.junit;
  EXPECT_NE(w.junit.find("failures=\"0\" errors=\"1\""), std::string::npos) << w.junit;
  EXPECT_NE(w.html.find("<p id=\"harness-broken\" class=\"bad\">"), std::string::npos);
  EXPECT_NE(w.json.find("\"outcome\": \"HARNESS BROKEN\""), std::string::npos);
  EXPECT_NE(w.json.find("\"exit_code\": 3"), std::string::npos);
}

// The snapshot a campaign killed while running leaves behind, and the
// report of one stopped by a signal: no format may say PASS, and each says
// why the report is partial and when it was last written.
void expect_incomplete_everywhere(const Written& w, const std::string& why) {
  EXPECT_NE(w.md.find("## unwedge nightly (postgres): INCOMPLETE"), std::string::npos) << w.md;
  EXPECT_NE(w.md.find("**Incomplete**: " + why), std::string::npos) << w.md;
  EXPECT_NE(w.md.find("last updated at 2026-12-06T01:02:03Z"), std::string::npos) << w.md;
  EXPECT_NE(w.txt.find("verdict: INCOMPLETE (0 findings)\nincomplete: " + why), std::string::npos)
      << w.txt;
  EXPECT_NE(w.txt.find("last updated at: 2026-12-06T01:02:03Z"), std::string::npos) << w.txt;
  EXPECT_NE(w.junit.find("<testcase name=\"campaign_finished\" classname=\"campaign\" "),
            std::string::npos)
      << w.junit;
  EXPECT_NE(w.junit.find("<error message=\"incomplete: " + why), std::string::npos) << w.junit;
  EXPECT_NE(w.junit.find("errors=\"1\""), std::string::npos) << w.junit;
  EXPECT_NE(w.html.find("<title>unwedge nightly postgres: INCOMPLETE</title>"), std::string::npos);
  EXPECT_NE(w.html.find("<p id=\"incomplete\" class=\"bad\">Incomplete: " + why),
            std::string::npos);
  EXPECT_NE(w.html.find("last updated at 2026-12-06T01:02:03Z"), std::string::npos);
  EXPECT_NE(w.json.find("\"outcome\": \"INCOMPLETE\""), std::string::npos);
  EXPECT_NE(w.json.find("\"exit_code\": 4"), std::string::npos);
  EXPECT_NE(w.json.find("\"complete\": false"), std::string::npos);
  EXPECT_NE(w.json.find("\"incomplete\": \"" + why), std::string::npos);
  EXPECT_NE(w.json.find("\"updated_at\": \"2026-12-06T01:02:03Z\""), std::string::npos);
  for (const std::string* text : {&w.md, &w.txt, &w.html, &w.json}) {
    EXPECT_EQ(text->find("PASS"), std::string::npos) << *text;
  }
}

TEST(EveryFormat, AKilledCampaignsLastSnapshotIsIncompleteInEveryFormat) {
  Report report = clean_report();
  report.campaign.status = "running";
  expect_incomplete_everywhere(written(report, "killed"),
                               "the campaign was still running when this report was last "
                               "written (at 2026-12-06T01:02:03Z): if no unwedge process runs it "
                               "now, it was killed");
}

TEST(EveryFormat, AnInterruptedCampaignIsIncompleteInEveryFormat) {
  for (int signal_number : {1, 2, 15}) {
    Report report = clean_report();
    report.campaign.status = "interrupted by signal " + std::to_string(signal_number);
    report.campaign.interrupted = true;
    expect_incomplete_everywhere(
        written(report, "interrupted"),
        "the campaign was interrupted by signal " + std::to_string(signal_number));
  }
}

TEST(EveryFormat, AFinishedCampaignHasNoIncompleteNotice) {
  const Written w = written(clean_report(), "finished");
  EXPECT_NE(w.junit.find("<testcase name=\"campaign_finished\" classname=\"campaign\" "
                         "time=\"301.000\"/>"),
            std::string::npos)
      << w.junit;
  EXPECT_EQ(w.md.find("Incomplete"), std::string::npos);
  EXPECT_EQ(w.txt.find("incomplete:"), std::string::npos);
  EXPECT_EQ(w.html.find("id=\"incomplete\""), std::string::npos);
  EXPECT_NE(w.json.find("\"complete\": true"), std::string::npos);
}

}  // namespace
}  // namespace unwedge::cli
