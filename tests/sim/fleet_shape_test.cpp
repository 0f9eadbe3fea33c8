// A fleet-sized world in whole runs: hosts spread over zones and racks, a
// zone's outage that strikes its hosts and no other, a fleet API that
// throttles and refuses past its quota, and a control plane that runs so
// many actions at once and no more.
#include <fmt/format.h>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "core/scheduler.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "sim/simulation.hpp"
#include "tests/support/service_state.hpp"

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kMinute;
using core::kSecond;

using testing::service_state;

SimConfig zoned_fleet(std::uint32_t services) {
  SimConfig config{.seed = 3};
  for (std::uint32_t i = 1; i <= services; ++i)
    config.services.push_back({.id = fmt::format("db{}", i)});
  config.zones = {.names = {"a", "b", "c"}, .racks = 2};
  return config;
}

// Counts host crashes by host, as the trace tells them.
class Crashes final : public TraceSink {
 public:
  void write(const TraceRecord& r) override {
    if (r.kind == TraceKind::kFault && r.detail.find("host_crash") != std::string::npos)
      faults.push_back(r.detail);
  }
  std::vector<std::string> faults;
};

TEST(FleetShape, AZoneOutageStrikesEveryHostInTheZoneAndTheFleetRecovers) {
  SimConfig config = zoned_fleet(6);
  Crashes crashes;
  config.trace_sink = &crashes;
  Simulation sim(config);
  ASSERT_TRUE(sim.run_until(30 * kMinute));
  // Every service's two hosts were placed in two zones.
  std::map<std::string, std::set<std::uint16_t>> zones_of;
  std::set<std::string> in_b;
  for (HostIndex h = 0; h < sim.world().hosts.size(); ++h) {
    const Host& host = sim.world().hosts[h];
    zones_of[host.service].insert(sim.spot_of(h).zone);
    if (sim.spot_of(h).zone == 1) in_b.insert(host.name);
  }
  for (const auto& [service, zones] : zones_of)
    EXPECT_EQ(zones.size(), 2u) << service;
  ASSERT_FALSE(in_b.empty());
  sim.start_fault(
      {.kind = FaultKind::kHostCrash, .targets = {"zone:b"}, .duration_us = 10 * kMinute});
  std::set<std::string> down;
  for (HostIndex h = 0; h < sim.world().hosts.size(); ++h) {
    if (sim.world().hosts[h].state == HostState::kDown) down.insert(sim.world().hosts[h].name);
  }
  EXPECT_EQ(down, in_b);  // the zone's hosts, and none of another zone
  RunSummary run = sim.run(90 * kMinute, 30 * kMinute);
  ASSERT_FALSE(run.finding) << run.finding->what;
  for (const ServiceSpec& spec : config.services)
    EXPECT_EQ(service_state(sim, spec.id), "available") << spec.id;
}

TEST(FleetShape, ARateLimitedApiThrottlesTheProvisioningAndTheFleetStillComesUp) {
  SimConfig config = zoned_fleet(12);
  config.api_rate = {.per_second = 1, .burst = 2};
  Simulation sim(config);
  RunSummary run = sim.run(1 * kHour, 0);
  ASSERT_FALSE(run.finding) << run.finding->what;
  EXPECT_GT(run.infra_throttled, 0u);
  for (const ServiceSpec& spec : config.services)
    EXPECT_EQ(service_state(sim, spec.id), "available") << spec.id;
}

TEST(FleetShape, CreationsPastTheQuotaOrEveryZonesRoomAreRefused) {
  for (const bool quota : {true, false}) {
    SimConfig config = zoned_fleet(3);  // six hosts
    if (quota) {
      config.host_quota = 5;
    } else {
      config.zones.hosts_max = 1;  // three zones of room one
    }
    Simulation sim(config);
    sim.run_until(30 * kMinute);
    EXPECT_GT(sim.summary().hosts_refused, 0u) << (quota ? "quota" : "room");
    std::uint32_t hosts = 0;
    for (const Host& host : sim.world().hosts)
      hosts += host.state != HostState::kDestroyed ? 1 : 0;
    EXPECT_EQ(hosts, quota ? 5u : 3u);
  }
}

// A zone's outage leaves several services' leaders and standbys down at
// once; a control plane bounded to one disruptive action at a time still
// brings every one back, one after the other.
TEST(FleetShape, TheControlPlaneRunsNoMoreDisruptionsAtOnceThanItsLimit) {
  SimConfig config = zoned_fleet(9);
  config.plane_settings = {{"disruptions_running_max", "1"}};
  Simulation sim(config);
  ASSERT_TRUE(sim.run_until(30 * kMinute)) << sim.finding()->what;
  sim.start_fault({.kind = FaultKind::kHostCrash, .targets = {"zone:a"}, .duration_us = kHour});
  const std::set<std::string> disruptive = {"Failover", "Promote", "RestartServer",
                                            "ReplaceServer"};
  std::size_t most = 0;
  for (core::TimeUs t = 30 * kMinute; t <= 3 * kHour; t += 5 * kSecond) {
    ASSERT_TRUE(sim.run_until(t)) << sim.finding()->what;
    auto txn = sim.durable_store().begin();
    std::size_t running = 0;
    for (const std::string& id : txn->ids(core::ActionSlot::kKind)) {
      const std::optional<core::ActionSlot> slot = txn->get<core::ActionSlot>(id);
      const std::string action = slot->running.substr(0, slot->running.find('/'));
      running += disruptive.contains(action) ? 1 : 0;
    }
    most = std::max(most, running);
  }
  EXPECT_EQ(most, 1u);  // the limit reached, never passed
  for (const ServiceSpec& spec : config.services)
    EXPECT_EQ(service_state(sim, spec.id), "available") << spec.id;
}

}  // namespace
}  // namespace unwedge::sim
