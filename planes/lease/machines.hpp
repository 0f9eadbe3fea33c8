// The lease plane's two machines.
//
// keeper: one per node, in the node's own Store, moved by the node's agent.
// A keeper leads only through `acquiring` (it wrote the lease) and
// `promoting`; it stops leading only through `demoting` (it fenced its
// database). service: one per customer order, in the console's Store: it
// is available while some member takes writes and the endpoint routes there.
//
//   core::StateId leader = *keeper_machine().find_state("leader");
#pragma once

#include "core/machine.hpp"

namespace unwedge::lease {

const core::MachineDef& keeper_machine();
const core::MachineDef& service_machine();

}  // namespace unwedge::lease
