// The machines of the reference managed-Postgres control plane: one per
// entity kind. Each state's healthy/stable flags and dwell bound are argued
// in docs/CONTROL_PLANE.md.
//
//   const core::MachineDef& m = postgres::service_machine();
//   core::StateId available = *m.find_state("available");
#pragma once

#include "core/machine.hpp"

namespace unwedge::postgres {

// One database as its customers see it: provisioning, then available,
// uncertain or unavailable, failing over, under maintenance, deprovisioned.
const core::MachineDef& service_machine();
// A host running one Postgres node of a service.
const core::MachineDef& server_machine();
// A standby or customer follower replicating from the service's leader.
const core::MachineDef& replica_link_machine();
// The TLS certificate a service's leader presents.
const core::MachineDef& certificate_machine();

}  // namespace unwedge::postgres
