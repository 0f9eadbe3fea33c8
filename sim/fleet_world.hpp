// FleetWorld: a control plane over a small fleet with no simulated world: an
// in-memory store that can be made to crash, a KeyedInfra whose operations
// finish on the second request, a clock its owner moves, and monitoring that
// reports every host healthy unless told otherwise. Crash exploration
// (sim/crash_exploration.hpp) and the control-plane tests run actions in it.
// The control plane is the reference Postgres one unless `control_plane`
// names another.
//
//   FleetWorld world;
//   world.add_service("db1", {.standbys = 1});
//   UNWEDGE_ASSERT(world.settle());  // provisioned and available
//   world.silence("db1-1");
//   world.clock.advance(2 * kMinute);
//   UNWEDGE_ASSERT(world.settle());  // failed over
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/settings.hpp"
#include "sim/keyed_infra.hpp"
#include "sim/manual_clock.hpp"
#include "sim/sim_store.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {

// Every host checks in with two vantage points at the clock's current time,
// reporting its WAL position, unless it has been silenced; a host whose
// fence succeeded (and was not lifted) reports that it refuses writes.
class FleetTelemetry final : public core::Telemetry {
 public:
  FleetTelemetry(const ManualClock& clock, const KeyedInfra& infra)
      : clock_(clock), infra_(infra) {}

  std::vector<core::Checkin> checkins(std::string_view host) const override;

  void silence(const std::string& host) { silent_since_us_[host] = clock_.now_us(); }
  void set_lsn(const std::string& host, pgworld::Lsn lsn) { lsn_[host] = lsn; }

 private:
  const ManualClock& clock_;
  const KeyedInfra& infra_;
  std::map<std::string, core::TimeUs, std::less<>> silent_since_us_;
  std::map<std::string, pgworld::Lsn, std::less<>> lsn_;
};

struct ServicePlan {
  std::uint32_t standbys = 1;
  bool synchronous = true;
};

// One process of a control plane: what FleetWorld::settle() runs.
class ControlLoop {
 public:
  virtual ~ControlLoop() = default;
  // One pass of the main loop; true when it started and drove nothing.
  virtual bool tick() = 0;
  // Every action the loop may run, for delivering one again.
  virtual const std::vector<core::ActionDef>& actions() const = 0;
};
using ControlPlaneFactory = std::function<std::unique_ptr<ControlLoop>(const core::Environment&,
                                                                       const postgres::Settings&)>;

// The reference Postgres control plane (postgres::Controller).
std::unique_ptr<ControlLoop> reference_control_plane(const core::Environment& env,
                                                     const postgres::Settings& settings);

// An action execution that ran to its end, as its record last said.
struct CompletedAction {
  std::string id;
  std::string action;
  std::string subject;
  core::ActionStatus status = core::ActionStatus::kSucceeded;
};

// Remembers every action execution whose last committed step ended it, and
// the step each committed step transaction ran (for a step that opens no
// transaction of its own, the last one begun when it is reported).
class ActionJournal final : public core::Journal {
 public:
  ActionJournal(core::InMemoryStore& durable, const SimStore& store)
      : durable_(durable), store_(store) {}
  void transition(const core::TransitionEvent&) override {}
  void step(const core::StepEvent& event) override;

  std::vector<CompletedAction> completed;
  // Transaction (as SimStore counts them) -> "step fence of Failover/db1/2".
  std::map<std::uint64_t, std::string> step_of_transaction;

 private:
  core::InMemoryStore& durable_;
  const SimStore& store_;
};

class FleetWorld {
 public:
  static constexpr core::TimeUs kStartUs = 1'000 * core::kSecond;

  FleetWorld();

  void add_service(const std::string& id, ServicePlan plan = {});
  // Adds a customer follower of `service` on a fresh running server.
  std::string add_follower(const std::string& service);
  void silence(const std::string& host) { telemetry.silence(host); }

  // Ticks the control plane until two ticks in a row do nothing, restarting
  // it (a new process over the same store) after every simulated crash.
  // False if it is still busy after `ticks_max` ticks.
  bool settle(int ticks_max = 300);
  // A new process of the control plane, as settle() starts one.
  std::unique_ptr<ControlLoop> start_process();

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
  SimStore store{durable};
  KeyedInfra infra{0};
  ManualClock clock{kStartUs};
  FleetTelemetry telemetry{clock, infra};
  ActionJournal journal{durable, store};
  postgres::Settings settings;
  ControlPlaneFactory control_plane = reference_control_plane;
  // Called by settle() after every tick, if set.
  std::function<void()> after_tick;
  core::Environment env{
      .store = store, .infra = infra, .clock = clock, .telemetry = telemetry, .journal = &journal};
  int crashes = 0;
};

}  // namespace unwedge::sim
