// What the reference control plane saw when it decided a disruptive action:
// the node the action strikes, how long the signals that held had to hold
// (missed_after for MissedCheckin, unreachable_after for
// ConsistentlyUnreachable) and what each vantage point had heard of that
// node. The controller attaches it to the decision it journals
// (core/disruption.hpp); the harness judges it against the world.
//
//   std::optional<core::DisruptionEvidence> seen =
//       disruption_evidence(txn, telemetry, settings, now_us, service, table, signals);
#pragma once

#include <optional>

#include "core/decision_table.hpp"
#include "core/disruption.hpp"
#include "core/store.hpp"
#include "core/telemetry.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

// A service's failover strikes its leader, seen as the service judges it
// (silence since the last check-in).
core::DisruptionEvidence disruption_evidence(core::Transaction& txn,
                                             const core::Telemetry& telemetry,
                                             const Settings& settings, core::TimeUs now_us,
                                             const Service& service,
                                             const core::DecisionTable& table,
                                             core::SignalSet signals);
// A server's restart or replacement strikes its own host.
core::DisruptionEvidence disruption_evidence(core::Transaction& txn,
                                             const core::Telemetry& telemetry,
                                             const Settings& settings, core::TimeUs now_us,
                                             const Server& server, const core::DecisionTable& table,
                                             core::SignalSet signals);
// A customer's promotion of a replica fences its service's leader; it is
// asked for, so no health is read.
core::DisruptionEvidence disruption_evidence(core::Transaction& txn,
                                             const core::Telemetry& telemetry,
                                             const Settings& settings, core::TimeUs now_us,
                                             const ReplicaLink& link,
                                             const core::DecisionTable& table,
                                             core::SignalSet signals);
// Certificates disrupt nothing.
core::DisruptionEvidence disruption_evidence(core::Transaction& txn,
                                             const core::Telemetry& telemetry,
                                             const Settings& settings, core::TimeUs now_us,
                                             const Certificate& certificate,
                                             const core::DecisionTable& table,
                                             core::SignalSet signals);

}  // namespace unwedge::postgres
