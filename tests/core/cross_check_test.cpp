#include "core/cross_check.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace unwedge::core {
namespace {

StepResult noop(StepContext&) {
  return StepResult::next();
}

class CrossCheckTest : public ::testing::Test {
 protected:
  CrossCheckTest()
      : service_(*MachineDef::Builder("service")
                      .state("available", {.healthy = true, .stable = true})
                      .state("unavailable", {.dwell_max_us = 5 * kMinute})
                      .state("failing_over", {.dwell_max_us = 10 * kMinute})
                      .state("deprovisioned", {.stable = true})
                      .transition("available", "unavailable", "consistently_unreachable")
                      .transition("unavailable", "failing_over", "failover_started")
                      .transition("failing_over", "available", "failover_done")
                      .transition("available", "deprovisioned", "deprovisioned")
                      .transition("unavailable", "deprovisioned", "deprovisioned")
                      .initial("available")
                      .terminal("deprovisioned")
                      .build()),
        table_(*DecisionTable::Builder("service", service_)
                    .signals({"Unreachable", "NeedsDeprovision"})
                    .actions({"Failover", "Deprovision"})
                    .rule({.name = "deprovision",
                           .when = {"NeedsDeprovision"},
                           .in = {"available", "unavailable"},
                           .action = "Deprovision",
                           .priority = 90})
                    .rule({.name = "failover",
                           .when = {"Unreachable"},
                           .in = {"unavailable"},
                           .action = "Failover",
                           .priority = 50})
                    .rule({.name = "idle", .priority = 0})
                    .build()) {
    failover_ =
        ActionDef{.name = "Failover",
                  .steps = {{"all", noop}},
                  .transitions = {{"service", "unavailable", "failing_over", "failover_started"},
                                  {"service", "failing_over", "available", "failover_done"}}};
    deprovision_ =
        ActionDef{.name = "Deprovision",
                  .steps = {{"all", noop}},
                  .transitions = {{"service", "available", "deprovisioned", "deprovisioned"},
                                  {"service", "unavailable", "deprovisioned", "deprovisioned"}}};
  }

  ControlPlaneModel model() {
    return ControlPlaneModel{
        .machines = {&service_}, .tables = {&table_}, .actions = {&failover_, &deprovision_}};
  }

  MachineDef service_;
  DecisionTable table_;
  ActionDef failover_;
  ActionDef deprovision_;
};

TEST_F(CrossCheckTest, ConsistentModelHasNoFindings) {
  std::vector<CrossFinding> findings = cross_check(model());
  for (const CrossFinding& f : findings)
    ADD_FAILURE() << f.message;
}

TEST_F(CrossCheckTest, FindsARequestedTransitionMissingFromTheTable) {
  // The action believes it can go straight back to available: the table has no
  // such edge, so the service would sit in unavailable forever. The finding
  // names the rule and the cell that would send it there.
  failover_.transitions.push_back({"service", "unavailable", "available", "failover_done"});
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 1u);
  const CrossFinding& f = findings[0];
  EXPECT_EQ(f.kind, CrossFindingKind::kMissingTransition);
  EXPECT_EQ(f.message,
            "action Failover requests service: unavailable -> available on 'failover_done', "
            "which is not in the service transition table; an entity told to make it would "
            "wedge; scheduled by table service rule 'failover' in unavailable with "
            "{Unreachable}");
  EXPECT_EQ(f.machine, "service");
  EXPECT_EQ(f.action, "Failover");
  EXPECT_EQ(f.from, "unavailable");
  EXPECT_EQ(f.to, "available");
  EXPECT_EQ(f.cause, "failover_done");
  EXPECT_TRUE(f.table_causes.empty());
  ASSERT_EQ(f.scheduled_by.size(), 1u);
  EXPECT_EQ(f.scheduled_by[0].table, "service");
  EXPECT_EQ(f.scheduled_by[0].rule, "failover");
  EXPECT_EQ(f.scheduled_by[0].cell, (NamedCell{"unavailable", {"Unreachable"}}));
  EXPECT_EQ(f.scheduled_by[0].cells, 1u);
  EXPECT_FALSE(is_model_error(f.kind));
}

TEST_F(CrossCheckTest, AMissingTransitionMidActionNamesTheCellsThatStartTheAction) {
  // Deprovision is scheduled in available and unavailable, never in
  // failing_over; its step from failing_over is reached on the way, so the
  // finding names every cell that starts it, per rule, and how many there are.
  deprovision_.transitions.push_back({"service", "failing_over", "deprovisioned", "deprovisioned"});
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 1u);
  ASSERT_EQ(findings[0].scheduled_by.size(), 1u);
  const SchedulingCell& by = findings[0].scheduled_by[0];
  EXPECT_EQ(by.rule, "deprovision");
  EXPECT_EQ(by.cell, (NamedCell{"available", {"NeedsDeprovision"}}));
  // {NeedsDeprovision} and {Unreachable, NeedsDeprovision}, in each of two states.
  EXPECT_EQ(by.cells, 4u);
  EXPECT_TRUE(findings[0].message.ends_with(
      "; scheduled by table service rule 'deprovision' in available with {NeedsDeprovision} "
      "(and 3 more cells)"))
      << findings[0].message;
}

TEST_F(CrossCheckTest, ARequestUnderAnotherCauseIsRefusedAndSaysWhichCauseTheTableTakes) {
  failover_.transitions.push_back({"service", "failing_over", "available", "failback_done"});
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].table_causes, std::vector<std::string>{"failover_done"});
  EXPECT_NE(findings[0].message.find(
                "(it joins failing_over -> available only on 'failover_done', so the runtime "
                "refuses 'failback_done')"),
            std::string::npos)
      << findings[0].message;
}

TEST_F(CrossCheckTest, FindsUnknownMachinesAndStatesAsModelErrorsWithAFix) {
  failover_.transitions.push_back({"server", "running", "fenced", "fence"});
  failover_.transitions.push_back({"service", "unavailable", "failng_over", "promote"});
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].kind, CrossFindingKind::kUnknownMachine);
  EXPECT_EQ(findings[0].fix,
            "name one of the model's machines (service) in the action's transitions, or add the "
            "machine to ControlPlaneModel::machines");
  EXPECT_EQ(findings[1].kind, CrossFindingKind::kUnknownState);
  EXPECT_EQ(findings[1].message,
            "action Failover names state 'failng_over', which machine service does not have; "
            "did you mean 'failing_over'?");
  EXPECT_TRUE(is_model_error(findings[0].kind));
  EXPECT_TRUE(is_model_error(findings[1].kind));
}

TEST_F(CrossCheckTest, FindsAScheduledActionThatNobodyWrote) {
  ControlPlaneModel m = model();
  m.actions = {&failover_};
  std::vector<CrossFinding> findings = cross_check(m);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, CrossFindingKind::kUndefinedAction);
  EXPECT_EQ(findings[0].message,
            "table service can schedule action Deprovision, which no ActionDef defines");
}

TEST_F(CrossCheckTest, FindsAnActionScheduledInAStateItCannotLeave) {
  // Deprovision only knows how to leave available; the table also runs it in
  // unavailable.
  deprovision_.transitions.pop_back();
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, CrossFindingKind::kNoExitWhereScheduled);
  EXPECT_EQ(findings[0].message,
            "table service schedules Deprovision in unavailable with {NeedsDeprovision}, but "
            "Deprovision declares no transition of service out of unavailable");
}

TEST_F(CrossCheckTest, FindsATableWrittenAgainstAMachineOutsideTheModel) {
  ControlPlaneModel m = model();
  m.machines.clear();
  std::vector<CrossFinding> findings = cross_check(m);
  ASSERT_FALSE(findings.empty());
  auto found = std::find_if(findings.begin(), findings.end(), [](const CrossFinding& f) {
    return f.kind == CrossFindingKind::kTableForUnknownMachine;
  });
  ASSERT_NE(found, findings.end());
  EXPECT_EQ(found->message, "table service decides for machine service, which is not in the model");
  EXPECT_TRUE(is_model_error(found->kind));
}

TEST_F(CrossCheckTest, FindsATableBuiltAgainstACopyOfItsMachine) {
  // The table keeps a reference to what it was built against: a copy equal
  // today is still not the machine the model lists.
  const MachineDef copy = service_;
  DecisionTable table = *DecisionTable::Builder("service", copy)
                             .signals({"Unreachable"})
                             .actions({"Failover"})
                             .rule({.name = "idle"})
                             .build();
  ControlPlaneModel m = model();
  m.tables = {&table};
  std::vector<CrossFinding> findings = cross_check(m);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, CrossFindingKind::kTableForCopiedMachine);
  EXPECT_EQ(findings[0].message,
            "table service was built against a copy of machine service, not the MachineDef "
            "object the model lists");
  EXPECT_NE(findings[0].fix.find("pass the model's own MachineDef service to "
                                 "DecisionTable::Builder"),
            std::string::npos)
      << findings[0].fix;
  EXPECT_TRUE(is_model_error(findings[0].kind));
}

}  // namespace
}  // namespace unwedge::core
