// Operator requests: what people do to the fleet while faults happen.
//
// A customer adds a read replica, promotes one, unfollows one; an operator
// asks for a failover, a server replacement or a deprovision. Each is a flag
// raised on an entity in the control plane's Store (that is all a real
// console does); the control plane's tables take it from there.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "seam/registry.hpp"

namespace unwedge::sim {

enum class OperatorKind : std::uint8_t {
  kAddFollower,      // target: service; a customer read replica is created
  kPromoteFollower,  // target: follower server; the customer promotes it
  kUnfollow,         // target: replica server; it becomes a database of its own
  kRequestFailover,  // target: service
  kReplaceServer,    // target: server
  kDeprovision,      // target: service
  // A request of the plane's own (PlaneInfo::own_requests), named by
  // OperatorRequest::name; not in operator_kinds().
  kPlaneOwn,
};

struct OperatorKindInfo {
  OperatorKind kind;
  std::string_view name;
  std::string_view summary;
};

// The simulator's own kinds (kPlaneOwn is not one).
std::span<const OperatorKindInfo> operator_kinds();
const OperatorKindInfo& info(OperatorKind kind);
std::optional<OperatorKind> find_operator_kind(std::string_view name);

struct OperatorRequest {
  OperatorKind kind = OperatorKind::kRequestFailover;
  std::string target;
  std::string name;  // kPlaneOwn: the plane's name for it; empty otherwise

  friend bool operator==(const OperatorRequest&, const OperatorRequest&) = default;
};

// "request_failover", or a plane's own request's name.
std::string_view request_name(const OperatorRequest& request);

// Whether `plane` declares `kind` (one of the simulator's) among the
// requests it takes.
bool takes_request(const seam::PlaneInfo& plane, OperatorKind kind);
// Whether `plane` takes `request`, the simulator's kind or its own.
bool takes_request(const seam::PlaneInfo& plane, const OperatorRequest& request);
// The plane's own request called `name`, if it declares one.
const seam::RequestInfo* own_request(const seam::PlaneInfo& plane, std::string_view name);

// "request_failover db1"
std::string describe(const OperatorRequest& request);

// A request on a scenario's timeline, or one the random operator drew.
struct ScheduledOperator {
  core::TimeUs at_us = 0;
  OperatorRequest request;

  friend bool operator==(const ScheduledOperator&, const ScheduledOperator&) = default;
};

}  // namespace unwedge::sim
