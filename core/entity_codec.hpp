// EntityCodecs: how each kind of entity is written to a database and read
// back, for the stores that keep their state outside the process
// (stores/). InMemoryStore keeps the values themselves and needs none.
//
// An entity is written as one JSON object, by the nlohmann-json to_json and
// from_json overloads of its type, found by ADL. A plane declares every kind
// its Store holds (seam::PlaneInfo::entities); the framework's own (action
// records and slots) are added by add_framework_entities(). Decoding is
// strict about the shape it reads: a row that no longer parses as its type
// is an error naming the kind, the id and what was wrong, never a guess.
//
//   NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Service, id, state, leader)
//   EntityCodecs codecs;
//   add_framework_entities(codecs);
//   codecs.add<Service>();
//   Result<std::string> text = codecs.encode(*make_stored(Service{.id = "db1"}));
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "core/assert.hpp"
#include "core/entity.hpp"
#include "core/machine_state.hpp"
#include "core/result.hpp"

namespace unwedge::core {

class EntityCodecs {
 public:
  using Encode = std::function<std::string(const StoredValue&)>;
  // Builds the value from its JSON; throws nlohmann::json::exception when
  // the text does not hold one.
  using Decode = std::function<std::shared_ptr<const StoredValue>(const nlohmann::json&)>;

  // Declares T's kind. Declaring a kind again with the same type is
  // harmless; with another type it is a contract error.
  template <Entity T>
  void add() {
    add_kind(
        T::kKind, typeid(T),
        [](const StoredValue& value) {
          return nlohmann::json(static_cast<const StoredEntity<T>&>(value).value()).dump();
        },
        [](const nlohmann::json& json) { return make_stored(json.get<T>()); });
  }

  bool has(std::string_view kind) const { return kinds_.contains(kind); }
  // Every kind declared, sorted.
  std::vector<std::string> kinds() const;

  // The value as the text a database keeps, read back at once to check it
  // decodes equal. A kind never declared, or a codec that loses a field, is
  // an error that says what to fix.
  Result<std::string> encode(const StoredValue& value) const;
  // The value `text` holds, checked to be of `kind` and to carry `id`.
  Result<std::shared_ptr<const StoredValue>> decode(std::string_view kind, std::string_view id,
                                                    std::string_view text) const;

 private:
  struct Codec {
    std::type_index type;
    Encode encode;
    Decode decode;
  };
  void add_kind(std::string_view kind, const std::type_info& type, Encode encode, Decode decode);

  std::map<std::string, Codec, std::less<>> kinds_;
};

// The kinds every control plane's Store holds: action records and slots.
void add_framework_entities(EntityCodecs& codecs);

// A machine state inside an entity: {"id": 3, "entered_us": 1000000}.
void to_json(nlohmann::json& json, const MachineState& state);
void from_json(const nlohmann::json& json, MachineState& state);

}  // namespace unwedge::core
