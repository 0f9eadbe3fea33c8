// The service machine and the monitor's own table for it: where a service
// stands as its monitor sees it, and what the monitor does about its hosts
// and its endpoint (its nodes' goals are the monitor table's, see
// monitor_table.hpp).
//
//   provisioning -> available <-> degraded
//
// Signals of a service, read from the members' reports in the monitor's Store:
//   HostsCreated   both members' hosts were created
//   Settled        one member reports primary, the other secondary, and
//                  neither has a goal it has not reached
//   EndpointStale  the endpoint routes elsewhere than the member that reports
//                  a primary's state and keeps a primary's goal
//
//   core::Decision d = service_table().decide(service.state.id, signals);
#pragma once

#include "core/decision_table.hpp"
#include "core/machine.hpp"

namespace unwedge::goal {

const core::MachineDef& service_machine();
const core::DecisionTable& service_table();

}  // namespace unwedge::goal
