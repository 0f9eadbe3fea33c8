// Disruption: actions that take something away from a customer while they
// run (a failover, a restart, a replacement, a fence, a demotion), and why a
// control plane took one.
//
// A plane declares its disruptive actions as data in its model
// (ControlPlaneModel::disruptive_actions): which table's action, of what
// kind, and which of the table's signals are raised only by an operator's or
// a customer's request. When it decides such an action it attaches what it
// saw to the DecisionEvent it journals (DecisionEvent::evidence): the node
// the action strikes, how long its signals had to hold, and what each
// vantage point had heard of that node. The table's rule and the signals
// that held are the framework's already (the decision itself), so the
// journal learns the whole reason without knowing the plane.
//
//   model.disruptive_actions = {{.table = "service", .action = "Failover",
//                                .kind = DisruptionKind::kFailover,
//                                .requested_by = {"NeedsFailover"}}};
//   DisruptionEvidence seen{.target = "db1-1", .window_us = 90 * kSecond,
//                           .vantages = {{.vantage = "monitor-1", .silent_us = 95 * kSecond}}};
//   journal.decision({..., .action = "Failover", .evidence = &seen});
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace unwedge::core {

enum class DisruptionKind : std::uint8_t {
  kFailover,     // the writer moves to another node
  kRestart,      // a node or its database is restarted
  kReplacement,  // a node is destroyed and another built in its place
  kFencing,      // a node is stopped from taking writes
  kDemotion,     // a leader steps down to follow
};
inline constexpr std::size_t kDisruptionKinds = 5;

// "failover", "restart", "replacement", "fencing", "demotion".
const char* to_string(DisruptionKind kind);
std::optional<DisruptionKind> find_disruption_kind(std::string_view name);

// One action of one decision table that disrupts.
struct DisruptiveAction {
  std::string table;
  std::string action;
  DisruptionKind kind = DisruptionKind::kFailover;
  // Signals of the table raised only by asking ("NeedsFailover"): a decision
  // whose rule needs one of them was requested, never needless.
  std::vector<std::string> requested_by;
};

// What one vantage point had heard of the target when the plane decided.
struct VantageSeen {
  std::string vantage;              // "monitor-1"; empty for one that never heard it
  std::optional<TimeUs> silent_us;  // since its latest check-in; nullopt: never heard
  bool counted_against = false;     // the plane counted it as missing the target
};

// What a plane saw when it decided a disruptive action.
struct DisruptionEvidence {
  // The node the action strikes (a service's leader for its failover); empty
  // when it strikes no node.
  std::string target;
  // How long the decision's signals had to hold before the rule could fire
  // (a leader missed for unreachable_after); 0 when they read no health at
  // all (a lease renewal due, a certificate expiring).
  TimeUs window_us = 0;
  std::vector<VantageSeen> vantages;  // in vantage order; empty when none was read
};

// "monitor-1 silent 95 s (counted), monitor-2 silent 3 s"; "no vantage point".
std::string describe(const DisruptionEvidence& evidence);

}  // namespace unwedge::core
