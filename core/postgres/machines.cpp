#include "core/postgres/machines.hpp"

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
  b.state("provisioning", {.dwell_max_us = 30 * kMinute})
      .state("available", {.healthy = true, .stable = true})
      .state("uncertain", {.dwell_max_us = 2 * kMinute})
      .state("unavailable", {.dwell_max_us = 15 * kMinute})
      .state("failing_over", {.dwell_max_us = 10 * kMinute})
      .state("maintenance", {.healthy = true, .dwell_max_us = kHour})
      .state("deprovisioning", {.dwell_max_us = 30 * kMinute})
      .state("deprovisioned", {.stable = true});
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
  b.state("creating", {.dwell_max_us = 20 * kMinute})
      .state("running", {.healthy = true, .stable = true})
      .state("unreachable", {.dwell_max_us = 15 * kMinute})
      .state("restarting", {.dwell_max_us = 10 * kMinute})
      .state("fenced", {.dwell_max_us = kHour})
      .state("replacing", {.dwell_max_us = 30 * kMinute})
      .state("destroying", {.dwell_max_us = 30 * kMinute})
      .state("destroyed", {.stable = true});
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
  b.state("syncing", {.dwell_max_us = kHour})
      .state("following", {.healthy = true, .stable = true})
      .state("lagging", {.dwell_max_us = 30 * kMinute})
      .state("fencing", {.dwell_max_us = 5 * kMinute})
      .state("promoting", {.dwell_max_us = 5 * kMinute})
      .state("promoted", {.healthy = true, .stable = true})
      .state("unfollowing", {.dwell_max_us = 10 * kMinute})
      .state("unfollowed", {.healthy = true, .stable = true});
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
  b.state("issuing", {.dwell_max_us = 10 * kMinute})
      .state("active", {.healthy = true, .stable = true})
      .state("expiring", {.healthy = true, .dwell_max_us = 48 * kHour})
      .state("rotating", {.healthy = true, .dwell_max_us = kHour})
      .state("expired", {.dwell_max_us = kHour})
      .state("revoked", {.stable = true});
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
