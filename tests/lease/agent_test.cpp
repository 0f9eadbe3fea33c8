// The keepers' loop against a fake consensus store: a lone node takes the
// lease and promotes; a leader cut from the store fences itself before the
// store can give its lease away; a replica never promotes while another
// holds the lease; a switchover hands leadership to the node named.
#include <gtest/gtest.h>

#include "planes/lease/lease_keys.hpp"
#include "planes/lease/machines.hpp"
#include "tests/lease/cluster.hpp"

namespace unwedge::lease::testing {
namespace {

using core::kSecond;

TEST(KeeperLoop, ALoneNodeAcquiresTheLeaseAndPromotes) {
  Cluster c({"db1-1"});
  c.run(10 * kSecond);
  EXPECT_EQ(c.state("db1-1"), "leader");
  EXPECT_TRUE(c.db("db1-1").accepts_writes());
  EXPECT_EQ(c.db("db1-1").term, 2u);
  EXPECT_EQ(c.store.value(lease_key("db1")), "db1-1");
  EXPECT_EQ(parse_optime(*c.store.value(optime_key("db1")))->by, "db1-1");
  EXPECT_TRUE(c.violations.empty());
}

TEST(KeeperLoop, ALeaderKeepsItsLeaseByRenewing) {
  Cluster c({"db1-1"});
  c.run(5 * core::kMinute);
  EXPECT_EQ(c.state("db1-1"), "leader");
  EXPECT_EQ(c.db("db1-1").term, 2u);  // never demoted, never promoted again
  EXPECT_TRUE(c.violations.empty());
}

TEST(KeeperLoop, ALeaderThatCannotRenewDemotesBeforeTheTtlByItsClock) {
  Cluster c({"db1-1"});
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * kSecond));
  c.run(3 * kSecond);
  c.store.reachable = false;
  const core::TimeUs sent_us = c.keeper("db1-1")->lease_sent_us;
  ASSERT_TRUE(c.run_until([&] { return c.db("db1-1").fenced; }, 60 * kSecond));
  const core::TimeUs fenced_us = c.nodes.at("db1-1")->clock.now_us();
  const Settings s;
  // Fenced within one pass of its lease's safe end, a whole margin before
  // the store (whose clock agrees here, and which wrote the key when it was
  // sent) could expire the key.
  EXPECT_EQ(c.store.keys().at(lease_key("db1")).written_us, sent_us);
  EXPECT_LE(fenced_us, sent_us + s.loop_wait_us + s.retry_timeout_us + kAgentIntervalUs);
  EXPECT_LE(fenced_us + safety_margin_us(s) - kAgentIntervalUs, sent_us + s.ttl_us);
  EXPECT_FALSE(c.db("db1-1").accepts_writes());
  EXPECT_NE(c.state("db1-1"), "leader");
  EXPECT_TRUE(c.violations.empty()) << c.violations.front().message;
}

TEST(KeeperLoop, AReplicaDoesNotPromoteWhileAnotherHoldsTheLease) {
  Cluster c({"db1-2"});
  c.fleet.dbs["db1-1"] = FakeDb{.term = 2, .lsn = 40};
  ASSERT_TRUE(c.store
                  .ask("someone", {.kind = core::KvKind::kPut,
                                   .key = lease_key("db1"),
                                   .value = "db1-1",
                                   .ttl_us = core::kHour})
                  .holds());
  c.run(5 * core::kMinute);
  EXPECT_EQ(c.state("db1-2"), "replica");
  EXPECT_EQ(c.keeper("db1-2")->following, "db1-1");
  EXPECT_FALSE(c.db("db1-2").accepts_writes());
  EXPECT_EQ(c.db("db1-2").upstream, "db1-1");
  EXPECT_EQ(c.db("db1-2").lsn, 40u);
  for (const core::TransitionEvent& e : c.nodes.at("db1-2")->journal.events)
    EXPECT_NE(keeper_machine().state_name(e.to), "leader");
}

TEST(KeeperLoop, AReplicaTakesOverOnlyOnceTheOldLeaderSaidWhereItStopped) {
  Cluster c({"db1-1", "db1-2"});
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * kSecond));
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-2") == "replica"; }, 10 * kSecond));
  c.fleet.write("db1-1");
  c.run(15 * kSecond);
  // A stop-the-world pause of the leader's agent: its lease lapses in the
  // store while its database (in this fake) still runs. Its last published
  // position is not final, so the replica may not take over.
  c.pause("db1-1", true);
  c.run(2 * core::kMinute);
  EXPECT_EQ(c.state("db1-2"), "replica");
  EXPECT_EQ(c.db("db1-2").term, 2u);
  // Resumed, it finds its lease spent by its own clock and fences itself,
  // publishing where it stopped; then either may lead, with every write.
  c.pause("db1-1", false);
  ASSERT_TRUE(c.run_until(
      [&] { return c.state("db1-1") == "leader" || c.state("db1-2") == "leader"; }, core::kMinute));
  const std::string leader = c.state("db1-1") == "leader" ? "db1-1" : "db1-2";
  EXPECT_GE(c.db(leader).lsn, 1u);
  EXPECT_TRUE(c.db(leader).accepts_writes());
  EXPECT_TRUE(c.violations.empty()) << c.violations.front().message;
}

TEST(KeeperLoop, ASwitchoverHandsLeadershipToTheNodeNamed) {
  Cluster c({"db1-1", "db1-2", "db1-3"});
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * kSecond));
  c.run(20 * kSecond);
  c.fleet.write("db1-1");
  c.fleet.write("db1-1");
  ASSERT_TRUE(c.request("switchover", "db1-3"));
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-3") == "leader"; }, core::kMinute));
  ASSERT_TRUE(
      c.run_until([&] { return c.state("db1-1") == "replica" && c.state("db1-2") == "replica"; },
                  core::kMinute));
  EXPECT_EQ(c.keeper("db1-1")->following, "db1-3");
  EXPECT_EQ(c.keeper("db1-2")->following, "db1-3");
  EXPECT_FALSE(c.db("db1-1").accepts_writes());
  EXPECT_EQ(c.db("db1-3").lsn, 2u);
  EXPECT_EQ(c.db("db1-3").term, 3u);
  EXPECT_TRUE(c.violations.empty());
}

TEST(KeeperLoop, ARestartedLeaderStepsDownAndAnotherLeads) {
  Cluster c({"db1-1", "db1-2"});
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * kSecond));
  c.run(20 * kSecond);
  ASSERT_TRUE(c.request("restart", "db1-1"));
  ASSERT_TRUE(c.run_until(
      [&] {
        return c.db("db1-1").fenced && c.state("db1-1") != "leader" &&
               c.state("db1-1") != "demoting";
      },
      core::kMinute));
  c.run(core::kMinute);
  const int leaders = (c.state("db1-1") == "leader") + (c.state("db1-2") == "leader");
  EXPECT_EQ(leaders, 1);
  EXPECT_TRUE(c.violations.empty());
}

TEST(KeeperLoop, AClockStepBackSpendsTheLease) {
  Cluster c({"db1-1"});
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * kSecond));
  c.nodes.at("db1-1")->clock.advance(-core::kMinute);
  c.pass();
  EXPECT_TRUE(c.db("db1-1").fenced);
  EXPECT_NE(c.state("db1-1"), "leader");
}

}  // namespace
}  // namespace unwedge::lease::testing

namespace unwedge::lease::testing {
namespace {

TEST(KeeperLoop, ARenewalThatLandsLateIsAdoptedNotMistakenForALostLease) {
  Cluster c({"db1-1"});
  ASSERT_TRUE(c.run_until([&] { return c.state("db1-1") == "leader"; }, 10 * core::kSecond));
  // A renewal of its own lands behind its back (as one given up and
  // applied late would): the keeper's revision is now stale.
  const std::uint64_t held = c.keeper("db1-1")->lease_revision;
  ASSERT_TRUE(c.store
                  .ask("late", {.kind = core::KvKind::kCompareAndSet,
                                .key = lease_key("db1"),
                                .value = "db1-1",
                                .expected_revision = held,
                                .ttl_us = Settings{}.ttl_us})
                  .holds());
  c.run(2 * core::kMinute);
  EXPECT_EQ(c.state("db1-1"), "leader");
  EXPECT_EQ(c.db("db1-1").term, 2u);
  EXPECT_TRUE(c.violations.empty());
}

}  // namespace
}  // namespace unwedge::lease::testing
