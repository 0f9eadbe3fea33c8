// The fleet the engine simulates: the Postgres world (worlds/postgres/),
// under the engine's own names.
//
// The engine runs one kind of fleet. Its types are named here once, so the
// engine's code says `World` and `HostIndex` rather than spelling the world's
// namespace at every use, and this header is the one place that says which
// fleet the engine runs. (Beside it, a plane may ask for the consensus store
// of worlds/consensus/, which store_cluster.hpp runs.) The world itself knows nothing of the
// engine: it sees only the kernel below it (sim/kernel/).
//
//   World world(now_us);                      // pgworld::World
//   HostIndex h = world.add_host("db1-1", "db1");
#pragma once

#include "worlds/postgres/fleet_api.hpp"
#include "worlds/postgres/keyed_infra.hpp"
#include "worlds/postgres/monitor_telemetry.hpp"
#include "worlds/postgres/world.hpp"
#include "worlds/postgres/write_checks.hpp"

namespace unwedge::sim {

using pgworld::AckedWrite;
using pgworld::Client;
using pgworld::DbNode;
using pgworld::describe_effect;
using pgworld::HeardCheckin;
using pgworld::Host;
using pgworld::HostIndex;
using pgworld::HostState;
using pgworld::IndependentDb;
using pgworld::KeyedInfra;
using pgworld::MonitorTelemetry;
using pgworld::ServiceEndpoint;
using pgworld::Vantage;
using pgworld::World;
using pgworld::WriteChecks;
using pgworld::WriteFinding;
using pgworld::WriteOutcome;

}  // namespace unwedge::sim
