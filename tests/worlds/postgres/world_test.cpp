#include "worlds/postgres/world.hpp"

#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::pgworld {
namespace {

using sim::CutId;
using sim::EndpointId;
using Kind = WriteOutcome::Kind;

// One synchronous service with three hosts (none up yet), one client and a
// monitor, built by hand so each test sets exactly the data path it needs.
class WorldTest : public ::testing::Test {
 protected:
  WorldTest() {
    w.add_vantage("monitor-a");
    service = w.add_service("db1", true);
    w.add_client(service);
    a = w.add_host("db1-1", "db1");
    b = w.add_host("db1-2", "db1");
    c = w.add_host("db1-3", "db1");
  }

  void make_leader(HostIndex h) {
    Host& host = w.hosts[h];
    host.state = HostState::kUp;
    host.db.running = true;
    host.db.primary = true;
    host.db.fenced = false;
    host.db.upstream.reset();
    host.db.sync_standby = false;
  }

  void make_standby(HostIndex h, HostIndex upstream, bool sync = true) {
    Host& host = w.hosts[h];
    host.state = HostState::kUp;
    host.db.running = true;
    host.db.primary = false;
    host.db.upstream = upstream;
    host.db.sync_standby = sync;
  }

  // The usual healthy shape: a leads, b is its synchronous standby, the
  // endpoint routes to a.
  void healthy_pair() {
    make_leader(a);
    make_standby(b, a);
    svc().target = a;
  }

  ServiceEndpoint& svc() { return w.services[service]; }
  Client& client() { return w.clients[0]; }
  WalHistory& wal(HostIndex h) { return w.hosts[h].db.wal; }
  EndpointId endpoint(HostIndex h) const { return w.hosts[h].endpoint; }

  core::TimeUs now = 0;
  World w{now};
  std::uint32_t service = 0;
  HostIndex a = 0;
  HostIndex b = 0;
  HostIndex c = 0;
};

TEST_F(WorldTest, BuildingRegistersHostsServicesAndEndpoints) {
  EXPECT_EQ(w.find_host("db1-2"), b);
  EXPECT_FALSE(w.find_host("db1-9").has_value());
  EXPECT_EQ(w.find_service("db1"), service);
  EXPECT_EQ(w.find_vantage("monitor-a"), 0u);
  EXPECT_EQ(svc().hosts, (std::vector<HostIndex>{a, b, c}));
  EXPECT_EQ(client().name, "client-db1-1");
  // Every participant is a network endpoint under its own name.
  EXPECT_EQ(w.network.find("db1-3"), endpoint(c));
  EXPECT_EQ(w.network.find("client-db1-1"), client().endpoint);
  EXPECT_EQ(w.network.find("control-plane"), w.control_plane);
  // Each host keeps one slot per vantage point for its latest check-in.
  EXPECT_EQ(w.hosts[a].received.size(), 1u);
}

TEST_F(WorldTest, AVantageAddedAfterAHostIsAContractBreach) {
  core::AssertionHandler previous = core::set_assertion_handler(&core::throwing_assertion_handler);
  EXPECT_THROW(w.add_vantage("monitor-b"), core::AssertionFailure);
  EXPECT_THROW(w.add_host("db1-1", "db1"), core::AssertionFailure);
  core::set_assertion_handler(previous);
}

TEST_F(WorldTest, AWriteWithNoEndpointTargetGoesNowhere) {
  make_leader(a);
  const WriteOutcome out = w.write(client(), 1);
  EXPECT_EQ(out.kind, Kind::kNoEndpoint);
  EXPECT_FALSE(out.node.has_value());
  EXPECT_FALSE(client().connected.has_value());
  EXPECT_EQ(svc().writes_failed, 1u);
  EXPECT_EQ(svc().writes_acked, 0u);
  EXPECT_EQ(wal(a).flushed_lsn(), 0u);
}

TEST_F(WorldTest, AnUnreachableTargetRefusesWithoutWriting) {
  healthy_pair();
  w.network.cut_complete({endpoint(a)});
  const WriteOutcome out = w.write(client(), 1);
  EXPECT_EQ(out.kind, Kind::kRefused);
  EXPECT_EQ(out.node, a);
  EXPECT_EQ(out.why, "db1-1 cannot be reached");
  EXPECT_FALSE(client().connected.has_value());
  EXPECT_EQ(wal(a).flushed_lsn(), 0u);

  // One direction is enough to break a TCP session.
  w.network.heal_all();
  w.network.cut_one_way({endpoint(a)}, {client().endpoint});
  EXPECT_EQ(w.write(client(), 2).kind, Kind::kRefused);

  // A booting host or a stopped database cannot take the connection either.
  w.network.heal_all();
  w.hosts[a].state = HostState::kBooting;
  EXPECT_EQ(w.write(client(), 3).kind, Kind::kRefused);
  w.hosts[a].state = HostState::kUp;
  w.hosts[a].db.running = false;
  EXPECT_EQ(w.write(client(), 4).kind, Kind::kRefused);
  EXPECT_EQ(svc().writes_failed, 4u);
  EXPECT_EQ(wal(a).flushed_lsn(), 0u);
}

TEST_F(WorldTest, AFencedLeaderRefusesAndDropsTheConnection) {
  healthy_pair();
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  ASSERT_EQ(client().connected, a);

  w.hosts[a].db.fenced = true;
  const WriteOutcome out = w.write(client(), 2);
  EXPECT_EQ(out.kind, Kind::kRefused);
  EXPECT_EQ(out.node, a);
  EXPECT_EQ(out.why, "db1-1 is fenced");
  EXPECT_FALSE(client().connected.has_value());
  EXPECT_EQ(wal(a).flushed_lsn(), 1u);  // nothing written
  EXPECT_EQ(svc().writes_failed, 1u);
  EXPECT_EQ(svc().writes_acked, 1u);
}

TEST_F(WorldTest, ANonPrimaryNodeRefusesAsReadOnly) {
  make_standby(a, b);
  make_leader(b);
  svc().target = a;  // the endpoint still routes to a demoted node
  const WriteOutcome out = w.write(client(), 1);
  EXPECT_EQ(out.kind, Kind::kRefused);
  EXPECT_EQ(out.why, "db1-1 is read-only");
  EXPECT_FALSE(client().connected.has_value());
  EXPECT_EQ(wal(a).flushed_lsn(), 0u);
  EXPECT_EQ(wal(b).flushed_lsn(), 0u);
}

TEST_F(WorldTest, SynchronousCommitIsAckedOnceTheStandbyHoldsTheWrite) {
  healthy_pair();
  now = 7'000;
  const WriteOutcome out = w.write(client(), 41);
  EXPECT_EQ(out.kind, Kind::kAcked);
  EXPECT_EQ(out.node, a);
  EXPECT_EQ(out.lsn, 1u);
  EXPECT_EQ(out.timeline, 1u);
  EXPECT_EQ(client().connected, a);
  // Acknowledging caught the standby up.
  EXPECT_TRUE(wal(b).contains(1, 1));
  EXPECT_EQ(wal(b), wal(a));

  ASSERT_EQ(svc().acked.size(), 1u);
  const AckedWrite& acked = svc().acked.at(1);
  EXPECT_EQ(acked.write_id, 41u);
  EXPECT_EQ(acked.lsn, 1u);
  EXPECT_EQ(acked.timeline, 1u);
  EXPECT_EQ(acked.node, a);
  EXPECT_EQ(acked.at_us, 7'000);  // the world's clock, read at the write
  EXPECT_EQ(svc().writes_acked, 1u);
  EXPECT_EQ(svc().writes_failed, 0u);
}

TEST_F(WorldTest, SynchronousCommitWithoutAStandbyStaysUnacknowledgedOnTheLeader) {
  make_leader(a);
  svc().target = a;
  const WriteOutcome out = w.write(client(), 1);
  EXPECT_EQ(out.kind, Kind::kUnacknowledged);
  EXPECT_EQ(out.node, a);
  EXPECT_EQ(out.lsn, 1u);
  // The record is on the leader's disk though nobody was told it committed.
  EXPECT_TRUE(wal(a).contains(1, 1));
  EXPECT_TRUE(svc().acked.empty());
  EXPECT_EQ(svc().writes_failed, 1u);
  EXPECT_FALSE(client().connected.has_value());
}

TEST_F(WorldTest, OnlyARunningSyncStandbyOfThisLeaderConfirms) {
  make_leader(a);
  svc().target = a;

  make_standby(b, a, /*sync=*/false);  // an asynchronous follower
  EXPECT_EQ(w.write(client(), 1).kind, Kind::kUnacknowledged);

  make_standby(b, c);  // synchronous, but streams from someone else
  make_leader(c);
  EXPECT_EQ(w.write(client(), 2).kind, Kind::kUnacknowledged);

  make_standby(b, a);
  w.take_down(b, HostState::kDown);
  EXPECT_EQ(w.write(client(), 3).kind, Kind::kUnacknowledged);
  EXPECT_EQ(wal(b).flushed_lsn(), 0u);
  EXPECT_TRUE(svc().acked.empty());

  // Back up and streaming from a: the next write catches it up on every
  // earlier record too.
  make_standby(b, a);
  const WriteOutcome out = w.write(client(), 4);
  EXPECT_EQ(out.kind, Kind::kAcked);
  EXPECT_EQ(out.lsn, 4u);
  EXPECT_EQ(wal(b).flushed_lsn(), 4u);
}

TEST_F(WorldTest, OnlyThisLeadersStandbyCountsEvenIfAnotherHoldsTheSameRecord) {
  // b was the leader on timeline 1 and got to LSN 5; a, a lagging node made
  // writable on timeline 1 at LSN 2, takes the endpoint. c streams from b,
  // so after catching up it holds an LSN 3 on timeline 1, but b's, not the
  // record a is about to write: it must not confirm a's commit.
  make_leader(b);
  for (int i = 0; i < 5; ++i)
    wal(b).append();
  make_standby(c, b);
  make_leader(a);
  wal(a) = wal(b);
  wal(a).truncate(2);
  svc().target = a;
  const WriteOutcome out = w.write(client(), 1);
  EXPECT_EQ(out.kind, Kind::kUnacknowledged);
  EXPECT_EQ(out.lsn, 3u);
  EXPECT_EQ(out.timeline, 1u);
  EXPECT_TRUE(svc().acked.empty());
}

TEST_F(WorldTest, AStoppedStandbyDoesNotConfirmWhatItsDiskHolds) {
  make_leader(a);
  svc().target = a;
  make_standby(b, a);
  // b's log already reaches past a's on the same timeline (a was rewound),
  // but its database is not running: nobody confirms the commit.
  for (int i = 0; i < 3; ++i)
    wal(b).append();
  wal(a).append();
  w.hosts[b].db.running = false;
  const WriteOutcome out = w.write(client(), 1);
  EXPECT_EQ(out.kind, Kind::kUnacknowledged);
  EXPECT_TRUE(wal(b).contains(out.lsn, out.timeline));
}

TEST_F(WorldTest, APartitionedStandbyLeavesWritesUnacknowledged) {
  healthy_pair();
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);

  const CutId cut = w.network.cut_complete({endpoint(b)});
  const WriteOutcome out = w.write(client(), 2);
  EXPECT_EQ(out.kind, Kind::kUnacknowledged);
  EXPECT_EQ(out.why, "no synchronous standby confirmed it");
  EXPECT_EQ(wal(a).flushed_lsn(), 2u);
  EXPECT_EQ(wal(b).flushed_lsn(), 1u);  // never reached it
  EXPECT_EQ(svc().acked.at(1).lsn, 1u);
  EXPECT_FALSE(client().connected.has_value());

  // A second, reachable synchronous standby is enough.
  make_standby(c, a);
  const WriteOutcome with_c = w.write(client(), 3);
  EXPECT_EQ(with_c.kind, Kind::kAcked);
  EXPECT_EQ(wal(c).flushed_lsn(), 3u);
  EXPECT_EQ(wal(b).flushed_lsn(), 1u);

  w.network.heal(cut);
  w.hosts[c].db.sync_standby = false;
  const WriteOutcome healed = w.write(client(), 4);
  EXPECT_EQ(healed.kind, Kind::kAcked);
  EXPECT_EQ(wal(b), wal(a));
  EXPECT_EQ(svc().acked.at(1).lsn, 4u);
  EXPECT_EQ(svc().acked.at(1).write_id, 4u);
}

TEST_F(WorldTest, AsynchronousServicesAckWithoutStandbys) {
  const std::uint32_t async = w.add_service("db2", false);
  w.add_client(async);
  const HostIndex solo = w.add_host("db2-1", "db2");
  make_leader(solo);
  w.services[async].target = solo;
  Client& writer = w.clients[1];

  for (std::uint64_t id = 1; id <= 3; ++id) {
    const WriteOutcome out = w.write(writer, id);
    EXPECT_EQ(out.kind, Kind::kAcked);
    EXPECT_EQ(out.lsn, id);
  }
  EXPECT_EQ(w.services[async].writes_acked, 3u);
  EXPECT_EQ(w.services[async].acked.at(1).lsn, 3u);
  EXPECT_EQ(w.services[async].acked.at(1).write_id, 3u);
  // The other service saw none of it.
  EXPECT_EQ(svc().writes_acked, 0u);
  EXPECT_TRUE(svc().acked.empty());
}

TEST_F(WorldTest, AckedKeepsTheHighestWritePerTimeline) {
  healthy_pair();
  for (std::uint64_t id = 1; id <= 3; ++id)
    ASSERT_EQ(w.write(client(), id).kind, Kind::kAcked);

  // Failover: a dies, b is promoted to timeline 2 with c as its standby.
  w.take_down(a, HostState::kDown);
  make_leader(b);
  wal(b).promote(2);
  make_standby(c, b);
  svc().target = b;
  const WriteOutcome out = w.write(client(), 10);
  ASSERT_EQ(out.kind, Kind::kAcked);
  EXPECT_EQ(out.node, b);
  EXPECT_EQ(out.lsn, 4u);
  EXPECT_EQ(out.timeline, 2u);

  ASSERT_EQ(svc().acked.size(), 2u);
  EXPECT_EQ(svc().acked.at(1).lsn, 3u);
  EXPECT_EQ(svc().acked.at(1).write_id, 3u);
  EXPECT_EQ(svc().acked.at(1).node, a);
  EXPECT_EQ(svc().acked.at(2).lsn, 4u);
  EXPECT_EQ(svc().acked.at(2).write_id, 10u);
  EXPECT_EQ(svc().acked.at(2).node, b);
}

TEST_F(WorldTest, ALowerLsnOnTheSameTimelineDoesNotReplaceTheHighest) {
  // A node made writable on timeline 1 behind the old leader (no promotion):
  // its acknowledged writes are lower on the same timeline, and the record
  // of the highest must stay the old leader's.
  const std::uint32_t async = w.add_service("db2", false);
  w.add_client(async);
  const HostIndex old_leader = w.add_host("db2-1", "db2");
  const HostIndex lagging = w.add_host("db2-2", "db2");
  make_leader(old_leader);
  w.services[async].target = old_leader;
  Client& writer = w.clients[1];
  for (std::uint64_t id = 1; id <= 5; ++id)
    ASSERT_EQ(w.write(writer, id).kind, Kind::kAcked);

  make_leader(lagging);
  wal(lagging) = wal(old_leader);
  wal(lagging).truncate(2);
  w.take_down(old_leader, HostState::kDown);
  w.services[async].target = lagging;
  const WriteOutcome out = w.write(writer, 6);
  ASSERT_EQ(out.kind, Kind::kAcked);
  EXPECT_EQ(out.lsn, 3u);
  EXPECT_EQ(out.timeline, 1u);
  const AckedWrite& highest = w.services[async].acked.at(1);
  EXPECT_EQ(highest.lsn, 5u);
  EXPECT_EQ(highest.write_id, 5u);
  EXPECT_EQ(highest.node, old_leader);
  EXPECT_EQ(w.services[async].writes_acked, 6u);
}

// b and a share LSNs 1..3; b then led on timeline 2 (LSNs 4..5) while a
// went on writing on timeline 1 (LSNs 4..7).
void diverge(WalHistory& leader, WalHistory& other) {
  for (int i = 0; i < 3; ++i)
    leader.append();
  other = leader;
  other.promote(2);
  other.append();
  other.append();
  for (int i = 0; i < 4; ++i)
    leader.append();
}

// PostgreSQL cannot stream to a node whose history forked from its
// upstream's: the replica stops where it is until someone rewinds it.
TEST_F(WorldTest, CatchUpLeavesADivergedReplicaWhereItIs) {
  make_leader(a);
  diverge(wal(a), wal(b));
  make_standby(b, a, /*sync=*/false);
  ASSERT_FALSE(wal(b).is_prefix_of(wal(a)));
  const WalHistory before = wal(b);
  EXPECT_FALSE(w.catch_up(b));
  EXPECT_EQ(wal(b), before);
  EXPECT_TRUE(wal(b).contains(4, 2));
}

TEST_F(WorldTest, AFollowOfADivergedNodeIsRefused) {
  make_leader(a);
  diverge(wal(a), wal(b));
  make_leader(b);
  w.hosts[b].db.fenced = true;
  // b is on timeline 2, ahead of a's: the stale re-point refusal comes first.
  EXPECT_EQ(w.follow(b, "db1-1"), "db1-2 is on timeline 2, ahead of db1-1's timeline 1");
  // On the same timeline, a node holding records its leader lacks.
  make_leader(c);
  wal(c) = wal(a);
  wal(c).append();
  make_leader(a);
  EXPECT_EQ(w.follow(c, "db1-1"),
            "db1-3's log diverged from db1-1's history after lsn 7: rewind it first");
  EXPECT_TRUE(w.hosts[c].db.primary);
  EXPECT_EQ(wal(c).flushed_lsn(), 8u);
}

TEST_F(WorldTest, ARewindWindsBackToTheCommonHistory) {
  make_leader(a);
  diverge(wal(a), wal(b));
  make_leader(b);
  EXPECT_EQ(w.rewind(b, "db1-9"), "no host db1-9");
  EXPECT_EQ(w.rewind(b, "db1-2"), "db1-2 cannot rewind to itself");
  w.hosts[a].db.running = false;
  EXPECT_EQ(w.rewind(b, "db1-1"), "db1-1 is not running");
  w.hosts[a].db.running = true;
  ASSERT_EQ(w.rewind(b, "db1-1"), std::nullopt);
  EXPECT_FALSE(w.hosts[b].db.primary);
  EXPECT_FALSE(w.hosts[b].db.upstream.has_value());
  EXPECT_EQ(wal(b).flushed_lsn(), 3u);
  EXPECT_TRUE(wal(b).is_prefix_of(wal(a)));
  // Now it may follow, and catches up at once.
  EXPECT_EQ(w.follow(b, "db1-1"), std::nullopt);
  EXPECT_EQ(wal(b), wal(a));
}

// An unfollow that opens a replica for writes without stopping its stream:
// the old leader's log is applied over the writes it took since.
TEST_F(WorldTest, ANodeOpenedForWritesWithItsStreamUpHasItsOwnWritesOverwritten) {
  make_leader(a);
  wal(a).append();
  make_standby(b, a, /*sync=*/false);
  ASSERT_TRUE(w.catch_up(b));
  const pgworld::Timeline independent = pgworld::Timeline{1} << 32;
  wal(b).promote(independent);
  w.hosts[b].db.primary = true;
  const pgworld::Lsn own = wal(b).append();
  wal(a).append();
  EXPECT_TRUE(w.catch_up(b));
  EXPECT_FALSE(wal(b).contains(own, independent));
  EXPECT_EQ(wal(b), wal(a));
  // Once its stream is stopped, what it writes stays.
  w.hosts[b].db.upstream.reset();
  const pgworld::Lsn kept = wal(b).append();
  wal(a).append();
  EXPECT_FALSE(w.catch_up(b));
  EXPECT_TRUE(wal(b).contains(kept, wal(b).timeline()));
}

TEST_F(WorldTest, CatchUpNeedsARunningReplicaAndAReachableUpstream) {
  make_leader(a);
  wal(a).append();
  make_standby(b, a, /*sync=*/false);

  // Replication is a session: either direction cut stops it.
  w.network.cut_one_way({endpoint(a)}, {endpoint(b)});
  EXPECT_FALSE(w.catch_up(b));
  w.network.heal_all();
  w.network.cut_one_way({endpoint(b)}, {endpoint(a)});
  EXPECT_FALSE(w.catch_up(b));
  w.network.heal_all();

  w.hosts[a].db.running = false;
  EXPECT_FALSE(w.catch_up(b));
  w.hosts[a].db.running = true;

  w.hosts[b].db.upstream.reset();
  EXPECT_FALSE(w.catch_up(b));
  w.hosts[b].db.upstream = a;

  w.hosts[a].state = HostState::kBooting;
  EXPECT_FALSE(w.catch_up(b));
  w.hosts[a].state = HostState::kUp;

  // A replica whose host is not up does not replay, whatever its process
  // flag says.
  w.hosts[b].state = HostState::kBooting;
  EXPECT_FALSE(w.catch_up(b));
  w.take_down(b, HostState::kDown);
  EXPECT_FALSE(w.catch_up(b));
  EXPECT_EQ(wal(b).flushed_lsn(), 0u);

  make_standby(b, a, /*sync=*/false);
  EXPECT_TRUE(w.catch_up(b));
  EXPECT_EQ(wal(b), wal(a));
}

TEST_F(WorldTest, CatchUpReplicasOfMovesOnlyThatUpstreamsFollowers) {
  make_leader(a);
  make_leader(c);
  for (int i = 0; i < 3; ++i)
    wal(a).append();
  wal(c).append();
  make_standby(b, a, /*sync=*/false);
  w.catch_up_replicas_of(c);
  EXPECT_EQ(wal(b).flushed_lsn(), 0u);
  w.catch_up_replicas_of(a);
  EXPECT_EQ(wal(b), wal(a));
}

TEST_F(WorldTest, TakeDownStopsTheDatabaseAndStartsANewIncarnation) {
  make_leader(a);
  const std::uint32_t before = w.hosts[a].incarnation;
  w.take_down(a, HostState::kDown);
  EXPECT_EQ(w.hosts[a].state, HostState::kDown);
  EXPECT_FALSE(w.hosts[a].db.running);
  EXPECT_EQ(w.hosts[a].incarnation, before + 1);
  w.take_down(a, HostState::kDestroyed);
  EXPECT_EQ(w.hosts[a].incarnation, before + 2);
  EXPECT_STREQ(to_string(w.hosts[a].state), "destroyed");

  core::AssertionHandler previous = core::set_assertion_handler(&core::throwing_assertion_handler);
  EXPECT_THROW(w.take_down(b, HostState::kUp), core::AssertionFailure);
  core::set_assertion_handler(previous);
}

// The fleet API's requests, as the world carries them out once delivered.

TEST_F(WorldTest, APromotionStartsItsTimelineOnceAndRefusesAStaleOne) {
  healthy_pair();
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  EXPECT_EQ(w.promote(b, 2), std::nullopt);
  EXPECT_TRUE(w.hosts[b].db.primary);
  EXPECT_FALSE(w.hosts[b].db.upstream.has_value());
  EXPECT_EQ(wal(b).timeline(), 2u);
  EXPECT_TRUE(wal(b).contains(1, 1));
  // Delivered again, it is done already.
  EXPECT_EQ(w.promote(b, 2), std::nullopt);
  EXPECT_EQ(wal(b).timeline(), 2u);
  // A replica is not promoted to the timeline it is on.
  make_standby(c, a);
  EXPECT_EQ(w.promote(c, 1), "db1-3 is on timeline 1 already, not before 1");
  EXPECT_FALSE(w.hosts[c].db.primary);
}

TEST_F(WorldTest, AFollowerCatchesUpAtOnceAndRefusesALeaderBehindIt) {
  healthy_pair();
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  make_leader(c);
  EXPECT_EQ(w.follow(c, "db1-1"), std::nullopt);
  EXPECT_FALSE(w.hosts[c].db.primary);
  EXPECT_EQ(w.hosts[c].db.upstream, a);
  EXPECT_EQ(wal(c), wal(a));
  EXPECT_EQ(w.follow(c, "db1-3"), "db1-3 cannot follow itself");
  EXPECT_EQ(w.follow(c, "db1-9"), "no host db1-9");
  // A late re-point to a leader the node has since overtaken.
  ASSERT_EQ(w.promote(c, 2), std::nullopt);
  EXPECT_EQ(w.follow(c, "db1-1"), "db1-3 is on timeline 2, ahead of db1-1's timeline 1");
  EXPECT_TRUE(w.hosts[c].db.primary);
}

TEST_F(WorldTest, AnUnfollowedReplicaTakesWritesOnATimelineOfItsOwn) {
  healthy_pair();
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  w.stop_replication(b);
  EXPECT_FALSE(w.hosts[b].db.upstream.has_value());
  EXPECT_TRUE(w.unfollow(b));
  EXPECT_TRUE(w.hosts[b].db.primary);
  EXPECT_EQ(wal(b).timeline(), Timeline{1} << 32);
  EXPECT_TRUE(wal(b).contains(1, 1));
  // Delivered again: it takes writes already, and no timeline is used up.
  EXPECT_FALSE(w.unfollow(b));
  EXPECT_EQ(w.next_independent_timeline, (Timeline{1} << 32) + 1);
}

TEST_F(WorldTest, EndpointsAndFencesNameWhatTheyCannotFind) {
  EXPECT_EQ(w.point_endpoint("db1", "db1-2"), std::nullopt);
  EXPECT_EQ(svc().target, b);
  EXPECT_EQ(w.point_endpoint("db1", ""), std::nullopt);
  EXPECT_FALSE(svc().target.has_value());
  EXPECT_EQ(w.point_endpoint("db9", "db1-2"), "no service endpoint db9");
  EXPECT_EQ(w.point_endpoint("db1", "db1-9"), "no host db1-9");
  EXPECT_EQ(w.fence("db1-1", true), std::nullopt);
  EXPECT_TRUE(w.hosts[a].db.fenced);
  EXPECT_EQ(w.fence("db1-1", false), std::nullopt);
  EXPECT_FALSE(w.hosts[a].db.fenced);
  EXPECT_EQ(w.fence("db1-9", true), "no host db1-9");
}

TEST_F(WorldTest, ANodeServesTheCertificateAsTheAuthorityLastIssuedIt) {
  EXPECT_EQ(w.issue_certificate("db1-cert", "db9", 100), "no service db9");
  ASSERT_EQ(w.issue_certificate("db1-cert", "db1", 100), std::nullopt);
  ASSERT_EQ(w.issue_certificate("db1-cert", "db1", 200), std::nullopt);
  EXPECT_EQ(svc().certificate_serial, 2u);
  w.install_certificate(a, "db1-cert");
  EXPECT_EQ(w.hosts[a].db.certificate, "db1-cert");
  EXPECT_EQ(w.hosts[a].db.certificate_serial, 2u);
  EXPECT_EQ(w.hosts[a].db.certificate_not_after_us, 200);
  // One the authority never issued is served with no serial, expired.
  w.install_certificate(b, "forged");
  EXPECT_EQ(w.hosts[b].db.certificate, "forged");
  EXPECT_EQ(w.hosts[b].db.certificate_serial, 0u);
  EXPECT_EQ(w.hosts[b].db.certificate_not_after_us, 0);
}

// Revocation covers every serial issued under the id so far; one issued
// after it is good again.
TEST_F(WorldTest, ARevokedCertificateIsNoLongerServedValidly) {
  ASSERT_EQ(w.issue_certificate("db1-cert", "db1", 100), std::nullopt);
  ASSERT_EQ(w.issue_certificate("db1-cert", "db1", 200), std::nullopt);
  EXPECT_EQ(svc().certificate_revoked_through, 0u);
  w.revoke_certificate("other-cert");
  EXPECT_EQ(svc().certificate_revoked_through, 0u);
  w.revoke_certificate("db1-cert");
  EXPECT_EQ(svc().certificate_revoked_through, 2u);
  ASSERT_EQ(w.issue_certificate("db1-cert", "db1", 300), std::nullopt);
  EXPECT_EQ(svc().certificate_serial, 3u);
  EXPECT_EQ(svc().certificate_revoked_through, 2u);
}

// Split brain: the endpoint is repointed, but a client already connected to
// the old leader keeps writing there for as long as it accepts writes.
class SplitBrainTest : public WorldTest {
 protected:
  SplitBrainTest() {
    make_leader(a);
    make_standby(c, a);
    svc().target = a;
  }

  // b is promoted to timeline 2 and the endpoint routed to it, while a is
  // neither fenced nor stopped.
  void repoint_to_b() {
    make_leader(b);
    wal(b) = wal(a);
    wal(b).promote(2);
    make_standby(c, b);
    svc().target = b;
    w.add_client(service);
  }

  Client& newcomer() { return w.clients[1]; }
};

TEST_F(SplitBrainTest, AConnectedClientKeepsWritingToTheOldLeader) {
  // Asynchronous, so a's writes are acked without any standby.
  svc().synchronous = false;
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  repoint_to_b();

  const WriteOutcome stale = w.write(client(), 2);
  EXPECT_EQ(stale.kind, Kind::kAcked);
  EXPECT_EQ(stale.node, a);
  EXPECT_EQ(stale.timeline, 1u);
  EXPECT_EQ(stale.lsn, 2u);

  // A new client goes through the endpoint, to b.
  const WriteOutcome fresh = w.write(newcomer(), 3);
  EXPECT_EQ(fresh.kind, Kind::kAcked);
  EXPECT_EQ(fresh.node, b);
  EXPECT_EQ(fresh.timeline, 2u);
  EXPECT_EQ(fresh.lsn, 2u);

  // Two LSN-2 writes acknowledged on two timelines: the split brain the
  // lost-write check has to catch.
  EXPECT_EQ(svc().acked.at(1).lsn, 2u);
  EXPECT_EQ(svc().acked.at(2).lsn, 2u);
  EXPECT_FALSE(wal(b).contains(2, 1));
}

TEST_F(SplitBrainTest, TheClientMovesOnceTheOldLeaderIsUnreachable) {
  svc().synchronous = false;
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  repoint_to_b();
  ASSERT_EQ(w.write(client(), 2).node, a);

  w.network.cut_partial({endpoint(a)}, {client().endpoint});
  // The dead connection is dropped and the same write reconnects through
  // the endpoint.
  const WriteOutcome out = w.write(client(), 3);
  EXPECT_EQ(out.kind, Kind::kAcked);
  EXPECT_EQ(out.node, b);
  EXPECT_EQ(client().connected, b);
  EXPECT_EQ(wal(a).flushed_lsn(), 2u);
}

TEST_F(SplitBrainTest, TheClientMovesOnceTheOldLeaderRefuses) {
  // Synchronous: c, the standby that moved to b, no longer confirms a's
  // writes, so the stale connection survives only while a accepts them.
  ASSERT_EQ(w.write(client(), 1).kind, Kind::kAcked);
  repoint_to_b();
  EXPECT_EQ(w.write(client(), 2).kind, Kind::kUnacknowledged);
  EXPECT_EQ(wal(a).flushed_lsn(), 2u);  // the unacknowledged record stays on a

  // Unacknowledged writes drop the connection, so this reconnects to b.
  svc().synchronous = false;
  ASSERT_EQ(w.write(client(), 3).node, b);

  // Async again, with a stale connection to a that then gets fenced.
  Client& stale = newcomer();
  stale.connected = a;
  w.hosts[a].db.fenced = true;
  const WriteOutcome refused = w.write(stale, 4);
  EXPECT_EQ(refused.kind, Kind::kRefused);
  EXPECT_EQ(refused.node, a);
  EXPECT_FALSE(stale.connected.has_value());
  const WriteOutcome moved = w.write(stale, 5);
  EXPECT_EQ(moved.kind, Kind::kAcked);
  EXPECT_EQ(moved.node, b);
}

}  // namespace
}  // namespace unwedge::pgworld
