#include "reports/html_report.hpp"

#include <gmock/gmock.h>

#include <gtest/gtest.h>

#include "tests/reports/report_fixture.hpp"

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class HtmlReport : public ::testing::Test {
 protected:
  const Report report = testing::fixture_report();
  const std::string page = html_report(report);
};

TEST_F(HtmlReport, SelfContainedWithoutScriptsOrNetwork) {
  EXPECT_THAT(page, StartsWith("<!DOCTYPE html>\n"));
  EXPECT_THAT(page, HasSubstr("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
  EXPECT_THAT(page, Not(HasSubstr("<script")));
  // The only URLs are XML namespace names, which are never fetched.
  EXPECT_EQ(testing::occurrences(page, "http://"),
            testing::occurrences(page, "\"http://www.w3.org/"));
  EXPECT_THAT(page, Not(HasSubstr("https://")));
  EXPECT_THAT(page, Not(HasSubstr("src=")));
  EXPECT_THAT(page, Not(HasSubstr("<link")));
}

TEST_F(HtmlReport, HeadlineFigures) {
  EXPECT_THAT(
      page,
      HasSubstr("<h1>unwedge nightly: postgres <span class=\"verdict fail\">FAIL</span></h1>"));
  EXPECT_THAT(page, HasSubstr("<p class=\"build\">Control plane postgres, run by unwedge 0.1.0 "
                              "(gcc 12.2.0, RelWithDebInfo).</p>"));
  EXPECT_THAT(page, HasSubstr("<dt>runs</dt><dd>1,003</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>swarm seeds</dt><dd>1-500, 601-1100</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>simulated time</dt><dd>83 d 8 h</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>wall time</dt><dd>5 min 1 s</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>runs/s (per shard)</dt><dd>3.3</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>shards</dt><dd>2</dd>"));
  EXPECT_THAT(page, HasSubstr("<dt>determinism re-checks</dt><dd>20</dd>"));
}

TEST_F(HtmlReport, HostileScenarioIsShownNotRun) {
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"x\""));
  EXPECT_THAT(page, HasSubstr("&lt;b&gt;not bold&lt;/b&gt;"));
  EXPECT_THAT(page, Not(HasSubstr("<b>not bold")));
}

TEST_F(HtmlReport, InvariantsWithFirstViolationReproAndReplay) {
  EXPECT_THAT(
      page,
      HasSubstr(
          "<tr><td><code>bounded_dwell</code></td><td class=\"num\">1,002 runs</td>"
          "<td class=\"num bad\">1</td><td>swarm seed 15, seed 15, <a "
          "href=\"repro/swarm-seed-15.yaml\">repro/swarm-seed-15.yaml</a><br>"
          "db1-a stayed unreachable for 16 min, over its 15 min bound<pre "
          "class=\"replay\"><code>unwedge run repro/swarm-seed-15.yaml</code></pre></td></tr>"));
}

TEST_F(HtmlReport, EachFailingRunWithItsTimeline) {
  EXPECT_EQ(testing::occurrences(page, "<details"), 2u);
  EXPECT_EQ(
      testing::occurrences(page, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""),
      2u);
  EXPECT_THAT(page, HasSubstr("<summary>swarm seed 15: db1-a stayed unreachable"));
  EXPECT_THAT(page, HasSubstr("digest <code>00000000deadbeef</code>"));
}

TEST_F(HtmlReport, BundledScenariosTable) {
  EXPECT_THAT(page, HasSubstr("<td>partition_during_failover<br><span class=\"muted\">scenario "
                              "scenarios/partition_during_failover.yaml</span></td><td "
                              "class=\"good\">pass</td>"));
  EXPECT_THAT(page, HasSubstr("<td class=\"bad\">error</td><td>3</td><td>0 s</td><td>10 min</td>"
                              "<td>the run took more than 600 s of wall time"));
}

TEST_F(HtmlReport, MachinesWithGraphsDwellAndTransitionsNeverTaken) {
  EXPECT_EQ(testing::occurrences(page, "<div class=\"graph\"><svg"), 2u);
  EXPECT_THAT(page, HasSubstr("<p>4 of 6 legal transitions taken.</p>"));
  EXPECT_THAT(page,
              HasSubstr("<strong>Legal transitions never taken (2):</strong> <code>running "
                        "→ fenced (fenced)</code>, <code>fenced → running (unfenced)</code>."));
  EXPECT_THAT(page, HasSubstr("<strong>Refused transitions (findings) (1):</strong> <code>running "
                              "→ destroyed ×2</code>."));
  // unreachable: 30 s, 90 s, 4 min, 16 min against a 15 min bound.
  EXPECT_THAT(page, HasSubstr("<td>4</td><td>&le; 2 min 8 s</td><td>&le; 16 min</td><td>&le; 16 "
                              "min</td><td class=\"bad\">16 min</td>"));
  EXPECT_THAT(page, HasSubstr("<td colspan=\"5\" class=\"muted\">stable: may rest here</td>"));
}

TEST_F(HtmlReport, TablesActionsFaultsAndProbesNameWhatNeverHappened) {
  EXPECT_THAT(page,
              HasSubstr("<strong>Rules never fired (1):</strong> <code>replace_wedged</code>."));
  EXPECT_THAT(page, HasSubstr("<p>3 cells seen, 9,143 decisions.</p>"));
  EXPECT_THAT(page, HasSubstr("<code>uncovered in fenced with {MissedCheckins, Stale} ×3</code>"));
  Report conflicted = report;
  conflicted.coverage.tables[0].cells[2].outcome = "conflict";
  conflicted.coverage.tables[0].cells[2].rules = {"restart_unreachable", "replace_wedged"};
  EXPECT_THAT(html_report(conflicted),
              HasSubstr("<code>conflict in fenced with {MissedCheckins, Stale} ×3 (rules "
                        "restart_unreachable, replace_wedged)</code>"));
  EXPECT_THAT(
      page,
      HasSubstr("<strong>Steps never run (1):</strong> <code>Failover.repoint_clients</code>."));
  EXPECT_THAT(page, HasSubstr("<td>next 290, wait 40</td>"));
  EXPECT_THAT(page, HasSubstr("<strong>Fault kinds never injected (2):</strong> "
                              "<code>clock_drift</code>, <code>infra_duplicates</code>."));
  EXPECT_THAT(page,
              HasSubstr("<strong>Probes never hit (1):</strong> <code>restart.timed_out</code>."));
  EXPECT_THAT(page, HasSubstr("<tr><th>crash points</th><td class=\"num\">340</td></tr>"));
}

TEST_F(HtmlReport, LinksSourceCoverageWhenPresent) {
  EXPECT_THAT(page, HasSubstr("<a href=\"coverage/summary.txt\">coverage/summary.txt</a>"));
  Report without = report;
  without.source_coverage.clear();
  EXPECT_THAT(html_report(without), Not(HasSubstr("source-coverage")));
}

TEST_F(HtmlReport, HostileLinksAreNotLinks) {
  Report hostile = report;
  hostile.source_coverage = "javascript:alert(document.domain)";
  hostile.failures[0].repro = "//evil.example/x.yaml";
  const std::string html = html_report(hostile);
  EXPECT_THAT(html, HasSubstr("<a href=\"javascript%3Aalert%28document.domain%29\">"));
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"//evil")));
  EXPECT_THAT(html, HasSubstr("reproducer //evil.example/x.yaml"));
}

TEST_F(HtmlReport, SameReportSameBytes) {
  EXPECT_EQ(page, html_report(testing::fixture_report()));
}

// A campaign of several planes: a row of figures per plane, and each
// plane's coverage under headings and ids of its own.
TEST(HtmlReportOfTwoPlanes, EachPlaneHasItsFiguresAndItsCoverage) {
  const std::string page = html_report(testing::fixture_report_of_two_planes());
  EXPECT_THAT(page, HasSubstr("<section id=\"planes\"><h2>Control planes</h2>"));
  EXPECT_THAT(page, HasSubstr("<tr><td><a href=\"#coverage-lease\">lease</a></td>"
                              "<td class=\"num\">500</td>"));
  EXPECT_THAT(page, HasSubstr("<h2 id=\"coverage-postgres\">Coverage of postgres</h2>"));
  EXPECT_THAT(page, HasSubstr("<section id=\"machines-lease\"><h2>Machines of lease</h2>"));
  EXPECT_THAT(page, HasSubstr("<section id=\"faults-postgres\">"));
  EXPECT_EQ(testing::occurrences(page, "id=\"machines\""), 0u);
  EXPECT_THAT(html_report(testing::fixture_report()), Not(HasSubstr("id=\"planes\"")));
}

}  // namespace
}  // namespace unwedge::reports
