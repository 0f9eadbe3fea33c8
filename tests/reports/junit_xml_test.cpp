#include "reports/junit_xml.hpp"

#include <gmock/gmock.h>

#include <gtest/gtest.h>

#include "reports/verdict.hpp"
#include "tests/reports/report_fixture.hpp"
#include "tests/reports/scratch_files.hpp"

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(JunitXml, TestsuitesOfScenariosInvariantsAndChecksWithTheirCounts) {
  const std::string xml = junit_xml(testing::fixture_report());
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"unwedge nightly postgres\" tests=\"15\" "
                             "failures=\"4\" errors=\"1\" skipped=\"0\" time=\"301.000\">"));
  // The run that gave no verdict fails its check too: every finding is a
  // failing testcase of the checks, whatever else shows it.
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"checks\" tests=\"4\" failures=\"1\" "
                             "errors=\"0\" skipped=\"0\" time=\"0.000\">"));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"run_gave_a_verdict\" classname=\"checks\">\n"
                             "      <failure "));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"crash_exploration\" classname=\"checks\"/>"));
  EXPECT_THAT(xml,
              HasSubstr("<testsuite name=\"scenarios\" tests=\"3\" failures=\"1\" errors=\"1\" "
                        "skipped=\"0\" time=\"602.090\">"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"invariants\" tests=\"7\" failures=\"2\" "
                             "errors=\"0\" skipped=\"0\" time=\"0.000\">"));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"partition_during_failover\" classname=\"scenarios\" "
                             "time=\"0.840\"/>"));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"single_writer\" classname=\"invariants\"/>"));
}

TEST(JunitXml, EverySuiteNamesThePlaneAndTheBuildThatRanIt) {
  const std::string xml = junit_xml(testing::fixture_report());
  const std::string properties =
      "    <properties>\n"
      "      <property name=\"control_plane\" value=\"postgres\"/>\n"
      "      <property name=\"build\" value=\"unwedge 0.1.0 (gcc 12.2.0, RelWithDebInfo)\"/>\n"
      "      <property name=\"availability\" value=\"over 2 services measured: clients could "
      "write 97.500% of the time (97.500% of writes acknowledged: 7020 of 7200) and read 99.583% "
      "(99.583% of reads answered)\"/>\n"
      "      <property name=\"availability_lowest\" value=\"lowest: db1 in swarm seed 17, "
      "clients could write 95.000% of the time\"/>\n"
      "      <property name=\"availability_worst_window_1\" value=\"db1 in swarm seed 17: "
      "client-db1-1&#39;s writes failed for 1800 s from 7200 s (db1-a is fenced); 1500 s of it "
      "reported healthy; cause: fault: #3 host_crash {db1-a} for 5m; then the control plane, "
      "1200.0 s after it healed\"/>\n"
      "    </properties>\n";
  const std::size_t first = xml.find(properties);
  ASSERT_NE(first, std::string::npos) << xml;
  EXPECT_NE(xml.find(properties, first + 1), std::string::npos) << "one block per testsuite";
}

TEST(JunitXml, FailuresCarryTheSentenceSeedAndReplayCommand) {
  const std::string xml = junit_xml(testing::fixture_report());
  EXPECT_THAT(xml, HasSubstr("<failure message=\"db1-a stayed unreachable for 16 min, over its 15 "
                             "min bound\" type=\"bounded_dwell\">invariant violation: 1 of 1002 "
                             "runs checked\nfirst: swarm seed 15\nseed: 15\nrepro: "
                             "repro/swarm-seed-15.yaml\nreplay: unwedge run "
                             "repro/swarm-seed-15.yaml\n</failure>"));
  EXPECT_THAT(xml, HasSubstr("<error message=\"the run took more than 600 s of wall time\" "
                             "type=\"error\">"));
}

TEST(JunitXml, HostileScenarioNameAndSentenceAreEscaped) {
  const std::string xml = junit_xml(testing::fixture_report());
  EXPECT_THAT(xml, Not(HasSubstr("<script")));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                             "&quot;x&quot;\" classname=\"scenarios\" time=\"1.250\">"));
  // The sentence's line break survives in the attribute as a reference.
  EXPECT_THAT(xml,
              HasSubstr("| &lt;b&gt;not bold&lt;/b&gt;&#10;second line\" type=\"no_lost_writes\">"
                        "item: scenario scenarios/hostile.yaml\nseed: 7\ninvariant: "
                        "no_lost_writes\nrepro: repro/scenario-1.yaml\nreplay: unwedge run "
                        "repro/scenario-1.yaml\n</failure>"));
}

TEST(JunitXml, InvariantNoRunCheckedIsSkipped) {
  Report report = testing::fixture_report();
  report.invariants[6].runs_checked = 0;
  const std::string xml = junit_xml(report);
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"idempotent_effects\" classname=\"invariants\">\n"
                             "      <skipped message=\"no run reached a verdict\"/>"));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"invariants\" tests=\"7\" failures=\"2\" "
                             "errors=\"0\" skipped=\"1\""));
}

TEST(JunitXml, ReplayFallsBackToTheReproducerWhenTheRunIsNotKept) {
  Report report = testing::fixture_report();
  report.failures.clear();
  report.scenarios.clear();
  EXPECT_EQ(first_replay_command(report, report.invariants[2]),
            "unwedge run repro/swarm-seed-15.yaml");
  report.invariants[2].first_repro.clear();
  EXPECT_EQ(first_replay_command(report, report.invariants[2]), "");
}

// A campaign of several planes: its suites per plane, named after it, each
// with its plane's scenarios, invariants and checks.
TEST(JunitXml, ACampaignOfTwoPlanesHasItsSuitesPerPlane) {
  const std::string xml = junit_xml(testing::fixture_report_of_two_planes());
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"unwedge nightly postgres,lease\" tests=\"26\" "));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"checks.lease\" tests=\"4\" "));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"scenarios.postgres\" tests=\"2\" "));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"scenarios.lease\" tests=\"1\" "));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"invariants.postgres\" tests=\"7\" "));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"invariants.lease\" tests=\"7\" "));
  EXPECT_THAT(xml, HasSubstr("<property name=\"control_plane\" value=\"lease\"/>"));
  EXPECT_THAT(xml, HasSubstr("classname=\"invariants.lease\""));
  EXPECT_THAT(xml, Not(HasSubstr("<testsuite name=\"invariants\" ")));
  if (!testing::have_program("xmllint")) return;
  testing::ScratchDir dir("junit-planes");
  const auto file = dir.write("junit.xml", xml);
  const testing::CommandResult check = testing::run_command(
      "xmllint --noout --schema " UNWEDGE_SOURCE_DIR "/tests/reports/junit.xsd " + file.string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(JunitXml, SameReportSameBytes) {
  EXPECT_EQ(junit_xml(testing::fixture_report()), junit_xml(testing::fixture_report()));
}

TEST(JunitXml, AcceptedByTheJunitSchema) {
  if (!testing::have_program("xmllint")) {
    GTEST_SKIP() << "xmllint not installed: scripts/install-deps.sh installs libxml2-utils";
  }
  Report report = testing::fixture_report();
  report.invariants[6].runs_checked = 0;  // a <skipped> too
  report.scenarios[0].scenario = std::string("bytes \x01\xFF\xC0\xAF kept well-formed");
  testing::ScratchDir dir("junit");
  const auto file = dir.write("junit.xml", junit_xml(report));
  const testing::CommandResult check = testing::run_command(
      "xmllint --noout --schema " UNWEDGE_SOURCE_DIR "/tests/reports/junit.xsd " + file.string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_THAT(check.output, HasSubstr("validates"));
}

}  // namespace
}  // namespace unwedge::reports
