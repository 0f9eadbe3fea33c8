#include "planes/lease/machines.hpp"

namespace unwedge::lease {

using core::kMinute;

const core::MachineDef& keeper_machine() {
  static const core::MachineDef machine =
      *core::MachineDef::Builder("keeper")
           .state("starting", {.dwell_max_us = 30 * kMinute,
                               .why = "the agent has not yet found a leader or the lease free; "
                                      "its database is a fresh one nobody routes to"})
           .state("replica", {.healthy = true,
                              .stable = true,
                              .why = "fenced, streaming from the lease holder or waiting for one"})
           .state("acquiring", {.dwell_max_us = 5 * kMinute,
                                .why = "racing for the lease; left as soon as the race is decided"})
           .state("promoting", {.dwell_max_us = 5 * kMinute,
                                .why = "holds the lease, its database not yet open for writes"})
           .state("leader", {.healthy = true,
                             .stable = true,
                             .why = "holds the lease by its own clock and takes writes"})
           .state("demoting", {.dwell_max_us = 5 * kMinute,
                               .why = "fencing its database: it may no longer lead"})
           .state("rejoining", {.dwell_max_us = 30 * kMinute,
                                .why = "following the new leader, rewound if it diverged"})
           .transition("starting", "acquiring", "lease_free")
           .transition("starting", "rejoining", "leader_found")
           .transition("replica", "acquiring", "lease_free")
           .transition("replica", "rejoining", "leader_changed")
           .transition("replica", "rejoining", "restart_requested")
           .transition("rejoining", "acquiring", "lease_free")
           .transition("rejoining", "replica", "rejoined")
           .transition("acquiring", "promoting", "lease_acquired")
           .transition("acquiring", "replica", "gave_up")
           .transition("acquiring", "rejoining", "lost_race")
           .transition("promoting", "leader", "promoted")
           .transition("promoting", "demoting", "lease_lost")
           .transition("leader", "demoting", "lease_lost")
           .transition("leader", "demoting", "stepping_down")
           .transition("demoting", "rejoining", "fenced")
           .initial("starting")
           .build();
  return machine;
}

const core::MachineDef& service_machine() {
  static const core::MachineDef machine =
      *core::MachineDef::Builder("service")
           .state("provisioning", {.dwell_max_us = 30 * kMinute,
                                   .why = "its hosts are being created and no member leads yet"})
           .state("available", {.healthy = true,
                                .stable = true,
                                .why = "a member takes writes and the endpoint routes to it"})
           .state("leaderless", {.dwell_max_us = 15 * kMinute,
                                 .why = "no member takes writes; the keepers elect one"})
           .transition("provisioning", "available", "leader_elected")
           .transition("available", "leaderless", "leader_lost")
           .transition("leaderless", "available", "leader_elected")
           .initial("provisioning")
           .build();
  return machine;
}

}  // namespace unwedge::lease
