#include "planes/postgres/model.hpp"

#include "planes/postgres/actions.hpp"
#include "planes/postgres/machines.hpp"
#include "planes/postgres/tables.hpp"

namespace unwedge::postgres {
namespace {

using core::DecisionClaim;
using core::PathClaim;

std::vector<PathClaim> path_claims() {
  return {
      {.statement = "promotion always passes through fencing the old leader",
       .machine = "replica_link",
       .source = "following",
       .target = "promoted",
       .waypoint = "fencing"},
      {.statement = "a lagging standby is promoted only after catching up",
       .machine = "replica_link",
       .source = "lagging",
       .target = "promoted",
       .waypoint = "following"},
      {.statement = "a new standby is promoted only after its first catch-up",
       .machine = "replica_link",
       .source = "syncing",
       .target = "promoted",
       .waypoint = "following"},
      {.statement = "an expired certificate is active again only through a rotation",
       .machine = "certificate",
       .source = "expired",
       .target = "active",
       .waypoint = "rotating"},
  };
}

std::vector<DecisionClaim> decision_claims() {
  using Kind = DecisionClaim::Kind;
  return {
      {.statement = "NeedsUnfollow always yields Unfollow",
       .kind = Kind::kAlways,
       .table = "replica_link",
       .given = {"NeedsUnfollow"},
       .action = "Unfollow",
       .in = {"syncing", "following", "lagging", "unfollowing"}},
      {.statement = "a lagging standby is never promoted",
       .kind = Kind::kNever,
       .table = "replica_link",
       .given = {"StandbyLagging"},
       .action = "Promote"},
      {.statement = "a link in the lagging state is never promoted",
       .kind = Kind::kNever,
       .table = "replica_link",
       .action = "Promote",
       .in = {"syncing", "lagging"}},
      {.statement = "a consistently unreachable leader with a caught-up standby always yields "
                    "Failover",
       .kind = Kind::kAlways,
       .table = "service",
       .given = {"ConsistentlyUnreachable", "StandbyCaughtUp"},
       .action = "Failover",
       .in = {"available", "uncertain", "unavailable"},
       .unless = {"NeedsDeprovision"}},
      {.statement = "a service is never failed over without a caught-up standby",
       .kind = Kind::kNever,
       .table = "service",
       .action = "Failover",
       .in = {"provisioning", "available", "uncertain", "unavailable", "maintenance"},
       .unless = {"StandbyCaughtUp"}},
      {.statement = "NeedsDeprovision always yields Deprovision outside a failover",
       .kind = Kind::kAlways,
       .table = "service",
       .given = {"NeedsDeprovision"},
       .action = "Deprovision",
       .in = {"provisioning", "available", "uncertain", "unavailable", "maintenance",
              "deprovisioning"}},
      {.statement = "NeedsDestroy always yields DestroyServer outside a replacement",
       .kind = Kind::kAlways,
       .table = "server",
       .given = {"NeedsDestroy"},
       .action = "DestroyServer",
       .in = {"creating", "running", "unreachable", "restarting", "fenced", "destroying"}},
      {.statement = "a fenced server is never marked running",
       .kind = Kind::kNever,
       .table = "server",
       .action = "MarkServerRunning",
       .in = {"fenced"}},
      {.statement = "an expiring certificate is always rotated",
       .kind = Kind::kAlways,
       .table = "certificate",
       .action = "RotateCertificate",
       .in = {"expiring"},
       .unless = {"NeedsRevoke", "CertExpired"}},
      {.statement = "a revoked certificate is never rotated",
       .kind = Kind::kNever,
       .table = "certificate",
       .action = "RotateCertificate",
       .in = {"revoked"}},
  };
}

// Failovers, restarts and replacements take a customer's database away
// while they run. A failover or a promotion a customer asked for, and a
// replacement an operator asked for, are never needless.
std::vector<core::DisruptiveAction> disruptive_actions() {
  using core::DisruptionKind;
  return {
      {.table = "service",
       .action = "Failover",
       .kind = DisruptionKind::kFailover,
       .requested_by = {"NeedsFailover"}},
      {.table = "replica_link",
       .action = "Promote",
       .kind = DisruptionKind::kFailover,
       .requested_by = {"NeedsPromote"}},
      {.table = "server", .action = "RestartServer", .kind = DisruptionKind::kRestart},
      {.table = "server",
       .action = "ReplaceServer",
       .kind = DisruptionKind::kReplacement,
       .requested_by = {"NeedsReplace"}},
  };
}

// The actions under default settings; the thresholds they read do not
// change which transitions they make, which is all the checks look at.
const std::vector<core::ActionDef>& default_actions() {
  static const std::vector<core::ActionDef> actions = make_actions(Settings{});
  return actions;
}

constexpr const char* kDescription =
    R"(The reference managed-Postgres control plane is the system unwedge tests by default and the example a team copies for its own. It manages four kinds of entity: the **service** (one database as its customers see it), the **servers** that run its Postgres nodes, the **replica links** that feed its standbys and customer followers, and its **TLS certificate**.

Monitoring, operators and customers only raise signals. A missed check-in, replication lag or a near expiry is derived from telemetry on every pass of the control loop; a request (failover, promote, unfollow, replace, deprovision) is a flag on the entity it concerns. The decision tables turn signals into at most one action per entity, and the scheduler runs at most one action per entity at a time. A customer's Promote takes its service's slot, since it changes the service's leader.

Choices that shape it:

- **Fence before promote.** Every leader change, failover or customer promotion alike, fences the old leader before the candidate is promoted, so at no moment can two nodes accept writes.
- **No acknowledged write is given up for availability.** A synchronous service fails over only to the standby with the highest position when every following standby's position is known: that standby holds every acknowledgement. An asynchronous service fails over only while its leader is reachable, after the fenced leader reports its final position (in a check-in it sent after every one seen from it up to the fence, so no late or repeated copy of an older report passes for it) and the candidate reaches it. A replacement still being attached is never the candidate: its rewind or re-point may still land. With an unreachable leader and no such standby, the service stays unavailable rather than lose writes.
- **Retries never duplicate effects.** A step asks again under the same idempotency key while an operation is pending or its outcome unknown (timed out); only a definite failure is retried under a new key.
- **Everything is bounded.** Waits per step, restarts per host, dwell in every unstable state.)";

core::ControlPlaneModel build_model() {
  std::vector<const core::ActionDef*> actions;
  for (const core::ActionDef& def : default_actions())
    actions.push_back(&def);
  return core::ControlPlaneModel{
      .name = "postgres",
      .description = kDescription,
      .machines = {&service_machine(), &server_machine(), &replica_link_machine(),
                   &certificate_machine()},
      .tables = {&service_table(), &server_table(), &replica_link_table(), &certificate_table()},
      .actions = actions,
      .path_claims = path_claims(),
      .decision_claims = decision_claims(),
      .disruptive_actions = disruptive_actions(),
  };
}

}  // namespace

const core::ControlPlaneModel& model() {
  static const core::ControlPlaneModel built = build_model();
  return built;
}

}  // namespace unwedge::postgres
