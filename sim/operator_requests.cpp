#include "sim/operator_requests.hpp"

#include <algorithm>
#include <array>

#include "core/assert.hpp"

namespace unwedge::sim {
namespace {

constexpr std::array<OperatorKindInfo, 6> kKinds = {{
    {OperatorKind::kAddFollower, "add_follower", "a customer adds a read replica to the service"},
    {OperatorKind::kPromoteFollower, "promote_follower",
     "a customer promotes a read replica to be the service's leader"},
    {OperatorKind::kUnfollow, "unfollow", "a replica stops following and becomes independent"},
    {OperatorKind::kRequestFailover, "request_failover", "an operator asks for a failover"},
    {OperatorKind::kReplaceServer, "replace_server", "an operator asks for a server's replacement"},
    {OperatorKind::kDeprovision, "deprovision", "the customer deletes the service"},
}};

}  // namespace

std::span<const OperatorKindInfo> operator_kinds() {
  return kKinds;
}

const OperatorKindInfo& info(OperatorKind kind) {
  UNWEDGE_ASSERT_MSG(kind != OperatorKind::kPlaneOwn, "a plane's own request is known by its name");
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kKinds.size());
  return kKinds[index];
}

std::optional<OperatorKind> find_operator_kind(std::string_view name) {
  for (const OperatorKindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

bool takes_request(const seam::PlaneInfo& plane, OperatorKind kind) {
  return std::find(plane.requests.begin(), plane.requests.end(), info(kind).name) !=
         plane.requests.end();
}

std::string_view request_name(const OperatorRequest& request) {
  if (request.kind == OperatorKind::kPlaneOwn) {
    UNWEDGE_ASSERT(!request.name.empty());
    return request.name;
  }
  UNWEDGE_ASSERT(request.name.empty());
  return info(request.kind).name;
}

bool takes_request(const seam::PlaneInfo& plane, const OperatorRequest& request) {
  if (request.kind == OperatorKind::kPlaneOwn) return own_request(plane, request.name) != nullptr;
  return takes_request(plane, request.kind);
}

const seam::RequestInfo* own_request(const seam::PlaneInfo& plane, std::string_view name) {
  for (const seam::RequestInfo& r : plane.own_requests) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string describe(const OperatorRequest& request) {
  return std::string(request_name(request)) + " " + request.target;
}

}  // namespace unwedge::sim
