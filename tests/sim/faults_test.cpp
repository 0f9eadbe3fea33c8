#include "sim/faults.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "sim/fleet.hpp"
#include "sim/operator_requests.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;

constexpr auto kLastOperatorKind = OperatorKind::kDeprovision;

std::vector<FaultKind> every_fault_kind() {
  std::vector<FaultKind> out;
  for (std::uint8_t k = 0; k <= static_cast<std::uint8_t>(kLastFaultKind); ++k)
    out.push_back(static_cast<FaultKind>(k));
  return out;
}

// The kinds a fleet without a consensus store draws: all but the store's.
std::vector<FaultKind> fleet_fault_kinds() {
  return fault_kinds_for(/*has_store=*/false);
}

bool aims_at_a_host(FaultKind kind) {
  switch (kind) {
    case FaultKind::kPartitionComplete:
    case FaultKind::kPartitionPartial:
    case FaultKind::kPartitionOneWay:
    case FaultKind::kHostCrash:
    case FaultKind::kDatabaseCrash:
    case FaultKind::kAgentPause:
    case FaultKind::kLateCheckins:
    case FaultKind::kDuplicateCheckins:
    case FaultKind::kStaleCheckins:
      return true;
    default:
      return false;
  }
}

TEST(FaultKinds, EveryKindHasAUniqueNameThatFindsItBack) {
  const std::vector<FaultKind> kinds = every_fault_kind();
  EXPECT_EQ(fault_kinds().size(), kinds.size());
  std::set<std::string_view> names;
  for (FaultKind kind : kinds) {
    const FaultKindInfo& i = info(kind);
    EXPECT_EQ(i.kind, kind) << i.name;
    EXPECT_FALSE(i.name.empty());
    EXPECT_FALSE(i.summary.empty()) << i.name;
    EXPECT_TRUE(names.insert(i.name).second) << "duplicate name " << i.name;
    EXPECT_EQ(find_fault_kind(i.name), kind) << i.name;
  }
  // The registry lists the kinds in enum order, each once.
  for (std::size_t i = 0; i < fault_kinds().size(); ++i)
    EXPECT_EQ(fault_kinds()[i].kind, kinds[i]);
  EXPECT_FALSE(find_fault_kind("partition").has_value());
  EXPECT_FALSE(find_fault_kind("").has_value());
  EXPECT_FALSE(find_fault_kind("Host_Crash").has_value());
}

TEST(OperatorKinds, EveryKindHasAUniqueNameThatFindsItBack) {
  std::set<std::string_view> names;
  std::size_t count = 0;
  for (std::uint8_t k = 0; k <= static_cast<std::uint8_t>(kLastOperatorKind); ++k, ++count) {
    const auto kind = static_cast<OperatorKind>(k);
    const OperatorKindInfo& i = info(kind);
    EXPECT_EQ(i.kind, kind) << i.name;
    EXPECT_FALSE(i.summary.empty()) << i.name;
    EXPECT_TRUE(names.insert(i.name).second) << "duplicate name " << i.name;
    EXPECT_EQ(find_operator_kind(i.name), kind) << i.name;
  }
  EXPECT_EQ(operator_kinds().size(), count);
  EXPECT_FALSE(find_operator_kind("failover").has_value());
  EXPECT_EQ(describe(OperatorRequest{.kind = OperatorKind::kRequestFailover, .target = "db1"}),
            "request_failover db1");
  EXPECT_EQ(describe(OperatorRequest{.kind = OperatorKind::kPromoteFollower, .target = "db1-4"}),
            "promote_follower db1-4");
}

TEST(FaultSpec, DescribeShowsTheShapeOfEachKind) {
  EXPECT_EQ(describe(FaultSpec{.kind = FaultKind::kPartitionPartial,
                               .targets = {"db1-1"},
                               .others = {"monitor-a", "monitor-b"},
                               .duration_us = 5 * kMinute}),
            "partition_partial {db1-1} x {monitor-a, monitor-b} for 300s");
  EXPECT_EQ(describe(FaultSpec{.kind = FaultKind::kPartitionOneWay,
                               .targets = {"db1-1"},
                               .others = {"db1-2"},
                               .duration_us = 5 * kMinute}),
            "partition_one_way {db1-1} -> {db1-2} for 300s");
  EXPECT_EQ(describe(FaultSpec{.kind = FaultKind::kHostCrash, .targets = {"db1-1", "db1-2"}}),
            "host_crash {db1-1, db1-2}");
  EXPECT_EQ(describe(FaultSpec{.kind = FaultKind::kClockDrift,
                               .targets = {"control-plane"},
                               .duration_us = 90 * kSecond,
                               .amount = -2'000}),
            "clock_drift {control-plane} amount -2000 for 90s");
  EXPECT_EQ(describe(FaultSpec{.kind = FaultKind::kInfraSlow, .amount = 4}),
            "infra_slow {} amount 4");
  EXPECT_EQ(describe(FaultSpec{.kind = FaultKind::kControlPlaneCrash, .targets = {"after_commit"}}),
            "control_plane_crash {after_commit}");
}

// A world with monitors and a control plane but no hosts yet.
class EmptyWorldTest : public ::testing::Test {
 protected:
  EmptyWorldTest() {
    w.add_vantage("monitor-a");
    w.add_vantage("monitor-b");
    w.add_service("db1", true);
  }
  core::TimeUs now = 0;
  World w{now};
};

TEST_F(EmptyWorldTest, HostFaultsHaveNothingToAimAt) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng = Rng::stream(seed, "faults");
    for (FaultKind kind : fleet_fault_kinds()) {
      std::optional<FaultSpec> spec = draw_fault(kind, w, rng);
      if (aims_at_a_host(kind)) {
        EXPECT_FALSE(spec.has_value()) << info(kind).name;
      } else {
        // Clocks, the API and the control plane exist without any host.
        ASSERT_TRUE(spec.has_value()) << info(kind).name;
        for (const std::string& t : spec->targets)
          EXPECT_NE(t.rfind("db1-", 0), 0u) << info(kind).name << " aimed at " << t;
      }
    }
  }
}

TEST_F(EmptyWorldTest, DestroyedHostsAreNoTarget) {
  const HostIndex gone = w.add_host("db1-1", "db1");
  w.take_down(gone, HostState::kDestroyed);
  Rng rng = Rng::stream(3, "faults");
  for (int i = 0; i < 50; ++i)
    EXPECT_FALSE(draw_fault(FaultKind::kHostCrash, w, rng).has_value());
}

// One synchronous service of three up hosts led by db1-1, a destroyed
// fourth, two monitors and a client.
class FleetWorldTest : public ::testing::Test {
 protected:
  FleetWorldTest() {
    w.add_vantage("monitor-a");
    w.add_vantage("monitor-b");
    const std::uint32_t s = w.add_service("db1", true);
    w.add_client(s);
    for (const char* name : {"db1-1", "db1-2", "db1-3", "db1-4"}) {
      const HostIndex h = w.add_host(name, "db1");
      w.hosts[h].state = HostState::kUp;
      w.hosts[h].db.running = true;
    }
    w.take_down(3, HostState::kDestroyed);
    w.services[s].target = 0;
  }

  bool names_an_endpoint(const std::string& name) const { return w.network.find(name).has_value(); }

  core::TimeUs now = 0;
  World w{now};
};

// Worlds missing a part the Simulation usually has (monitors, a service
// registered for the hosts): drawing must still give nothing or a usable
// spec, never break a contract.
class SparseWorldTest : public ::testing::Test {
 protected:
  SparseWorldTest() : previous_(core::set_assertion_handler(&core::throwing_assertion_handler)) {}
  ~SparseWorldTest() override { core::set_assertion_handler(previous_); }

  void expect_usable_draws(const World& world) {
    for (FaultKind kind : fleet_fault_kinds()) {
      for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        Rng rng = Rng::stream(seed, info(kind).name);
        std::optional<FaultSpec> spec;
        EXPECT_NO_THROW(spec = draw_fault(kind, world, rng)) << info(kind).name << " seed " << seed;
        if (!spec) continue;
        if (kind == FaultKind::kPartitionPartial || kind == FaultKind::kPartitionOneWay) {
          // Network::cut_partial and cut_one_way require both sides.
          EXPECT_FALSE(spec->targets.empty()) << describe(*spec);
          EXPECT_FALSE(spec->others.empty()) << describe(*spec);
        }
      }
    }
  }

  core::TimeUs now = 0;
  World w{now};

 private:
  core::AssertionHandler previous_;
};

// Regression: a world without monitors (SimConfig::settings.vantage_points
// == 0) made draw_fault assert on an empty list of vantage points (clock
// faults, partial and one-way cuts) or return a cut with an empty far side.
// The control plane is the far side of last resort now.
TEST_F(SparseWorldTest, NoMonitors) {
  const std::uint32_t s = w.add_service("db1", true);
  for (const char* name : {"db1-1", "db1-2"}) {
    const HostIndex h = w.add_host(name, "db1");
    w.hosts[h].state = HostState::kUp;
  }
  w.services[s].target = 0;
  expect_usable_draws(w);
}

TEST_F(SparseWorldTest, AServiceOfOneHostWithoutClients) {
  // No siblings to cut it from and no clients: the far side falls back to
  // the monitors.
  w.add_vantage("monitor-a");
  const std::uint32_t s = w.add_service("db1", false);
  const HostIndex h = w.add_host("db1-1", "db1");
  w.hosts[h].state = HostState::kUp;
  w.services[s].target = h;
  expect_usable_draws(w);
}

bool is_crash_point(const std::string& name) {
  return std::find(std::begin(kCrashPointNames), std::end(kCrashPointNames), name) !=
         std::end(kCrashPointNames);
}

TEST_F(FleetWorldTest, TheStoresKindsAimAtItsMembersAndAtNothingWithoutAStore) {
  for (FaultKind kind : every_fault_kind()) {
    if (!needs_store(info(kind))) continue;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      Rng rng = Rng::stream(seed, info(kind).name);
      EXPECT_FALSE(draw_fault(kind, w, rng).has_value()) << info(kind).name;
      std::optional<FaultSpec> spec = draw_fault(kind, w, rng, 3);
      ASSERT_TRUE(spec.has_value()) << info(kind).name;
      for (const std::string& t : spec->targets)
        EXPECT_TRUE(names_store_member(t)) << describe(*spec);
      EXPECT_TRUE(spec->others.empty()) << describe(*spec);
    }
  }
}

TEST_F(FleetWorldTest, BesideAStoreHostFaultsSometimesStrikeItsMembers) {
  std::map<std::string, int> hits;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    Rng rng = Rng::stream(seed, "store");
    for (FaultKind kind :
         {FaultKind::kHostCrash, FaultKind::kPartitionPartial, FaultKind::kClockJump}) {
      std::optional<FaultSpec> spec = draw_fault(kind, w, rng, 3);
      ASSERT_TRUE(spec.has_value());
      for (const std::string& t : spec->targets)
        if (names_store_member(t)) hits[std::string(info(kind).name)]++;
      for (const std::string& o : spec->others)
        if (o == "stores") hits["cut from the store"]++;
    }
    // Never a database's own kinds.
    std::optional<FaultSpec> db = draw_fault(FaultKind::kDatabaseCrash, w, rng, 3);
    ASSERT_TRUE(db.has_value());
    EXPECT_FALSE(names_store_member(db->targets.at(0))) << describe(*db);
  }
  for (const char* what : {"host_crash", "partition_partial", "clock_jump", "cut from the store"})
    EXPECT_GE(hits[what], 20) << what;
}

TEST(PlaceTargets, EveryZoneThenEveryRackByName) {
  EXPECT_EQ(place_targets(ZoneShape{.names = {"a", "b"}, .racks = 2}),
            (std::vector<std::string>{"zone:a", "zone:b", "rack:a/1", "rack:a/2", "rack:b/1",
                                      "rack:b/2"}));
  EXPECT_TRUE(place_targets(ZoneShape{}).empty());
}

// A zone's outage, a rack's lost power, a zone cut from the control plane
// or the monitors: in a fleet of zones the nemesis draws them now and then,
// only for the kinds that strike hosts or endpoints; without zones, never.
TEST_F(FleetWorldTest, InAFleetOfZonesHostFaultsAndCutsSometimesStrikeAZoneOrARack) {
  const ZoneShape zones{.names = {"a", "b", "c"}, .racks = 2};
  const std::vector<std::string> places = place_targets(zones);
  std::map<std::string, int> hits;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    for (const bool zoned : {false, true}) {
      Rng rng = Rng::stream(seed, "places");
      for (FaultKind kind :
           {FaultKind::kHostCrash, FaultKind::kPartitionComplete, FaultKind::kPartitionPartial,
            FaultKind::kPartitionOneWay, FaultKind::kDatabaseCrash, FaultKind::kClockJump}) {
        std::optional<FaultSpec> spec = draw_fault(kind, w, rng, 0, zoned ? zones : ZoneShape{});
        ASSERT_TRUE(spec.has_value());
        const bool at_place =
            std::any_of(spec->targets.begin(), spec->targets.end(), [&](const std::string& t) {
              return std::find(places.begin(), places.end(), t) != places.end();
            });
        if (!at_place) continue;
        EXPECT_TRUE(zoned) << describe(*spec);
        hits[std::string(info(kind).name)]++;
        hits[spec->targets.front().substr(0, spec->targets.front().find(':'))]++;
        // A cut severs the place from the control plane or the monitors.
        for (const std::string& o : spec->others)
          EXPECT_TRUE(o == "control-plane" || o.starts_with("monitor-")) << describe(*spec);
      }
    }
  }
  for (const char* what : {"host_crash", "partition_complete", "partition_partial",
                           "partition_one_way", "zone", "rack"})
    EXPECT_GE(hits[what], 20) << what;
  // A database's own faults and the clocks' are never a place's.
  EXPECT_EQ(hits["database_crash"], 0);
  EXPECT_EQ(hits["clock_jump"], 0);
}

TEST_F(FleetWorldTest, EveryKindDrawsASpecAimedAtThingsThatExist) {
  for (FaultKind kind : fleet_fault_kinds()) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      Rng rng = Rng::stream(seed, info(kind).name);
      std::optional<FaultSpec> spec = draw_fault(kind, w, rng);
      ASSERT_TRUE(spec.has_value()) << info(kind).name << " seed " << seed;
      EXPECT_EQ(spec->kind, kind);
      const std::string what = describe(*spec);
      for (const std::string& t : spec->targets) {
        if (kind == FaultKind::kControlPlaneCrash) {
          EXPECT_TRUE(is_crash_point(t)) << what;
        } else {
          EXPECT_TRUE(names_an_endpoint(t)) << what;
          EXPECT_NE(t, "db1-4") << what;  // destroyed
        }
      }
      for (const std::string& o : spec->others) {
        EXPECT_TRUE(names_an_endpoint(o)) << what;
        EXPECT_NE(o, "db1-4") << what;
        // Nobody is cut from themselves.
        EXPECT_EQ(std::count(spec->targets.begin(), spec->targets.end(), o), 0) << what;
      }
      if (aims_at_a_host(kind)) {
        EXPECT_FALSE(spec->targets.empty()) << what;
        EXPECT_GE(spec->duration_us, 10 * kSecond) << what;
      }
      const bool partition =
          kind == FaultKind::kPartitionPartial || kind == FaultKind::kPartitionOneWay;
      EXPECT_EQ(spec->others.empty(), !partition) << what;

      // The same stream draws the same fault.
      Rng again = Rng::stream(seed, info(kind).name);
      EXPECT_EQ(draw_fault(kind, w, again), spec) << what;
    }
  }
}

TEST_F(FleetWorldTest, HostCrashesAimAtOneHostAndFavourTheLeader) {
  Rng rng = Rng::stream(11, "faults");
  std::map<std::string, int> hits;
  for (int i = 0; i < 1'000; ++i) {
    std::optional<FaultSpec> spec = draw_fault(FaultKind::kHostCrash, w, rng);
    ASSERT_TRUE(spec.has_value());
    ASSERT_EQ(spec->targets.size(), 1u);
    hits[spec->targets[0]]++;
  }
  // 60% straight at the leader, plus its third of the uniform rest: ~73%.
  EXPECT_GT(hits["db1-1"], 650);
  EXPECT_GT(hits["db1-2"], 50);
  EXPECT_GT(hits["db1-3"], 50);
  EXPECT_EQ(hits.count("db1-4"), 0u);
}

TEST_F(FleetWorldTest, AmountsStayInTheirDocumentedRanges) {
  Rng rng = Rng::stream(5, "faults");
  for (int i = 0; i < 200; ++i) {
    const FaultSpec late = *draw_fault(FaultKind::kLateCheckins, w, rng);
    EXPECT_GE(late.amount, 20 * kSecond);
    EXPECT_LE(late.amount, 120 * kSecond);
    const FaultSpec drift = *draw_fault(FaultKind::kClockDrift, w, rng);
    EXPECT_GE(std::llabs(drift.amount), 1'000);
    EXPECT_LE(std::llabs(drift.amount), 50'000);
    const FaultSpec jump = *draw_fault(FaultKind::kClockJump, w, rng);
    EXPECT_GE(std::llabs(jump.amount), 10 * kSecond);
    EXPECT_LE(std::llabs(jump.amount), 10 * kMinute);
    const FaultSpec slow = *draw_fault(FaultKind::kInfraSlow, w, rng);
    EXPECT_GE(slow.amount, 3);
    EXPECT_LE(slow.amount, 20);
    for (FaultKind kind : {FaultKind::kInfraFailing, FaultKind::kInfraTimeouts}) {
      const FaultSpec infra = *draw_fault(kind, w, rng);
      EXPECT_GE(infra.amount, 100'000);
      EXPECT_LE(infra.amount, 600'000);
      EXPECT_TRUE(infra.targets.empty());
    }
    const FaultSpec crash = *draw_fault(FaultKind::kControlPlaneCrash, w, rng);
    ASSERT_EQ(crash.targets.size(), 1u);
    EXPECT_GE(crash.amount, 0);
    EXPECT_LT(crash.amount, 40);
    EXPECT_EQ(crash.duration_us, 0);  // healed by the restart, not by time
  }
}

TEST_F(FleetWorldTest, PartialCutsSometimesSeverAHostFromItsOwnServicesClients) {
  // Another service's client must never be on the far side of db1's host.
  const std::uint32_t other = w.add_service("db2", true);
  w.add_client(other);
  Rng rng = Rng::stream(4, "faults");
  int client_side = 0;
  for (int i = 0; i < 300; ++i) {
    const FaultSpec spec = *draw_fault(FaultKind::kPartitionPartial, w, rng);
    EXPECT_EQ(std::count(spec.others.begin(), spec.others.end(), "client-db2-2"), 0)
        << describe(spec);
    if (spec.others == std::vector<std::string>{"client-db1-1"}) ++client_side;
  }
  EXPECT_GT(client_side, 20);
}

TEST_F(FleetWorldTest, OneWayCutsGoBothWaysRound) {
  Rng rng = Rng::stream(8, "faults");
  int host_mute = 0;
  int host_deaf = 0;
  for (int i = 0; i < 200; ++i) {
    const FaultSpec spec = *draw_fault(FaultKind::kPartitionOneWay, w, rng);
    const bool host_first = w.find_host(spec.targets[0]).has_value() && spec.targets.size() == 1;
    const bool host_second = spec.others.size() == 1 && w.find_host(spec.others[0]).has_value();
    if (host_first) ++host_mute;
    if (host_second && !host_first) ++host_deaf;
  }
  EXPECT_GT(host_mute, 20);
  EXPECT_GT(host_deaf, 20);
}

}  // namespace
}  // namespace unwedge::sim
