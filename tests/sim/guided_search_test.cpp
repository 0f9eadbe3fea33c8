// The guided search's parts: the timeline mutations, the corpus that keeps
// what reached something new, and the features of overlapping faults.
#include "sim/guided_search.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include <gtest/gtest.h>

#include "sim/scenario_mutator.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/step_fault_context.hpp"
#include "sim/swarm.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;

Scenario two_faults(core::TimeUs second_at_us) {
  Scenario s = swarm_scenario(3);
  s.faults = {{.at_us = 10 * kMinute,
               .spec = {.kind = FaultKind::kClockJump,
                        .targets = {"control-plane"},
                        .duration_us = 5 * kMinute,
                        .amount = -60 * kSecond}},
              {.at_us = second_at_us,
               .spec = {.kind = FaultKind::kClockJump,
                        .targets = {"control-plane"},
                        .duration_us = 5 * kMinute,
                        .amount = -90 * kSecond}}};
  s.operators.clear();
  return s;
}

std::size_t events(const Scenario& s) {
  return s.faults.size() + s.operators.size();
}

TEST(ScenarioMutator, EachMutationDoesWhatItsNameSays) {
  const Scenario base = two_faults(30 * kMinute);
  Rng rng = Rng::stream(1, "test");
  Scenario dropped = base;
  ASSERT_TRUE(apply_mutation(MutationKind::kDrop, dropped, nullptr, rng));
  EXPECT_EQ(events(dropped), events(base) - 1);

  Scenario stretched = base;
  ASSERT_TRUE(apply_mutation(MutationKind::kStretch, stretched, nullptr, rng));
  EXPECT_NE(stretched.faults[0].spec.duration_us + stretched.faults[1].spec.duration_us,
            base.faults[0].spec.duration_us + base.faults[1].spec.duration_us);
  EXPECT_EQ(stretched.faults[0].at_us + stretched.faults[1].at_us,
            base.faults[0].at_us + base.faults[1].at_us);

  Scenario overlapped = base;
  ASSERT_TRUE(apply_mutation(MutationKind::kOverlap, overlapped, nullptr, rng));
  // One of the two now starts while the other is active.
  const ScheduledFault& first = overlapped.faults[0];
  EXPECT_LT(overlapped.faults[1].at_us, first.at_us + first.spec.duration_us);
  EXPECT_FALSE(fault_overlap_features(overlapped).empty());

  Scenario repeated = base;
  ASSERT_TRUE(apply_mutation(MutationKind::kRepeat, repeated, nullptr, rng));
  ASSERT_EQ(repeated.faults.size(), base.faults.size() + 1);
  EXPECT_EQ(fault_overlap_features(repeated).size(), 1u);  // a clock jump on top of one

  Scenario reseeded = base;
  ASSERT_TRUE(apply_mutation(MutationKind::kReseed, reseeded, nullptr, rng));
  EXPECT_NE(reseeded.config.seed, base.config.seed);
  EXPECT_EQ(reseeded.faults, base.faults);
}

// A repeat starts the copy inside the original's window, and now and then at
// the same instant: two identical faults at once, healed together.
TEST(ScenarioMutator, ARepeatStartsInsideTheWindowSometimesAtTheSameInstant) {
  const Scenario base = two_faults(30 * kMinute);
  int same_instant = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    Rng rng = Rng::stream(seed, "test");
    Scenario repeated = base;
    ASSERT_TRUE(apply_mutation(MutationKind::kRepeat, repeated, nullptr, rng));
    ASSERT_EQ(repeated.faults.size(), 3u);
    // The copy has its original's spec; the original is still where it was.
    int copied = 0;
    for (const ScheduledFault& original : base.faults) {
      std::vector<core::TimeUs> starts;
      for (const ScheduledFault& fault : repeated.faults) {
        if (fault.spec == original.spec) starts.push_back(fault.at_us);
      }
      if (starts.size() < 2) continue;
      ++copied;
      ASSERT_EQ(starts.size(), 2u);
      const core::TimeUs copy_at_us = starts[0] == original.at_us ? starts[1] : starts[0];
      EXPECT_GE(copy_at_us, original.at_us);
      EXPECT_LT(copy_at_us, original.at_us + original.spec.duration_us);
      if (copy_at_us == original.at_us) ++same_instant;
    }
    EXPECT_EQ(copied, 1);
  }
  EXPECT_GT(same_instant, 10);  // one in three of 60
  EXPECT_LT(same_instant, 35);
}

TEST(ScenarioMutator, AnAmountScalesOneFaultWithinItsKindsRange) {
  const Scenario base = two_faults(30 * kMinute);
  const FaultAmountRange& range = info(FaultKind::kClockJump).amount;
  int flipped = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    Rng rng = Rng::stream(seed, "test");
    Scenario scaled = base;
    if (!apply_mutation(MutationKind::kAmount, scaled, nullptr, rng)) continue;
    int changed = 0;
    for (std::size_t i = 0; i < base.faults.size(); ++i) {
      const std::int64_t was = base.faults[i].spec.amount;
      const std::int64_t now = scaled.faults[i].spec.amount;
      EXPECT_EQ(scaled.faults[i].at_us, base.faults[i].at_us);
      if (now == was) continue;
      ++changed;
      EXPECT_GE(now, range.low);
      EXPECT_LE(now, range.high);
      // Half to double, in either direction.
      EXPECT_GE(std::abs(now), std::abs(was) / 2) << "seed " << seed;
      EXPECT_LE(std::abs(now), std::abs(was) * 2) << "seed " << seed;
      flipped += (now > 0) != (was > 0);
    }
    EXPECT_EQ(changed, 1) << "seed " << seed;
  }
  EXPECT_LT(0, flipped);  // a clock stepped ahead instead of back, now and then
}

TEST(ScenarioMutator, ACropKeepsOneWindowOfTheStoryMovedToItsStart) {
  const Scenario base = swarm_scenario(5);
  ASSERT_LT(5u, base.faults.size() + base.operators.size());
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Rng rng = Rng::stream(seed, "test");
    Scenario cropped = base;
    ASSERT_TRUE(apply_mutation(MutationKind::kCrop, cropped, nullptr, rng)) << "seed " << seed;
    EXPECT_LE(cropped.duration_us, 32 * kMinute);
    EXPECT_GE(cropped.duration_us, 5 * kMinute);
    EXPECT_EQ(cropped.recovery_us, base.recovery_us);
    ASSERT_FALSE(cropped.faults.empty() && cropped.operators.empty());
    EXPECT_LT(cropped.faults.size() + cropped.operators.size(),
              base.faults.size() + base.operators.size());
    // Every kept fault is one of the base's, moved by the same amount.
    std::optional<core::TimeUs> moved_by;
    for (const ScheduledFault& fault : cropped.faults) {
      EXPECT_LT(fault.at_us, cropped.duration_us);
      const auto same = std::find_if(base.faults.begin(), base.faults.end(),
                                     [&](const ScheduledFault& f) { return f.spec == fault.spec; });
      ASSERT_NE(same, base.faults.end());
      if (!moved_by) moved_by = same->at_us - fault.at_us;
      EXPECT_EQ(same->at_us - fault.at_us, *moved_by);
    }
    core::Result<Scenario> back = parse_scenario(to_yaml(cropped), "cropped");
    ASSERT_TRUE(back.ok()) << back.error().message;
  }
}

TEST(ScenarioMutator, AnEndMovesTheSafetyPhasesEndAndDropsWhatFallsOutside) {
  const Scenario base = two_faults(30 * kMinute);  // faults at 10 and 30 minutes
  int shorter = 0;
  int longer = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    Rng rng = Rng::stream(seed, "test");
    Scenario moved = base;
    ASSERT_TRUE(apply_mutation(MutationKind::kEnd, moved, nullptr, rng));
    const core::TimeUs by_us = moved.duration_us - base.duration_us;
    EXPECT_NE(by_us, 0);
    EXPECT_LE(std::abs(by_us), 5 * kMinute);
    EXPECT_EQ(by_us % kSecond, 0);
    EXPECT_EQ(moved.recovery_us, base.recovery_us);
    shorter += by_us < 0;
    longer += by_us > 0;
    for (const ScheduledFault& fault : moved.faults)
      EXPECT_LT(fault.at_us, moved.duration_us);
    core::Result<Scenario> back = parse_scenario(to_yaml(moved), "moved");
    ASSERT_TRUE(back.ok()) << back.error().message;
  }
  EXPECT_LT(0, shorter);
  EXPECT_LT(0, longer);
  // A phase ending a minute after its last fault starts loses that fault
  // when it ends sooner.
  Scenario tight = base;
  tight.duration_us = 31 * kMinute;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng = Rng::stream(seed, "test");
    Scenario moved = tight;
    ASSERT_TRUE(apply_mutation(MutationKind::kEnd, moved, nullptr, rng));
    if (moved.duration_us > 30 * kMinute) continue;
    EXPECT_EQ(moved.faults.size(), 1u) << "seed " << seed;
  }
}

TEST(ScenarioMutator, AShiftMovesOneEventAndKeepsItInsideTheSafetyPhase) {
  const Scenario base = two_faults(30 * kMinute);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Rng rng = Rng::stream(seed, "test");
    Scenario shifted = base;
    if (!apply_mutation(MutationKind::kShift, shifted, nullptr, rng)) continue;
    int moved = 0;
    for (const ScheduledFault& fault : shifted.faults) {
      EXPECT_GE(fault.at_us, 0);
      EXPECT_LT(fault.at_us, shifted.duration_us);
      EXPECT_EQ(fault.at_us % kSecond, 0);
      moved += std::count_if(base.faults.begin(), base.faults.end(),
                             [&](const ScheduledFault& f) { return f == fault; }) == 0;
    }
    EXPECT_EQ(moved, 1) << "seed " << seed;
  }
}

TEST(ScenarioMutator, AnAddTakesOnlyEventsWhoseServicesExist) {
  Scenario recipient = two_faults(30 * kMinute);
  recipient.config.services.resize(1);  // db1 only
  Scenario donor = recipient;
  donor.faults = {
      {.at_us = kMinute,
       .spec = {.kind = FaultKind::kHostCrash, .targets = {"leader:db2"}, .duration_us = kMinute}}};
  donor.config.services.push_back({.id = "db2"});
  Rng rng = Rng::stream(2, "test");
  Scenario added = recipient;
  EXPECT_FALSE(apply_mutation(MutationKind::kAdd, added, &donor, rng));
  EXPECT_EQ(added, recipient);
  donor.faults[0].spec.targets = {"leader:db1"};
  ASSERT_TRUE(apply_mutation(MutationKind::kAdd, added, &donor, rng));
  EXPECT_EQ(added.faults.size(), recipient.faults.size() + 1);
  EXPECT_TRUE(std::is_sorted(
      added.faults.begin(), added.faults.end(),
      [](const ScheduledFault& a, const ScheduledFault& b) { return a.at_us < b.at_us; }));
}

TEST(ScenarioMutator, MutantsDifferKeepTheFleetReadBackAndRepeatFromTheSameSeed) {
  const Scenario base = swarm_scenario(11);
  const Scenario donor = swarm_scenario(12);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Rng a = Rng::stream(seed, "test");
    Rng b = Rng::stream(seed, "test");
    Mutation one = mutate_scenario(base, &donor, a);
    Mutation two = mutate_scenario(base, &donor, b);
    EXPECT_EQ(one.scenario, two.scenario);
    EXPECT_EQ(one.how, two.how);
    EXPECT_NE(one.scenario, base);
    EXPECT_EQ(one.scenario.config.services, base.config.services);
    core::Result<Scenario> back = parse_scenario(to_yaml(one.scenario), "mutant");
    ASSERT_TRUE(back.ok()) << one.how << ": " << back.error().message;
  }
}

// Swarm seed 1's fleet and phases under another seed: a run of the same cost.
Scenario same_cost(std::uint64_t seed) {
  Scenario s = swarm_scenario(1);
  s.config.seed = seed;
  return s;
}

TEST(GuidedSearch, KeepsOnlyARunThatReachedSomethingNewAndMutatesWhatItKept) {
  GuidedSearch search(1);
  EXPECT_FALSE(search.next().has_value());
  const std::vector<std::uint64_t> first = {1, 2, 3};
  const std::vector<std::uint64_t> same = {3, 2};
  const std::vector<std::uint64_t> more = {2, 4};
  EXPECT_TRUE(search.offer(same_cost(1), first));
  EXPECT_FALSE(search.offer(same_cost(2), same));
  EXPECT_TRUE(search.offer(same_cost(3), more));
  EXPECT_EQ(search.corpus().size(), 2u);
  EXPECT_EQ(search.features(), 4u);
  EXPECT_EQ(search.corpus()[1].brought, 1u);
  std::optional<GuidedInput> input = search.next();
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(input->number, 1u);
  EXPECT_EQ(input->scenario.name, "guided-1");
  EXPECT_NE(input->how.find(" of swarm seed "), std::string::npos) << input->how;
  // The same offers give the same inputs.
  GuidedSearch again(1);
  again.offer(same_cost(1), first);
  again.offer(same_cost(2), same);
  again.offer(same_cost(3), more);
  EXPECT_EQ(again.next()->scenario, input->scenario);
}

TEST(GuidedSearch, ARunReachingTheSameMoreCheaplyHoldsItInstead) {
  GuidedSearch search(1);
  const Scenario full = same_cost(1);
  Scenario cut = full;
  cut.duration_us = full.duration_us / 4;
  ASSERT_LT(run_cost(cut), run_cost(full));
  EXPECT_TRUE(search.offer(full, std::vector<std::uint64_t>{1, 2, 3}));
  // The same, dearer or as dear, is nothing new.
  EXPECT_FALSE(search.offer(same_cost(2), std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(search.offer(cut, std::vector<std::uint64_t>{2, 3}));
  ASSERT_EQ(search.corpus().size(), 2u);
  EXPECT_EQ(search.corpus()[0].held, 1u);  // feature 1 only
  EXPECT_EQ(search.corpus()[1].held, 2u);
  EXPECT_EQ(search.corpus()[1].brought, 0u);
  EXPECT_EQ(search.features(), 3u);
  // Once a cheaper run holds everything the first reached, the first is
  // mutated seldom: nearly every input comes from the cut-down one.
  Scenario cheaper = cut;
  cheaper.duration_us = cut.duration_us / 2;
  EXPECT_TRUE(search.offer(cheaper, std::vector<std::uint64_t>{1}));
  EXPECT_EQ(search.corpus()[0].held, 0u);
  int from_full = 0;
  for (int n = 0; n < 200; ++n) {
    const std::optional<GuidedInput> input = search.next();
    ASSERT_TRUE(input.has_value());
    from_full += input->scenario.duration_us == full.duration_us;
  }
  EXPECT_LT(from_full, 20);
}

TEST(GuidedSearch, FaultsActiveAtOnceAreAFeatureFaultsInTurnAreNot) {
  EXPECT_TRUE(fault_overlap_features(two_faults(40 * kMinute)).empty());
  const std::vector<std::uint64_t> overlapping = fault_overlap_features(two_faults(12 * kMinute));
  ASSERT_EQ(overlapping.size(), 1u);
  EXPECT_EQ(overlapping[0], feature_id("ff clock_jump clock_jump"));
}

// A step is named with the faults active while it ran: one clock jump on the
// control plane and two at once are different contexts, and a fault on a
// host is told from one on the control plane.
TEST(StepFaultContext, NamesEachStepWithTheFaultsActiveAndHowMany) {
  StepFaultContext context;
  const core::StepEvent wait{
      .action_id = "Failover/db1/1", .action = "Failover", .step = "await", .verdict = "wait"};
  const FaultSpec jump{.kind = FaultKind::kClockJump,
                       .targets = {"control-plane"},
                       .duration_us = 5 * kMinute,
                       .amount = kMinute};
  const FaultSpec host_jump{.kind = FaultKind::kClockJump, .targets = {"db1-1"}, .amount = kMinute};
  EXPECT_EQ(StepFaultContext::fault_label(jump), "clock_jump+@control-plane");
  EXPECT_EQ(StepFaultContext::fault_label(host_jump), "clock_jump+");
  const FaultSpec step_back{
      .kind = FaultKind::kClockJump, .targets = {"db1-1"}, .amount = -kMinute};
  EXPECT_EQ(StepFaultContext::fault_label(step_back), "clock_jump-");
  const FaultSpec cut{.kind = FaultKind::kPartitionComplete, .targets = {"db1-1"}};
  EXPECT_EQ(StepFaultContext::fault_label(cut), "partition_complete");
  context.step(wait, 0);  // no fault: no context
  EXPECT_TRUE(context.features().empty());
  context.fault_started(1, jump, 0);
  context.step(wait, 1);
  context.fault_started(2, jump, 2);
  context.fault_started(3, host_jump, 2);
  context.step(wait, 3);
  context.fault_healed(1, 4);
  context.fault_healed(3, 4);
  context.step(wait, 5);
  const auto named = [](std::string_view label, std::uint32_t active) {
    return StepFaultContext::feature("Failover", "await", "wait", label, active);
  };
  EXPECT_EQ(named("clock_jump+@control-plane", 1),
            feature_id("sf Failover await wait under clock_jump+@control-plane x1"));
  const std::vector<std::uint64_t> features = context.features();
  std::vector<std::uint64_t> expected = {
      named("clock_jump+@control-plane", 1), named("clock_jump+@control-plane", 2),
      named("clock_jump+", 1),
      // the wait at 3 saw both heals at 4
      StepFaultContext::healed_feature("Failover", "await", "clock_jump+@control-plane", 2),
      StepFaultContext::healed_feature("Failover", "await", "clock_jump+", 1)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(features, expected);
  EXPECT_EQ(named("clock_jump+@control-plane", 3), named("clock_jump+@control-plane", 2));
}

// A heal that lands while a step waits is named, with how many of the kind
// were active: a wait begun on a clock stepped twice and healed. A step that
// went on, or whose execution is over, waits no more.
TEST(StepFaultContext, NamesAWaitAcrossAHeal) {
  StepFaultContext context;
  const core::StepEvent wait{
      .action_id = "Failover/db1/1", .action = "Failover", .step = "await", .verdict = "wait"};
  const core::StepEvent went_on{
      .action_id = "Failover/db1/1", .action = "Failover", .step = "await", .verdict = "next"};
  const FaultSpec jump{.kind = FaultKind::kClockJump,
                       .targets = {"control-plane"},
                       .duration_us = 5 * kMinute,
                       .amount = kMinute};
  context.fault_started(1, jump, 0);
  context.fault_started(2, jump, 0);
  context.fault_started(3, jump, 0);
  context.step(went_on, 1);
  context.fault_healed(1, 2);  // nothing waits
  context.step(wait, 3);
  context.fault_healed(2, 4);  // the wait sees two active: the first of them healed
  context.step(went_on, 5);
  context.fault_healed(3, 6);  // the wait is over
  EXPECT_EQ(StepFaultContext::healed_feature("Failover", "await", "clock_jump+@control-plane", 2),
            feature_id("sf Failover await waiting as clock_jump+@control-plane x2 healed"));
  const std::vector<std::uint64_t> features = context.features();
  const auto has = [&](std::uint64_t feature) {
    return std::find(features.begin(), features.end(), feature) != features.end();
  };
  EXPECT_TRUE(
      has(StepFaultContext::healed_feature("Failover", "await", "clock_jump+@control-plane", 2)));
  EXPECT_FALSE(
      has(StepFaultContext::healed_feature("Failover", "await", "clock_jump+@control-plane", 1)));
  // The steps' own contexts (next under x2 and x1, wait under x2) and the heal.
  EXPECT_EQ(features.size(), 4u);
}

TEST(GuidedSearch, CountsFallInTheirBuckets) {
  const std::vector<std::pair<std::uint64_t, std::uint32_t>> expected = {
      {0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {7, 4}, {8, 5}, {15, 5}, {16, 6}, {127, 7}, {128, 8}};
  for (const auto& [count, bucket] : expected)
    EXPECT_EQ(count_bucket(count), bucket) << count;
}

}  // namespace
}  // namespace unwedge::sim
