// The goal plane's entities as a database keeps them: one JSON object each;
// a position not known is null.
#include "core/entity_codec.hpp"
#include "planes/goal/entities.hpp"

namespace unwedge::goal {

void to_json(nlohmann::json& json, const std::optional<Position>& position) {
  if (!position) {
    json = nullptr;
    return;
  }
  json = nlohmann::json{{"timeline", position->timeline}, {"lsn", position->lsn}};
}

void from_json(const nlohmann::json& json, std::optional<Position>& position) {
  if (json.is_null()) {
    position.reset();
    return;
  }
  position = Position{.timeline = json.at("timeline").get<core::Term>(),
                      .lsn = json.at("lsn").get<core::LogPosition>()};
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Service, id, state, members, hosts_created, endpoint)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Member, id, service, reported, heard, final, goal, upstream,
                                   reach, goal_sent, goal_version)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Keeper, id, state, goal, upstream, reach, reported, boots)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MonitorBoots, id, boots)

void add_entities(core::EntityCodecs& codecs) {
  codecs.add<Service>();
  codecs.add<Member>();
  codecs.add<Keeper>();
  codecs.add<MonitorBoots>();
}

}  // namespace unwedge::goal
