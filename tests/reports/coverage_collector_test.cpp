// CoverageCollector and TimelineRecorder over small real simulations of the
// reference control plane: what happened is counted, what never happened
// is listed with zero, and the observers leave the run's digest alone.
#include "reports/coverage_collector.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/probe.hpp"
#include "planes/postgres/model.hpp"
#include "reports/timeline_recorder.hpp"
#include "sim/scenario.hpp"

namespace unwedge::reports {
namespace {

using core::kHour;
using core::kMinute;

// One service provisioned and left alone for half an hour, then a crash of
// its leader's host.
sim::Scenario leader_crash() {
  sim::Scenario scenario{.name = "leader-crash", .duration_us = kHour, .recovery_us = 30 * kMinute};
  scenario.config = sim::SimConfig{.seed = 7, .services = {{.id = "db1"}}};
  scenario.faults = {{.at_us = 30 * kMinute,
                      .spec = {.kind = sim::FaultKind::kHostCrash,
                               .targets = {"leader:db1"},
                               .duration_us = 10 * kMinute}}};
  return scenario;
}

const MachineCoverage& machine(const Coverage& c, const std::string& name) {
  auto it = std::find_if(c.machines.begin(), c.machines.end(),
                         [&](const MachineCoverage& m) { return m.name == name; });
  EXPECT_NE(it, c.machines.end()) << name;
  return *it;
}

std::uint64_t taken(const MachineCoverage& m, const std::string& from, const std::string& to,
                    const std::string& cause) {
  for (const TransitionCoverage& t : m.transitions) {
    if (t.legal && t.from == from && t.to == to && t.cause == cause) return t.taken;
  }
  ADD_FAILURE() << m.name << " has no legal transition " << from << " -> " << to;
  return 0;
}

const RuleCoverage& rule(const Coverage& c, const std::string& table, const std::string& name) {
  for (const TableCoverage& t : c.tables) {
    for (const RuleCoverage& r : t.rules) {
      if (t.name == table && r.name == name) return r;
    }
  }
  ADD_FAILURE() << "no rule " << name << " in table " << table;
  static const RuleCoverage none;
  return none;
}

TEST(CoverageCollector, ListsTheWholeModelWithZerosBeforeAnyRun) {
  const Coverage empty = empty_coverage(postgres::model());
  EXPECT_EQ(empty.machines.size(), postgres::model().machines.size());
  EXPECT_EQ(empty.tables.size(), postgres::model().tables.size());
  EXPECT_EQ(empty.actions.size(), postgres::model().actions.size());
  EXPECT_EQ(empty.faults.size(), sim::fault_kinds().size());
  EXPECT_TRUE(
      std::is_sorted(empty.faults.begin(), empty.faults.end(),
                     [](const NamedCount& a, const NamedCount& b) { return a.name < b.name; }));
  EXPECT_FALSE(empty.probes.empty());
  EXPECT_EQ(taken(machine(empty, "service"), "provisioning", "available", "provisioned"), 0u);
}

TEST(CoverageCollector, CountsWhatARunDidAndListsWhatItNeverDid) {
  CoverageCollector collector(postgres::model());
  const sim::ScenarioOutcome outcome = sim::run_scenario(leader_crash(), {}, nullptr, &collector);
  ASSERT_TRUE(outcome.passed) << outcome.mismatch;
  const Coverage c = collector.coverage();

  const MachineCoverage& service = machine(c, "service");
  EXPECT_GE(taken(service, "provisioning", "available", "provisioned"), 1u);
  // Never deprovisioned: a legal transition never taken, listed with 0.
  EXPECT_EQ(taken(service, "deprovisioning", "deprovisioned", "deprovisioned"), 0u);
  const auto available = std::find_if(service.states.begin(), service.states.end(),
                                      [](const StateCoverage& s) { return s.name == "available"; });
  ASSERT_NE(available, service.states.end());
  EXPECT_GE(available->entered, 1u);
  // How close each bounded state came to overstaying: never past its bound
  // in a passing run, never more than the stay itself, and a failover held
  // wholly inside the crash counted at nothing of its stay.
  for (const StateCoverage& s : service.states) {
    EXPECT_LE(s.dwell.judged_max_us, s.dwell.max_us) << s.name;
    EXPECT_LE(s.dwell.judged_max_us, s.dwell_max_us.value_or(0)) << s.name;
  }
  const auto state_named = [&](const char* name) {
    return *std::find_if(service.states.begin(), service.states.end(),
                         [&](const StateCoverage& s) { return s.name == name; });
  };
  EXPECT_GT(state_named("provisioning").dwell.judged_max_us, 0);
  const StateCoverage& failing_over = state_named("failing_over");
  ASSERT_GT(failing_over.dwell.total(), 0u);
  EXPECT_GT(failing_over.dwell.max_us, 0);
  EXPECT_EQ(failing_over.dwell.judged_max_us, 0);

  // Provisioning was decided by its rule, every pass until it was done.
  EXPECT_GE(rule(c, "service", "finish-provisioning").fired, 1u);
  const TableCoverage& table = *std::find_if(
      c.tables.begin(), c.tables.end(), [](const TableCoverage& t) { return t.name == "service"; });
  EXPECT_TRUE(std::any_of(table.cells.begin(), table.cells.end(), [](const CellCoverage& cell) {
    return cell.state == "provisioning" && cell.outcome == "act Provision" && cell.seen >= 1;
  }));
  EXPECT_TRUE(std::is_sorted(table.cells.begin(), table.cells.end(),
                             [](const CellCoverage& a, const CellCoverage& b) {
                               return std::tie(a.state, a.signals) < std::tie(b.state, b.signals);
                             }));

  const auto provision =
      std::find_if(c.actions.begin(), c.actions.end(),
                   [](const ActionCoverage& a) { return a.name == "Provision"; });
  ASSERT_NE(provision, c.actions.end());
  EXPECT_EQ(provision->started, 1u);
  EXPECT_FALSE(provision->steps.empty());

  const auto crash = std::find_if(c.faults.begin(), c.faults.end(),
                                  [](const NamedCount& f) { return f.name == "host_crash"; });
  ASSERT_NE(crash, c.faults.end());
  EXPECT_EQ(crash->count, 1u);
}

TEST(CoverageCollector, AProbeHitDuringTheRunIsCountedAndTheRestAreListedWithZero) {
  CoverageCollector collector(postgres::model());
  for (int i = 0; i < 2; ++i)
    UNWEDGE_PROBE("reports_test.probe_hit_twice");
  const Coverage c = collector.coverage();
  const auto hit = std::find_if(c.probes.begin(), c.probes.end(), [](const ProbeCoverage& p) {
    return p.name == "reports_test.probe_hit_twice";
  });
  ASSERT_NE(hit, c.probes.end());
  EXPECT_EQ(hit->hits, 2u);
  // A new collector starts from zero: probes count per run.
  CoverageCollector next(postgres::model());
  for (const ProbeCoverage& p : next.coverage().probes)
    EXPECT_EQ(p.hits, 0u) << p.name;
}

TEST(CoverageCollector, ObservingARunLeavesItsDigestAlone) {
  const std::uint64_t plain = sim::run_scenario(leader_crash()).run.digest;
  CoverageCollector collector(postgres::model());
  TimelineRecorder timeline;
  sim::RunObservers both({&collector, &timeline});
  EXPECT_EQ(sim::run_scenario(leader_crash(), {}, nullptr, &both).run.digest, plain);
}

TEST(TimelineRecorder, GivesALanePerEntityWithContiguousStatesAndTheFaultAsASpan) {
  TimelineRecorder recorder;
  const sim::ScenarioOutcome outcome = sim::run_scenario(leader_crash(), {}, nullptr, &recorder);
  const RunTimeline timeline = recorder.timeline(outcome.run);
  EXPECT_EQ(timeline.end_us, outcome.run.simulated_us);
  ASSERT_FALSE(timeline.lanes.empty());
  EXPECT_LE(timeline.lanes.size(), TimelineRecorder::kLanesMax);
  const auto service = std::find_if(timeline.lanes.begin(), timeline.lanes.end(),
                                    [](const TimelineLane& l) { return l.machine == "service"; });
  ASSERT_NE(service, timeline.lanes.end());
  EXPECT_EQ(service->entity, "db1");
  for (const TimelineLane& lane : timeline.lanes) {
    ASSERT_FALSE(lane.spans.empty()) << lane.entity;
    EXPECT_LE(lane.spans.size(), TimelineRecorder::kSpansPerLaneMax);
    for (std::size_t i = 1; i < lane.spans.size(); ++i) {
      EXPECT_EQ(lane.spans[i].from_us, lane.spans[i - 1].to_us) << lane.entity;
      EXPECT_NE(lane.spans[i].label, lane.spans[i - 1].label) << lane.entity;
    }
    EXPECT_EQ(lane.spans.back().to_us, outcome.run.simulated_us);
  }
  ASSERT_EQ(timeline.faults.size(), 1u);
  EXPECT_EQ(timeline.faults[0].from_us, 30 * kMinute);
  EXPECT_EQ(timeline.faults[0].to_us, 40 * kMinute);
  EXPECT_NE(timeline.faults[0].label.find("host_crash"), std::string::npos);
  EXPECT_FALSE(timeline.violation_at_us.has_value());
}

}  // namespace
}  // namespace unwedge::reports
