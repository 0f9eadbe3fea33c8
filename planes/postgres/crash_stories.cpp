// The reference plane's crash stories: one per action, each bringing a
// one-service fleet to the moment before the action and triggering it
// (seam/crash_story.hpp). `unwedge explore-crashes` replays each with the
// process killed everywhere and every completed action and call delivered
// again.
#include "core/assert.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/plane.hpp"

namespace unwedge::postgres {
namespace {

using seam::StoryFleet;

template <class Entity>
void update(StoryFleet& fleet, const std::string& id, auto&& change) {
  auto txn = fleet.store().begin();
  std::optional<Entity> entity = txn->get<Entity>(id);
  UNWEDGE_ASSERT_MSG(entity.has_value(), "no {} {}", Entity::kKind, id);
  change(*entity);
  txn->put(*entity);
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
}

void provisioned(StoryFleet& fleet, bool synchronous = true) {
  fleet.order_service({.id = "db1", .standbys = 1, .synchronous = synchronous});
  const bool settled = fleet.settle();
  UNWEDGE_ASSERT_MSG(settled, "db1 was not provisioned:\n{}", fleet.activity());
}

void with_follower(StoryFleet& fleet) {
  provisioned(fleet);
  const seam::RequestOutcome added = fleet.request("add_follower", "db1");
  UNWEDGE_ASSERT(added.new_replica == "db1-3");
}

}  // namespace

std::vector<seam::CrashStory> crash_stories() {
  return {
      {"Provision", [](StoryFleet&) {},
       [](StoryFleet& f) { f.order_service({.id = "db1", .standbys = 1}); }},
      {"Failover", [](StoryFleet& f) { provisioned(f); },
       [](StoryFleet& f) {
         f.silence("db1-1");
         f.set_clock(f.now_us() + 2 * core::kMinute);
       }},
      {"PlannedAsyncFailover", [](StoryFleet& f) { provisioned(f, false); },
       [](StoryFleet& f) {
         update<Service>(f, "db1", [](Service& s) { s.failover_requested = true; });
       }},
      {"Promote", with_follower,
       [](StoryFleet& f) {
         update<ReplicaLink>(f, "db1-3", [](ReplicaLink& l) { l.promote_requested = true; });
       }},
      {"Unfollow", with_follower,
       [](StoryFleet& f) {
         update<ReplicaLink>(f, "db1-3", [](ReplicaLink& l) { l.unfollow_requested = true; });
       }},
      {"ReplaceServer", [](StoryFleet& f) { provisioned(f); },
       [](StoryFleet& f) {
         update<Server>(f, "db1-2", [](Server& s) { s.replace_requested = true; });
       }},
      {"RotateCertificate", [](StoryFleet& f) { provisioned(f); },
       [](StoryFleet& f) {
         std::optional<Certificate> certificate = f.store().begin()->get<Certificate>("db1-cert");
         UNWEDGE_ASSERT(certificate.has_value());
         f.set_clock(certificate->not_after_us - core::kHour);
       }},
      {"Deprovision", [](StoryFleet& f) { provisioned(f); },
       [](StoryFleet& f) {
         update<Service>(f, "db1", [](Service& s) { s.deprovision_requested = true; });
       }},
  };
}

}  // namespace unwedge::postgres
