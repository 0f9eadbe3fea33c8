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
};

struct OperatorKindInfo {
  OperatorKind kind;
  std::string_view name;
  std::string_view summary;
};

std::span<const OperatorKindInfo> operator_kinds();
const OperatorKindInfo& info(OperatorKind kind);
std::optional<OperatorKind> find_operator_kind(std::string_view name);

struct OperatorRequest {
  OperatorKind kind = OperatorKind::kRequestFailover;
  std::string target;

  friend bool operator==(const OperatorRequest&, const OperatorRequest&) = default;
};

// Whether `plane` declares `kind` among the requests it takes.
bool takes_request(const seam::PlaneInfo& plane, OperatorKind kind);

// "request_failover db1"
std::string describe(const OperatorRequest& request);

// A request on a scenario's timeline, or one the random operator drew.
struct ScheduledOperator {
  core::TimeUs at_us = 0;
  OperatorRequest request;

  friend bool operator==(const ScheduledOperator&, const ScheduledOperator&) = default;
};

}  // namespace unwedge::sim
