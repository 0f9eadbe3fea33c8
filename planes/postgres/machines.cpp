#include "planes/postgres/machines.hpp"

#include <utility>

namespace unwedge::postgres {
namespace {

using core::kHour;
using core::kMinute;
using core::MachineDef;

// The definitions are data in code; a mistake in them is a programming error
// found by the first test that touches the machine.
MachineDef built(core::Result<MachineDef> result) {
  UNWEDGE_ASSERT_MSG(result.ok(), "{}", result.ok() ? "" : result.error().message);
  return std::move(result).value();
}

MachineDef::Builder service_builder() {
  MachineDef::Builder b("service");
  b.state("provisioning",
          {.dwell_max_us = 30 * kMinute,
           .why = "Not serving yet; a provisioning stalled for half an hour is a failure."})
      .state("available",
             {.healthy = true,
              .stable = true,
              .why = "The leader checks in everywhere and accepts writes; nothing in flight."})
      .state("uncertain",
             {.dwell_max_us = 2 * kMinute,
              .bound_holds_during_faults = true,
              .why = "A check-in was missed: not known down, not known up. A few check-in "
                     "intervals must settle it either way, whatever the fault."})
      .state("unavailable",
             {.dwell_max_us = 15 * kMinute,
              .why = "Consistently unreachable from several vantage points: customers are "
                     "down until it recovers or fails over."})
      .state("failing_over",
             {.dwell_max_us = 10 * kMinute,
              .why = "No writable leader while the standby is promoted; must end quickly."})
      .state("maintenance",
             {.healthy = true,
              .dwell_max_us = kHour,
              .why = "Serving, but a planned change (a server replacement) is in flight."})
      .state("deprovisioning",
             {.dwell_max_us = 30 * kMinute,
              .why = "Tearing down; not serving, and resources are still billed."})
      .state("deprovisioned",
             {.stable = true,
              .why = "Gone for good: the intended end, so not healthy but not a wedge."});
  b.transition("provisioning", "available", "provisioned")
      .transition("available", "uncertain", "missed_checkin")
      .transition("uncertain", "available", "checkin_ok")
      .transition("uncertain", "unavailable", "consistently_unreachable")
      .transition("available", "unavailable", "consistently_unreachable")
      .transition("unavailable", "available", "checkin_ok")
      .transition("failing_over", "available", "failover_done")
      .transition("failing_over", "unavailable", "failover_abandoned")
      .transition("available", "maintenance", "maintenance_started")
      .transition("maintenance", "available", "maintenance_done")
      .transition("maintenance", "unavailable", "consistently_unreachable")
      .transition("deprovisioning", "deprovisioned", "deprovisioned");
  for (const char* from : {"available", "uncertain", "unavailable"}) {
    b.transition(from, "failing_over", "failover_started");
  }
  for (const char* from :
       {"provisioning", "available", "uncertain", "unavailable", "maintenance"}) {
    b.transition(from, "deprovisioning", "deprovision_started");
  }
  b.initial("provisioning").terminal("deprovisioned");
  return b;
}

MachineDef::Builder server_builder() {
  MachineDef::Builder b("server");
  b.state("creating", {.dwell_max_us = 20 * kMinute,
                       .why = "The host is being built; a cloud that takes longer has failed."})
      .state("running",
             {.healthy = true, .stable = true, .why = "Up and checking in; nothing in flight."})
      .state("unreachable",
             {.dwell_max_us = 15 * kMinute,
              .why = "Missed check-ins; it must come back, be restarted or be replaced."})
      .state("restarting",
             {.dwell_max_us = 10 * kMinute, .why = "Being restarted; serves nothing meanwhile."})
      .state("fenced", {.dwell_max_us = kHour,
                        .why = "An old leader cut off from writes by a failover; it is unfenced or "
                               "replaced, never left half-dead."})
      .state("replacing", {.dwell_max_us = 30 * kMinute,
                           .why = "Its replacement is being built; it will be destroyed."})
      .state("destroying", {.dwell_max_us = 30 * kMinute, .why = "The host is being deleted."})
      .state("destroyed", {.stable = true, .why = "Deleted: the intended end of every server."});
  b.transition("creating", "running", "created")
      .transition("running", "unreachable", "missed_checkin")
      .transition("unreachable", "running", "checkin_ok")
      .transition("unreachable", "restarting", "restart_started")
      .transition("restarting", "running", "restarted")
      .transition("restarting", "unreachable", "restart_timed_out")
      .transition("fenced", "running", "unfenced")
      .transition("replacing", "destroying", "replacement_ready")
      .transition("destroying", "destroyed", "destroyed");
  for (const char* from : {"running", "unreachable", "restarting"}) {
    b.transition(from, "fenced", "fenced");
  }
  for (const char* from : {"running", "unreachable", "restarting", "fenced"}) {
    b.transition(from, "replacing", "replace_started");
  }
  for (const char* from : {"creating", "running", "unreachable", "restarting", "fenced"}) {
    b.transition(from, "destroying", "destroy_started");
  }
  b.initial("creating").terminal("destroyed");
  return b;
}

MachineDef::Builder replica_link_builder() {
  MachineDef::Builder b("replica_link");
  b.state("syncing",
          {.dwell_max_us = kHour,
           .why = "A new replica copying the base backup; not yet a failover candidate."})
      .state("following", {.healthy = true,
                           .stable = true,
                           .why = "Replicating within the lag bound: a candidate for promotion."})
      .state("lagging", {.dwell_max_us = 30 * kMinute,
                         .why = "Too far behind to promote without losing writes; must catch up."})
      .state("fencing",
             {.dwell_max_us = 5 * kMinute,
              .why = "Its leader is being fenced so that it can be promoted; brief by design."})
      .state("promoting",
             {.dwell_max_us = 5 * kMinute,
              .why = "Being promoted on a new timeline; the service has no writer meanwhile."})
      .state("promoted",
             {.healthy = true, .stable = true, .why = "Now the leader: the link's job is done."})
      .state("unfollowing", {.dwell_max_us = 10 * kMinute, .why = "Detaching from its leader."})
      .state("unfollowed", {.healthy = true,
                            .stable = true,
                            .why = "An independent database now: the customer's intended end."});
  b.transition("syncing", "following", "caught_up")
      .transition("following", "lagging", "lag_exceeded")
      .transition("lagging", "following", "caught_up")
      .transition("following", "fencing", "promotion_started")
      .transition("fencing", "promoting", "old_leader_fenced")
      .transition("fencing", "following", "promotion_abandoned")
      .transition("promoting", "promoted", "promoted")
      .transition("promoting", "following", "promotion_failed")
      .transition("unfollowing", "unfollowed", "unfollowed");
  for (const char* from : {"syncing", "following", "lagging"}) {
    b.transition(from, "unfollowing", "unfollow_started");
  }
  b.initial("syncing").terminal("promoted").terminal("unfollowed");
  return b;
}

MachineDef::Builder certificate_builder() {
  MachineDef::Builder b("certificate");
  b.state("issuing", {.dwell_max_us = 10 * kMinute,
                      .why = "The first certificate is being issued; clients cannot connect yet."})
      .state("active",
             {.healthy = true, .stable = true, .why = "Valid and installed on the leader."})
      .state("expiring",
             {.healthy = true,
              .dwell_max_us = 48 * kHour,
              .why = "Still valid but inside the renewal window: a rotation must start within "
                     "two days."})
      .state("rotating",
             {.healthy = true,
              .dwell_max_us = kHour,
              .why = "A new serial is being issued and installed; the old one still serves."})
      .state("expired",
             {.dwell_max_us = kHour, .why = "Clients reject it: an outage until a rotation lands."})
      .state("revoked", {.stable = true, .why = "Withdrawn at deprovisioning: the intended end."});
  b.transition("issuing", "active", "issued")
      .transition("active", "expiring", "expiry_near")
      .transition("rotating", "active", "rotated")
      .transition("active", "expired", "expired")
      .transition("expiring", "expired", "expired")
      .transition("rotating", "expired", "expired");
  for (const char* from : {"active", "expiring", "expired"}) {
    b.transition(from, "rotating", "rotation_started");
  }
  for (const char* from : {"issuing", "active", "expiring", "rotating", "expired"}) {
    b.transition(from, "revoked", "revoked");
  }
  b.initial("issuing").terminal("revoked");
  return b;
}

}  // namespace

const MachineDef& service_machine() {
  static const MachineDef def = built(service_builder().build());
  return def;
}

const MachineDef& server_machine() {
  static const MachineDef def = built(server_builder().build());
  return def;
}

const MachineDef& replica_link_machine() {
  static const MachineDef def = built(replica_link_builder().build());
  return def;
}

const MachineDef& certificate_machine() {
  static const MachineDef def = built(certificate_builder().build());
  return def;
}

}  // namespace unwedge::postgres
