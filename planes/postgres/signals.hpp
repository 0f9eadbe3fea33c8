// Signal derivation: from the Store, monitoring and the clock to the signal
// set each decision table reads. Telemetry-derived signals (missed check-ins,
// lag, expiry) are recomputed every time; request signals are the flags
// operators and customers raised on the entity.
//
//   core::SignalSet s = service_signals(txn, telemetry, settings, now_us, service);
//   core::Decision d = service_table().decide(service.state.id, s);
#pragma once

#include "core/signal_set.hpp"
#include "core/store.hpp"
#include "core/telemetry.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

core::SignalSet service_signals(core::Transaction& txn, const core::Telemetry& telemetry,
                                const Settings& settings, core::TimeUs now_us,
                                const Service& service);
core::SignalSet server_signals(core::Transaction& txn, const core::Telemetry& telemetry,
                               const Settings& settings, core::TimeUs now_us, const Server& server);
core::SignalSet replica_link_signals(core::Transaction& txn, const core::Telemetry& telemetry,
                                     const Settings& settings, core::TimeUs now_us,
                                     const ReplicaLink& link);
core::SignalSet certificate_signals(core::Transaction& txn, const Settings& settings,
                                    core::TimeUs now_us, const Certificate& certificate);

}  // namespace unwedge::postgres
