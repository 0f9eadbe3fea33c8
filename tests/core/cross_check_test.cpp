#include "core/cross_check.hpp"

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
  // such edge, so the service would sit in unavailable forever.
  failover_.transitions.push_back({"service", "unavailable", "available", "failover_done"});
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, CrossFindingKind::kMissingTransition);
  EXPECT_EQ(findings[0].message,
            "action Failover requests service: unavailable -> available on 'failover_done', "
            "which is not in the service transition table; an entity told to make it would wedge");
}

TEST_F(CrossCheckTest, FindsUnknownMachinesAndStates) {
  failover_.transitions.push_back({"server", "running", "fenced", "fence"});
  failover_.transitions.push_back({"service", "unavailable", "promoted", "promote"});
  std::vector<CrossFinding> findings = cross_check(model());
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].kind, CrossFindingKind::kUnknownMachine);
  EXPECT_EQ(findings[1].kind, CrossFindingKind::kUnknownState);
  EXPECT_NE(findings[1].message.find("'promoted'"), std::string::npos);
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
  bool found = false;
  for (const CrossFinding& f : findings) {
    found = found || f.kind == CrossFindingKind::kTableForUnknownMachine;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace unwedge::core
