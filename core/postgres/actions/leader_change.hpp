// The steps Failover and Promote share: both make a replica the service's
// leader, and both must do it in the one safe order. Fence the old leader
// first (so it can acknowledge no write the new one will not have), bring
// the candidate to the old leader's final position when replication was
// asynchronous, promote it on a new timeline, repoint the endpoint, make the
// other replicas follow it, and only then call the service available.
//
// The actions differ only in their first step, which picks the candidate and
// records, in the action's vars: service, old_leader, candidate.
#pragma once

#include <vector>

#include "core/action.hpp"
#include "core/postgres/settings.hpp"

namespace unwedge::postgres {

// The steps after the first, for an action whose first step is `begin`.
std::vector<core::StepDef> leader_change_steps(const Settings& settings);
// The transitions those steps (and a begin step that starts a failover) make.
std::vector<core::RequestedTransition> leader_change_transitions();

// Ends the action when the change cannot safely go on: unfences the old
// leader if it was fenced, returns the candidate to following and the
// service to unavailable. Waits while the unfence is in flight.
core::StepResult abandon_leader_change(core::StepContext& ctx, const std::string& reason);

}  // namespace unwedge::postgres
