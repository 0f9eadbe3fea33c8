// Settings: the thresholds and timeouts of the reference control plane.
//
// Each is a knob a scenario may set; the defaults are what a managed Postgres
// service would ship with. Names carry their unit.
#pragma once

#include <cstdint>

#include "core/telemetry.hpp"
#include "core/time.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {

// Planted bugs, each one point changed in the shipped code, for proving that
// the harness catches them (tests/mutants, docs/HARNESS_POWER.md). Only the
// unwedge_postgres_mutants build compiles the mutation points in; in the
// production library `mutant` is read by nothing, so no setting can enable
// one there.
enum class Mutant : std::uint8_t {
  kNone,
  kFailoverWithoutFencing,      // the old leader is never fenced
  kPromoteLaggingStandby,       // the standby's position is not checked
  kMostRecentlyUpdatedService,  // a leader change loads the latest-changed service, not its own
  kNoUncertainTimeout,          // an uncertain service never times out to unavailable
  kTransitionShortcut,          // a promotion skips `fencing`, a move not in the table
  kRetryWithoutIdempotencyKey,  // a host creation that timed out is retried under a new key
  kRotationSkipsNewLeader,      // a rotation installs on the server that had the certificate
  kUnboundedRefollowRetry,      // a replica that refuses to follow is asked again, never rebuilt
  kPromoteOutranksUnfollow,     // the replica-link table puts promote above unfollow
  kUnfollowKeepsReplicating,    // an unfollow opens the replica for writes still streaming
  kFailoverOnReplicaSilence,    // a silent standby is taken for a silent leader
  kLateEndpointRepoint,         // a leader change finishes before the endpoint moves, 5 min later
  kRepointToOldLeader,          // the endpoint is moved to the service's leader before it changes
  kRestartLeaderOnLag,          // a leader is restarted when a standby reports it is behind
  kRepointNotAwaited,           // a leader change goes on once the endpoint move is asked for
  kRotationRevokesNewSerial,    // a rotation revokes "the old serial", which revokes every serial
  kPromoteOntoCurrentTimeline,  // a promotion names the timeline the candidate is on, not the next
  kCreateKeyInMemory,           // a host creation's key is minted in the process's memory
  kAgeFromReceiveTime,          // a check-in's age is its monitor's timestamp against our clock
  kAgeFromSentTime,             // a check-in's age is its host's send time against our clock
  kEndpointToLastServer,        // a new service's endpoint goes to the last server named
  kInstallRetriedUnderSameKey,  // a failed certificate install is asked again under its key
  kRequestsUnwatched,           // a request waits for the controller's next full pass
};
inline constexpr std::uint8_t kMutants = 24;
const char* to_string(Mutant mutant);

struct Settings {
  // Monitoring vantage points every host checks in with.
  std::uint32_t vantage_points = 2;
  // A vantage point's latest check-in older than this is missed.
  core::TimeUs missed_after_us = 30 * core::kSecond;
  // Missed at this many vantage points for at least unreachable_after_us:
  // consistently unreachable, not a blip at one monitor.
  std::uint32_t unreachable_vantages_min = 2;
  core::TimeUs unreachable_after_us = 90 * core::kSecond;
  // Restarts tried on an unreachable host before it is replaced instead.
  std::uint32_t restarts_max = 3;
  // A leader past restarts_max cannot be replaced until a failover has
  // moved its writes elsewhere; until then it is restarted again once it has
  // been unreachable this long, giving the failover the first chance.
  core::TimeUs leader_restart_gap_us = 5 * core::kMinute;
  // A standby further behind its leader than this is lagging.
  pgworld::Lsn lag_bytes_max = 16 * 1024 * 1024;
  // Certificates: how long one lasts and how early it is renewed.
  core::TimeUs certificate_validity_us = 90 * 24 * core::kHour;
  core::TimeUs certificate_renew_before_us = 14 * 24 * core::kHour;
  // The controller decides only the entities whose inputs changed, and
  // every entity at least this often whatever changed (the safety net of a
  // Kubernetes informer's resync); 0: every entity on every pass.
  core::TimeUs full_pass_every_us = 10 * core::kMinute;
  // Disruptive actions (failovers, promotions, restarts, replacements) the
  // controller runs at once across the fleet, as a real one bounds its blast
  // radius; past it, those it decides wait for a later pass. 0: no limit.
  std::uint32_t disruptions_running_max = 0;
  Mutant mutant = Mutant::kNone;  // see Mutant: inert outside the mutant build

  friend bool operator==(const Settings&, const Settings&) = default;
};

}  // namespace unwedge::postgres

// True when this build has the mutation points and `mutant` is switched on;
// a constant false in production builds. A macro rather than a function, so
// the two builds of a file never disagree about one inline definition.
#ifdef UNWEDGE_MUTANTS
#define UNWEDGE_MUTANT(settings, name) ((settings).mutant == ::unwedge::postgres::Mutant::name)
#else
#define UNWEDGE_MUTANT(settings, name) (static_cast<void>(settings), false)
#endif
