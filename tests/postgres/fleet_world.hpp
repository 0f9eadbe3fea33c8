// FleetWorld: the reference control plane over a test fleet, with no
// simulator: an in-memory store that can be made to crash, a FakeInfra whose
// operations finish on the second request, a clock the test moves, and
// monitoring that reports every host healthy unless told otherwise.
//
//   FleetWorld world;
//   world.add_service("db1", {.standbys = 1});
//   ASSERT_TRUE(world.settle());  // provisioned and available
//   world.silence("db1-1");
//   world.clock.advance(2 * kMinute);
//   ASSERT_TRUE(world.settle());  // failed over
#pragma once

#include <map>
#include <string>

#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "core/postgres/controller.hpp"
#include "core/postgres/entities.hpp"
#include "sim/sim_store.hpp"
#include "tests/support/fake_infra.hpp"
#include "tests/support/manual_clock.hpp"

namespace unwedge::testing {

// Every host checks in with two vantage points at the clock's current time,
// reporting its WAL position, unless it has been silenced; a host whose
// fence succeeded (and was not lifted) reports that it refuses writes.
class FleetTelemetry final : public core::Telemetry {
 public:
  FleetTelemetry(const ManualClock& clock, const FakeInfra& infra) : clock_(clock), infra_(infra) {}

  std::vector<core::Checkin> checkins(std::string_view host) const override;

  void silence(const std::string& host) { silent_since_us_[host] = clock_.now_us(); }
  void set_lsn(const std::string& host, core::Lsn lsn) { lsn_[host] = lsn; }

 private:
  const ManualClock& clock_;
  const FakeInfra& infra_;
  std::map<std::string, core::TimeUs, std::less<>> silent_since_us_;
  std::map<std::string, core::Lsn, std::less<>> lsn_;
};

struct ServicePlan {
  std::uint32_t standbys = 1;
  bool synchronous = true;
};

class FleetWorld {
 public:
  static constexpr core::TimeUs kStartUs = 1'000 * core::kSecond;

  FleetWorld();

  void add_service(const std::string& id, ServicePlan plan = {});
  // Adds a customer follower of `service` on a fresh running server.
  std::string add_follower(const std::string& service);
  void silence(const std::string& host) { telemetry.silence(host); }

  // Ticks the controller until two ticks in a row do nothing, restarting it
  // (a new process over the same store) after every simulated crash. False
  // if it is still busy after `ticks_max` ticks.
  bool settle(int ticks_max = 300);

  // Reads one entity (or nothing) from the committed store.
  template <class T>
  std::optional<T> get(const std::string& id) {
    return durable.begin()->get<T>(id);
  }
  template <class T>
  void update(const std::string& id, auto&& change) {
    auto txn = durable.begin();
    std::optional<T> entity = txn->get<T>(id);
    UNWEDGE_ASSERT(entity.has_value());
    change(*entity);
    txn->put(*entity);
    UNWEDGE_ASSERT(txn->commit().ok());
  }
  // The actions running now and the last few started, for failure messages.
  std::string activity();
  std::string state_of_service(const std::string& id);
  std::string state_of_server(const std::string& id);
  std::string state_of_link(const std::string& id);
  std::string state_of_certificate(const std::string& id);

  core::InMemoryStore durable;
  sim::SimStore store{durable};
  FakeInfra infra{0};
  ManualClock clock{kStartUs};
  FleetTelemetry telemetry{clock, infra};
  postgres::Settings settings;
  core::Environment env{.store = store, .infra = infra, .clock = clock, .telemetry = telemetry};
  int crashes = 0;
};

}  // namespace unwedge::testing
