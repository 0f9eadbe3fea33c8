// Reading the reference control plane's fleet: what monitoring says of a
// host, which servers and links a service has, and which standby may take
// over as leader. Shared by signal derivation and the actions, so the table
// and the action that follows it judge by the same rules.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/store.hpp"
#include "core/telemetry.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

// Monitoring's view of one host at `now_us`.
struct HostView {
  std::uint32_t fresh = 0;              // vantage points with a recent check-in
  std::uint32_t missed = 0;             // expected vantage points without one
  std::uint32_t long_missed = 0;        // missed for at least unreachable_after_us
  std::optional<core::Checkin> latest;  // the newest check-in any vantage point has
  // How long the counts above stay as they are if nothing new is heard: a
  // check-in ages past missed_after_us, a silence reaches
  // unreachable_after_us. kForever when nothing can change by time alone.
  core::TimeUs steady_for_us = core::kForever;

  bool reachable() const { return missed == 0 && fresh > 0; }
};

// How long a vantage point that has heard the host counts it silent.
// kSinceWatched: from the later of its last check-in and watched_since_us,
// so a host just restarted or recovered gets a fresh unreachable_after_us
// (what the server table wants before it restarts a host again).
// kSinceCheckin: from its last check-in alone, for a judge (the service, of
// its leader) that the server's own restart bookkeeping must not reset.
enum class Silence : std::uint8_t { kSinceWatched, kSinceCheckin };

// `watched_since_us` is when the host was expected to start checking in (it
// entered running); a vantage point that has never heard from it counts as
// missed since then.
HostView view_host(const core::Telemetry& telemetry, std::string_view host,
                   const Settings& settings, core::TimeUs now_us, core::TimeUs watched_since_us,
                   Silence silence = Silence::kSinceWatched);
// The same view of check-ins already read (telemetry.checkins(host)), for a
// caller that judges one host both ways.
HostView view_checkins(const std::vector<core::Checkin>& checkins, const Settings& settings,
                       core::TimeUs now_us, core::TimeUs watched_since_us,
                       Silence silence = Silence::kSinceWatched);

// How many vantage points must miss a host before it is judged missing: as
// many as it takes to call it consistently unreachable. Fewer is a fault on
// the path to a monitor, not of the host, which the others still hear; were
// it judged missing, a cut to one monitor would hold a service "uncertain"
// for as long as the cut lasts, with nothing that could settle it.
std::uint32_t vantages_to_miss(const Settings& settings);
// Missed at vantages_to_miss vantage points (lately or long).
bool missing(const HostView& view, const Settings& settings);
// Heard lately, and not missing.
bool heard(const HostView& view, const Settings& settings);
// Missed for at least unreachable_after_us at vantages_to_miss vantage points.
bool consistently_unreachable(const HostView& view, const Settings& settings);

// Server ids of a service, <service>-1 .. <service>-<servers_named>, in order.
std::vector<std::string> server_ids(const Service& service);

// Whether the server holds the only copy of a customer's database: it was
// unfollowed, or its link is unfollowing (the step that opens it for writes
// may already have run). Such a server is never replaced: a replacement would
// be a fresh replica of the leader, and the database would go with the host.
// `link` is the server's replica link, or null if it has none.
bool stands_alone(const Server& server, const ReplicaLink* link);

// The standby that may become leader without losing an acknowledged write,
// if any: a following HA standby on a running server, reporting to
// monitoring, at or past every LSN the leader reported. Synchronous services
// need every following standby's position known (the highest one holds every
// acknowledgement); asynchronous services also need the leader reachable, as
// only then can the standby be brought to the leader's final LSN before
// promotion. Highest LSN wins; ties go to the lowest id.
std::optional<std::string> choose_standby(core::Transaction& txn, const core::Telemetry& telemetry,
                                          const Settings& settings, core::TimeUs now_us,
                                          const Service& service);

}  // namespace unwedge::postgres
