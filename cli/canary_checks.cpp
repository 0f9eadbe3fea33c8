#include "cli/canary_checks.hpp"

#include <chrono>
#include <fmt/format.h>

#include "cli/canary_plane.hpp"
#include "sim/determinism.hpp"
#include "sim/invariants.hpp"
#include "worlds/consensus/linearizability.hpp"
#include "worlds/postgres/world.hpp"
#include "worlds/postgres/write_checks.hpp"

namespace unwedge::cli {
namespace {

using Flagged = std::optional<std::string>;

Flagged message_of(const std::optional<pgworld::WriteFinding>& finding) {
  if (!finding) return std::nullopt;
  return finding->message;
}

// The first violation the invariant checker kept, as its sentence.
Flagged first_violation(const sim::InvariantChecker& checker, sim::Invariant invariant) {
  for (const sim::Violation& v : checker.violations()) {
    if (v.invariant == invariant) return v.message;
  }
  return std::nullopt;
}

// A ledger moved straight back to serving by a cause the machine lacks.
Flagged refused_transition() {
  const core::MachineDef& machine = ledger_machine();
  sim::InvariantChecker checker;
  checker.on_transition({.machine = &machine,
                         .entity = "ledger-1",
                         .from = *machine.find_state("serving"),
                         .to = *machine.find_state("draining"),
                         .cause = "drain_forced",
                         .action_id = "Drain-1",
                         .refused = true},
                        core::kMinute);
  return first_violation(checker, sim::Invariant::kValidTransitions);
}

// A ledger seen draining for twice its bound.
Flagged overstay() {
  const core::MachineDef& machine = ledger_machine();
  sim::InvariantChecker checker;
  checker.on_state_seen(machine, "ledger-1", *machine.find_state("draining"), 0);
  checker.check_dwell(2 * kDrainingDwellMaxUs);
  return first_violation(checker, sim::Invariant::kBoundedDwell);
}

// One service of two hosts: db1-1 leads and acknowledges write 1, which its
// standby db1-2 never receives; db1-2 is then promoted on timeline 2.
struct LaggingStandby {
  core::TimeUs now_us = 0;
  pgworld::World world{now_us};
  pgworld::WriteChecks checks{world};
  std::uint32_t service = 0;
  pgworld::HostIndex leader = 0;
  pgworld::HostIndex standby = 0;

  LaggingStandby() {
    service = world.add_service("db1", false);
    world.add_client(service);
    leader = world.add_host("db1-1", "db1");
    standby = world.add_host("db1-2", "db1");
    for (pgworld::HostIndex h : {leader, standby}) {
      world.hosts[h].state = pgworld::HostState::kUp;
      world.hosts[h].db.running = true;
    }
    world.hosts[standby].db.primary = false;
    world.hosts[standby].db.upstream = leader;
    world.services[service].target = leader;
  }
  Flagged write(std::uint64_t write_id) {
    const pgworld::WriteOutcome outcome = world.write(world.clients[0], write_id);
    if (outcome.kind != pgworld::WriteOutcome::Kind::kAcked) {
      return fmt::format("(the recorded write {} was not acknowledged)", write_id);
    }
    return message_of(checks.on_ack(service, write_id, outcome));
  }
  void promote_standby() {
    world.hosts[standby].db.wal.promote(2);
    world.hosts[standby].db.primary = true;
    world.hosts[standby].db.upstream.reset();
    world.services[service].target = standby;
    world.clients[0].connected.reset();
  }
};

Flagged lost_write() {
  LaggingStandby fleet;
  if (Flagged odd = fleet.write(1)) return std::nullopt;
  return message_of(
      fleet.checks.missing_write_on(fleet.service, fleet.standby, "after its promotion"));
}

Flagged split_brain() {
  LaggingStandby fleet;
  if (Flagged odd = fleet.write(1)) return std::nullopt;
  fleet.promote_standby();
  return fleet.write(2);
}

// Client 1 writes a then b; client 2 then reads a.
Flagged stale_read() {
  using consensus::Reply;
  consensus::History history;
  auto done = [&](consensus::ClientId client, consensus::Request request, core::TimeUs at_ms,
                  Reply reply) {
    request.client = reply.client = client;
    request.sequence = reply.sequence = history.operations.size() + 1;
    history.operations.push_back({.request = std::move(request),
                                  .invoke_us = at_ms * core::kMillisecond,
                                  .complete_us = (at_ms + 10) * core::kMillisecond,
                                  .result = std::move(reply)});
  };
  done(1, consensus::put_request("k", "a"), 0, {.succeeded = true, .revision = 1});
  done(1, consensus::put_request("k", "b"), 20, {.succeeded = true, .revision = 2});
  done(2, consensus::get_request("k"), 40, {.succeeded = true, .value = "a", .revision = 1});
  const consensus::CheckResult result = consensus::check_linearizability(history);
  if (result.verdict != consensus::Verdict::kViolation) return std::nullopt;
  return result.explanation;
}

// Two runs of one seed whose third record differs.
Flagged parted_runs() {
  int run = 0;
  const sim::DeterminismCheck check =
      sim::check_determinism({7}, [&run](std::uint64_t seed, sim::TraceSink& sink) {
        ++run;
        for (int i = 0; i < 4; ++i) {
          sink.write({.at_us = i * core::kSecond,
                      .entity = "ledger-1",
                      .detail = fmt::format("step {}{}", i, i == 2 && run == 2 ? " again" : "")});
        }
        return seed * 31 + static_cast<std::uint64_t>(run == 2 ? 1 : 0);
      });
  if (check.mismatches.empty()) return std::nullopt;
  return check.mismatches.front().describe();
}

// The canary's plane with bounded_dwell looking away (the bound lifted): only
// the plane's own invariant can see the wedge.
Flagged plane_invariant() {
  sim::Scenario scenario = canary_scenario();
  scenario.config.dwell_overrides["ledger/draining"] = 365 * core::kDay;
  const sim::ScenarioOutcome outcome = sim::run_scenario(scenario);
  const std::optional<sim::Finding>& finding = outcome.run.finding;
  if (!finding || finding->invariant != sim::Invariant::kPlaneInvariant) return std::nullopt;
  return finding->what;
}

}  // namespace

sim::Scenario canary_scenario() {
  sim::Scenario scenario;
  scenario.name = "canary";
  scenario.description = "A ledger drained and never confirmed: it must overstay draining.";
  scenario.source = "the canary";
  scenario.config.seed = 1;
  scenario.config.control_plane = kCanaryPlane;
  scenario.config.services = {{.id = "ledger-1", .standbys = 0}};
  scenario.config.clients_per_service = 0;
  scenario.duration_us = core::kHour;
  scenario.recovery_us = 10 * core::kMinute;
  scenario.expect.violation = sim::Invariant::kBoundedDwell;
  return scenario;
}

std::vector<SelfTest> checker_self_tests() {
  return {{"valid_transitions", refused_transition},
          {"bounded_dwell", overstay},
          {"no_lost_writes", lost_write},
          {"single_writer", split_brain},
          {"store_linearizable", stale_read},
          {"plane_invariant", plane_invariant},
          {"determinism", parted_runs}};
}

reports::CanaryResult run_canary_checks() {
  const auto start = std::chrono::steady_clock::now();
  const sim::Scenario scenario = canary_scenario();
  const sim::ScenarioOutcome outcome = sim::run_scenario(scenario);
  const std::optional<sim::Finding>& finding = outcome.run.finding;
  const sim::Invariant expected = *scenario.expect.violation;
  reports::CanaryResult canary{.mutant = kCanaryBug,
                               .caught = finding && finding->invariant == expected,
                               .invariant = finding ? to_string(finding->invariant) : "",
                               .seed = scenario.config.seed,
                               .sentence = "the run found nothing"};
  if (finding) {
    canary.sentence = canary.caught
                          ? finding->what
                          : fmt::format("caught by {}, not {}: {}", to_string(finding->invariant),
                                        to_string(expected), finding->what);
  }
  for (const SelfTest& test : checker_self_tests()) {
    const Flagged flagged = test.run();
    canary.self_tests.push_back({.checker = test.checker,
                                 .flagged = flagged.has_value(),
                                 .sentence = flagged.value_or("it flagged nothing")});
    if (!flagged) canary.caught = false;
  }
  canary.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  return canary;
}

}  // namespace unwedge::cli
