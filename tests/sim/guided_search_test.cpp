// The guided search's parts: the timeline mutations, the corpus that keeps
// what reached something new, and the features of overlapping faults.
#include "sim/guided_search.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "sim/scenario_mutator.hpp"
#include "sim/scenario_yaml.hpp"
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

TEST(GuidedSearch, KeepsOnlyARunThatReachedSomethingNewAndMutatesWhatItKept) {
  GuidedSearch search(1);
  EXPECT_FALSE(search.next().has_value());
  const std::vector<std::uint64_t> first = {1, 2, 3};
  const std::vector<std::uint64_t> same = {3, 2};
  const std::vector<std::uint64_t> more = {2, 4};
  EXPECT_TRUE(search.offer(swarm_scenario(1), first));
  EXPECT_FALSE(search.offer(swarm_scenario(2), same));
  EXPECT_TRUE(search.offer(swarm_scenario(3), more));
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
  again.offer(swarm_scenario(1), first);
  again.offer(swarm_scenario(2), same);
  again.offer(swarm_scenario(3), more);
  EXPECT_EQ(again.next()->scenario, input->scenario);
}

TEST(GuidedSearch, FaultsActiveAtOnceAreAFeatureFaultsInTurnAreNot) {
  EXPECT_TRUE(fault_overlap_features(two_faults(40 * kMinute)).empty());
  const std::vector<std::uint64_t> overlapping = fault_overlap_features(two_faults(12 * kMinute));
  ASSERT_EQ(overlapping.size(), 1u);
  EXPECT_EQ(overlapping[0], feature_id("ff clock_jump clock_jump"));
}

TEST(GuidedSearch, CountsFallInTheirBuckets) {
  const std::vector<std::pair<std::uint64_t, std::uint32_t>> expected = {
      {0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {7, 4}, {8, 5}, {15, 5}, {16, 6}, {127, 7}, {128, 8}};
  for (const auto& [count, bucket] : expected)
    EXPECT_EQ(count_bucket(count), bucket) << count;
}

}  // namespace
}  // namespace unwedge::sim
