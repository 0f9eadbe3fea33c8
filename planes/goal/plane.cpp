#include "planes/goal/plane.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "planes/goal/agent.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/model.hpp"
#include "planes/goal/monitor.hpp"
#include "planes/goal/node_machine.hpp"
#include "planes/goal/service_machine.hpp"

namespace unwedge::goal {
namespace {

seam::ServiceView view_of(const Service& service) {
  return {.id = service.id,
          .state = &service_machine().state(service.state.id),
          .leader = service.endpoint};
}

}  // namespace

GoalPlane::GoalPlane(Settings settings) : settings_(settings) {}

const core::ControlPlaneModel& GoalPlane::model() const {
  return goal::model(settings_.mutant);
}

seam::FleetConfiguration GoalPlane::fleet() const {
  return {.vantage_points = 2, .coordination_members = 3};
}

std::unique_ptr<seam::Process> GoalPlane::start(const core::Environment& env) const {
  return std::make_unique<Monitor>(env, nullptr, settings_);
}

std::unique_ptr<seam::Process> GoalPlane::start(const seam::ProcessContext& context) const {
  return std::make_unique<Monitor>(context.env, context.coordination, settings_);
}

std::unique_ptr<seam::Agent> GoalPlane::start_agent(const seam::AgentContext& context) const {
  return std::make_unique<KeeperAgent>(context, settings_);
}

// Two nodes, whatever the order asks: the monitor's table is over a pair.
// The first registered is to lead alone, the second to wait as its standby.
void GoalPlane::order_service(core::Transaction& txn, const seam::ServiceOrder& service,
                              core::TimeUs now_us) const {
  UNWEDGE_ASSERT(!service.id.empty());
  UNWEDGE_ASSERT(!txn.get<Service>(service.id).has_value());
  const core::MachineDef& machine = node_machine(settings_.mutant);
  Service record{.id = service.id,
                 .state = {.id = service_machine().initial(), .entered_us = now_us},
                 .members = {fmt::format("{}-1", service.id), fmt::format("{}-2", service.id)}};
  const std::array<std::string_view, 2> first_goals = {"single", "wait_standby"};
  for (std::size_t m = 0; m < record.members.size(); ++m) {
    const std::optional<core::StateId> goal = machine.find_state(first_goals[m]);
    UNWEDGE_ASSERT(goal.has_value());
    txn.put(Member{.id = record.members[m],
                   .service = service.id,
                   .reported = machine.initial(),
                   .goal = *goal,
                   .goal_version = 1});
  }
  txn.put(record);
}

// A node told to follow is a standby (and counts toward synchronous commit
// once it follows); the goal is written before the keeper can read it, so
// the role is in place when its database starts to follow.
std::string GoalPlane::role_of(core::Transaction& txn, std::string_view node) const {
  std::shared_ptr<const Member> member = txn.view<Member>(node);
  if (!member) return "";
  const std::string& goal = node_machine(settings_.mutant).state_name(member->goal);
  return goal == "catchingup" || goal == "secondary" ? "standby" : "";
}

std::vector<std::string> GoalPlane::members(core::Transaction& txn, std::string_view service,
                                            std::string_view role) const {
  std::vector<std::string> out;
  std::shared_ptr<const Service> record = txn.view<Service>(service);
  if (!record || role != "standby") return out;
  for (const std::string& member : record->members) {
    if (role_of(txn, member) == role) out.push_back(member);
  }
  return out;
}

seam::RequestOutcome GoalPlane::request(core::Transaction& txn, std::string_view kind,
                                        std::string_view target, core::TimeUs now_us) {
  static_cast<void>(txn);
  static_cast<void>(now_us);
  UNWEDGE_ASSERT_MSG(false, "'{} {}': the goal plane takes no requests", kind, target);
  return {};
}

void GoalPlane::committed_states(core::Transaction& txn, const StateSeen& seen) const {
  for (const std::string& id : txn.ids(Service::kKind)) {
    if (std::shared_ptr<const Service> s = txn.view<Service>(id)) {
      seen(service_machine(), id, s->state.id);
    }
  }
  const core::MachineDef& machine = node_machine(settings_.mutant);
  for (const std::string& id : txn.ids(Keeper::kKind)) {
    if (std::shared_ptr<const Keeper> k = txn.view<Keeper>(id)) seen(machine, id, k->state.id);
  }
}

// A node takes writes from its service once it opens as the only node
// (single) or promotes (wait_primary, from prepare_promotion).
std::optional<std::string> GoalPlane::new_writer(const core::TransitionEvent& event) const {
  const core::MachineDef& machine = node_machine(settings_.mutant);
  if (event.refused || event.machine != &machine) return std::nullopt;
  const std::string& to = machine.state_name(event.to);
  const std::string& from = machine.state_name(event.from);
  if (to == "single" || (to == "wait_primary" && from == "prepare_promotion")) return event.entity;
  return std::nullopt;
}

std::vector<seam::ServiceView> GoalPlane::services(core::Transaction& txn) const {
  std::vector<seam::ServiceView> out;
  for (const std::string& id : txn.ids(Service::kKind)) {
    if (std::shared_ptr<const Service> service = txn.view<Service>(id)) {
      out.push_back(view_of(*service));
    }
  }
  return out;
}

std::optional<seam::ServiceView> GoalPlane::service(core::Transaction& txn,
                                                    std::string_view id) const {
  std::shared_ptr<const Service> service = txn.view<Service>(id);
  if (!service) return std::nullopt;
  return view_of(*service);
}

std::optional<seam::PlaneViolation> GoalPlane::end_check(core::Transaction& txn,
                                                         core::TimeUs now_us) const {
  static_cast<void>(txn);
  static_cast<void>(now_us);
  return std::nullopt;
}

seam::PlaneInfo plane_info() {
  return seam::PlaneInfo{
      .name = "goal",
      .summary =
          "a monitor assigning goals to a primary and its standby, and a keeper on each "
          "node walking to its goal, as pg_auto_failover runs Postgres",
      .model = &goal::model,
      .settings = &setting_infos,
      .create =
          [](const seam::SettingsText& text) -> core::Result<std::unique_ptr<seam::ControlPlane>> {
        core::Result<Settings> settings = parse_settings(text);
        if (!settings) return settings.error();
        return std::unique_ptr<seam::ControlPlane>(std::make_unique<GoalPlane>(*settings));
      },
      .requests = {},
      .roles = {"standby"},
      .entities = &add_entities};
}

}  // namespace unwedge::goal
