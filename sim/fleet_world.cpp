#include "sim/fleet_world.hpp"

#include <fmt/format.h>

#include "core/in_memory_store.hpp"
#include "sim/plane.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {

void ActionJournal::step(const core::StepEvent& event) {
  if (event.verdict == "error") return;  // nothing committed
  // Told after the step committed: the record holds the step's outcome.
  UNWEDGE_ASSERT(store_.transactions_begun() > 0);
  step_of_transaction[store_.transactions_begun() - 1] =
      fmt::format("step {} of {}", event.step, event.action_id);
  std::shared_ptr<const core::ActionRecord> record =
      durable_.begin()->view<core::ActionRecord>(event.action_id);
  if (!record || record->status == core::ActionStatus::kRunning) return;
  completed.push_back(CompletedAction{.id = record->id,
                                      .action = record->action,
                                      .subject = record->subject,
                                      .status = record->status});
}

std::vector<core::Checkin> FleetTelemetry::checkins(std::string_view host) const {
  core::TimeUs at_us = clock_.now_us();
  if (auto silent = silent_since_us_.find(host); silent != silent_since_us_.end()) {
    at_us = silent->second;
  }
  auto lsn = lsn_.find(host);
  const bool fenced =
      infra_.succeeded(pgworld::kFence, host) && !infra_.succeeded(pgworld::kUnfence, host);
  std::vector<core::Checkin> result;
  for (const char* vantage : {"monitor-a", "monitor-b"}) {
    result.push_back(core::Checkin{.vantage = vantage,
                                   .received_us = at_us,
                                   .age_us = clock_.now_us() - at_us,
                                   .sent_us = at_us,
                                   .log_position = lsn == lsn_.end() ? 100 : lsn->second,
                                   .term = 1,
                                   .accepts_writes = !fenced});
  }
  return result;
}

FleetWorld::FleetWorld() : FleetWorld(std::make_unique<core::InMemoryStore>()) {}

FleetWorld::FleetWorld(std::unique_ptr<core::DurableStore> store)
    : owned_store_(std::move(store)), durable(*owned_store_) {}

seam::ControlPlane& FleetWorld::plane() {
  if (!plane_) {
    core::Result<std::unique_ptr<seam::ControlPlane>> built =
        make_plane(control_plane, plane_settings);
    UNWEDGE_ASSERT_MSG(built.ok(), "{}", built ? "" : built.error().message);
    plane_ = std::move(*built);
  }
  return *plane_;
}

void FleetWorld::order_service(const seam::ServiceOrder& service) {
  auto txn = durable.begin();
  plane().order_service(*txn, service, clock.now_us());
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
}

seam::RequestOutcome FleetWorld::request(std::string_view kind, std::string_view target) {
  auto txn = durable.begin();
  seam::RequestOutcome outcome = plane().request(*txn, kind, target, clock.now_us());
  if (outcome.raised) {
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT(committed.ok());
  }
  return outcome;
}

std::string FleetWorld::add_follower(const std::string& service) {
  seam::RequestOutcome outcome = request("add_follower", service);
  UNWEDGE_ASSERT_MSG(outcome.new_replica.has_value(), "{} took no follower", service);
  return *outcome.new_replica;
}

bool FleetWorld::settle(int ticks_max) {
  int quiet_ticks = 0;
  while (ticks_max-- > 0) {
    try {
      std::unique_ptr<seam::Process> process = start_process();
      while (ticks_max-- > 0) {
        quiet_ticks = process->tick() ? quiet_ticks + 1 : 0;
        if (after_tick) after_tick();
        if (quiet_ticks >= 2) return true;
      }
    } catch (const sim::ProcessCrash&) {
      ++crashes;
      quiet_ticks = 0;
    }
  }
  return false;
}

std::unique_ptr<seam::Process> FleetWorld::start_process() {
  std::unique_ptr<seam::Process> process =
      process_factory ? process_factory(env) : plane().start(seam::ProcessContext{.env = env});
  UNWEDGE_ASSERT(process != nullptr);
  return process;
}

std::string FleetWorld::activity() {
  std::string out;
  auto txn = durable.begin();
  for (const std::string& id : txn->ids(core::ActionRecord::kKind)) {
    std::optional<core::ActionRecord> record = txn->get<core::ActionRecord>(id);
    out += core::describe(*record) + "\n";
  }
  return out;
}

std::string FleetWorld::state_of(std::string_view machine, std::string_view id) {
  std::string found = "(none)";
  auto txn = durable.begin();
  plane().committed_states(
      *txn, [&](const core::MachineDef& m, std::string_view entity, core::StateId state) {
        if (m.name() == machine && entity == id) found = m.state_name(state);
      });
  return found;
}

}  // namespace unwedge::sim
