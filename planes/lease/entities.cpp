#include "planes/lease/entities.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::lease {

std::string describe(const Service& service) {
  return fmt::format("service {} members [{}] hosts {} endpoint '{}'", service.id,
                     fmt::join(service.members, ", "),
                     service.hosts_created ? "created" : "not created", service.endpoint);
}

std::string describe(const Keeper& keeper) {
  return fmt::format(
      "keeper {} of {} lease r{} sent {} optime r{} following '{}' timeline {} boots {}{}{}",
      keeper.id, keeper.service, keeper.lease_revision, keeper.lease_sent_us,
      keeper.optime_revision, keeper.following, keeper.timeline, keeper.boots,
      keeper.restart_asked ? " restart asked" : "", keeper.registered ? " registered" : "");
}

std::string service_of(std::string_view node) {
  const std::size_t dash = node.rfind('-');
  UNWEDGE_ASSERT_MSG(dash != std::string_view::npos && dash > 0, "node '{}' names no service",
                     node);
  return std::string(node.substr(0, dash));
}

}  // namespace unwedge::lease
