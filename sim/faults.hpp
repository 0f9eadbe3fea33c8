// Faults: every way the simulated world can go wrong, as registered kinds.
//
// A fault is a FaultSpec (kind, targets by name, duration, one amount) so a
// scenario file, the swarm generator and a reproducer all name faults the
// same way. Every kind has a start and a heal; a fault with a duration heals
// itself, and a run's safety phase ends by healing everything still active.
//
//   FaultSpec cut{.kind = FaultKind::kPartitionOneWay,
//                 .targets = {"db1-1"}, .others = {"db1-2"}, .duration_us = 5 * kMinute};
//   sim.schedule_fault(2 * kHour, cut);   // db1-1's messages to db1-2 are dropped
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "sim/rng.hpp"

namespace unwedge::sim {

class World;

enum class FaultKind : std::uint8_t {
  kPartitionComplete,  // targets cut from every other endpoint, both ways
  kPartitionPartial,   // targets and others cannot reach each other; the rest reach both
  kPartitionOneWay,    // messages from targets to others are dropped; replies pass
  kHostCrash,          // target hosts go down; healed, they boot again
  kDatabaseCrash,      // the database process on target hosts dies; healed, it restarts
  kAgentPause,         // target hosts' monitoring agents stop checking in
  kLateCheckins,       // target hosts' check-ins arrive `amount` us late
  kDuplicateCheckins,  // each check-in arrives again `amount` us later
  kStaleCheckins,      // a stuck relay re-sends targets' last check-in, dead or alive
  kClockDrift,         // target clocks gain `amount` ppm (negative: lose)
  kClockJump,          // target clocks step by `amount` us
  kInfraSlow,          // every fleet API call takes `amount` times longer
  kInfraFailing,       // fleet API calls fail with chance `amount` ppm
  kInfraTimeouts,      // fleet API calls time out with chance `amount` ppm
  kInfraDuplicates,    // completed calls are delivered again with chance `amount` ppm
  kControlPlaneCrash,  // the control plane dies `amount` transactions from now at point targets[0]
};

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;     // as scenarios spell it
  std::string_view summary;  // one line for docs and reports
};

std::span<const FaultKindInfo> fault_kinds();
const FaultKindInfo& info(FaultKind kind);
std::optional<FaultKind> find_fault_kind(std::string_view name);

// Crash points as scenarios spell them.
inline constexpr std::string_view kCrashPointNames[] = {"before_begin", "mid_transaction",
                                                        "after_commit"};

struct FaultSpec {
  FaultKind kind = FaultKind::kHostCrash;
  std::vector<std::string> targets;  // endpoints (hosts, monitors, clients, control-plane)
  std::vector<std::string> others;   // partial: the far side; one-way: the receivers
  core::TimeUs duration_us = 0;      // 0: active until everything is healed
  std::int64_t amount = 0;           // see FaultKind

  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

// "partition_one_way {db1-1} -> {db1-2} for 5m"
std::string describe(const FaultSpec& spec);

// A fault on a scenario's timeline, or one the random nemesis drew.
struct ScheduledFault {
  core::TimeUs at_us = 0;
  FaultSpec spec;

  friend bool operator==(const ScheduledFault&, const ScheduledFault&) = default;
};

// Draws a fault of `kind` aimed at the world as it is now: partitions and
// crashes favour a service's current leader, where faults hurt most. Returns
// nothing when the world has no fitting target (no host is up yet).
std::optional<FaultSpec> draw_fault(FaultKind kind, const World& world, Rng& rng);

}  // namespace unwedge::sim
