// A campaign report built by hand for the renderer tests: two machines (one
// with a refused transition and transitions never taken), a decision table
// with a rule never fired, two actions, faults and probes some never
// exercised, a failing swarm run and a failing bundled scenario whose name
// and sentence are hostile markup, both with timelines.
//
//   const reports::Report report = fixture_report();
//   EXPECT_THAT(html_report(report), HasSubstr("&lt;script&gt;"));
#pragma once

#include <string>

#include "core/time.hpp"
#include "reports/report.hpp"

namespace unwedge::reports::testing {

// How many times `what` occurs in `text` (overlaps counted).
inline std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

using core::kHour;
using core::kMinute;
using core::kSecond;

inline constexpr const char* kHostileName = "<script>alert(1)</script> & \"x\"";
inline constexpr const char* kHostileSentence =
    "acknowledged write 42 on db1 lost after failover to db1-b | <b>not bold</b>\nsecond line";

inline DwellBuckets dwell_of(std::initializer_list<core::TimeUs> dwells_us) {
  DwellBuckets buckets;
  for (core::TimeUs d : dwells_us) {
    std::size_t b = 0;
    for (core::TimeUs s = d / kSecond; s > 0 && b + 1 < DwellBuckets::kBuckets; s >>= 1)
      ++b;
    ++buckets.counts[b];
    buckets.max_us = std::max(buckets.max_us, d);
  }
  return buckets;
}

inline MachineCoverage server_machine() {
  MachineCoverage m{.name = "server", .initial = "creating"};
  m.states = {
      {.name = "creating",
       .dwell_max_us = 20 * kMinute,
       .entered = 2000,
       .dwell = dwell_of({3 * kMinute, 4 * kMinute, 5 * kMinute, 9 * kMinute})},
      {.name = "running", .healthy = true, .stable = true, .entered = 2600},
      {.name = "unreachable",
       .dwell_max_us = 15 * kMinute,
       .entered = 410,
       .dwell = dwell_of({30 * kSecond, 90 * kSecond, 4 * kMinute, 16 * kMinute})},
      {.name = "fenced", .dwell_max_us = kHour, .entered = 0},
      {.name = "destroyed", .stable = true, .entered = 12},
  };
  m.transitions = {
      {.from = "creating", .to = "running", .cause = "created", .taken = 2000},
      {.from = "running", .to = "unreachable", .cause = "missed_checkin", .taken = 410},
      {.from = "unreachable", .to = "running", .cause = "checkin_ok", .taken = 400},
      {.from = "running", .to = "fenced", .cause = "fenced", .taken = 0},
      {.from = "fenced", .to = "running", .cause = "unfenced", .taken = 0},
      {.from = "unreachable", .to = "destroyed", .cause = "destroy_started", .taken = 12},
      {.from = "running", .to = "destroyed", .legal = false, .taken = 2},
  };
  return m;
}

inline MachineCoverage replica_link_machine() {
  MachineCoverage m{.name = "replica_link", .initial = "syncing"};
  m.states = {
      {.name = "syncing",
       .dwell_max_us = kHour,
       .entered = 1000,
       .dwell = dwell_of({10 * kMinute, 12 * kMinute})},
      {.name = "following", .healthy = true, .stable = true, .entered = 1300},
      {.name = "fencing",
       .dwell_max_us = 5 * kMinute,
       .entered = 300,
       .dwell = dwell_of({20 * kSecond, 40 * kSecond, 2 * kMinute})},
      {.name = "promoting",
       .dwell_max_us = 5 * kMinute,
       .entered = 290,
       .dwell = dwell_of({30 * kSecond})},
      {.name = "promoted", .healthy = true, .stable = true, .entered = 290},
  };
  m.transitions = {
      {.from = "syncing", .to = "following", .cause = "caught_up", .taken = 1000},
      {.from = "following", .to = "fencing", .cause = "promotion_started", .taken = 300},
      {.from = "fencing", .to = "promoting", .cause = "old_leader_fenced", .taken = 290},
      {.from = "fencing", .to = "following", .cause = "promotion_abandoned", .taken = 10},
      {.from = "promoting", .to = "promoted", .cause = "promoted", .taken = 290},
      {.from = "promoting", .to = "following", .cause = "promotion_failed", .taken = 0},
  };
  return m;
}

inline Coverage fixture_coverage() {
  Coverage c;
  c.machines = {replica_link_machine(), server_machine()};
  c.tables = {TableCoverage{
      .name = "server_table",
      .machine = "server",
      .rules = {{.name = "restart_unreachable", .action = "Restart", .fired = 140},
                {.name = "replace_wedged", .action = "Replace", .fired = 0},
                {.name = "leave_running", .fired = 9000}},
      .cells = {
          {.state = "running", .outcome = "nothing", .rules = {"leave_running"}, .seen = 9000},
          {.state = "unreachable",
           .signals = {"MissedCheckins"},
           .outcome = "act Restart",
           .rules = {"restart_unreachable"},
           .seen = 140},
          {.state = "fenced",
           .signals = {"MissedCheckins", "Stale"},
           .outcome = "uncovered",
           .seen = 3}}}};
  c.actions = {
      {.name = "Failover",
       .started = 300,
       .steps = {{.name = "fence_old_leader", .verdicts = {{"next", 290}, {"wait", 40}}},
                 {.name = "promote_standby", .verdicts = {{"finish", 290}}},
                 {.name = "repoint_clients"}}},
      {.name = "Restart",
       .started = 140,
       .steps = {{.name = "reboot", .verdicts = {{"finish", 138}, {"error", 2}}}}},
  };
  c.faults = {{"agent_pause", 120},
              {"clock_drift", 0},
              {"host_crash", 300},
              {"infra_duplicates", 0},
              {"partition_complete", 410}};
  c.probes = {
      {.name = "failover.abandoned",
       .file = "planes/postgres/actions/failover.cpp",
       .line = 88,
       .hits = 10},
      {.name = "restart.timed_out",
       .file = "planes/postgres/actions/restart.cpp",
       .line = 41,
       .hits = 0},
      {.name = "fleet.retry", .file = "planes/postgres/fleet.cpp", .line = 120, .hits = 77}};
  c.crashes = {.stories = 12,
               .transactions = 340,
               .crash_points = 340,
               .actions_redelivered = 51,
               .calls_redelivered = 97,
               .divergences = 0};
  return c;
}

inline RunTimeline failover_timeline() {
  RunTimeline t{.end_us = 2 * kHour};
  t.lanes = {
      {.entity = "db1",
       .machine = "service",
       .spans = {{0, 5 * kMinute, "provisioning"},
                 {5 * kMinute, 60 * kMinute, "available", true, true},
                 {60 * kMinute, 61 * kMinute, "uncertain"},
                 {61 * kMinute, 64 * kMinute, "failing_over"},
                 {64 * kMinute, 2 * kHour, "available", true, true}}},
      {.entity = "db1-a",
       .machine = "server",
       .spans = {{0, 5 * kMinute, "creating"},
                 {5 * kMinute, 60 * kMinute, "running", true, true},
                 {60 * kMinute, 75 * kMinute, "unreachable"},
                 {75 * kMinute, 2 * kHour, "fenced"}}},
      {.entity = "db1-b",
       .machine = "replica_link",
       .spans = {{0, 10 * kMinute, "syncing"},
                 {10 * kMinute, 61 * kMinute, "following", true, true},
                 {61 * kMinute, 63 * kMinute, "fencing"},
                 {63 * kMinute, 64 * kMinute, "promoting"},
                 {64 * kMinute, 2 * kHour, "promoted", true, true}}},
  };
  t.faults = {{59 * kMinute, 80 * kMinute, "partition_complete db1-a"},
              {30 * kMinute, 90 * kMinute, "clock_drift db1-b +200 ppm"}};
  t.violation_at_us = 65 * kMinute;
  t.violation_entity = "db1";
  return t;
}

inline std::vector<InvariantResult> fixture_invariants() {
  std::vector<InvariantResult> out;
  for (const char* name : {"assertion", "valid_transitions", "bounded_dwell", "no_lost_writes",
                           "single_writer", "eventually_healthy", "idempotent_effects"}) {
    out.push_back({.name = name, .runs_checked = 1002});
  }
  out[2].violations = 1;
  out[2].first_index = 17;
  out[2].first_item = "swarm seed 15";
  out[2].first_seed = 15;
  out[2].first_repro = "repro/swarm-seed-15.yaml";
  out[2].first_sentence = "db1-a stayed unreachable for 16 min, over its 15 min bound";
  out[3].violations = 1;
  out[3].first_index = 1;
  out[3].first_item = "scenario scenarios/hostile.yaml";
  out[3].first_seed = 7;
  out[3].first_repro = "repro/scenario-1.yaml";
  out[3].first_sentence = kHostileSentence;
  return out;
}

inline std::vector<RunResult> fixture_scenarios() {
  RunResult passed{.index = 0,
                   .item = "scenario scenarios/partition_during_failover.yaml",
                   .scenario = "partition_during_failover",
                   .seed = 1,
                   .verdict = "pass",
                   .digest = 0x1234abcd,
                   .simulated_us = 2 * kHour,
                   .wall_ms = 840};
  RunResult hostile{.index = 1,
                    .item = "scenario scenarios/hostile.yaml",
                    .scenario = kHostileName,
                    .seed = 7,
                    .verdict = "fail",
                    .invariant = "no_lost_writes",
                    .sentence = kHostileSentence,
                    .digest = 0xdeadbeef,
                    .simulated_us = 2 * kHour,
                    .wall_ms = 1250,
                    .repro = "repro/scenario-1.yaml",
                    .replay_command = "unwedge run repro/scenario-1.yaml"};
  hostile.timeline = failover_timeline();
  RunResult erred{.index = 2,
                  .item = "scenario scenarios/slow_cloud.yaml",
                  .scenario = "slow_cloud",
                  .seed = 3,
                  .verdict = "error",
                  .cause = "the run took more than 600 s of wall time",
                  .wall_ms = 600000};
  return {passed, hostile, erred};
}

inline RunResult swarm_failure() {
  RunResult run{.index = 17,
                .item = "swarm seed 15",
                .scenario = "swarm",
                .seed = 15,
                .swarm = true,
                .verdict = "fail",
                .invariant = "bounded_dwell",
                .sentence = "db1-a stayed unreachable for 16 min, over its 15 min bound",
                .digest = 0x42,
                .simulated_us = 2 * kHour,
                .wall_ms = 310,
                .repro = "repro/swarm-seed-15.yaml",
                .replay_command = "unwedge run repro/swarm-seed-15.yaml"};
  RunTimeline t = failover_timeline();
  t.violation_at_us = 76 * kMinute;
  t.violation_entity = "db1-a";
  run.timeline = t;
  return run;
}

// Two services measured in two runs, one with a long outage the control
// plane caused once a fault had healed.
inline AvailabilityFigures fixture_availability() {
  AvailabilityFigures a;
  a.add_run("swarm seed 17",
            {{.service = "db1",
              .observed_us = 10 * kHour,
              .write_down_us = 30 * kMinute,
              .read_down_us = 5 * kMinute,
              .writes = 3600,
              .writes_ok = 3420,
              .reads = 3600,
              .reads_ok = 3570}},
            {{.service = "db1",
              .client = "client-db1-1",
              .from_us = 2 * kHour,
              .to_us = 2 * kHour + 30 * kMinute,
              .healthy_us = 25 * kMinute,
              .plane_us = 20 * kMinute,
              .why = "db1-a is fenced",
              .cause = "fault: #3 host_crash {db1-a} for 5m; then the control plane, 1200.0 s "
                       "after it healed"}});
  a.add_run("scenario scenarios/x.yaml",
            {{.service = "db2",
              .observed_us = 10 * kHour,
              .writes = 3600,
              .writes_ok = 3600,
              .reads = 3600,
              .reads_ok = 3600}},
            {});
  return a;
}

inline Report fixture_report() {
  Report r;
  r.campaign = {.control_plane = "postgres",
                .build = "unwedge 0.1.0 (gcc 12.2.0, RelWithDebInfo)",
                .runs = 1003,
                .passed = 1000,
                .failed = 2,
                .errors = 1,
                .bundled_runs = 3,
                .swarm_runs = 1000,
                .swarm_seeds = {{1, 500}, {601, 1100}},
                .simulated_us = 2000 * kHour,
                .events = 12'345'678,
                .wall_ms = 301'000,
                .shards = 2,
                .determinism_rechecks = 20,
                .availability = fixture_availability(),
                .status = "finished",
                .updated_at = "2026-12-06T01:02:03Z"};
  r.invariants = fixture_invariants();
  r.coverage = fixture_coverage();
  r.scenarios = fixture_scenarios();
  r.failures = {r.scenarios[1], swarm_failure()};
  r.source_coverage = "coverage/summary.txt";
  return r;
}

// The fixture as a campaign of two planes: the first bundled scenario and
// the swarm failure are the lease plane's, the rest the reference plane's.
inline Report fixture_report_of_two_planes() {
  Report r = fixture_report();
  r.campaign.control_plane = "postgres,lease";
  for (RunResult& run : r.scenarios)
    run.control_plane = "postgres";
  r.scenarios[0].control_plane = "lease";
  r.failures = {r.scenarios[1], swarm_failure()};
  r.failures[1].control_plane = "lease";
  PlaneReport postgres{.campaign = r.campaign, .invariants = r.invariants, .coverage = r.coverage};
  postgres.campaign.control_plane = "postgres";
  postgres.campaign.runs = 503;
  postgres.campaign.failed = 1;
  postgres.campaign.swarm_seeds = {{1, 500}};
  PlaneReport lease{.campaign = r.campaign, .invariants = r.invariants, .coverage = r.coverage};
  lease.campaign.control_plane = "lease";
  lease.campaign.runs = 500;
  lease.campaign.passed = 499;
  lease.campaign.failed = 1;
  lease.campaign.errors = 0;
  lease.campaign.swarm_seeds = {{601, 1100}};
  lease.coverage.machines.resize(1);
  r.planes = {postgres, lease};
  r.coverage = combined_coverage(r.planes);
  return r;
}

}  // namespace unwedge::reports::testing
