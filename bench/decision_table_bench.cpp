// Benchmarks of DecisionTable::decide (paid for every entity on every
// simulated tick) and of the exhaustive analyses analyze() and always()
// (paid at build/test time and by `unwedge check-model`).
//
// The table is a realistic one for a database server: 12 states, a catalogue
// of 16 signals, ~20 rules and a few invalid combinations. Tables with fewer
// signals keep the first N signals of the catalogue and the rules and invalid
// combinations that can still apply, so the 8-, 12- and 16-signal tables are
// the same table at three sizes.
//
//   ./decision_table_bench --benchmark_filter=Decide
#include <algorithm>
#include <array>
#include <benchmark/benchmark.h>
#include <string>
#include <vector>

#include "bench/bench_support.hpp"
#include "core/decision_analysis.hpp"
#include "core/decision_table.hpp"

namespace unwedge::bench {
namespace {

using core::ActionId;
using core::Decision;
using core::DecisionKind;
using core::DecisionTable;
using core::MachineDef;
using core::Result;
using core::SignalSet;
using core::StateId;
using RuleSpec = DecisionTable::Builder::RuleSpec;

MachineDef server_machine() {
  Result<MachineDef> def = MachineDef::Builder("server")
                               .state("provisioning")
                               .state("available", {.healthy = true, .stable = true})
                               .state("degraded", {.stable = true})
                               .state("restarting")
                               .state("fencing")
                               .state("promoting")
                               .state("following", {.healthy = true, .stable = true})
                               .state("unfollowing")
                               .state("rotating_cert", {.healthy = true})
                               .state("stopping")
                               .state("stopped", {.stable = true})
                               .state("deprovisioned", {.stable = true})
                               .transition("provisioning", "available", "provisioned")
                               .transition("provisioning", "following", "provisioned_as_standby")
                               .transition("available", "degraded", "health_failed")
                               .transition("degraded", "available", "health_recovered")
                               .transition("degraded", "restarting", "restart_requested")
                               .transition("available", "restarting", "restart_requested")
                               .transition("restarting", "available", "restart_done")
                               .transition("available", "fencing", "failover_started")
                               .transition("degraded", "fencing", "failover_started")
                               .transition("fencing", "stopped", "fenced")
                               .transition("following", "promoting", "promote_requested")
                               .transition("promoting", "available", "promote_done")
                               .transition("following", "unfollowing", "unfollow_requested")
                               .transition("unfollowing", "available", "unfollow_done")
                               .transition("available", "rotating_cert", "rotation_started")
                               .transition("rotating_cert", "available", "rotation_done")
                               .transition("available", "stopping", "stop_requested")
                               .transition("following", "stopping", "stop_requested")
                               .transition("stopping", "stopped", "stopped")
                               .transition("stopped", "restarting", "start_requested")
                               .transition("stopped", "deprovisioned", "deprovision_done")
                               .initial("provisioning")
                               .terminal("deprovisioned")
                               .build();
  UNWEDGE_ASSERT_MSG(def.ok(), "{}", def.error().message);
  return std::move(def).value();
}

// The first 8 are the signals every server table has; 8..11 complete the
// 12-signal table the decide benchmark uses; 12..15 fill the catalogue.
const std::array<std::string, 16> kSignals{
    "MissedCheckin", "HostUnreachable",   "StandbyLagging", "NeedsPromote",
    "NeedsUnfollow", "NeedsRestart",      "CertExpiring",   "DiskFull",
    "OperatorStop",  "OperatorStart",     "Deprovision",    "ReplicationBroken",
    "BackupOverdue", "MaintenanceWindow", "QuotaExceeded",  "TlsHandshakeFailing"};

const std::vector<std::string> kActions{
    "Unfollow", "Deprovision", "Stop",       "Start",  "Promote",    "Failover", "Restart",
    "Fence",    "RotateCert",  "ExpandDisk", "Resync", "TakeBackup", "Throttle", "Reprovision"};

const std::vector<std::string> kInFlight{"provisioning", "restarting",    "fencing", "promoting",
                                         "unfollowing",  "rotating_cert", "stopping"};
const std::vector<std::string> kServing{"available", "degraded", "following"};

// Unfollow outranks every rule, so "NeedsUnfollow always yields Unfollow"
// holds. Rules that share a priority never match the same cell.
std::vector<RuleSpec> rule_specs() {
  std::vector<std::string> not_gone = kServing;
  not_gone.insert(not_gone.end(), kInFlight.begin(), kInFlight.end());
  not_gone.push_back("stopped");
  return {
      {.name = "unfollow", .when = {"NeedsUnfollow"}, .action = "Unfollow", .priority = 100},
      {.name = "gone", .in = {"deprovisioned"}, .priority = 98},
      {.name = "deprovision",
       .when = {"Deprovision"},
       .in = not_gone,
       .action = "Deprovision",
       .priority = 95},
      {.name = "stop", .when = {"OperatorStop"}, .in = kServing, .action = "Stop", .priority = 90},
      {.name = "start",
       .when = {"OperatorStart"},
       .in = {"stopped"},
       .action = "Start",
       .priority = 90},
      {.name = "failover",
       .when = {"HostUnreachable", "MissedCheckin"},
       .unless = {"MaintenanceWindow"},
       .in = {"available", "degraded"},
       .action = "Failover",
       .priority = 85},
      {.name = "promote",
       .when = {"NeedsPromote"},
       .unless = {"StandbyLagging"},
       .in = {"following"},
       .action = "Promote",
       .priority = 80},
      {.name = "promote_lagging",
       .when = {"NeedsPromote", "StandbyLagging"},
       .in = {"following"},
       .priority = 80},
      {.name = "fence",
       .when = {"HostUnreachable"},
       .in = {"promoting"},
       .action = "Fence",
       .priority = 75},
      {.name = "resync",
       .when = {"ReplicationBroken"},
       .in = {"following"},
       .action = "Resync",
       .priority = 70},
      {.name = "reprovision",
       .when = {"HostUnreachable"},
       .in = {"provisioning"},
       .action = "Reprovision",
       .priority = 65},
      {.name = "restart",
       .when = {"NeedsRestart"},
       .unless = {"HostUnreachable"},
       .in = kServing,
       .action = "Restart",
       .priority = 60},
      {.name = "stopped_unreachable",
       .when = {"HostUnreachable"},
       .in = {"stopped"},
       .priority = 60},
      {.name = "restart_silent",
       .when = {"MissedCheckin"},
       .in = {"degraded"},
       .action = "Restart",
       .priority = 55},
      {.name = "expand_disk",
       .when = {"DiskFull"},
       .unless = {"QuotaExceeded"},
       .in = kServing,
       .action = "ExpandDisk",
       .priority = 50},
      {.name = "throttle",
       .when = {"DiskFull", "QuotaExceeded"},
       .in = kServing,
       .action = "Throttle",
       .priority = 50},
      {.name = "tls_failing",
       .when = {"TlsHandshakeFailing"},
       .in = kServing,
       .action = "RotateCert",
       .priority = 45},
      {.name = "rotate_cert",
       .when = {"CertExpiring"},
       .in = {"available", "following"},
       .action = "RotateCert",
       .priority = 40},
      {.name = "backup",
       .when = {"BackupOverdue", "MaintenanceWindow"},
       .in = {"available"},
       .action = "TakeBackup",
       .priority = 30},
      {.name = "lagging", .when = {"StandbyLagging"}, .in = {"following"}, .priority = 20},
      {.name = "in_flight", .in = kInFlight, .priority = 10},
      {.name = "idle", .priority = 0},
  };
}

struct InvalidSpec {
  std::vector<std::string> signals;
  std::string why;
  std::vector<std::string> in;
};

const std::vector<InvalidSpec> kInvalid{
    {{"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict", {}},
    {{"OperatorStop", "OperatorStart"}, "stop and start at once", {}},
    {{"NeedsPromote", "Deprovision"}, "promote a server being deprovisioned", {}},
    {{"NeedsRestart", "NeedsUnfollow"}, "restart during unfollow", {"following"}},
};

bool declared(const std::vector<std::string>& names, std::size_t signal_count) {
  const auto first = kSignals.begin();
  const auto last = kSignals.begin() + static_cast<std::ptrdiff_t>(signal_count);
  return std::all_of(names.begin(), names.end(),
                     [&](const std::string& n) { return std::find(first, last, n) != last; });
}

// The table restricted to the first `signal_count` signals: a rule that needs
// a missing signal can never match and is left out; an `unless` on a missing
// signal is always satisfied and is dropped; likewise invalid combinations.
DecisionTable server_table(const MachineDef& machine, std::size_t signal_count) {
  UNWEDGE_ASSERT_LE(signal_count, kSignals.size());
  DecisionTable::Builder builder("server", machine);
  const auto last = kSignals.begin() + static_cast<std::ptrdiff_t>(signal_count);
  builder.signals(std::vector<std::string>(kSignals.begin(), last)).actions(kActions);
  for (RuleSpec spec : rule_specs()) {
    if (!declared(spec.when, signal_count)) continue;
    std::erase_if(spec.unless, [&](const std::string& n) { return !declared({n}, signal_count); });
    builder.rule(std::move(spec));
  }
  for (const InvalidSpec& spec : kInvalid) {
    if (declared(spec.signals, signal_count)) builder.invalid(spec.signals, spec.why, spec.in);
  }
  Result<DecisionTable> table = builder.build();
  UNWEDGE_ASSERT_MSG(table.ok(), "{}", table.error().message);
  const core::TableAnalysis analysis = core::analyze(*table);
  UNWEDGE_ASSERT_MSG(analysis.ok(), "{}", analysis.describe(*table));
  return std::move(table).value();
}

// Built once per program; the tables point at the machine.
struct Tables {
  MachineDef machine = server_machine();
  DecisionTable signals8 = server_table(machine, 8);
  DecisionTable signals12 = server_table(machine, 12);
  DecisionTable signals16 = server_table(machine, 16);

  const DecisionTable& with_signals(std::int64_t count) const {
    if (count == 8) return signals8;
    if (count == 12) return signals12;
    UNWEDGE_ASSERT_EQ(count, std::int64_t{16});
    return signals16;
  }
};

const Tables& tables() {
  static const Tables instance;
  return instance;
}

struct Cell {
  StateId state;
  SignalSet signals;
};

enum class CellMix {
  kUniform,  // every signal raised with probability 1/2: the worst case
  kSparse,   // every signal raised with probability 1/16: a typical tick
};

// A power of two, so the benchmark loop indexes it with a mask; large enough
// that branch predictors cannot learn the sequence.
constexpr std::size_t kCellCount = 4096;

std::vector<Cell> random_cells(const DecisionTable& table, CellMix mix) {
  Xorshift rng(kSeed);
  std::vector<Cell> cells;
  cells.reserve(kCellCount);
  const std::size_t signal_count = table.signal_names().size();
  for (std::size_t i = 0; i < kCellCount; ++i) {
    const auto state = static_cast<StateId>(rng.below(table.machine().state_count()));
    SignalSet signals;
    for (std::size_t s = 0; s < signal_count; ++s) {
      if (rng.one_in(mix == CellMix::kUniform ? 2 : 16)) {
        signals = signals.with(static_cast<core::SignalId>(s));
      }
    }
    cells.push_back(Cell{state, signals});
  }
  return cells;
}

void BM_Decide(benchmark::State& state, CellMix mix) {
  const DecisionTable& table = tables().signals12;
  const std::vector<Cell> cells = random_cells(table, mix);
  std::size_t invalid = 0;
  for (const Cell& c : cells) {
    if (table.decide(c.state, c.signals).kind == DecisionKind::kInvalid) ++invalid;
  }
  std::size_t i = 0;
  const std::uint64_t allocations_before = allocation_count();
  for (auto _ : state) {
    const Cell& cell = cells[i++ & (kCellCount - 1)];
    Decision decision = table.decide(cell.state, cell.signals);
    benchmark::DoNotOptimize(decision);
  }
  report_allocations(state, allocations_before);
  state.counters["rules"] = static_cast<double>(table.rules().size());
  state.counters["invalid%"] = 100.0 * static_cast<double>(invalid) / kCellCount;
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Decide, uniform, CellMix::kUniform);
BENCHMARK_CAPTURE(BM_Decide, sparse, CellMix::kSparse);

void BM_Analyze(benchmark::State& state) {
  const DecisionTable& table = tables().with_signals(state.range(0));
  std::size_t cells = 0;
  for (auto _ : state) {
    core::TableAnalysis analysis = core::analyze(table);
    cells += analysis.cells_checked;
    benchmark::DoNotOptimize(analysis);
  }
  state.counters["cells/s"] =
      benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsRate);
  state.counters["rules"] = static_cast<double>(table.rules().size());
}
BENCHMARK(BM_Analyze)->Arg(8)->Arg(12)->Arg(16)->Unit(benchmark::kMillisecond);

// "NeedsUnfollow always yields Unfollow" over every state: 12 x 2^15 cells.
void BM_Always(benchmark::State& state) {
  const DecisionTable& table = tables().signals16;
  const SignalSet given = table.signals_named({"NeedsUnfollow"});
  const ActionId unfollow = *table.find_action("Unfollow");
  std::size_t cells = 0;
  for (auto _ : state) {
    core::QueryResult result = core::always(table, given, unfollow);
    if (!result.holds) {
      state.SkipWithError(result.describe(table).c_str());
      break;
    }
    cells += result.cells_checked;
    benchmark::DoNotOptimize(result);
  }
  state.counters["cells/s"] =
      benchmark::Counter(static_cast<double>(cells), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Always)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace unwedge::bench
