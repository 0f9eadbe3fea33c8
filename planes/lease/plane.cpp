#include "planes/lease/plane.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "planes/lease/agent.hpp"
#include "planes/lease/console.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/machines.hpp"
#include "planes/lease/model.hpp"

namespace unwedge::lease {
namespace {

std::optional<Service> service_of_node(core::Transaction& txn, std::string_view node) {
  const std::size_t dash = node.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  std::optional<Service> service = txn.get<Service>(node.substr(0, dash));
  if (!service) return std::nullopt;
  for (const std::string& member : service->members) {
    if (member == node) return service;
  }
  return std::nullopt;
}

}  // namespace

LeasePlane::LeasePlane(Settings settings) : settings_(settings) {}

const core::ControlPlaneModel& LeasePlane::model() const {
  return lease::model();
}

seam::FleetConfiguration LeasePlane::fleet() const {
  return {.vantage_points = 2, .coordination_members = 3};
}

std::unique_ptr<seam::Process> LeasePlane::start(const core::Environment& env) const {
  return std::make_unique<Console>(env, settings_);
}

std::unique_ptr<seam::Agent> LeasePlane::start_agent(const seam::AgentContext& context) const {
  return std::make_unique<KeeperAgent>(context, settings_);
}

void LeasePlane::order_service(core::Transaction& txn, const seam::ServiceOrder& service,
                               core::TimeUs now_us) const {
  UNWEDGE_ASSERT(!service.id.empty());
  UNWEDGE_ASSERT(!txn.get<Service>(service.id).has_value());
  Service record{.id = service.id,
                 .state = {.id = service_machine().initial(), .entered_us = now_us},
                 .synchronous = service.synchronous};
  for (std::uint32_t i = 1; i <= service.standbys + 1; ++i)
    record.members.push_back(fmt::format("{}-{}", service.id, i));
  txn.put(record);
}

// A member's role as the console routes the service: the member the
// endpoint points at leads, every other is a standby (and counts toward
// synchronous commit when it follows). A keeper's own record is on its
// node, out of the console's reach; the endpoint follows the member that
// monitoring sees taking writes.
std::string LeasePlane::role_of(core::Transaction& txn, std::string_view node) const {
  std::optional<Service> service = service_of_node(txn, node);
  if (!service) return "";
  return node == service->endpoint ? "" : "standby";
}

std::vector<std::string> LeasePlane::members(core::Transaction& txn, std::string_view service,
                                             std::string_view role) const {
  std::vector<std::string> out;
  std::shared_ptr<const Service> record = txn.view<Service>(service);
  if (!record || role != "standby") return out;
  for (const std::string& member : record->members) {
    if (role_of(txn, member) == role) out.push_back(member);
  }
  return out;
}

seam::RequestOutcome LeasePlane::request(core::Transaction& txn, std::string_view kind,
                                         std::string_view target, core::TimeUs now_us) {
  static_cast<void>(txn);
  static_cast<void>(now_us);
  UNWEDGE_ASSERT_MSG(false, "'{} {}': the lease plane's requests go to its keepers", kind, target);
  return {};
}

void LeasePlane::committed_states(core::Transaction& txn, const StateSeen& seen) const {
  for (const std::string& id : txn.ids(Service::kKind)) {
    if (std::shared_ptr<const Service> s = txn.view<Service>(id)) {
      seen(service_machine(), id, s->state.id);
    }
  }
  for (const std::string& id : txn.ids(Keeper::kKind)) {
    if (std::shared_ptr<const Keeper> k = txn.view<Keeper>(id)) {
      seen(keeper_machine(), id, k->state.id);
    }
  }
}

std::optional<std::string> LeasePlane::new_writer(const core::TransitionEvent& event) const {
  if (event.refused || event.machine != &keeper_machine()) return std::nullopt;
  if (event.machine->state_name(event.to) != "leader") return std::nullopt;
  return event.entity;
}

namespace {

seam::ServiceView view_of(const Service& service) {
  return {.id = service.id,
          .state = &service_machine().state(service.state.id),
          .leader = service.endpoint};
}

}  // namespace

std::vector<seam::ServiceView> LeasePlane::services(core::Transaction& txn) const {
  std::vector<seam::ServiceView> out;
  for (const std::string& id : txn.ids(Service::kKind)) {
    if (std::shared_ptr<const Service> service = txn.view<Service>(id)) {
      out.push_back(view_of(*service));
    }
  }
  return out;
}

std::optional<seam::ServiceView> LeasePlane::service(core::Transaction& txn,
                                                     std::string_view id) const {
  std::shared_ptr<const Service> service = txn.view<Service>(id);
  if (!service) return std::nullopt;
  return view_of(*service);
}

std::optional<seam::PlaneViolation> LeasePlane::end_check(core::Transaction& txn,
                                                          core::TimeUs now_us) const {
  static_cast<void>(txn);
  static_cast<void>(now_us);
  return std::nullopt;
}

seam::PlaneInfo plane_info() {
  return seam::PlaneInfo{
      .name = "lease",
      .summary =
          "per-node keepers racing for a leader lease in a consensus store, as Patroni "
          "and Stolon run Postgres",
      .model = &lease::model,
      .settings = &setting_infos,
      .create =
          [](const seam::SettingsText& text) -> core::Result<std::unique_ptr<seam::ControlPlane>> {
        core::Result<Settings> settings = parse_settings(text);
        if (!settings) return settings.error();
        return std::unique_ptr<seam::ControlPlane>(std::make_unique<LeasePlane>(*settings));
      },
      .requests = {},
      .roles = {"standby"},
      .own_requests = {{.name = "switchover",
                        .aim = seam::RequestInfo::Aim::kServer,
                        .summary = "hand leadership to this node, or away from it if it leads",
                        .to_agent = true},
                       {.name = "failover",
                        .aim = seam::RequestInfo::Aim::kServer,
                        .summary = "make this node the only one that races for the lease, "
                                   "whether or not the service has a leader",
                        .to_agent = true},
                       {.name = "restart",
                        .aim = seam::RequestInfo::Aim::kServer,
                        .summary = "the node's keeper fences its database and joins again: a "
                                   "leader steps down, a replica follows the leader afresh",
                        .to_agent = true}},
      .entities = &add_entities};
}

}  // namespace unwedge::lease
