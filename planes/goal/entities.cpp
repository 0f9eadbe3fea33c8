#include "planes/goal/entities.hpp"

#include <fmt/format.h>

namespace unwedge::goal {

std::string describe(const Service& service) {
  return fmt::format("service {} members [{}] hosts {} endpoint '{}'", service.id,
                     fmt::join(service.members, ", "),
                     service.hosts_created ? "created" : "not created", service.endpoint);
}

std::string describe(const Member& member) {
  return fmt::format("member {} of {} reported {}{} goal {}{}{}", member.id, member.service,
                     member.reported, member.heard ? "" : " (unheard)", member.goal,
                     member.upstream.empty() ? "" : " following " + member.upstream,
                     member.goal_sent ? "" : " (not yet sent)");
}

std::string describe(const Keeper& keeper) {
  return fmt::format("keeper {} goal '{}'{} reported '{}' boots {}", keeper.id, keeper.goal,
                     keeper.upstream.empty() ? "" : " following " + keeper.upstream,
                     keeper.reported, keeper.boots);
}

}  // namespace unwedge::goal
