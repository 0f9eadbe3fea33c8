// The reference plane's entities as a database keeps them: one JSON object
// each, field by field, so a row reads plainly in psql.
#include "core/entity_codec.hpp"
#include "planes/postgres/entities.hpp"

namespace unwedge::postgres {

NLOHMANN_JSON_SERIALIZE_ENUM(Role, {{Role::kLeader, "leader"},
                                    {Role::kStandby, "standby"},
                                    {Role::kFollower, "follower"},
                                    {Role::kIndependent, "independent"},
                                    {Role::kRetired, "retired"}})

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Service, id, state, leader, timeline, standbys, synchronous,
                                   certificate, servers_named, failover_requested,
                                   deprovision_requested, last_leader_change)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Server, id, service, state, role, replaces, restarts,
                                   replace_requested, destroy_requested)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReplicaLink, id, service, state, standby, promote_requested,
                                   unfollow_requested)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Certificate, id, service, state, installed_on, serial,
                                   not_after_us, issued_by, revoke_requested)

void add_entities(core::EntityCodecs& codecs) {
  codecs.add<Service>();
  codecs.add<Server>();
  codecs.add<ReplicaLink>();
  codecs.add<Certificate>();
}

}  // namespace unwedge::postgres
