#include "reports/readable_units.hpp"

#include <gtest/gtest.h>

#include "reports/coverage_figures.hpp"
#include "reports/verdict.hpp"
#include "tests/reports/report_fixture.hpp"

namespace unwedge::reports {
namespace {

using core::kHour;
using core::kMillisecond;
using core::kMinute;
using core::kSecond;

TEST(ReadableUnits, DurationsInAtMostTwoUnits) {
  EXPECT_EQ(readable_duration(0), "0 s");
  EXPECT_EQ(readable_duration(250), "250 us");
  EXPECT_EQ(readable_duration(250 * kMillisecond), "250 ms");
  EXPECT_EQ(readable_duration(1500 * kMillisecond), "1.5 s");
  EXPECT_EQ(readable_duration(42 * kSecond), "42 s");
  EXPECT_EQ(readable_duration(5 * kMinute + 30 * kSecond + 999 * kMillisecond), "5 min 30 s");
  EXPECT_EQ(readable_duration(90 * kMinute), "1 h 30 min");
  EXPECT_EQ(readable_duration(2000 * kHour), "83 d 8 h");
  EXPECT_EQ(readable_duration(-2 * kSecond), "-2 s");
}

TEST(ReadableUnits, ClockTimeAsReplayPrintsIt) {
  EXPECT_EQ(clock_time(kHour + 5 * kSecond), "1:00:05.000");
  EXPECT_EQ(clock_time(26 * kHour + 3 * kMinute + 7 * kMillisecond), "26:03:00.007");
}

TEST(ReadableUnits, CountsGroupedByThousands) {
  EXPECT_EQ(grouped(0), "0");
  EXPECT_EQ(grouped(999), "999");
  EXPECT_EQ(grouped(1000), "1,000");
  EXPECT_EQ(grouped(12'345'678), "12,345,678");
}

TEST(ReadableUnits, ACountTakesTheNounThatAgreesWithIt) {
  EXPECT_EQ(counted(0, "run", "runs"), "0 runs");
  EXPECT_EQ(counted(1, "run", "runs"), "1 run");
  EXPECT_EQ(counted(12'345, "mismatch", "mismatches"), "12,345 mismatches");
}

TEST(CoverageFigures, DwellPercentilesAreBucketBoundsCappedAtTheMaximum) {
  const DwellBuckets dwell =
      testing::dwell_of({30 * kSecond, 90 * kSecond, 4 * kMinute, 16 * kMinute});
  EXPECT_EQ(dwell_count(dwell), 4u);
  EXPECT_EQ(dwell_bound_us(dwell, 0.25), 32 * kSecond);
  EXPECT_EQ(dwell_bound_us(dwell, 0.5), 128 * kSecond);
  EXPECT_EQ(dwell_bound_us(dwell, 0.99), 16 * kMinute);  // the 1024 s bucket, capped
  EXPECT_EQ(dwell_bound_us(DwellBuckets{}, 0.5), 0);
}

TEST(CoverageFigures, SeedRangesShowTheFirstFew) {
  CampaignFigures c;
  EXPECT_EQ(seed_ranges(c, 3), "none");
  c.swarm_seeds = {{1, 10}, {12, 12}, {20, 30}, {40, 50}};
  EXPECT_EQ(seed_ranges(c, 3), "1-10, 12, 20-30 and 1 more ranges");
}

TEST(Verdict, ACampaignFailsOnAFindingOfAnyKind) {
  Report report = testing::fixture_report();
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kFail);
  report.campaign.failed = report.campaign.errors = 0;
  for (InvariantResult& i : report.invariants)
    i.violations = 0;
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kPass);
  EXPECT_EQ(verdict_of(report).exit_code(), 0);
  report.campaign.determinism_mismatches = 1;
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kFail);
  report.campaign.determinism_mismatches = 0;
  report.coverage.crashes.divergences = 1;
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kFail);
  EXPECT_EQ(verdict_of(report).findings, 1u);
  EXPECT_EQ(verdict_of(report).exit_code(), 1);
  report.canary = CanaryResult{.caught = false, .sentence = "the run found nothing"};
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kHarnessBroken);
  EXPECT_EQ(verdict_of(report).headline(), "HARNESS BROKEN");
  EXPECT_EQ(verdict_of(report).exit_code(), 3);
  EXPECT_EQ(verdict_of(report).findings, 1u) << "kept apart from the harness";
}

// A campaign that did not finish is never a PASS, and says why whatever its
// outcome: a report whose status is anything but finished is partial.
TEST(Verdict, ACampaignThatDidNotFinishIsIncompleteNeverAPass) {
  Report report = testing::fixture_report();
  report.campaign.failed = report.campaign.errors = 0;
  for (InvariantResult& i : report.invariants)
    i.violations = 0;
  ASSERT_EQ(verdict_of(report).outcome, Outcome::kPass);
  EXPECT_TRUE(verdict_of(report).complete());
  report.campaign.status = "finished (time budget spent)";
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kPass) << "a budget is a planned end";

  report.campaign.status = "running";
  Verdict running = verdict_of(report);
  EXPECT_EQ(running.outcome, Outcome::kIncomplete);
  EXPECT_EQ(running.headline(), "INCOMPLETE");
  EXPECT_EQ(running.exit_code(), kExitIncomplete);
  EXPECT_TRUE(running.failed()) << "whatever reads failed() must not see a pass";
  EXPECT_NE(running.incomplete.find("still running when this report was last written (at "
                                    "2026-12-06T01:02:03Z): if no unwedge process runs it now, "
                                    "it was killed"),
            std::string::npos)
      << running.incomplete;

  report.campaign.status = "interrupted by signal 1";
  report.campaign.interrupted = true;
  EXPECT_EQ(verdict_of(report).incomplete.substr(0, 70),
            "the campaign was interrupted by signal 1 before its planned work was d");
  // Merged: a finished status with a shard interrupted is partial too.
  report.campaign.status = "finished";
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kIncomplete);
  report.campaign.interrupted = false;
  report.campaign.status = "";
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kIncomplete) << "no status proves nothing";

  // Findings in a partial campaign are findings; the report still says it
  // is partial.
  report.campaign.status = "running";
  report.campaign.determinism_mismatches = 1;
  const Verdict failed = verdict_of(report);
  EXPECT_EQ(failed.outcome, Outcome::kFail);
  EXPECT_EQ(failed.exit_code(), kExitFindings);
  EXPECT_FALSE(failed.complete());
  report.canary = CanaryResult{.caught = false, .sentence = "the run found nothing"};
  EXPECT_EQ(verdict_of(report).outcome, Outcome::kHarnessBroken);
  EXPECT_FALSE(verdict_of(report).complete());
}

}  // namespace
}  // namespace unwedge::reports
