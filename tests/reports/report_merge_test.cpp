// Report: shards merge by adding; the merge does not depend on the order
// shards come in; dwell percentiles and the run rate read as a person
// expects.
#include <gtest/gtest.h>

#include "reports/report.hpp"
#include "reports/verdict.hpp"
#include "tests/reports/full_report_sample.hpp"

namespace unwedge::reports {
namespace {

TEST(ReportMerge, CountsAddUpAndUniversesUniteByName) {
  Report a = testing::sample_report();
  Report b = testing::sample_report();
  b.coverage.machines[0].transitions[0].taken = 5;
  b.coverage.faults.push_back({.name = "aaa_new_fault", .count = 2});
  merge_into(a, b);
  const Report one = testing::sample_report();
  EXPECT_EQ(a.campaign.runs, 2 * one.campaign.runs);
  EXPECT_EQ(a.coverage.machines[0].transitions[0].taken,
            one.coverage.machines[0].transitions[0].taken + 5);
  EXPECT_EQ(a.coverage.machines[0].states[0].entered,
            2 * one.coverage.machines[0].states[0].entered);
  EXPECT_EQ(a.coverage.machines[0].states[0].dwell.total(),
            2 * one.coverage.machines[0].states[0].dwell.total());
  EXPECT_EQ(a.coverage.tables[0].rules[0].fired, 2 * one.coverage.tables[0].rules[0].fired);
  EXPECT_EQ(a.coverage.tables[0].cells[0].seen, 2 * one.coverage.tables[0].cells[0].seen);
  // A fault kind only `b` knew takes its place by name.
  ASSERT_FALSE(a.coverage.faults.empty());
  EXPECT_EQ(a.coverage.faults.front().name, "aaa_new_fault");
  EXPECT_EQ(a.coverage.faults.front().count, 2u);
  EXPECT_EQ(a.campaign.shards, 2u);
}

TEST(ReportMerge, WhatTheSwarmReachedAddsUpByCondition) {
  Report a = testing::sample_report();
  Report b = testing::sample_report();
  b.coverage.sometimes = {
      {.name = "{action: Promote, during: {fault: clock_jump}}", .count = 2},
      {.name = "{request: deprovision, during: {action: Failover}}", .count = 4}};
  merge_into(a, b);
  const std::vector<NamedCount> expected = {
      {.name = "{action: Failover, during: {fault: host_crash}}", .count = 3},
      {.name = "{action: Promote, during: {fault: clock_jump}}", .count = 2},
      {.name = "{request: deprovision, during: {action: Failover}}", .count = 5}};
  EXPECT_EQ(a.coverage.sometimes, expected);
}

TEST(ReportMerge, ARefusedTransitionAndANewCellTakeTheirPlaces) {
  Report a = testing::sample_report();
  Report b = testing::sample_report();
  b.coverage.machines[0].transitions.push_back(
      {.from = "available", .to = "provisioning", .cause = "", .legal = false, .taken = 1});
  b.coverage.tables[0].cells.insert(b.coverage.tables[0].cells.begin(),
                                    {.state = "aaa", .outcome = "nothing", .seen = 3});
  merge_into(a, b);
  EXPECT_FALSE(a.coverage.machines[0].transitions.back().legal);
  EXPECT_EQ(a.coverage.tables[0].cells.front().state, "aaa");
  EXPECT_EQ(a.coverage.tables[0].cells.front().seen, 3u);
}

TEST(ReportMerge, SwarmSeedRangesOfRoundRobinShardsJoinIntoOne) {
  Report total;
  total.campaign.shards = 0;
  for (std::uint64_t shard = 0; shard < 4; ++shard) {
    Report part;
    for (std::uint64_t seed = shard + 1; seed <= 40; seed += 4)
      part.campaign.swarm_seeds.push_back({seed, seed});
    merge_into(total, part);
  }
  EXPECT_EQ(total.campaign.swarm_seeds,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 40}}));
  EXPECT_EQ(total.campaign.shards, 4u);
}

TEST(ReportMerge, FailuresStaySortedByIndexAndCapped) {
  Report a;
  Report b;
  for (std::uint64_t i = 0; i < 2 * kFailuresKept; ++i) {
    (i % 2 == 0 ? a : b).failures.push_back({.index = i, .verdict = "fail"});
  }
  merge_into(a, b);
  ASSERT_EQ(a.failures.size(), kFailuresKept);
  for (std::size_t i = 0; i < a.failures.size(); ++i)
    EXPECT_EQ(a.failures[i].index, i);
}

TEST(ReportMerge, AnInvariantsFirstViolationIsTheLowestIndexWhicheverShardComesFirst) {
  Report early;
  early.invariants = {{.name = "no_lost_writes",
                       .runs_checked = 3,
                       .violations = 1,
                       .first_index = 4,
                       .first_item = "swarm seed 2"}};
  Report late;
  late.invariants = {{.name = "no_lost_writes",
                      .runs_checked = 5,
                      .violations = 2,
                      .first_index = 9,
                      .first_item = "swarm seed 7"}};
  Report one = late;
  merge_into(one, early);
  Report other = early;
  merge_into(other, late);
  for (const Report& merged : {one, other}) {
    EXPECT_EQ(merged.invariants[0].runs_checked, 8u);
    EXPECT_EQ(merged.invariants[0].violations, 3u);
    EXPECT_EQ(merged.invariants[0].first_index, 4u);
    EXPECT_EQ(merged.invariants[0].first_item, "swarm seed 2");
  }
}

// Only the first shard runs the canary; a merge keeps it, and of two (a
// merge of merges) one not caught, since that fails the campaign.
TEST(ReportMerge, TheCanaryIsKeptAndOneNotCaughtWins) {
  Report first = testing::sample_report();
  Report second = testing::sample_report();
  second.canary.reset();
  Report merged = second;
  merge_into(merged, first);
  EXPECT_EQ(merged.canary, first.canary);
  Report missed = first;
  missed.canary->caught = false;
  missed.canary->sentence = "the run found nothing";
  merge_into(merged, missed);
  EXPECT_EQ(merged.canary, missed.canary);
  merge_into(merged, first);
  EXPECT_EQ(merged.canary, missed.canary);
  EXPECT_EQ(verdict_of(merged).findings,
            verdict_of(first).findings * 3 + verdict_of(second).findings);
  EXPECT_EQ(verdict_of(merged).outcome, Outcome::kHarnessBroken);
}

TEST(ReportMerge, TheOrderOfShardsDoesNotChangeTheResult) {
  Report a = testing::sample_report();
  Report b = testing::sample_report();
  b.campaign.swarm_seeds = {{50, 60}};
  b.failures[0].index = 1;
  b.coverage.actions.insert(b.coverage.actions.begin(), {.name = "AAA", .started = 1});
  Report ab = a;
  merge_into(ab, b);
  Report ba = b;
  merge_into(ba, a);
  EXPECT_EQ(ab.coverage, ba.coverage);
  EXPECT_EQ(ab.failures, ba.failures);
  EXPECT_EQ(ab.campaign.swarm_seeds, ba.campaign.swarm_seeds);
}

// Shards of a campaign of several planes merge plane by plane, and the
// campaign's coverage stays the one made from its planes'.
TEST(ReportMerge, EachPlaneMergesWithThePlaneOfTheSameName) {
  Report a = testing::sample_report_of_two_planes();
  Report b = testing::sample_report_of_two_planes();
  b.planes[1].campaign.runs = 100;
  b.planes[1].coverage.machines[0].transitions[0].taken = 5;
  b.planes[0].canary->caught = false;
  merge_into(a, b);
  const Report one = testing::sample_report_of_two_planes();
  ASSERT_EQ(a.planes.size(), 2u);
  EXPECT_EQ(a.planes[0].campaign.control_plane, "postgres");
  EXPECT_EQ(a.planes[0].campaign.runs, 2 * one.planes[0].campaign.runs);
  EXPECT_EQ(a.planes[1].campaign.runs, one.planes[1].campaign.runs + 100);
  EXPECT_EQ(a.planes[1].coverage.machines[0].transitions[0].taken,
            one.planes[1].coverage.machines[0].transitions[0].taken + 5);
  EXPECT_EQ(a.planes[0].coverage.machines[0].transitions[0].taken,
            2 * one.planes[0].coverage.machines[0].transitions[0].taken);
  EXPECT_EQ(a.planes[1].invariants[1].violations, 2 * one.planes[1].invariants[1].violations);
  EXPECT_EQ(a.planes[0].campaign.shards, 2u);
  ASSERT_TRUE(a.planes[0].canary.has_value());
  EXPECT_FALSE(a.planes[0].canary->caught);
  EXPECT_EQ(a.coverage, combined_coverage(a.planes));
  EXPECT_EQ(a.coverage.machines[0].name, "lease/keeper");
}

TEST(DwellBuckets, PercentilesAreUpperBoundsCappedByTheLongestStay) {
  DwellBuckets dwell;
  EXPECT_EQ(dwell.percentile_bound_us(0.5), 0);
  dwell.counts[0] = 90;  // under 1 s
  dwell.counts[4] = 10;  // [8 s, 16 s)
  dwell.max_us = 12 * core::kSecond;
  EXPECT_EQ(dwell.total(), 100u);
  EXPECT_EQ(dwell.percentile_bound_us(0.5), core::kSecond);
  EXPECT_EQ(dwell.percentile_bound_us(0.99), 12 * core::kSecond);
}

TEST(CampaignFigures, RunsPerSecondIsRunsOverWallTime) {
  CampaignFigures figures{.runs = 30, .wall_ms = 12'000};
  EXPECT_DOUBLE_EQ(figures.runs_per_second(), 2.5);
  EXPECT_DOUBLE_EQ(CampaignFigures{}.runs_per_second(), 0.0);
}

// The nightly's throughput per core: swarm seeds over the swarm runs' own
// core time, so two workers or four shards give the same figure; merged,
// both add up.
TEST(CampaignFigures, SwarmSeedsPerCoreHourAreSwarmRunsOverTheirCoreTime) {
  CampaignFigures one{.runs = 50, .swarm_runs = 40, .wall_ms = 1'000, .swarm_core_ms = 2'000};
  EXPECT_DOUBLE_EQ(one.swarm_seeds_per_core_hour(), 72'000.0);
  Report two{.campaign = one};
  merge_into(two, Report{.campaign = one});
  EXPECT_EQ(two.campaign.swarm_core_ms, 4'000);
  EXPECT_DOUBLE_EQ(two.campaign.swarm_seeds_per_core_hour(), 72'000.0);
  EXPECT_DOUBLE_EQ(CampaignFigures{.swarm_runs = 3}.swarm_seeds_per_core_hour(), 0.0);
  // Merged with a report that kept no core time, the figure is unknown.
  Report older{.campaign = {.runs = 10, .swarm_runs = 10, .wall_ms = 500}};
  merge_into(two, older);
  EXPECT_EQ(two.campaign.swarm_runs, 90u);
  EXPECT_DOUBLE_EQ(two.campaign.swarm_seeds_per_core_hour(), 0.0);
}

}  // namespace
}  // namespace unwedge::reports
