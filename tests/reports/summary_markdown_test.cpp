#include "reports/summary_markdown.hpp"

#include <gmock/gmock.h>

#include <gtest/gtest.h>

#include "reports/html_report.hpp"
#include "reports/junit_xml.hpp"
#include "tests/reports/report_fixture.hpp"

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(SummaryMarkdown, VerdictAndFiguresComeFirst) {
  const std::string md = summary_markdown(testing::fixture_report());
  EXPECT_THAT(
      md, StartsWith("## unwedge nightly (postgres): FAIL\n\nRun by unwedge 0.1.0 (gcc 12.2.0, "
                     "RelWithDebInfo).\n\nStatus: finished; last updated at "
                     "2026-12-06T01:02:03Z.\n\n1,003 runs (3 bundled "
                     "scenarios, 1,000 swarm seeds: 1-500, 601-1100): 1,000 passed, 2 "
                     "failed, 1 ended in error. Simulated 83 d 8 h in 5 min 1 s of wall time over "
                     "2 shards; determinism re-checked on 20 runs, 0 mismatches.\n"));
}

TEST(SummaryMarkdown, PassesWhenNothingBroke) {
  Report report = testing::fixture_report();
  report.campaign.failed = report.campaign.errors = 0;
  for (InvariantResult& i : report.invariants)
    i.violations = 0;
  report.failures.clear();
  const std::string md = summary_markdown(report);
  EXPECT_THAT(md, StartsWith("## unwedge nightly (postgres): PASS\n"));
  EXPECT_THAT(md, Not(HasSubstr("First failures")));
}

TEST(SummaryMarkdown, InvariantsAndChecksTableWithFirstFindings) {
  const std::string md = summary_markdown(testing::fixture_report());
  EXPECT_THAT(md, HasSubstr("| bounded\\_dwell | 1,002 runs | **1** | swarm seed 15: db1-a stayed "
                            "unreachable for 16 min, over its 15 min bound |\n"));
  EXPECT_THAT(md, HasSubstr("| single\\_writer | 1,002 runs | 0 |  |\n"));
  EXPECT_THAT(md, HasSubstr("| crash\\_exploration | 488 re-executions | 0 |  |\n"));
}

TEST(SummaryMarkdown, FirstFailuresWithTheirReplayCommands) {
  const std::string md = summary_markdown(testing::fixture_report());
  EXPECT_THAT(md, HasSubstr("2. **swarm seed 15** (swarm, seed 15, bounded\\_dwell): db1-a stayed "
                            "unreachable for 16 min, over its 15 min bound\n   ```\n   unwedge run "
                            "repro/swarm-seed-15.yaml\n   ```\n"));
}

TEST(SummaryMarkdown, UntrustedTextCannotBreakTheMarkdown) {
  const std::string md = summary_markdown(testing::fixture_report());
  EXPECT_THAT(md, Not(HasSubstr("<script")));
  EXPECT_THAT(md, Not(HasSubstr("<b>")));
  EXPECT_THAT(md, HasSubstr("1. **scenario scenarios/hostile.yaml** (&lt;script&gt;alert(1)&lt;/"
                            "script&gt; &amp; \"x\", seed 7, no\\_lost\\_writes): acknowledged "
                            "write 42 on db1 lost after failover to db1-b \\| &lt;b&gt;not "
                            "bold&lt;/b&gt; second line\n"));
}

TEST(SummaryMarkdown, ReplayCommandWithBackticksGetsALongerFence) {
  Report report = testing::fixture_report();
  report.failures[0].replay_command = "unwedge run ```x```\nrm -rf /";
  const std::string md = summary_markdown(report);
  EXPECT_THAT(md, HasSubstr("   ````\n   unwedge run ```x``` rm -rf /\n   ````\n"));
}

TEST(SummaryMarkdown, CoverageOneLiners) {
  const std::string md = summary_markdown(testing::fixture_report());
  EXPECT_THAT(md, HasSubstr("- transitions 9/12 taken; 1 refused\n"));
  EXPECT_THAT(md, HasSubstr("- rules 2/3 fired\n"));
  EXPECT_THAT(md, HasSubstr("- action steps 3/4 run\n"));
  EXPECT_THAT(md, HasSubstr("- fault kinds 3/5 injected\n"));
  EXPECT_THAT(md, HasSubstr("- probes 2/3 hit\n"));
}

TEST(SummaryMarkdown, SameReportSameBytes) {
  EXPECT_EQ(summary_markdown(testing::fixture_report()),
            summary_markdown(testing::fixture_report()));
}

// A campaign of several planes: a line of figures and coverage each.
TEST(SummaryMarkdown, ACampaignOfTwoPlanesGivesEachPlaneItsLines) {
  const std::string md = summary_markdown(testing::fixture_report_of_two_planes());
  EXPECT_THAT(md, StartsWith("## unwedge nightly (postgres,lease): FAIL\n"));
  EXPECT_THAT(md, HasSubstr("| control plane | runs | passed | failed | errors | bundled | swarm "
                            "seeds | findings |\n"));
  EXPECT_THAT(md, HasSubstr("| postgres | 503 | 1,000 | 1 | 1 | 3 | 1-500 | 2 |\n"));
  EXPECT_THAT(md, HasSubstr("| lease | 500 | 499 | 1 | 0 | 3 | 601-1100 | 1 |\n"));
  EXPECT_THAT(md, HasSubstr("- **postgres**\n  - transitions "));
  EXPECT_THAT(md, HasSubstr("- **lease**\n  - transitions "));
  EXPECT_THAT(md, HasSubstr("- **all planes**\n  - transitions "));
  EXPECT_THAT(md, HasSubstr(" on lease, seed "));
  EXPECT_THAT(summary_markdown(testing::fixture_report()), Not(HasSubstr("control plane |")));
}

}  // namespace
}  // namespace unwedge::reports

namespace unwedge::reports {
namespace {

// What the clients felt reaches every rendered format with the worst window
// and its cause.
TEST(ClientAvailability, ReachesSummaryHtmlAndJunit) {
  const Report report = testing::fixture_report();
  const std::string window = "client-db1-1";
  for (const std::string& text :
       {summary_markdown(report), html_report(report), junit_xml(report)}) {
    EXPECT_NE(text.find("97.500%"), std::string::npos) << text.substr(0, 2000);
    EXPECT_NE(text.find(window), std::string::npos);
    EXPECT_NE(text.find("then the control plane, 1200.0 s after it healed"), std::string::npos);
  }
  EXPECT_NE(summary_markdown(report).find("### Client availability"), std::string::npos);
  EXPECT_NE(html_report(report).find("<section id=\"availability\">"), std::string::npos);
}

TEST(ClientAvailability, ShardsMergeByAddingAndKeepTheLongestWindows) {
  AvailabilityFigures a = testing::fixture_availability();
  const AvailabilityFigures b = testing::fixture_availability();
  a.merge(b);
  EXPECT_EQ(a.services, 4u);
  EXPECT_EQ(a.writes, 14400u);
  EXPECT_EQ(a.lowest_ppm, 950'000u);
  ASSERT_EQ(a.worst_windows.size(), 2u);
  EXPECT_EQ(a.worst_windows[0].window.length_us(), 30 * core::kMinute);
}

}  // namespace
}  // namespace unwedge::reports
