// The lease plane's planted bugs (Settings::mutant, compiled into
// unwedge_lease_mutants only), each shown doing what makes it a bug where
// the shipped plane does not; the simulator's scenarios under
// scenarios/lease/ catch them in whole runs.
#include <gtest/gtest.h>

#include "core/scheduler.hpp"
#include "planes/lease/keeper_actions.hpp"
#include "planes/lease/keeper_signals.hpp"
#include "planes/lease/lease_keys.hpp"
#include "planes/lease/machines.hpp"
#include "tests/lease/cluster.hpp"

namespace unwedge::lease::testing {
namespace {

// A leader cut from the store for a minute; the plane's invariants judged.
std::vector<seam::PlaneViolation> leader_cut_from_store(Mutant mutant) {
  Cluster c({"db1-1"}, Settings{.mutant = mutant});
  const bool led = c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * core::kSecond);
  UNWEDGE_ASSERT(led);
  c.store.reachable = false;
  c.run(core::kMinute);
  return c.violations;
}

TEST(LeaseMutants, WithoutASafetyMarginALeaderLeadsPastItsSafeWindow) {
  EXPECT_TRUE(leader_cut_from_store(Mutant::kNone).empty());
  const std::vector<seam::PlaneViolation> found = leader_cut_from_store(Mutant::kNoSafetyMargin);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front().entity, "db1-1");
  EXPECT_NE(found.front().message.find("past its lease's safe end"), std::string::npos);
}

TEST(LeaseMutants, DemotingOnlyAfterTheTtlLeadsPastTheSafeWindow) {
  EXPECT_FALSE(leader_cut_from_store(Mutant::kDemoteAfterTtl).empty());
}

TEST(LeaseMutants, WithoutTheLagCheckALaggingCandidatePromotes) {
  const Optime published{.timeline = 2, .lsn = 100, .by = "db1-1", .final = true};
  const core::Checkin behind{.log_position = 90, .term = 2};
  const Keeper candidate{.id = "db1-2", .service = "db1"};
  EXPECT_FALSE(
      promotion_check(candidate, behind, published, 2, {.maximum_lag_on_failover = 0}).allowed);
  EXPECT_TRUE(
      promotion_check(candidate, behind, published, 2,
                      {.maximum_lag_on_failover = 0, .mutant = Mutant::kPromoteWithoutLagCheck})
          .allowed);
}

// db1-2 led; its lease lapsed and db1-1 took it; db1-2 then renews as if
// its old read still held.
std::optional<std::string> renewal_over_a_taken_lease(Mutant mutant) {
  FakeFleet fleet;
  FakeNode node(fleet, "db1-2", 100 * core::kSecond);
  FakeCoordination store(node.clock);
  const Settings settings{.mutant = mutant};
  const core::KvAnswer old = store.ask("old", {.kind = core::KvKind::kPut,
                                               .key = lease_key("db1"),
                                               .value = "db1-2",
                                               .ttl_us = settings.ttl_us});
  const core::KvAnswer taken = store.ask("taken", {.kind = core::KvKind::kPut,
                                                   .key = lease_key("db1"),
                                                   .value = "db1-1",
                                                   .ttl_us = settings.ttl_us});
  UNWEDGE_ASSERT(taken.holds());
  {
    std::unique_ptr<core::Transaction> txn = node.store.begin();
    txn->put(Keeper{.id = "db1-2",
                    .service = "db1",
                    .state = {.id = *keeper_machine().find_state("leader")},
                    .lease_revision = old.revision,
                    .lease_sent_us = node.clock.now_us() - settings.loop_wait_us});
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT(committed.ok());
  }
  const std::vector<core::ActionDef> actions = keeper_actions(settings, &store);
  core::Scheduler scheduler(node.env, actions);
  const core::Result<bool> offered = scheduler.offer(Keeper::kKind, "db1-2", "Renew");
  UNWEDGE_ASSERT(offered.ok());
  scheduler.drive_all();
  return store.value(lease_key("db1"));
}

TEST(LeaseMutants, ARenewalFromAStaleReadStealsALeaseAnotherNodeHolds) {
  EXPECT_EQ(renewal_over_a_taken_lease(Mutant::kNone), "db1-1");
  EXPECT_EQ(renewal_over_a_taken_lease(Mutant::kRenewFromStaleRead), "db1-2");
}

}  // namespace
}  // namespace unwedge::lease::testing
