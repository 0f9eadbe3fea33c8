#include "planes/postgres/plane.hpp"

#include <fmt/format.h>
#include <initializer_list>

#include "core/assert.hpp"
#include "planes/postgres/controller.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "planes/postgres/model.hpp"

namespace unwedge::postgres {
namespace {

bool is_in_state(const core::MachineDef& machine, core::StateId state,
                 std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (machine.find_state(name) == state) return true;
  }
  return false;
}

// Raises a request flag on the entity `id`, as the console does; false when
// there is no such entity.
template <class Entity>
bool raise(core::Transaction& txn, std::string_view id, bool Entity::*flag) {
  std::optional<Entity> entity = txn.get<Entity>(std::string(id));
  if (!entity) return false;
  (*entity).*flag = true;
  txn.put(*entity);
  return true;
}

template <class Entity>
void see_all(core::Transaction& txn, const core::MachineDef& machine,
             const seam::ControlPlane::StateSeen& seen) {
  for (const std::string& id : txn.ids(Entity::kKind)) {
    std::shared_ptr<const Entity> entity = txn.view<Entity>(id);
    if (entity) seen(machine, id, entity->state.id);
  }
}

// One process of the reference plane: its Controller.
class ControllerProcess final : public seam::Process {
 public:
  ControllerProcess(const core::Environment& env, const Settings& settings)
      : controller_(env, settings) {}
  bool tick() override { return controller_.tick().quiet(); }
  const std::vector<core::ActionDef>& actions() const override { return controller_.actions(); }
  bool wants_changes() const override { return true; }
  // Every id the simulator names is a host that checked in, or an entity a
  // request was raised on (also in records_changed()).
  void inputs_changed(const std::vector<std::string>& entities) override {
    controller_.hosts_checked_in(entities);
  }
  void records_changed(const std::vector<std::string>& entities) override {
    controller_.records_changed(entities);
  }
  void all_inputs_changed() override { controller_.all_inputs_changed(); }
  std::optional<seam::PlaneViolation> audit() override {
    std::optional<MissedDecision> missed = controller_.audit();
    if (!missed) return std::nullopt;
    return seam::PlaneViolation{.entity = std::move(missed->entity),
                                .message = std::move(missed->message)};
  }

 private:
  Controller controller_;
};

}  // namespace

const core::ControlPlaneModel& ReferencePlane::model() const {
  return postgres::model();
}

seam::FleetConfiguration ReferencePlane::fleet() const {
  return {.vantage_points = settings_.vantage_points,
          .certificate_validity_us = settings_.certificate_validity_us};
}

std::unique_ptr<seam::Process> ReferencePlane::start(const core::Environment& env) const {
  return std::make_unique<ControllerProcess>(env, settings_);
}

void ReferencePlane::order_service(core::Transaction& txn, const seam::ServiceOrder& service,
                                   core::TimeUs now_us) const {
  UNWEDGE_ASSERT(!service.id.empty());
  UNWEDGE_ASSERT(!txn.get<Service>(service.id).has_value());
  txn.put(Service{.id = service.id,
                  .state = {.id = service_machine().initial(), .entered_us = now_us},
                  .standbys = service.standbys,
                  .synchronous = service.synchronous});
}

std::string ReferencePlane::role_of(core::Transaction& txn, std::string_view node) const {
  std::shared_ptr<const Server> server = txn.view<Server>(std::string(node));
  if (!server) return "";
  return to_string(server->role);
}

std::vector<std::string> ReferencePlane::members(core::Transaction& txn, std::string_view service,
                                                 std::string_view role) const {
  std::vector<std::string> out;
  if (role != "follower" && role != "standby") return out;
  const bool standby = role == "standby";
  for (const std::string& id : txn.ids(ReplicaLink::kKind)) {
    std::shared_ptr<const ReplicaLink> link = txn.view<ReplicaLink>(id);
    if (link && link->service == service && link->standby == standby) out.push_back(id);
  }
  return out;
}

seam::RequestOutcome ReferencePlane::request(core::Transaction& txn, std::string_view kind,
                                             std::string_view target, core::TimeUs now_us) {
  if (kind == "add_follower") return add_follower(txn, target, now_us);
  if (kind == "promote_follower") {
    return {.raised = raise(txn, target, &ReplicaLink::promote_requested)};
  }
  if (kind == "unfollow") {
    if (std::shared_ptr<const ReplicaLink> link = txn.view<ReplicaLink>(std::string(target));
        link &&
        is_in_state(replica_link_machine(), link->state.id, {"syncing", "following", "lagging"})) {
      unfollows_asked_.emplace_back(std::string(target), now_us);
    }
    return {.raised = raise(txn, target, &ReplicaLink::unfollow_requested)};
  }
  if (kind == "request_failover")
    return {.raised = raise(txn, target, &Service::failover_requested)};
  if (kind == "deprovision") return {.raised = raise(txn, target, &Service::deprovision_requested)};
  if (kind == "replace_server") return {.raised = raise(txn, target, &Server::replace_requested)};
  UNWEDGE_ASSERT_MSG(false, "'{}' is not a request of the reference plane", kind);
  return {};
}

// A customer's read replica: the server and link entities that tell the
// control plane of it, as the console's "add replica" writes them; the world
// creates the node itself.
seam::RequestOutcome ReferencePlane::add_follower(core::Transaction& txn,
                                                  std::string_view service_id,
                                                  core::TimeUs now_us) const {
  std::optional<Service> service = txn.get<Service>(std::string(service_id));
  if (!service || !service_machine().state(service->state.id).traits.healthy) return {};
  service->servers_named++;
  const std::string id = fmt::format("{}-{}", service_id, service->servers_named);
  txn.put(*service);
  txn.put(Server{.id = id,
                 .service = std::string(service_id),
                 .state = {.id = *server_machine().find_state("running"), .entered_us = now_us},
                 .role = Role::kFollower});
  txn.put(ReplicaLink{
      .id = id,
      .service = std::string(service_id),
      .state = {.id = *replica_link_machine().find_state("following"), .entered_us = now_us},
      .standby = false});
  return {.raised = true, .new_replica = id};
}

void ReferencePlane::committed_states(core::Transaction& txn, const StateSeen& seen) const {
  see_all<Service>(txn, service_machine(), seen);
  see_all<Server>(txn, server_machine(), seen);
  see_all<ReplicaLink>(txn, replica_link_machine(), seen);
  see_all<Certificate>(txn, certificate_machine(), seen);
}

std::optional<std::string> ReferencePlane::new_writer(const core::TransitionEvent& event) const {
  if (event.refused || event.machine != &replica_link_machine()) return std::nullopt;
  if (event.machine->state_name(event.to) != "promoted") return std::nullopt;
  return event.entity;
}

namespace {

seam::ServiceView view_of(const Service& service) {
  const core::StateDef& state = service_machine().state(service.state.id);
  return {.id = service.id,
          .state = &state,
          .ending = state.name == "deprovisioned" || state.name == "deprovisioning",
          .leader = service.leader};
}

}  // namespace

std::vector<seam::ServiceView> ReferencePlane::services(core::Transaction& txn) const {
  std::vector<seam::ServiceView> out;
  for (const std::string& id : txn.ids(Service::kKind)) {
    if (std::shared_ptr<const Service> service = txn.view<Service>(id)) {
      out.push_back(view_of(*service));
    }
  }
  return out;
}

std::optional<seam::ServiceView> ReferencePlane::service(core::Transaction& txn,
                                                         std::string_view id) const {
  std::shared_ptr<const Service> service = txn.view<Service>(id);
  if (!service) return std::nullopt;
  return view_of(*service);
}

std::optional<seam::PlaneViolation> ReferencePlane::end_check(core::Transaction& txn,
                                                              core::TimeUs /*now_us*/) const {
  for (const auto& [id, asked_us] : unfollows_asked_) {
    std::shared_ptr<const ReplicaLink> link = txn.view<ReplicaLink>(id);
    std::shared_ptr<const Server> server = txn.view<Server>(id);
    if (!link || is_in_state(replica_link_machine(), link->state.id, {"unfollowed"})) continue;
    if (!server ||
        is_in_state(server_machine(), server->state.id, {"replacing", "destroying", "destroyed"})) {
      continue;  // the replica itself is going: nothing is left to stand alone
    }
    return seam::PlaneViolation{
        .entity = id,
        .message = fmt::format(
            "the customer asked {} to unfollow at {:.0f} s, while it followed {}; at the end of "
            "the run its link is {}, not unfollowed",
            id, static_cast<double>(asked_us) / core::kSecond, link->service,
            replica_link_machine().state_name(link->state.id))};
  }
  return std::nullopt;
}

}  // namespace unwedge::postgres

namespace unwedge::postgres {

seam::PlaneInfo plane_info() {
  return seam::PlaneInfo{
      .name = "postgres",
      .summary =
          "the reference managed-Postgres control plane: a central controller, "
          "failover with fencing, replicas, certificates",
      .model = &postgres::model,
      .settings = &setting_infos,
      .create =
          [](const seam::SettingsText& text) -> core::Result<std::unique_ptr<seam::ControlPlane>> {
        core::Result<Settings> settings = parse_settings(text);
        if (!settings) return settings.error();
        return std::unique_ptr<seam::ControlPlane>(std::make_unique<ReferencePlane>(*settings));
      },
      .requests = {"add_follower", "promote_follower", "unfollow", "request_failover",
                   "replace_server", "deprovision"},
      .roles = {"standby", "follower"},
      .crash_stories = &crash_stories,
      .canary_program = "unwedge-canary",
      .aliases = {"reference"},
      .entities = &add_entities};
}

}  // namespace unwedge::postgres
