#include "worlds/postgres/fleet_api.hpp"

#include <array>

#include "core/assert.hpp"

namespace unwedge::pgworld {
namespace {

// Indexed by the verb's number.
constexpr std::array<std::string_view, kVerbs> kVerbNames = {"create_host",
                                                             "start_host",
                                                             "stop_host",
                                                             "destroy_host",
                                                             "promote",
                                                             "follow",
                                                             "unfollow",
                                                             "fence",
                                                             "unfence",
                                                             "point_endpoint",
                                                             "issue_certificate",
                                                             "install_certificate",
                                                             "revoke_certificate",
                                                             "stop_replication",
                                                             "rewind"};

}  // namespace

const char* to_string(core::InfraVerb verb) {
  const auto index = static_cast<std::uint16_t>(verb);
  if (index >= kVerbs) return "unknown";
  return kVerbNames[index].data();
}

}  // namespace unwedge::pgworld
