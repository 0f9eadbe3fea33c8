#include "planes/goal/service_machine.hpp"

namespace unwedge::goal {

using core::kMinute;

const core::MachineDef& service_machine() {
  static const core::MachineDef machine =
      *core::MachineDef::Builder("service")
           .state("provisioning", {.dwell_max_us = 30 * kMinute,
                                   .why = "its hosts are being created and its nodes have not "
                                          "yet settled as a primary with a standby"})
           .state("available", {.healthy = true,
                                .stable = true,
                                .why = "a primary with a caught-up standby, and the endpoint "
                                       "routes to the primary"})
           .state("degraded", {.dwell_max_us = 30 * kMinute,
                               .why = "its nodes walk towards new goals (a failover, a standby "
                                      "catching up): it may have no standby, or no writer"})
           .transition("provisioning", "available", "settled")
           .transition("available", "degraded", "unsettled")
           .transition("degraded", "available", "settled")
           .initial("provisioning")
           .build();
  return machine;
}

const core::DecisionTable& service_table() {
  static const core::DecisionTable table =
      *core::DecisionTable::Builder("service", service_machine())
           .signals({"HostsCreated", "Settled", "EndpointStale"})
           .actions({"Provision", "Route", "MarkSettled", "MarkUnsettled"})
           .rule({.name = "provision",
                  .unless = {"HostsCreated"},
                  .in = {"provisioning"},
                  .action = "Provision",
                  .priority = 50})
           .rule({.name = "route", .when = {"EndpointStale"}, .action = "Route", .priority = 40})
           .rule({.name = "settled",
                  .when = {"HostsCreated", "Settled"},
                  .unless = {"EndpointStale"},
                  .in = {"provisioning", "degraded"},
                  .action = "MarkSettled",
                  .priority = 30})
           .rule({.name = "unsettled",
                  .unless = {"Settled"},
                  .in = {"available"},
                  .action = "MarkUnsettled",
                  .priority = 30})
           .rule({.name = "idle", .priority = 0})
           .build();
  return table;
}

}  // namespace unwedge::goal
