// FleetWorld: a control plane over a small fleet with no simulated world: a
// store that can be made to crash (in memory unless the world is given
// another: crash exploration on a database, sim/run_stores.hpp), a
// KeyedInfra whose operations
// finish on the second request, a clock its owner moves, and monitoring that
// reports every host healthy unless told otherwise. Crash exploration
// (sim/crash_exploration.hpp) and the control-plane tests run actions in it.
// The control plane is the reference Postgres one unless `control_plane`
// names another.
//
//   FleetWorld world;  // or FleetWorld world(std::move(a_fresh_sqlite_store));
//   world.order_service({.id = "db1", .standbys = 1});
//   const bool provisioned = world.settle();  // provisioned and available
//   UNWEDGE_ASSERT(provisioned);
//   world.silence("db1-1");
//   world.clock.advance(2 * kMinute);
//   const bool failed_over = world.settle();
//   UNWEDGE_ASSERT(failed_over);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "seam/control_plane.hpp"
#include "seam/crash_story.hpp"
#include "sim/fleet.hpp"
#include "sim/kernel/manual_clock.hpp"
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

// Starts one process of a control plane over an environment: a stand-in for
// the plane's own, for tests of the exploration itself.
using ProcessFactory = std::function<std::unique_ptr<seam::Process>(const core::Environment& env)>;

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
  ActionJournal(core::Store& durable, const SimStore& store) : durable_(durable), store_(store) {}
  void transition(const core::TransitionEvent&) override {}
  void step(const core::StepEvent& event) override;

  std::vector<CompletedAction> completed;
  // Transaction (as SimStore counts them) -> "step fence of Failover/db1/2".
  std::map<std::uint64_t, std::string> step_of_transaction;

 private:
  core::Store& durable_;
  const SimStore& store_;
};

// A small fleet of the control plane named by `control_plane` (empty: the
// default plane), as crash stories see it (seam::StoryFleet).
class FleetWorld final : public seam::StoryFleet {
  // Declared first: `durable` refers to it.
  std::unique_ptr<core::DurableStore> owned_store_;

 public:
  static constexpr core::TimeUs kStartUs = 1'000 * core::kSecond;

  // Over a fresh InMemoryStore.
  FleetWorld();
  // Over `store`, which it keeps: empty, or the state a story starts from.
  explicit FleetWorld(std::unique_ptr<core::DurableStore> store);
  FleetWorld(const FleetWorld&) = delete;
  FleetWorld& operator=(const FleetWorld&) = delete;

  // Adds a customer follower of `service` on a fresh running server; its id.
  std::string add_follower(const std::string& service);
  void silence(std::string_view host) override { telemetry.silence(std::string(host)); }

  // Ticks the control plane until two ticks in a row do nothing, restarting
  // it (a new process over the same store) after every simulated crash.
  // False if it is still busy after `ticks_max` ticks.
  bool settle(int ticks_max);
  bool settle() override { return settle(300); }
  // A new process of the control plane, as settle() starts one.
  std::unique_ptr<seam::Process> start_process();
  // The plane, built from control_plane and plane_settings on first use.
  seam::ControlPlane& plane();

  // seam::StoryFleet
  core::Store& store() override { return durable; }
  core::TimeUs now_us() const override { return clock.now_us(); }
  void set_clock(core::TimeUs now_us) override { clock.set(now_us); }
  void order_service(const seam::ServiceOrder& service) override;
  seam::RequestOutcome request(std::string_view kind, std::string_view target) override;
  // The actions running now and the last few started, for failure messages.
  std::string activity() override;

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
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT(committed.ok());
  }
  // The committed state of entity `id` under the machine called `machine`,
  // by name; "(none)" when there is no such entity.
  std::string state_of(std::string_view machine, std::string_view id);

  // The committed state, which outlives every process: read and written
  // through the Store interface alone, whatever keeps it.
  core::DurableStore& durable;
  SimStore store_under_test{durable};
  KeyedInfra infra{0};
  ManualClock clock{kStartUs};
  FleetTelemetry telemetry{clock, infra};
  ActionJournal journal{durable, store_under_test};
  std::string control_plane;          // empty: the default plane
  seam::SettingsText plane_settings;  // its settings, as a scenario gives them
  ProcessFactory process_factory;     // set: runs instead of the plane's own process
  // Called by settle() after every tick, if set.
  std::function<void()> after_tick;
  core::Environment env{.store = store_under_test,
                        .infra = infra,
                        .clock = clock,
                        .telemetry = telemetry,
                        .journal = &journal};
  int crashes = 0;

 private:
  std::unique_ptr<seam::ControlPlane> plane_;
};

}  // namespace unwedge::sim
