#include "sim/kernel/network.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

namespace unwedge::sim {
namespace {

// Three database hosts, the control plane and two monitor vantage points.
class NetworkTest : public ::testing::Test {
 protected:
  Network net;
  EndpointId a = net.add("db1-1");
  EndpointId b = net.add("db1-2");
  EndpointId c = net.add("db1-3");
  EndpointId cp = net.add("control-plane");
  EndpointId mon_a = net.add("monitor-a");
  EndpointId mon_b = net.add("monitor-b");
};

TEST_F(NetworkTest, EveryoneReachesEveryoneUntilCut) {
  for (EndpointId from = 0; from < net.size(); ++from) {
    for (EndpointId to = 0; to < net.size(); ++to)
      EXPECT_TRUE(net.reachable(from, to));
  }
  EXPECT_EQ(net.find("monitor-b"), mon_b);
  EXPECT_FALSE(net.find("monitor-c").has_value());
}

TEST_F(NetworkTest, CompletePartitionCutsAGroupFromEveryoneElseBothWays) {
  CutId cut = net.cut_complete({a});
  EXPECT_FALSE(net.reachable(a, b));
  EXPECT_FALSE(net.reachable(b, a));
  EXPECT_FALSE(net.reachable(a, cp));
  EXPECT_FALSE(net.reachable(mon_a, a));
  EXPECT_TRUE(net.reachable(b, c));
  EXPECT_TRUE(net.reachable(cp, mon_b));
  EXPECT_EQ(net.describe(cut), "complete {db1-1} x everyone else");
  EXPECT_TRUE(net.heal(cut));
  EXPECT_TRUE(net.reachable(a, cp));
  EXPECT_FALSE(net.heal(cut));
}

TEST_F(NetworkTest, PartialPartitionLeavesABridgeThatSeesBothSides) {
  // The leader cannot reach the monitors, but clients (and the control
  // plane) still reach it: "leader cut from the monitor but not from clients".
  CutId cut = net.cut_partial({a}, {mon_a, mon_b});
  EXPECT_FALSE(net.reachable(a, mon_a));
  EXPECT_FALSE(net.reachable(mon_b, a));
  EXPECT_TRUE(net.reachable(cp, a));
  EXPECT_TRUE(net.reachable(cp, mon_a));
  EXPECT_TRUE(net.reachable(a, b));
  EXPECT_EQ(net.describe(cut), "partial {db1-1} x {monitor-a, monitor-b}");
}

TEST_F(NetworkTest, OneWayPartitionDropsOnlyOneDirection) {
  CutId cut = net.cut_one_way({a}, {b});
  EXPECT_FALSE(net.reachable(a, b));
  EXPECT_TRUE(net.reachable(b, a));
  EXPECT_TRUE(net.reachable(a, c));
  EXPECT_EQ(net.describe(cut), "one-way {db1-1} -> {db1-2}");
}

TEST_F(NetworkTest, OverlappingCutsHealIndependentlyOrAllAtOnce) {
  CutId first = net.cut_one_way({a}, {b});
  CutId second = net.cut_complete({a, c});
  EXPECT_EQ(net.active_cuts(), 2u);
  EXPECT_FALSE(net.reachable(b, a));  // the complete cut
  net.heal(second);
  EXPECT_TRUE(net.reachable(b, a));
  EXPECT_FALSE(net.reachable(a, b));  // the one-way cut is still there
  net.heal_all();
  EXPECT_TRUE(net.reachable(a, b));
  EXPECT_EQ(net.active_cuts(), 0u);
  EXPECT_EQ(net.describe(first), "cut 1 (healed)");
}

TEST_F(NetworkTest, MessagesAreDelayedLostAndDuplicatedAtTheirRates) {
  net.set_quality(
      {.delay_min_us = 100, .delay_max_us = 200, .loss_ppm = 100'000, .duplicate_ppm = 50'000});
  Rng rng = Rng::stream(1, "network");
  int lost = 0;
  int duplicated = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::vector<core::TimeUs> copies = net.deliveries(a, b, rng);
    if (copies.empty()) ++lost;
    if (copies.size() == 2) ++duplicated;
    for (core::TimeUs d : copies) {
      ASSERT_GE(d, 100);
      ASSERT_LE(d, 200);
    }
  }
  EXPECT_NEAR(lost, 2'000, 200);
  EXPECT_NEAR(duplicated, 900, 150);  // 5% of the 90% delivered
  net.cut_complete({b});
  EXPECT_TRUE(net.deliveries(a, b, rng).empty());
}

TEST_F(NetworkTest, DeliveriesAreAFunctionOfTheStream) {
  net.set_quality({.delay_min_us = 0, .delay_max_us = 1'000'000, .loss_ppm = 10'000});
  Rng first = Rng::stream(9, "network");
  Rng second = Rng::stream(9, "network");
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(net.deliveries(a, c, first), net.deliveries(a, c, second));
}

// Cuts are indexed by the endpoints they name; whatever cuts come and go,
// reachable() agrees with a reading of every cut as the three shapes define.
RC_GTEST_PROP(NetworkIndex, ReachableAgreesWithEveryCutReadInFull, ()) {
  constexpr EndpointId kEndpoints = 7;
  Network net;
  for (EndpointId e = 0; e < kEndpoints; ++e)
    net.add(fmt::format("e{}", e));
  struct Drawn {
    int shape;  // 0 complete, 1 partial, 2 one-way
    std::vector<EndpointId> a, b;
  };
  std::map<CutId, Drawn> live;
  const auto side = [] {
    const auto size = *rc::gen::inRange<std::size_t>(1, 4);
    return *rc::gen::container<std::vector<EndpointId>>(
        size, rc::gen::inRange<EndpointId>(0, kEndpoints));
  };
  const auto in = [](const std::vector<EndpointId>& v, EndpointId e) {
    return std::find(v.begin(), v.end(), e) != v.end();
  };
  const int steps = *rc::gen::inRange(1, 30);
  for (int step = 0; step < steps; ++step) {
    const int what = *rc::gen::inRange(0, 5);
    if (what <= 2) {
      Drawn d{.shape = what, .a = side(), .b = what == 0 ? std::vector<EndpointId>{} : side()};
      const CutId id = what == 0   ? net.cut_complete(d.a)
                       : what == 1 ? net.cut_partial(d.a, d.b)
                                   : net.cut_one_way(d.a, d.b);
      live.emplace(id, std::move(d));
    } else if (what == 3 && !live.empty()) {
      auto it = std::next(live.begin(), *rc::gen::inRange<std::size_t>(0, live.size()));
      RC_ASSERT(net.heal(it->first));
      live.erase(it);
    } else if (what == 4 && *rc::gen::inRange(0, 4) == 0) {
      net.heal_all();
      live.clear();
    }
    for (EndpointId from = 0; from < kEndpoints; ++from) {
      for (EndpointId to = 0; to < kEndpoints; ++to) {
        bool expected = true;
        for (const auto& [id, d] : live) {
          const bool blocked = from != to && (d.shape == 0   ? in(d.a, from) != in(d.a, to)
                                              : d.shape == 1 ? (in(d.a, from) && in(d.b, to)) ||
                                                                   (in(d.a, to) && in(d.b, from))
                                                             : in(d.a, from) && in(d.b, to));
          if (blocked) expected = false;
        }
        RC_ASSERT(net.reachable(from, to) == expected);
      }
    }
  }
}

}  // namespace
}  // namespace unwedge::sim
