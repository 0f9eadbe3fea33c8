#include "core/entity_codec.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/action.hpp"
#include "core/scheduler.hpp"

namespace unwedge::core {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ActionRecord, id, action, subject, next_step, waits, status,
                                   note, vars, started_us, updated_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ActionSlot, id, running, executions)

void to_json(nlohmann::json& json, const MachineState& state) {
  json = nlohmann::json{{"id", state.id}, {"entered_us", state.entered_us}};
}

void from_json(const nlohmann::json& json, MachineState& state) {
  json.at("id").get_to(state.id);
  json.at("entered_us").get_to(state.entered_us);
}

void add_framework_entities(EntityCodecs& codecs) {
  codecs.add<ActionRecord>();
  codecs.add<ActionSlot>();
}

std::vector<std::string> EntityCodecs::kinds() const {
  std::vector<std::string> names;
  for (const auto& [kind, codec] : kinds_)
    names.push_back(kind);
  return names;
}

void EntityCodecs::add_kind(std::string_view kind, const std::type_info& type, Encode encode,
                            Decode decode) {
  UNWEDGE_ASSERT_MSG(!kind.empty(), "an entity kind with no name");
  if (auto known = kinds_.find(kind); known != kinds_.end()) {
    UNWEDGE_ASSERT_MSG(known->second.type == std::type_index(type),
                       "entity kind {} declared with two different types", kind);
    return;
  }
  kinds_.emplace(std::string(kind),
                 Codec{.type = type, .encode = std::move(encode), .decode = std::move(decode)});
}

Result<std::string> EntityCodecs::encode(const StoredValue& value) const {
  auto codec = kinds_.find(value.kind());
  if (codec == kinds_.end()) {
    return Error{fmt::format(
        "entities of kind {} cannot be kept in a database: the plane does not declare the kind "
        "(add codecs.add<T>() for it to its PlaneInfo::entities)",
        value.kind())};
  }
  UNWEDGE_ASSERT_MSG(codec->second.type == std::type_index(value.type()),
                     "{}/{} is not of the type its kind was declared with", value.kind(),
                     value.id());
  std::string text = codec->second.encode(value);
  // Read back at once: a field the plane left out of its codec would
  // otherwise vanish silently on the way through the database, and the
  // plane would meet it only as a default value after its next restart.
  std::shared_ptr<const StoredValue> back;
  try {
    back = codec->second.decode(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& error) {
    return Error{
        fmt::format("{}/{} as written does not read back as a {} ({}): its to_json and "
                    "from_json disagree",
                    value.kind(), value.id(), value.kind(), error.what())};
  }
  if (!back->equals(value)) {
    return Error{fmt::format(
        "{}/{} does not read back as written: {} reads back as {}; a field is missing from the "
        "codec of kind {} (list every field in its NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE)",
        value.kind(), value.id(), value.describe_value(), back->describe_value(), value.kind())};
  }
  return text;
}

Result<std::shared_ptr<const StoredValue>> EntityCodecs::decode(std::string_view kind,
                                                                std::string_view id,
                                                                std::string_view text) const {
  auto codec = kinds_.find(kind);
  if (codec == kinds_.end()) {
    return Error{fmt::format(
        "the store holds {}/{}, of a kind the plane does not declare (known kinds: {}); a store "
        "written by another control plane?",
        kind, id, fmt::join(kinds(), ", "))};
  }
  std::shared_ptr<const StoredValue> value;
  try {
    value = codec->second.decode(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& error) {
    return Error{
        fmt::format("{}/{} as stored does not read as a {}: {}", kind, id, kind, error.what())};
  }
  if (value->id() != id) {
    return Error{fmt::format("{}/{} as stored carries the id '{}'", kind, id, value->id())};
  }
  return value;
}

}  // namespace unwedge::core
