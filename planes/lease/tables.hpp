// The lease plane's decision tables: what a keeper does about what it reads
// of the consensus store, its clock and its database, and what the console
// does about what monitoring reports of a service's members.
//
//   const core::DecisionTable& t = keeper_table();
//   core::Decision d = t.decide(leader, t.signals_named({"LeaseExpiring"}));  // Demote
#pragma once

#include "core/decision_table.hpp"

namespace unwedge::lease {

const core::DecisionTable& keeper_table();
const core::DecisionTable& service_table();

}  // namespace unwedge::lease
