#include "planes/postgres/tables.hpp"

#include <utility>

#include "planes/postgres/machines.hpp"

namespace unwedge::postgres {
namespace {

using core::DecisionTable;

DecisionTable built(core::Result<DecisionTable> result) {
  UNWEDGE_ASSERT_MSG(result.ok(), "{}", result.ok() ? "" : result.error().message);
  return std::move(result).value();
}

DecisionTable::Builder service_builder() {
  DecisionTable::Builder b("service", service_machine());
  b.signals({"MissedCheckin", "CheckinOk", "ConsistentlyUnreachable", "StandbyCaughtUp",
             "NeedsFailover", "NeedsDeprovision"})
      .actions({"Provision", "Failover", "Deprovision", "MarkServiceUncertain",
                "MarkServiceUnavailable", "MarkServiceAvailable"});
  b.rule({.name = "ignore-after-deprovisioned", .in = {"deprovisioned"}, .priority = 200})
      .rule(
          {.name = "retry-failover", .in = {"failing_over"}, .action = "Failover", .priority = 150})
      .rule({.name = "retry-deprovision",
             .in = {"deprovisioning"},
             .action = "Deprovision",
             .priority = 150})
      .rule({.name = "deprovision",
             .when = {"NeedsDeprovision"},
             .in = {"provisioning", "available", "uncertain", "unavailable", "maintenance"},
             .action = "Deprovision",
             .priority = 100})
      .rule({.name = "failover-unreachable-leader",
             .when = {"ConsistentlyUnreachable", "StandbyCaughtUp"},
             .in = {"available", "uncertain", "unavailable"},
             .action = "Failover",
             .priority = 80})
      .rule({.name = "planned-failover",
             .when = {"NeedsFailover", "StandbyCaughtUp"},
             .in = {"available", "uncertain", "unavailable"},
             .action = "Failover",
             .priority = 75})
      .rule({.name = "unreachable-without-standby",
             .when = {"ConsistentlyUnreachable"},
             .in = {"available", "uncertain", "maintenance"},
             .action = "MarkServiceUnavailable",
             .priority = 70})
      .rule({.name = "missed-checkin",
             .when = {"MissedCheckin"},
             .in = {"available"},
             .action = "MarkServiceUncertain",
             .priority = 40})
      .rule({.name = "checkin-restored",
             .when = {"CheckinOk"},
             .in = {"uncertain", "unavailable"},
             .action = "MarkServiceAvailable",
             .priority = 40})
      .rule({.name = "finish-provisioning",
             .in = {"provisioning"},
             .action = "Provision",
             .priority = 30})
      .rule({.name = "idle", .priority = 0});
  b.invalid({"MissedCheckin", "CheckinOk"},
            "a leader's latest check-in is missed or fresh, not both")
      .invalid({"ConsistentlyUnreachable", "CheckinOk"},
               "a leader heard from just now is not consistently unreachable");
  return b;
}

DecisionTable::Builder server_builder() {
  DecisionTable::Builder b("server", server_machine());
  b.signals({"MissedCheckin", "CheckinOk", "ConsistentlyUnreachable", "NeedsReplace",
             "NeedsDestroy", "Leader", "BeingPromoted", "StandsAlone"})
      .actions({"CreateServer", "MarkServerUnreachable", "MarkServerRunning", "RestartServer",
                "ReplaceServer", "DestroyServer"});
  b.rule({.name = "ignore-destroyed", .in = {"destroyed"}, .priority = 200})
      .rule({.name = "retry-destroy",
             .in = {"destroying"},
             .action = "DestroyServer",
             .priority = 150})
      .rule({.name = "retry-replace",
             .in = {"replacing"},
             .action = "ReplaceServer",
             .priority = 150})
      .rule({.name = "destroy",
             .when = {"NeedsDestroy"},
             .in = {"creating", "running", "unreachable", "restarting", "fenced"},
             .action = "DestroyServer",
             .priority = 100})
      // A server whose replica is being promoted is about to lead: replacing
      // it would destroy the new leader once the failover lands. The request
      // waits. If the promotion is abandoned the server is a replica again
      // and is replaced as asked; if it succeeds the server leads, and the
      // request waits like any request to replace a leader, until a failover
      // has made it an old leader. The operator asked for that host to go,
      // so the request is kept, not dropped; it is never carried out by
      // taking the service's only writer away.
      // A server that stands alone (an unfollowed database, or one being
      // unfollowed, which may already take its customer's writes) holds the
      // only copy of its data: a replacement would be a fresh replica of
      // the leader, and the customer's database would be destroyed with the
      // old host. Like a leader's, the request is kept and never carried out.
      .rule({.name = "replace",
             .when = {"NeedsReplace"},
             .unless = {"Leader", "BeingPromoted", "StandsAlone"},
             .in = {"running", "unreachable", "restarting", "fenced"},
             .action = "ReplaceServer",
             .priority = 80})
      .rule({.name = "replace-fenced-old-leader",
             .unless = {"Leader"},
             .in = {"fenced"},
             .action = "ReplaceServer",
             .priority = 70})
      .rule({.name = "restart-unreachable",
             .when = {"ConsistentlyUnreachable"},
             .in = {"unreachable"},
             .action = "RestartServer",
             .priority = 60})
      .rule({.name = "retry-restart",
             .in = {"restarting"},
             .action = "RestartServer",
             .priority = 60})
      .rule({.name = "missed-checkin",
             .when = {"MissedCheckin"},
             .in = {"running"},
             .action = "MarkServerUnreachable",
             .priority = 40})
      .rule({.name = "checkin-restored",
             .when = {"CheckinOk"},
             .in = {"unreachable"},
             .action = "MarkServerRunning",
             .priority = 40})
      .rule({.name = "create", .in = {"creating"}, .action = "CreateServer", .priority = 30})
      .rule({.name = "idle", .priority = 0});
  b.invalid({"MissedCheckin", "CheckinOk"}, "a host's latest check-in is missed or fresh, not both")
      .invalid({"ConsistentlyUnreachable", "CheckinOk"},
               "a host heard from just now is not consistently unreachable");
  return b;
}

// `promote_priority` is 80 in the shipped table: under the unfollow rule,
// so a replica asked to do both stands alone (see the note below).
DecisionTable::Builder replica_link_builder(int promote_priority) {
  DecisionTable::Builder b("replica_link", replica_link_machine());
  b.signals({"StandbyLagging", "CaughtUp", "NeedsPromote", "NeedsUnfollow"})
      .actions({"MarkLinkLagging", "MarkLinkCaughtUp", "Promote", "Unfollow"});
  b.rule({.name = "ignore-ended", .in = {"promoted", "unfollowed"}, .priority = 200})
      .rule({.name = "promotion-in-flight", .in = {"fencing", "promoting"}, .priority = 150})
      .rule({.name = "unfollow",
             .when = {"NeedsUnfollow"},
             .in = {"syncing", "following", "lagging", "unfollowing"},
             .action = "Unfollow",
             .priority = 100})
      .rule({.name = "promote",
             .when = {"NeedsPromote"},
             .unless = {"StandbyLagging"},
             .in = {"following"},
             .action = "Promote",
             .priority = promote_priority})
      .rule({.name = "lagging",
             .when = {"StandbyLagging"},
             .in = {"following"},
             .action = "MarkLinkLagging",
             .priority = 50})
      .rule({.name = "caught-up",
             .when = {"CaughtUp"},
             .in = {"syncing", "lagging"},
             .action = "MarkLinkCaughtUp",
             .priority = 50})
      .rule({.name = "idle", .priority = 0});
  // A customer may ask to promote and to unfollow the same replica (two
  // clicks, two API calls); the requests are flags set independently, so
  // both can be up at once. That is not an impossible combination: the
  // unfollow rule outranks the promote rule, and unfollowing clears the
  // promotion request, which is moot once the replica stands alone.
  b.invalid({"StandbyLagging", "CaughtUp"}, "replication lag is over the bound or under it");
  return b;
}

DecisionTable::Builder certificate_builder() {
  DecisionTable::Builder b("certificate", certificate_machine());
  b.signals({"CertExpiring", "CertExpired", "LeaderChanged", "NeedsRevoke"})
      .actions({"IssueCertificate", "RotateCertificate", "RevokeCertificate", "MarkCertExpiring",
                "MarkCertExpired"});
  b.rule({.name = "ignore-revoked", .in = {"revoked"}, .priority = 200})
      .rule({.name = "revoke",
             .when = {"NeedsRevoke"},
             .in = {"issuing", "active", "expiring", "rotating", "expired"},
             .action = "RevokeCertificate",
             .priority = 100})
      .rule({.name = "expired",
             .when = {"CertExpired"},
             .in = {"active", "expiring"},
             .action = "MarkCertExpired",
             .priority = 90})
      .rule({.name = "rotate",
             .in = {"expiring", "expired", "rotating"},
             .action = "RotateCertificate",
             .priority = 80})
      .rule({.name = "rotate-onto-new-leader",
             .when = {"LeaderChanged"},
             .in = {"active"},
             .action = "RotateCertificate",
             .priority = 80})
      .rule({.name = "expiring",
             .when = {"CertExpiring"},
             .in = {"active"},
             .action = "MarkCertExpiring",
             .priority = 50})
      .rule({.name = "issue", .in = {"issuing"}, .action = "IssueCertificate", .priority = 30})
      .rule({.name = "idle", .priority = 0});
  b.invalid({"CertExpiring", "CertExpired"}, "a certificate is expiring or expired, not both");
  return b;
}

}  // namespace

const DecisionTable& service_table() {
  static const DecisionTable table = built(service_builder().build());
  return table;
}

const DecisionTable& server_table() {
  static const DecisionTable table = built(server_builder().build());
  return table;
}

const DecisionTable& replica_link_table() {
  static const DecisionTable table = built(replica_link_builder(80).build());
  return table;
}

const DecisionTable& replica_link_table(const Settings& settings) {
  // MUTANT (promote_outranks_unfollow): the promote rule is raised above the
  // unfollow rule. The table stays deterministic and complete; only what a
  // replica asked to do both ends up as changes.
  if (UNWEDGE_MUTANT(settings, kPromoteOutranksUnfollow)) {
    static const DecisionTable mutant = built(replica_link_builder(110).build());
    return mutant;
  }
  return replica_link_table();
}

const DecisionTable& certificate_table() {
  static const DecisionTable table = built(certificate_builder().build());
  return table;
}

}  // namespace unwedge::postgres
