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
#include "planes/postgres/entities.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

// The steps after the first, for an action whose first step is `begin`.
std::vector<core::StepDef> leader_change_steps(const Settings& settings);
// The transitions those steps (and a begin step that starts a failover) make.
std::vector<core::RequestedTransition> leader_change_transitions();

// Re-delivery. The runner is at-least-once and erases a finished
// execution's record, so the same execution (same id, same idempotency
// keys) may be delivered again from its first step with none of its vars.
// Run again, a Failover would start a second failover of a service that is
// available on its new leader, and abandon it when no other standby has
// caught up. So a leader change that finishes, by succeeding or by being
// abandoned, writes its action id on the service (last_leader_change) in
// the transaction that ends it, and each action's first step calls this
// first: it finishes a duplicate there, with nothing changed.
//
// Why on the entity and not in the scheduler: the scheduler never hands out
// an id twice, so a guard there would guard only against itself, while a
// duplicate reaches an action from outside it (a redelivered message, an
// operator re-running an id); what a duplicate can harm is the service, so
// the service is what remembers. It also keeps the crash exploration's
// re-delivery check about the actions, where it can still fail.
std::optional<core::StepResult> leader_change_finished(core::StepContext& ctx,
                                                       const Service& service);

// Ends the action when the change cannot safely go on: unfences the old
// leader if it was fenced, returns the candidate to following and the
// service to unavailable. Waits while the unfence is in flight.
core::StepResult abandon_leader_change(core::StepContext& ctx, const std::string& reason);

}  // namespace unwedge::postgres
