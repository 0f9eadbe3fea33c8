// The whole simulator with the reference control plane: a simulated day
// under random faults, replayed; scheduled faults of each shape; crashes of
// the control plane at every store crash point.
#include "sim/simulation.hpp"

#include <fmt/format.h>
#include <map>

#include <gtest/gtest.h>

#include "core/scheduler.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "tests/support/service_state.hpp"

namespace unwedge::sim {
namespace {

using core::kDay;
using core::kHour;
using core::kMinute;
using core::kSecond;

// Counts what a trace showed: transitions by "machine from -> to (cause)",
// faults by kind name.
class Tally final : public TraceSink {
 public:
  void write(const TraceRecord& r) override {
    if (r.kind == TraceKind::kTransition) {
      transitions[r.detail.substr(0, r.detail.find(" by "))]++;
    } else if (r.kind == TraceKind::kFault && r.detail.starts_with('#')) {
      const std::size_t from = r.detail.find(' ') + 1;
      faults[r.detail.substr(from, r.detail.find(' ', from) - from)]++;
    } else if (r.kind == TraceKind::kClientAck) {
      acks++;
    }
  }
  int transitions_of(const std::string& key) const {
    auto it = transitions.find(key);
    return it == transitions.end() ? 0 : it->second;
  }
  int faults_of(const std::string& kind) const {
    auto it = faults.find(kind);
    return it == faults.end() ? 0 : it->second;
  }

  std::map<std::string, int> transitions;
  std::map<std::string, int> faults;
  int acks = 0;
};

SimConfig three_services(std::uint64_t seed) {
  SimConfig config{.seed = seed,
                   .services = {{.id = "db1", .standbys = 1, .synchronous = true, .followers = 1},
                                {.id = "db2", .standbys = 2, .synchronous = false},
                                {.id = "db3", .standbys = 1, .synchronous = true}}};
  config.faults.mean_gap_us = 4 * kMinute;
  config.operator_mean_gap_us = 90 * kMinute;
  return config;
}

using testing::service_state;

std::string finding_text(const RunSummary& summary) {
  if (!summary.finding) return "";
  std::string out = summary.finding->what + "\n";
  for (const TraceRecord& r : summary.finding->excerpt)
    out += format_record(r) + "\n";
  return out;
}

TEST(Simulation, ADayOfRandomFaultsShowsEveryKindOfRecoveryAndReplaysExactly) {
  Tally tally;
  SimConfig config = three_services(2026);
  config.trace_sink = &tally;
  Simulation sim(config);
  RunSummary run = sim.run(kDay, kHour);
  ASSERT_FALSE(run.finding) << finding_text(run);

  // The control plane had real work: failovers (its own and requested),
  // promotions, host restarts, replacements; every partition shape hit.
  EXPECT_GE(tally.transitions_of("service failing_over -> available (failover_done)"), 2);
  EXPECT_GE(tally.transitions_of("replica_link promoting -> promoted (promoted)"), 2);
  EXPECT_GE(tally.transitions_of("server restarting -> running (restarted)"), 1);
  EXPECT_GE(tally.transitions_of("server creating -> running (created)"), 6);
  for (const char* shape : {"partition_complete", "partition_partial", "partition_one_way"}) {
    EXPECT_GE(tally.faults_of(shape), 1) << shape;
  }
  EXPECT_GE(run.control_plane_crashes, 1U);
  EXPECT_GT(tally.acks, 10'000);
  EXPECT_EQ(run.simulated_us, kDay + kHour);
  // Healed and given an hour, every service is serving again.
  for (const char* id : {"db1", "db2", "db3"})
    EXPECT_EQ(service_state(sim, id), "available") << id;

  Simulation replay(three_services(2026));
  EXPECT_EQ(replay.run(kDay, kHour).digest, run.digest);
  Simulation other(three_services(2027));
  EXPECT_NE(other.run(kDay, kHour).digest, run.digest);
}

TEST(Simulation, ProvisionsTheFleetAndServesWritesWithNoFaults) {
  Simulation sim(
      SimConfig{.seed = 1, .services = {{.id = "db1"}, {.id = "db2", .synchronous = false}}});
  RunSummary run = sim.run(2 * kHour, 0);
  ASSERT_FALSE(run.finding) << finding_text(run);
  EXPECT_EQ(service_state(sim, "db1"), "available");
  EXPECT_EQ(service_state(sim, "db2"), "available");
  EXPECT_EQ(run.faults_started, 0U);
  // Writes every 10 s from one client per service; the first minutes go to
  // provisioning.
  EXPECT_GT(run.writes_acked, 2 * 600U);
  const ServiceEndpoint& db1 = sim.world().services[0];
  ASSERT_TRUE(db1.target.has_value());
  const Host& leader = sim.world().hosts[*db1.target];
  EXPECT_EQ(leader.name, "db1-1");
  EXPECT_TRUE(leader.db.accepts_writes());
  // The synchronous standby holds every acknowledged write.
  const Host& standby = sim.world().hosts[*sim.world().find_host("db1-2")];
  const AckedWrite& last = db1.acked.rbegin()->second;
  EXPECT_TRUE(standby.db.wal.contains(last.lsn, last.timeline));
}

// A leader cut off completely is failed over; healed, the old leader is
// replaced and the new one keeps every acknowledged write.
TEST(Simulation, ACompletePartitionOfTheLeaderIsFailedOverWithoutLosingWrites) {
  Tally tally;
  SimConfig config{.seed = 5, .services = {{.id = "db1"}}, .trace_sink = &tally};
  Simulation sim(config);
  sim.schedule_fault(
      30 * kMinute,
      {.kind = FaultKind::kPartitionComplete, .targets = {"db1-1"}, .duration_us = 20 * kMinute});
  RunSummary run = sim.run(2 * kHour, 0);
  ASSERT_FALSE(run.finding) << finding_text(run);
  EXPECT_EQ(tally.faults_of("partition_complete"), 1);
  EXPECT_EQ(tally.transitions_of("service failing_over -> available (failover_done)"), 1);
  const ServiceEndpoint& db1 = sim.world().services[0];
  const Host& leader = sim.world().hosts[*db1.target];
  EXPECT_NE(leader.name, "db1-1");
  for (const auto& [timeline, write] : db1.acked) {
    EXPECT_TRUE(leader.db.wal.contains(write.lsn, timeline))
        << "w-" << write.write_id << " at lsn " << write.lsn << " tl " << timeline;
  }
}

// Cutting the leader from the monitors only (a partial partition) or
// muting it one way leaves clients writing; the control plane must not be
// fooled into two writers.
TEST(Simulation, PartialAndOneWayCutsOfTheLeaderNeverLeaveTwoWriters) {
  for (FaultKind kind : {FaultKind::kPartitionPartial, FaultKind::kPartitionOneWay}) {
    SimConfig config{.seed = 9, .services = {{.id = "db1", .standbys = 2}}};
    Simulation sim(config);
    sim.schedule_fault(30 * kMinute, {.kind = kind,
                                      .targets = {"db1-1"},
                                      .others = {"monitor-a", "monitor-b"},
                                      .duration_us = 15 * kMinute});
    // Sample the fleet every simulated 10 s while the cut lasts and after:
    // at most one node that accepts writes is one a client can write to
    // (the endpoint's target or a node a client is still connected to). A
    // freshly created host is writable too until it follows, but no client
    // can reach it.
    for (core::TimeUs t = 30 * kMinute; t < 90 * kMinute; t += 10 * kSecond) {
      ASSERT_TRUE(sim.run_until(t)) << sim.finding()->what;
      const World& world = sim.world();
      int writers = 0;
      for (HostIndex h = 0; h < world.hosts.size(); ++h) {
        bool reachable_by_clients = world.services[0].target == h;
        for (const Client& client : world.clients) {
          reachable_by_clients = reachable_by_clients || client.connected == h;
        }
        writers += world.hosts[h].db.accepts_writes() && reachable_by_clients ? 1 : 0;
      }
      ASSERT_LE(writers, 1) << info(kind).name << " at " << t / kSecond << " s";
    }
    EXPECT_EQ(service_state(sim, "db1"), "available") << info(kind).name;
  }
}

// Transitions of a run of `config` with `fault` at 30 min, for 20 min; the
// fault kind's count of starts is under "fault:".
std::map<std::string, int> transitions_with(SimConfig config, std::optional<FaultSpec> fault) {
  Tally tally;
  config.trace_sink = &tally;
  Simulation sim(config);
  if (fault) sim.schedule_fault(30 * kMinute, *fault);
  RunSummary run = sim.run(kHour, 10 * kMinute);
  EXPECT_FALSE(run.finding) << finding_text(run);
  if (fault) tally.transitions["fault:"] = tally.faults_of(std::string(info(fault->kind).name));
  return tally.transitions;
}

// A leader cut from one monitor only is heard by the other: a fault on the
// path to a monitor, not of the leader. It must not make the service
// uncertain (nothing would settle it while the cut lasts, and "uncertain"
// is bounded faults or not), let alone fail it over: the run's transitions
// are those of the same run without the cut.
TEST(Simulation, ALeaderCutFromOneMonitorIsStillHeard) {
  const SimConfig config{.seed = 11, .services = {{.id = "db1"}}};
  std::map<std::string, int> calm = transitions_with(config, std::nullopt);
  for (FaultKind kind : {FaultKind::kPartitionPartial, FaultKind::kPartitionOneWay}) {
    std::map<std::string, int> cut =
        transitions_with(config, FaultSpec{.kind = kind,
                                           .targets = {"db1-1"},
                                           .others = {"monitor-b"},
                                           .duration_us = 20 * kMinute});
    EXPECT_EQ(cut["fault:"], 1) << info(kind).name;
    cut.erase("fault:");
    EXPECT_EQ(cut, calm) << info(kind).name;
  }
}

// The control plane's clock jumps ten minutes ahead for twenty. Check-in
// ages are measured by the monitors, so no host looks silent and nothing
// happens that would not have happened anyway; a control plane that
// compared monitor timestamps with its own clock restarted every host of
// the fleet here (found on swarm seeds 854 and 968).
TEST(Simulation, AJumpOfTheControlPlaneClockSilencesNoHost) {
  const SimConfig config{.seed = 12,
                         .services = {{.id = "db1"}, {.id = "db2", .synchronous = false}}};
  std::map<std::string, int> calm = transitions_with(config, std::nullopt);
  std::map<std::string, int> jumped =
      transitions_with(config, FaultSpec{.kind = FaultKind::kClockJump,
                                         .targets = {"control-plane"},
                                         .duration_us = 20 * kMinute,
                                         .amount = 10 * kMinute});
  EXPECT_EQ(jumped["fault:"], 1);
  jumped.erase("fault:");
  EXPECT_EQ(jumped, calm);
  EXPECT_EQ(jumped.count("server unreachable -> restarting (restart_started)"), 0u);
}

// The control plane process dies at each store crash point in the middle of
// a failover; the restarted process finishes the job.
TEST(Simulation, TheControlPlaneCrashingAtEveryPointStillCompletesTheFailover) {
  for (std::string_view point : kCrashPointNames) {
    for (std::int64_t ahead : {0, 1, 3, 7}) {
      Tally tally;
      SimConfig config{.seed = 11, .services = {{.id = "db1"}}, .trace_sink = &tally};
      Simulation sim(config);
      sim.schedule_fault(30 * kMinute, {.kind = FaultKind::kHostCrash, .targets = {"db1-1"}});
      sim.schedule_operator(31 * kMinute,
                            {.kind = OperatorKind::kRequestFailover, .target = "db1"});
      sim.schedule_fault(31 * kMinute + 4 * kSecond, {.kind = FaultKind::kControlPlaneCrash,
                                                      .targets = {std::string(point)},
                                                      .amount = ahead});
      RunSummary run = sim.run(2 * kHour, 0);
      ASSERT_FALSE(run.finding) << finding_text(run);
      EXPECT_EQ(run.control_plane_crashes, 1U) << point << " +" << ahead;
      EXPECT_EQ(tally.transitions_of("service failing_over -> available (failover_done)"), 1)
          << point << " +" << ahead;
      EXPECT_EQ(service_state(sim, "db1"), "available") << point << " +" << ahead;
    }
  }
}

// Regression (found by the day-long random run, seed 2026): a customer asked
// to promote and to unfollow the same read replica; both flags were up at
// once, which the replica-link table declared impossible, so the control
// plane failed its own assertion. Now the unfollow wins and clears the
// promotion request.
TEST(Simulation, PromotingAndUnfollowingTheSameReplicaAtOnceUnfollowsIt) {
  Tally tally;
  SimConfig config{.seed = 4, .services = {{.id = "db1", .followers = 1}}, .trace_sink = &tally};
  Simulation sim(config);
  sim.schedule_operator(40 * kMinute, {.kind = OperatorKind::kPromoteFollower, .target = "db1-3"});
  sim.schedule_operator(40 * kMinute, {.kind = OperatorKind::kUnfollow, .target = "db1-3"});
  RunSummary run = sim.run(2 * kHour, 0);
  ASSERT_FALSE(run.finding) << finding_text(run);
  EXPECT_EQ(tally.transitions_of("replica_link unfollowing -> unfollowed (unfollowed)"), 1);
  EXPECT_EQ(tally.transitions_of("replica_link promoting -> promoted (promoted)"), 0);
  std::optional<postgres::ReplicaLink> link =
      sim.durable_store().begin()->get<postgres::ReplicaLink>("db1-3");
  ASSERT_TRUE(link.has_value());
  EXPECT_FALSE(link->promote_requested);
  EXPECT_FALSE(link->unfollow_requested);
  EXPECT_EQ(service_state(sim, "db1"), "available");
}

// Regression (found by the bounded-dwell checker, seed 2 of the golden
// runs): a failed endpoint repoint was asked about again under the same
// idempotency key, heard "failed" forever, and left the failover wedged with
// the new leader promoted and the endpoint on the fenced old one. A flaky
// fleet API during a failover must only slow it down.
TEST(Simulation, AFailoverSurvivesAFlakyFleetApi) {
  int failed_calls = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    class FailedCalls final : public TraceSink {
     public:
      void write(const TraceRecord& r) override {
        if (r.kind == TraceKind::kInfraCall && r.detail.starts_with("failed point_endpoint")) ++n;
      }
      int n = 0;
    } failed;
    SimConfig config{.seed = seed, .services = {{.id = "db1"}}, .trace_sink = &failed};
    Simulation sim(config);
    sim.schedule_fault(
        29 * kMinute,
        {.kind = FaultKind::kInfraFailing, .duration_us = 40 * kMinute, .amount = 700'000});
    sim.schedule_fault(
        30 * kMinute,
        {.kind = FaultKind::kHostCrash, .targets = {"db1-1"}, .duration_us = 30 * kMinute});
    RunSummary run = sim.run(2 * kHour, kHour);
    ASSERT_FALSE(run.finding) << "seed " << seed << ": " << finding_text(run);
    EXPECT_EQ(service_state(sim, "db1"), "available") << "seed " << seed;
    failed_calls += failed.n;
  }
  EXPECT_GE(failed_calls, 1);  // the repoint itself did fail somewhere
}

// Regression (found by the bounded-dwell checker, seed 100 of the 3-service
// mix): a customer promoted a read replica whose server was being replaced;
// the promotion went ahead, the server was destroyed under it, and the
// service sat in failing_over waiting for a host that no longer existed.
TEST(Simulation, AReplicaWhoseServerIsBeingReplacedIsNotPromoted) {
  Tally tally;
  // No standby, so a silent leader leaves the service unavailable (not in
  // maintenance) while the replica's server is replaced.
  SimConfig config{
      .seed = 8, .services = {{.id = "db1", .standbys = 0, .followers = 1}}, .trace_sink = &tally};
  Simulation sim(config);
  sim.schedule_fault(
      38 * kMinute,
      {.kind = FaultKind::kAgentPause, .targets = {"db1-1"}, .duration_us = 12 * kMinute});
  sim.schedule_operator(41 * kMinute, {.kind = OperatorKind::kReplaceServer, .target = "db1-2"});
  sim.schedule_operator(41 * kMinute + 10 * kSecond,
                        {.kind = OperatorKind::kPromoteFollower, .target = "db1-2"});
  RunSummary run = sim.run(2 * kHour, 30 * kMinute);
  ASSERT_FALSE(run.finding) << finding_text(run);
  EXPECT_EQ(tally.transitions_of("server unreachable -> replacing (replace_started)") +
                tally.transitions_of("server running -> replacing (replace_started)"),
            1);
  EXPECT_EQ(tally.transitions_of("replica_link following -> fencing (promotion_started)"), 0);
  EXPECT_EQ(service_state(sim, "db1"), "available");
  EXPECT_EQ(sim.world().hosts[*sim.world().services[0].target].name, "db1-1");
}

// Regression (found with the one above): a failover candidate that could not
// catch up to the fenced leader's final position was waited for without
// bound, holding the service in failing_over. It is abandoned after three
// minutes now, and retried.
TEST(Simulation, ACandidateThatCannotCatchUpIsAbandonedInBoundedTime) {
  class FailingOverSpans final : public TraceSink {
   public:
    void write(const TraceRecord& r) override {
      if (r.kind != TraceKind::kTransition || r.entity != "db1") return;
      if (r.detail.find("-> failing_over") != std::string::npos) since = r.at_us;
      if (since && r.detail.starts_with("service failing_over ->")) {
        longest = std::max(longest, r.at_us - *since);
        since.reset();
      }
    }
    std::optional<core::TimeUs> since;
    core::TimeUs longest = 0;
  } spans;
  // Busy clients, so the asynchronous standby is always a little behind.
  SimConfig config{.seed = 2,
                   .services = {{.id = "db1", .standbys = 1, .synchronous = false}},
                   .clients_per_service = 2,
                   .write_interval_us = 2 * kSecond,
                   .trace_sink = &spans};
  Simulation sim(config);
  // The operator asks for a failover; just after the fence, replication
  // between the leader and its standby is cut (monitoring and clients still
  // see both), so the standby cannot reach the final position.
  sim.schedule_fault(42 * kMinute + 2 * kSecond, {.kind = FaultKind::kPartitionPartial,
                                                  .targets = {"db1-1"},
                                                  .others = {"db1-2"},
                                                  .duration_us = 30 * kMinute});
  sim.schedule_operator(42 * kMinute, {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  RunSummary run = sim.run(2 * kHour, 30 * kMinute);
  ASSERT_FALSE(run.finding) << finding_text(run);
  EXPECT_GT(spans.longest, 0);
  EXPECT_LE(spans.longest, 4 * kMinute);
  EXPECT_EQ(service_state(sim, "db1"), "available");
}

// The swarm of docs/HARNESS_POWER.md on one seed: the seeds that found a bug
// are its exact reproducers.
SimConfig swarm(std::uint64_t seed) {
  SimConfig config{.seed = seed,
                   .services = {{.id = "db1", .followers = 1},
                                {.id = "db2", .standbys = 2, .synchronous = false},
                                {.id = "db3"}}};
  config.faults.mean_gap_us = 5 * kMinute;
  config.operator_mean_gap_us = kHour;
  return config;
}

// Regression (found by the no-lost-writes checker on swarm seed 729): a
// customer promotion gave up waiting for the fenced leader's final position
// and began abandoning, which unfences the old leader; on the next pass the
// final position had arrived, the step judged the change afresh and promoted
// the follower, while clients wrote to the unfenced old leader. An abandon,
// once begun, now only finishes.
TEST(Simulation, AnAbandonedPromotionIsNeverResumed) {
  Simulation sim(swarm(729));
  RunSummary run = sim.run(6 * kHour, kHour);
  EXPECT_FALSE(run.finding) << finding_text(run);
}

// Regression (found by the bounded-dwell checker on swarm seed 832): an
// unfollow started on an unreachable replica retried its detach until the
// server was replaced and destroyed, leaving the link unfollowing for ever.
// Unfollow now starts only on a running server.
TEST(Simulation, AnUnfollowWaitsForItsServerToRun) {
  Simulation sim(swarm(832));
  RunSummary run = sim.run(6 * kHour, kHour);
  EXPECT_FALSE(run.finding) << finding_text(run);
}

// Regression (found by the bounded-dwell checker on swarm seeds 854 and 968):
// a jump of the control plane's clock made every host look silent, so each
// leader was restarted to its bound; a late duplicate of the last stop_host
// then left the leader's host stopped, with no standby holding its writes.
// The leader was marked for replacement, which a leader never gets, and was
// not restarted again: the service stayed down after every fault healed. A
// leader past its bound is now restarted again, spaced out.
TEST(Simulation, ALeaderPastItsRestartBoundIsRestartedAgain) {
  for (std::uint64_t seed : {854, 968}) {
    Simulation sim(swarm(seed));
    RunSummary run = sim.run(6 * kHour, kHour);
    EXPECT_FALSE(run.finding) << "seed " << seed << ": " << finding_text(run);
  }
}

TEST(Simulation, AFailedAssertionEndsTheRunWithAFindingAndATraceExcerpt) {
  Simulation sim(SimConfig{.seed = 3, .services = {{.id = "db1"}}});
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  // An action slot naming an execution with no record breaks the
  // scheduler's contract (a slot and its record are written together); the
  // control plane's next process reads it.
  {
    auto txn = sim.durable_store().begin();
    txn->put(core::ActionSlot{.id = "service/db1", .running = "Failover/db1/99", .executions = 99});
    ASSERT_TRUE(txn->commit().ok());
  }
  // The controller reads the Store only when something changed, or on its
  // full pass every ten minutes: the crash comes by then.
  sim.start_fault({.kind = FaultKind::kControlPlaneCrash, .targets = {"mid_transaction"}});
  EXPECT_FALSE(sim.run_until(30 * kMinute));
  ASSERT_TRUE(sim.finding().has_value());
  EXPECT_NE(sim.finding()->what.find("assertion failed"), std::string::npos) << sim.finding()->what;
  EXPECT_GE(sim.finding()->at_us, 10 * kMinute);
  EXPECT_LT(sim.finding()->at_us, 30 * kMinute);
  ASSERT_FALSE(sim.finding()->excerpt.empty());
  EXPECT_EQ(sim.finding()->excerpt.back().kind, TraceKind::kViolation);
  EXPECT_EQ(sim.trace().count(TraceKind::kViolation), 1U);
  // The run stays ended: nothing more happens.
  const std::uint64_t records = sim.trace().records();
  EXPECT_FALSE(sim.run_until(30 * kMinute));
  EXPECT_EQ(sim.trace().records(), records);
}

TEST(Simulation, OperatorRequestsOnUnknownEntitiesChangeNothing) {
  Simulation sim(SimConfig{.seed = 3, .services = {{.id = "db1"}}});
  ASSERT_TRUE(sim.run_until(20 * kMinute));
  const core::StoreSnapshot before = sim.durable_store().snapshot();
  sim.apply_operator({.kind = OperatorKind::kRequestFailover, .target = "nope"});
  sim.apply_operator({.kind = OperatorKind::kPromoteFollower, .target = "db1-9"});
  sim.apply_operator({.kind = OperatorKind::kReplaceServer, .target = "db7-1"});
  EXPECT_EQ(sim.durable_store().snapshot(), before);
  sim.apply_operator({.kind = OperatorKind::kAddFollower, .target = "db1"});
  EXPECT_TRUE(sim.world().find_host("db1-3").has_value());
  EXPECT_FALSE(sim.finding());
}

}  // namespace
}  // namespace unwedge::sim
