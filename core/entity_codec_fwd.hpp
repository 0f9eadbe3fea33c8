// EntityCodecs, declared only: for headers that name it without using it.
// core/entity_codec.hpp brings nlohmann-json, whose parse costs more than
// most of our files themselves, and the registry, which names EntityCodecs,
// is included by almost every file.
#pragma once

namespace unwedge::core {

class EntityCodecs;

}  // namespace unwedge::core
