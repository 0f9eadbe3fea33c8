// Disruptions: every failover, restart, replacement, fence or demotion a
// control plane decided in a run, why, and whether it was needless.
//
// A plane's model declares which of its actions disrupt
// (core::DisruptiveAction); when it decides one it journals what it saw
// (core::DisruptionEvidence). DisruptionLog reads each such decision: the
// rule that fired (asked of the decision table again, which is pure), the
// signals that rule needed, whether one of them is a request, and the
// plane's evidence. It counts the disruption by kind and cause (the rule),
// describes it for the trace, and judges it (`no_needless_disruption`): a
// disruption the plane took on its own, on health signals that had to hold
// for a window, against a node the simulator knows was sound
// (sim/host_health.hpp) throughout that window, give or take a check-in's
// slack, was needless. One asked for by an operator or a customer never is;
// nor one on evidence that truly looked bad from a majority of monitors.
//
//   DisruptionLog log(plane.model());
//   if (std::optional<Disruption> d = log.record(event, now_us)) {
//     if (std::optional<Violation> v = judge(*d, world, health, slack_us)) ...
//   }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/control_plane_model.hpp"
#include "core/journal.hpp"
#include "sim/fleet.hpp"
#include "sim/host_health.hpp"
#include "sim/invariants.hpp"

namespace unwedge::sim {

// One disruptive decision.
struct Disruption {
  core::DisruptionKind kind = core::DisruptionKind::kFailover;
  std::string entity;                // the decision's entity: "db1"
  std::string action;                // "Failover"
  std::string cause;                 // the rule that fired: "failover-unreachable-leader"
  std::vector<std::string> signals;  // the signals the rule needed, by name
  bool requested = false;            // one of them is raised only by asking
  std::optional<core::DisruptionEvidence> evidence;
  core::TimeUs at_us = 0;  // virtual time
};

// How many disruptions of one kind one rule caused.
struct DisruptionTally {
  std::string kind;   // "failover"
  std::string cause;  // "failover-unreachable-leader"
  std::uint64_t count = 0;

  friend bool operator==(const DisruptionTally&, const DisruptionTally&) = default;
};

class DisruptionLog {
 public:
  // `model` must outlive the log.
  explicit DisruptionLog(const core::ControlPlaneModel& model) : model_(model) {}

  // The disruption `event` decides, counted; nothing when its action is not
  // one the model declares disruptive, or could not start.
  std::optional<Disruption> record(const core::DecisionEvent& event, core::TimeUs now_us);
  // Every count so far, by kind then cause.
  std::vector<DisruptionTally> tallies() const;

 private:
  const core::ControlPlaneModel& model_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> counts_;
};

// How many disruptions of `kind` the tallies hold, every cause together.
std::uint64_t count_of(const std::vector<DisruptionTally>& tallies, core::DisruptionKind kind);
// "failover-unreachable-leader 1, planned-failover 1": the causes of `kind`.
std::string causes_of(const std::vector<DisruptionTally>& tallies, core::DisruptionKind kind);

// "failover of db1 (rule failover-unreachable-leader on ConsistentlyUnreachable,
// StandbyCaughtUp) against db1-1 over a 90.0 s window: monitor-a silent
// 95.0 s (counted), monitor-b silent 93.0 s (counted)"
std::string describe(const Disruption& disruption);

// The `no_needless_disruption` violation, if `disruption` was needless:
// taken on the plane's own judgement (not requested), on health signals
// with a window, against a database host sound since at least the window
// plus `slack_us` before it.
std::optional<Violation> judge(const Disruption& disruption, const World& world,
                               const HostHealth& health, core::TimeUs slack_us);

}  // namespace unwedge::sim
