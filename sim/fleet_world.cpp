#include "sim/fleet_world.hpp"

#include <fmt/format.h>

#include "planes/postgres/controller.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {

using core::InfraVerb;

namespace {

class ReferenceLoop final : public ControlLoop {
 public:
  ReferenceLoop(const core::Environment& env, const postgres::Settings& settings)
      : controller_(env, settings) {}
  bool tick() override { return controller_.tick().quiet(); }
  const std::vector<core::ActionDef>& actions() const override { return controller_.actions(); }

 private:
  postgres::Controller controller_;
};

}  // namespace

std::unique_ptr<ControlLoop> reference_control_plane(const core::Environment& env,
                                                     const postgres::Settings& settings) {
  return std::make_unique<ReferenceLoop>(env, settings);
}

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

FleetWorld::FleetWorld() = default;

void FleetWorld::add_service(const std::string& id, ServicePlan plan) {
  auto txn = durable.begin();
  txn->put(postgres::Service{
      .id = id,
      .state = {.id = postgres::service_machine().initial(), .entered_us = clock.now_us()},
      .standbys = plan.standbys,
      .synchronous = plan.synchronous});
  UNWEDGE_ASSERT(txn->commit().ok());
}

std::string FleetWorld::add_follower(const std::string& service_id) {
  auto txn = durable.begin();
  std::optional<postgres::Service> service = txn->get<postgres::Service>(service_id);
  UNWEDGE_ASSERT(service.has_value());
  service->servers_named++;
  const std::string id = fmt::format("{}-{}", service_id, service->servers_named);
  const core::StateId running = *postgres::server_machine().find_state("running");
  const core::StateId following = *postgres::replica_link_machine().find_state("following");
  txn->put(*service);
  txn->put(postgres::Server{.id = id,
                            .service = service_id,
                            .state = {.id = running, .entered_us = clock.now_us()},
                            .role = postgres::Role::kFollower});
  txn->put(postgres::ReplicaLink{.id = id,
                                 .service = service_id,
                                 .state = {.id = following, .entered_us = clock.now_us()},
                                 .standby = false});
  UNWEDGE_ASSERT(txn->commit().ok());
  return id;
}

bool FleetWorld::settle(int ticks_max) {
  int quiet_ticks = 0;
  while (ticks_max-- > 0) {
    try {
      std::unique_ptr<ControlLoop> process = start_process();
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

std::unique_ptr<ControlLoop> FleetWorld::start_process() {
  std::unique_ptr<ControlLoop> process = control_plane(env, settings);
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

std::string FleetWorld::state_of_service(const std::string& id) {
  std::optional<postgres::Service> e = get<postgres::Service>(id);
  return e ? postgres::service_machine().state_name(e->state.id) : "(none)";
}
std::string FleetWorld::state_of_server(const std::string& id) {
  std::optional<postgres::Server> e = get<postgres::Server>(id);
  return e ? postgres::server_machine().state_name(e->state.id) : "(none)";
}
std::string FleetWorld::state_of_link(const std::string& id) {
  std::optional<postgres::ReplicaLink> e = get<postgres::ReplicaLink>(id);
  return e ? postgres::replica_link_machine().state_name(e->state.id) : "(none)";
}
std::string FleetWorld::state_of_certificate(const std::string& id) {
  std::optional<postgres::Certificate> e = get<postgres::Certificate>(id);
  return e ? postgres::certificate_machine().state_name(e->state.id) : "(none)";
}

}  // namespace unwedge::sim
