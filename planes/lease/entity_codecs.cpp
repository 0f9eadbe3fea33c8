// The lease plane's entities as a database keeps them: one JSON object each.
#include "core/entity_codec.hpp"
#include "planes/lease/entities.hpp"

namespace unwedge::lease {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Service, id, state, members, synchronous, hosts_created,
                                   endpoint)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Keeper, id, service, state, lease_revision, lease_sent_us,
                                   optime_revision, following, timeline, boots, restart_asked,
                                   registered)

void add_entities(core::EntityCodecs& codecs) {
  codecs.add<Service>();
  codecs.add<Keeper>();
}

}  // namespace unwedge::lease
