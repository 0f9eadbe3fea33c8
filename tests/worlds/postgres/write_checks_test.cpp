#include "worlds/postgres/write_checks.hpp"

#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

#include "worlds/postgres/world.hpp"

namespace unwedge::pgworld {
namespace {

// One asynchronous service of two hosts, both up, db1-1 leading with the
// endpoint on it, and one client: enough to acknowledge writes on one node,
// promote the other and see what the checks say.
class WriteChecksTest : public ::testing::Test {
 protected:
  WriteChecksTest() {
    service = w.add_service("db1", false);
    w.add_client(service);
    a = w.add_host("db1-1", "db1");
    b = w.add_host("db1-2", "db1");
    for (HostIndex h : {a, b}) {
      w.hosts[h].state = HostState::kUp;
      w.hosts[h].db.running = true;
    }
    w.hosts[b].db.primary = false;
    w.hosts[b].db.upstream = a;
    w.services[service].target = a;
  }

  // A client write through the endpoint, shown to the checks when acknowledged.
  std::optional<WriteFinding> write(std::uint64_t write_id) {
    const WriteOutcome outcome = w.write(w.clients[0], write_id);
    EXPECT_EQ(outcome.kind, WriteOutcome::Kind::kAcked);
    return checks.on_ack(service, write_id, outcome);
  }

  // b leaves a's stream and takes writes on timeline 2; the endpoint follows.
  void promote_b() {
    w.hosts[b].db.wal.promote(2);
    w.hosts[b].db.primary = true;
    w.hosts[b].db.upstream.reset();
    w.services[service].target = b;
  }

  core::TimeUs now = 0;
  World w{now};
  WriteChecks checks{w};
  std::uint32_t service = 0;
  HostIndex a = 0;
  HostIndex b = 0;
};

TEST_F(WriteChecksTest, AReplicaThatCaughtUpHoldsEveryAcknowledgedWrite) {
  EXPECT_FALSE(write(1).has_value());
  EXPECT_FALSE(write(2).has_value());
  ASSERT_TRUE(w.catch_up(b));
  EXPECT_FALSE(checks.missing_write_on(service, b, "after its promotion").has_value());
  EXPECT_FALSE(checks.missing_write_on(service, a, "at the end of the run").has_value());
}

TEST_F(WriteChecksTest, ALaggingReplicaPromotedLosesTheWritesItNeverReceived) {
  EXPECT_FALSE(write(1).has_value());
  std::optional<WriteFinding> lost = checks.missing_write_on(service, b, "after its promotion");
  ASSERT_TRUE(lost.has_value());
  EXPECT_EQ(lost->entity, "db1");
  EXPECT_EQ(lost->message,
            "write w-1 acknowledged by db1-1 at LSN 1 on timeline 1 is missing from the leader "
            "db1-2 (timeline 1, LSN 0) after its promotion");
}

TEST_F(WriteChecksTest, TwoNodesAcknowledgingOnDivergingHistoriesIsSplitBrain) {
  EXPECT_FALSE(write(1).has_value());
  promote_b();
  // The client's connection to the old leader fails over to the new one.
  w.clients[0].connected.reset();
  std::optional<WriteFinding> diverged = write(2);
  ASSERT_TRUE(diverged.has_value());
  EXPECT_EQ(diverged->entity, "db1");
  EXPECT_EQ(diverged->message,
            "write w-2 acknowledged by db1-2 at LSN 1 on timeline 2 is on a history without w-1, "
            "acknowledged earlier by db1-1 at LSN 1 on timeline 1: two nodes of db1 accepted "
            "writes on diverging histories");
  // Told once: the next write on the same history extends it.
  EXPECT_FALSE(write(3).has_value());
}

TEST_F(WriteChecksTest, APromotionAfterCatchingUpKeepsOneHistory) {
  EXPECT_FALSE(write(1).has_value());
  ASSERT_TRUE(w.catch_up(b));
  promote_b();
  w.clients[0].connected.reset();
  EXPECT_FALSE(write(2).has_value());
  EXPECT_FALSE(checks.missing_write_on(service, b, "at the end of the run").has_value());
}

}  // namespace
}  // namespace unwedge::pgworld
