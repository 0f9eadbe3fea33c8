// A report with every field set, for the merge and JSON tests.
#pragma once

#include "reports/report.hpp"

namespace unwedge::reports::testing {

inline Report sample_report() {
  Report r;
  r.campaign = {.control_plane = "postgres",
                .build = "unwedge 0.1.0 (gcc 12.2.0, RelWithDebInfo)",
                .runs = 7,
                .passed = 5,
                .failed = 1,
                .errors = 1,
                .bundled_runs = 2,
                .swarm_runs = 5,
                .swarm_seeds = {{1, 3}, {7, 8}},
                .simulated_us = 7 * core::kHour,
                .events = 12345,
                .wall_ms = 4321,
                .shards = 1,
                .determinism_rechecks = 1,
                .determinism_mismatches = 0,
                .interrupted = false,
                .status = "finished",
                .findings_by_kind = {{.name = "error: worker_died", .count = 1},
                                     {.name = "no_lost_writes", .count = 1}}};
  r.invariants = {{.name = "assertion", .runs_checked = 6},
                  {.name = "no_lost_writes",
                   .runs_checked = 6,
                   .violations = 1,
                   .first_index = 3,
                   .first_item = "swarm seed 2",
                   .first_seed = 2,
                   .first_repro = "repro/swarm-seed-2.yaml",
                   .first_sentence = "expected to pass, but \"no_lost_writes\" was violated"}};
  StateCoverage available{.name = "available", .healthy = true, .stable = true, .entered = 4};
  available.dwell.counts[3] = 2;
  available.dwell.max_us = 9 * core::kSecond;
  r.coverage.machines = {
      {.name = "service",
       .initial = "provisioning",
       .states = {available,
                  {.name = "failing_over", .dwell_max_us = 5 * core::kMinute, .entered = 1}},
       .transitions = {
           {.from = "provisioning", .to = "available", .cause = "provisioned", .taken = 2},
           {.from = "available", .to = "failing_over", .cause = "failover", .taken = 0}}}};
  r.coverage.tables = {
      {.name = "service",
       .machine = "service",
       .rules = {{.name = "finish-provisioning", .action = "Provision", .fired = 9},
                 {.name = "idle", .action = "", .fired = 0}},
       .cells = {{.state = "provisioning",
                  .signals = {"CheckinOk", "Missed"},
                  .outcome = "act Provision",
                  .rules = {"finish-provisioning"},
                  .seen = 9}}}};
  r.coverage.actions = {{.name = "Provision",
                         .started = 2,
                         .steps = {{.name = "create", .verdicts = {{"next", 2}, {"wait", 5}}}}}};
  r.coverage.faults = {{.name = "host_crash", .count = 1}, {.name = "partition_complete"}};
  r.coverage.probes = {{.name = "failover.fence_failed", .file = "a.cpp", .line = 54, .hits = 0}};
  r.coverage.sometimes = {
      {.name = "{action: Failover, during: {fault: host_crash}}", .count = 3},
      {.name = "{request: deprovision, during: {action: Failover}}", .count = 1}};
  r.coverage.crashes = {.stories = 8,
                        .transactions = 40,
                        .crash_points = 120,
                        .actions_redelivered = 9,
                        .calls_redelivered = 11,
                        .divergences = 0};
  RunTimeline timeline{.end_us = core::kHour,
                       .lanes = {{.entity = "db1",
                                  .machine = "service",
                                  .spans = {{.from_us = 0,
                                             .to_us = core::kHour,
                                             .label = "available",
                                             .healthy = true,
                                             .stable = true}}}},
                       .faults = {{.from_us = 10, .to_us = 20, .label = "host_crash {db1-a}"}},
                       .violation_at_us = core::kHour - 1,
                       .violation_entity = "db1"};
  r.scenarios = {{.index = 0,
                  .item = "scenario scenarios/x.yaml",
                  .scenario = "x",
                  .seed = 11,
                  .verdict = "pass",
                  .digest = 0x0123456789abcdef,
                  .simulated_us = core::kHour,
                  .wall_ms = 12,
                  .replay_command = "unwedge run scenarios/x.yaml"}};
  r.failures = {{.index = 3,
                 .item = "swarm seed 2",
                 .scenario = "swarm-2",
                 .seed = 2,
                 .swarm = true,
                 .verdict = "fail",
                 .invariant = "no_lost_writes",
                 .sentence = "expected to pass, but no_lost_writes was violated: \u00e9 \t tab",
                 .digest = ~std::uint64_t{0},
                 .simulated_us = 2 * core::kHour,
                 .wall_ms = 30,
                 .repro = "repro/swarm-seed-2.yaml",
                 .replay_command = "unwedge run repro/swarm-seed-2.yaml",
                 .timeline = timeline}};
  r.source_coverage = "coverage/summary.json";
  r.canary = CanaryResult{.mutant = "promote_lagging_standby",
                          .caught = true,
                          .invariant = "no_lost_writes",
                          .seed = 1,
                          .wall_ms = 70,
                          .sentence = "write w-968 is missing from the leader db1-5"};
  return r;
}

// The sample as a campaign of two planes: its figures and coverage as the
// reference plane's part, a second plane's beside them, the canary the
// reference plane's, and the campaign's coverage made from theirs.
inline Report sample_report_of_two_planes() {
  Report r = sample_report();
  PlaneReport postgres{.campaign = r.campaign,
                       .invariants = r.invariants,
                       .coverage = r.coverage,
                       .canary = r.canary};
  PlaneReport lease{.campaign = r.campaign, .invariants = r.invariants, .coverage = r.coverage};
  lease.campaign.control_plane = "lease";
  lease.campaign.swarm_seeds = {{4, 6}};
  lease.coverage.machines[0].name = "keeper";
  lease.coverage.crashes = {};
  r.planes = {postgres, lease};
  r.campaign.control_plane = "postgres,lease";
  r.coverage = combined_coverage(r.planes);
  r.failures[0].control_plane = "lease";
  return r;
}

}  // namespace unwedge::reports::testing
