// Settings: the timings and thresholds of the goal plane's monitor, named
// as pg_auto_failover names the ones it has.
//
// The monitor holds a node unhealthy once no vantage point has heard from
// it for `unhealthy_after`, and fails its service over then. A standby
// counts as caught up when it follows, on its primary's timeline, at most
// `caught_up_lag_max` log records behind the primary, by their check-ins.
//
//   core::Result<Settings> s = parse_settings({{"unhealthy_after", "20s"}});
#pragma once

#include <cstdint>

#include "core/telemetry.hpp"
#include "core/time.hpp"

namespace unwedge::goal {

// Planted bugs, each an edge missing from the node machine the plane ships
// or a rule missing from its monitor, for proving that the harness catches
// them. Only the
// unwedge_goal_mutants build compiles the mutation points in; in the
// production library `mutant` is read by nothing.
enum class Mutant : std::uint8_t {
  kNone,
  kNoRejoinEdge,  // demoted -> catchingup is gone: an old primary cannot rejoin
  kNoAbortEdge,   // prepare_promotion -> secondary is gone: a promotion cannot be called off
  // The monitor's rule standby_ready is gone: a standby that fell back to
  // catchingup on a goal it read before a failover (a stale goal) is left
  // there beside its demoted partner.
  kStandbyLeftCatchingUp,
};
inline constexpr std::uint8_t kMutants = 4;
const char* to_string(Mutant mutant);

struct Settings {
  // No check-in heard from a node for this long: it is unhealthy.
  core::TimeUs unhealthy_after_us = 30 * core::kSecond;
  // A following standby at most this many log records behind is caught up.
  core::LogPosition caught_up_lag_max = 16;
  Mutant mutant = Mutant::kNone;

  friend bool operator==(const Settings&, const Settings&) = default;
};

// How often every keeper wakes: it reads its goal, takes at most one step
// towards it, and reports where it is.
inline constexpr core::TimeUs kKeeperIntervalUs = core::kSecond;

}  // namespace unwedge::goal

// True when this build has the mutation points and `mutant` is `name`; a
// constant false in production builds.
#ifdef UNWEDGE_GOAL_MUTANTS
#define UNWEDGE_GOAL_MUTANT(mutant_value, name) ((mutant_value) == ::unwedge::goal::Mutant::name)
#else
#define UNWEDGE_GOAL_MUTANT(mutant_value, name) (static_cast<void>(mutant_value), false)
#endif
