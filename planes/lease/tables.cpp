#include "planes/lease/tables.hpp"

#include "planes/lease/machines.hpp"

namespace unwedge::lease {

// Signals of a keeper (keeper_signals.hpp says how each is read):
//   StoreUnreachable    the latest read of the consensus store failed or is old
//   LeaseMine           the lease names this node
//   LeaseOther          the lease names another node
//   LeaseExpiring       by its own clock, the safe part of its lease is over
//   RenewDue            loop_wait has passed since its last renewal
//   CanPromote          its database is close enough to the leader's published
//                       position, and that position can be trusted
//   StepDownAsked       an operator asked this leader to hand over, or this node
//                       to restart
//   SwitchoverForOther  an operator asked to hand leadership to another node, or
//                       to step away from this one: it must not race
//   FollowingHolder     its database streams from the lease holder
const core::DecisionTable& keeper_table() {
  static const core::DecisionTable table =
      *core::DecisionTable::Builder("keeper", keeper_machine())
           .signals({"StoreUnreachable", "LeaseMine", "LeaseOther", "LeaseExpiring", "RenewDue",
                     "CanPromote", "StepDownAsked", "SwitchoverForOther", "FollowingHolder"})
           .actions({"Acquire", "Promote", "Renew", "Demote", "StepDown", "Rejoin", "Release"})
           // The safety rule: a leader whose lease is no longer safe by its own
           // clock demotes whatever else it reads, before the store can give
           // the lease to anyone else.
           .rule({.name = "expiring",
                  .when = {"LeaseExpiring"},
                  .in = {"leader", "promoting"},
                  .action = "Demote",
                  .priority = 100})
           .rule({.name = "usurped",
                  .when = {"LeaseOther"},
                  .in = {"leader", "promoting"},
                  .action = "Demote",
                  .priority = 90})
           .rule({.name = "vanished",
                  .unless = {"LeaseMine", "LeaseOther", "StoreUnreachable"},
                  .in = {"leader", "promoting"},
                  .action = "Demote",
                  .priority = 90})
           .rule({.name = "step-down",
                  .when = {"StepDownAsked"},
                  .in = {"leader"},
                  .action = "StepDown",
                  .priority = 80})
           .rule({.name = "renew",
                  .when = {"RenewDue"},
                  .in = {"leader"},
                  .action = "Renew",
                  .priority = 70})
           .rule({.name = "resume-promotion",
                  .in = {"promoting"},
                  .action = "Promote",
                  .priority = 60})
           .rule({.name = "promote",
                  .when = {"LeaseMine", "CanPromote"},
                  .in = {"acquiring"},
                  .action = "Promote",
                  .priority = 60})
           .rule({.name = "lost-race",
                  .when = {"LeaseOther"},
                  .in = {"acquiring"},
                  .action = "Rejoin",
                  .priority = 55})
           .rule({.name = "give-up", .in = {"acquiring"}, .action = "Release", .priority = 40})
           .rule({.name = "race",
                  .when = {"CanPromote"},
                  .unless = {"LeaseMine", "LeaseOther", "StoreUnreachable", "SwitchoverForOther"},
                  .in = {"starting", "replica", "rejoining"},
                  .action = "Acquire",
                  .priority = 40})
           .rule({.name = "restart",
                  .when = {"StepDownAsked", "LeaseOther"},
                  .in = {"replica"},
                  .action = "Rejoin",
                  .priority = 35})
           .rule({.name = "follow",
                  .when = {"LeaseOther"},
                  .unless = {"FollowingHolder"},
                  .in = {"starting", "replica"},
                  .action = "Rejoin",
                  .priority = 30})
           // A rejoin cut short (the store did not answer) is taken up again,
           // even when the database already streams from the holder.
           .rule({.name = "finish-rejoin",
                  .when = {"LeaseOther"},
                  .in = {"rejoining"},
                  .action = "Rejoin",
                  .priority = 30})
           .rule(
               {.name = "finish-demotion", .in = {"demoting"}, .action = "Demote", .priority = 10})
           .rule({.name = "idle", .priority = 0})
           .invalid({"LeaseMine", "LeaseOther"}, "the lease names one node")
           .invalid({"StoreUnreachable", "LeaseMine"}, "an unreachable store tells nothing")
           .invalid({"StoreUnreachable", "LeaseOther"}, "an unreachable store tells nothing")
           .build();
  return table;
}

// Signals of a service, read from monitoring's check-ins:
//   HostsCreated   every member's host was created
//   WriterSeen     a member reports recently that it takes writes
//   EndpointStale  the endpoint routes elsewhere than that member
const core::DecisionTable& service_table() {
  static const core::DecisionTable table =
      *core::DecisionTable::Builder("service", service_machine())
           .signals({"HostsCreated", "WriterSeen", "EndpointStale"})
           .actions({"Provision", "Route", "Reroute", "MarkLeaderless"})
           .rule({.name = "provision",
                  .unless = {"HostsCreated"},
                  .in = {"provisioning"},
                  .action = "Provision",
                  .priority = 50})
           .rule({.name = "first-leader",
                  .when = {"HostsCreated", "WriterSeen"},
                  .in = {"provisioning"},
                  .action = "Route",
                  .priority = 40})
           .rule({.name = "reroute",
                  .when = {"WriterSeen", "EndpointStale"},
                  .in = {"available"},
                  .action = "Reroute",
                  .priority = 40})
           .rule({.name = "new-leader",
                  .when = {"WriterSeen"},
                  .in = {"leaderless"},
                  .action = "Route",
                  .priority = 40})
           .rule({.name = "leader-lost",
                  .unless = {"WriterSeen"},
                  .in = {"available"},
                  .action = "MarkLeaderless",
                  .priority = 30})
           .rule({.name = "idle", .priority = 0})
           .build();
  return table;
}

}  // namespace unwedge::lease
