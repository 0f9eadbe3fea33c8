// The decision tables of the reference managed-Postgres control plane.
//
// Telemetry, operators and customers only raise signals; these tables decide
// which action to start for an entity that has none running. An action in
// flight is carried to its end by the runner, so the tables say "nothing" in
// the transient states an action owns, and "start it again" in the states an
// action of the entity's own leaves behind when it ends early.
#pragma once

#include "core/decision_table.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

const core::DecisionTable& service_table();
const core::DecisionTable& server_table();
const core::DecisionTable& replica_link_table();
// The table the controller decides with under `settings`: the one above,
// unless a planted bug of the mutant build changes it.
const core::DecisionTable& replica_link_table(const Settings& settings);
const core::DecisionTable& certificate_table();

}  // namespace unwedge::postgres
