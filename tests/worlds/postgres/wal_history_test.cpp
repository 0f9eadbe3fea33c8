#include "worlds/postgres/wal_history.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "core/assert.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::pgworld {
namespace {

WalHistory with_writes(Lsn count) {
  WalHistory wal;
  for (Lsn i = 0; i < count; ++i)
    wal.append();
  return wal;
}

void append_n(WalHistory& wal, Lsn count) {
  for (Lsn i = 0; i < count; ++i)
    wal.append();
}

// Contract breaches must be caught as exceptions, not abort the test binary.
class WalHistoryContractTest : public ::testing::Test {
 protected:
  WalHistoryContractTest()
      : previous_(core::set_assertion_handler(&core::throwing_assertion_handler)) {}
  ~WalHistoryContractTest() override { core::set_assertion_handler(previous_); }

 private:
  core::AssertionHandler previous_;
};

TEST(WalHistory, StartsEmptyOnTimelineOne) {
  WalHistory wal;
  EXPECT_EQ(wal.timeline(), 1u);
  EXPECT_EQ(wal.flushed_lsn(), 0u);
  // LSN 0 is "nothing written": no history ever contains it.
  EXPECT_FALSE(wal.contains(0, 1));
  EXPECT_FALSE(wal.contains(1, 1));
  EXPECT_EQ(wal.describe(), "tl 1, lsn 0 (tl 1 @0)");
  EXPECT_TRUE(wal.is_prefix_of(WalHistory{}));
  EXPECT_EQ(wal.common_end(WalHistory{}), 0u);
}

TEST(WalHistory, AppendNumbersRecordsOnTheCurrentTimeline) {
  WalHistory wal;
  EXPECT_EQ(wal.append(), 1u);
  EXPECT_EQ(wal.append(), 2u);
  EXPECT_EQ(wal.append(), 3u);
  EXPECT_EQ(wal.flushed_lsn(), 3u);
  EXPECT_TRUE(wal.contains(2, 1));
  EXPECT_FALSE(wal.contains(2, 2));  // right LSN, wrong timeline
  EXPECT_FALSE(wal.contains(4, 1));  // not written yet
  EXPECT_EQ(wal.timeline_at(3), 1u);
  EXPECT_EQ(wal.describe(), "tl 1, lsn 3 (tl 1 @0)");
}

TEST(WalHistory, PromotionStartsANewTimelineAfterTheCurrentEnd) {
  WalHistory wal = with_writes(3);
  wal.promote(2);
  EXPECT_EQ(wal.timeline(), 2u);
  EXPECT_EQ(wal.flushed_lsn(), 3u);  // promotion writes nothing by itself
  EXPECT_EQ(wal.append(), 4u);
  wal.append();
  EXPECT_EQ(wal.timeline_at(3), 1u);
  EXPECT_EQ(wal.timeline_at(4), 2u);
  EXPECT_EQ(wal.timeline_at(5), 2u);
  EXPECT_TRUE(wal.contains(3, 1));
  EXPECT_FALSE(wal.contains(3, 2));
  EXPECT_TRUE(wal.contains(4, 2));
  EXPECT_FALSE(wal.contains(4, 1));
  EXPECT_EQ(wal.describe(), "tl 2, lsn 5 (tl 1 @0, tl 2 @3)");
}

TEST(WalHistory, PromotingTwiceAtTheSameLsnReplacesTheTimelineThatWroteNothing) {
  WalHistory twice = with_writes(3);
  twice.promote(2);
  twice.promote(3);
  EXPECT_EQ(twice.timeline(), 3u);
  EXPECT_EQ(twice.describe(), "tl 3, lsn 3 (tl 1 @0, tl 3 @3)");
  twice.append();
  EXPECT_EQ(twice.timeline_at(4), 3u);
  EXPECT_FALSE(twice.contains(4, 2));

  // Identical to a node that went straight to timeline 3.
  WalHistory once = with_writes(3);
  once.promote(3);
  once.append();
  EXPECT_EQ(twice, once);
  EXPECT_EQ(twice.common_end(once), 4u);
}

TEST(WalHistory, PromotingBeforeAnyWriteMovesEveryWriteToTheNewTimeline) {
  WalHistory wal;
  wal.promote(2);
  wal.promote(3);  // the same LSN (0) twice
  append_n(wal, 2);
  EXPECT_EQ(wal.timeline_at(1), 3u);
  EXPECT_EQ(wal.timeline_at(2), 3u);
  EXPECT_FALSE(wal.contains(1, 1));
  EXPECT_EQ(wal.describe(), "tl 3, lsn 2 (tl 1 @0, tl 3 @0)");

  // A node that wrote the same LSNs on timeline 1 shares nothing with it.
  const WalHistory old = with_writes(2);
  EXPECT_EQ(wal.common_end(old), 0u);
  EXPECT_EQ(old.common_end(wal), 0u);
  EXPECT_FALSE(old.is_prefix_of(wal));
}

TEST(WalHistory, ALongerCopyOfTheSameHistoryExtendsIt) {
  const WalHistory shorter = with_writes(4);
  WalHistory longer = shorter;
  longer.promote(2);
  append_n(longer, 3);
  EXPECT_TRUE(shorter.is_prefix_of(longer));
  EXPECT_FALSE(longer.is_prefix_of(shorter));
  EXPECT_EQ(shorter.common_end(longer), 4u);
  EXPECT_EQ(longer.common_end(shorter), 4u);
  EXPECT_TRUE(shorter.is_prefix_of(shorter));
}

TEST(WalHistory, APromotionThatWroteNothingHasNotDiverged) {
  // A standby promoted but never written to still holds exactly its old
  // leader's records, so it can follow that leader again without a rewind.
  const WalHistory leader = with_writes(5);
  WalHistory standby = leader;
  standby.promote(2);
  EXPECT_TRUE(standby.is_prefix_of(leader));
  EXPECT_TRUE(leader.is_prefix_of(standby));
  EXPECT_EQ(standby.common_end(leader), 5u);

  WalHistory longer_leader = leader;
  append_n(longer_leader, 3);
  EXPECT_TRUE(standby.is_prefix_of(longer_leader));
  EXPECT_EQ(longer_leader.common_end(standby), 5u);
}

// The split-brain shape: two nodes share LSNs 1..5, then each writes on its
// own timeline.
class DivergedHistoriesTest : public ::testing::Test {
 protected:
  DivergedHistoriesTest() {
    common = with_writes(5);
    a = common;
    a.promote(2);
    append_n(a, 3);  // 6..8 on timeline 2
    b = common;
    append_n(b, 2);  // 6..7 still on timeline 1
    b.promote(3);
    append_n(b, 3);  // 8..10 on timeline 3
  }

  WalHistory common;
  WalHistory a;
  WalHistory b;
};

TEST_F(DivergedHistoriesTest, AgreeOnlyUpToWhereTheyParted) {
  EXPECT_EQ(a.common_end(b), 5u);
  EXPECT_EQ(b.common_end(a), 5u);
  EXPECT_FALSE(a.is_prefix_of(b));
  EXPECT_FALSE(b.is_prefix_of(a));
  EXPECT_TRUE(common.is_prefix_of(a));
  EXPECT_TRUE(common.is_prefix_of(b));
  // Both hold an LSN 6, written on different timelines: a write acknowledged
  // on one is lost on the other.
  EXPECT_TRUE(a.contains(6, 2));
  EXPECT_FALSE(b.contains(6, 2));
  EXPECT_TRUE(b.contains(6, 1));
  EXPECT_FALSE(a.contains(6, 1));
  EXPECT_TRUE(a.contains(5, 1));
  EXPECT_TRUE(b.contains(5, 1));
}

TEST_F(DivergedHistoriesTest, PromotedToDifferentTimelinesAtTheSameLsn) {
  WalHistory x = common;
  WalHistory y = common;
  x.promote(2);
  y.promote(3);
  // Neither has written yet: each still holds only the shared records.
  EXPECT_TRUE(x.is_prefix_of(y));
  EXPECT_TRUE(y.is_prefix_of(x));
  x.append();
  y.append();
  EXPECT_EQ(x.common_end(y), 5u);
  EXPECT_FALSE(x.is_prefix_of(y));
  EXPECT_FALSE(y.is_prefix_of(x));
}

TEST_F(DivergedHistoriesTest, TheSameTimelineStartedAtDifferentLsnsStillDiverges) {
  // Two nodes given the same new timeline at different points (a control
  // plane bug the model must not hide).
  WalHistory x = common;
  x.promote(2);
  append_n(x, 4);
  WalHistory y = common;
  append_n(y, 2);
  y.promote(2);
  append_n(y, 2);
  EXPECT_EQ(x.flushed_lsn(), y.flushed_lsn());
  EXPECT_EQ(x.common_end(y), 5u);
  EXPECT_EQ(y.common_end(x), 5u);
  EXPECT_FALSE(x.is_prefix_of(y));
}

TEST_F(DivergedHistoriesTest, TruncatingToTheCommonEndMakesAPrefix) {
  a.truncate(a.common_end(b));
  EXPECT_EQ(a.flushed_lsn(), 5u);
  EXPECT_TRUE(a.is_prefix_of(b));
  // The switch at the new end is kept: the node stays on its timeline, and
  // the next write goes there.
  EXPECT_EQ(a.timeline(), 2u);
  EXPECT_EQ(a.describe(), "tl 2, lsn 5 (tl 1 @0, tl 2 @5)");
  EXPECT_FALSE(a.contains(6, 2));
  // Holding the same records as `common`, it is a prefix of it both ways.
  EXPECT_TRUE(a.is_prefix_of(common));
  EXPECT_TRUE(common.is_prefix_of(a));
}

TEST(WalHistory, TruncateDropsEveryTimelineThatStartedAfterTheNewEnd) {
  WalHistory wal = with_writes(3);
  wal.promote(2);
  append_n(wal, 3);
  wal.promote(3);
  append_n(wal, 3);
  ASSERT_EQ(wal.describe(), "tl 3, lsn 9 (tl 1 @0, tl 2 @3, tl 3 @6)");

  WalHistory cut = wal;
  cut.truncate(4);
  EXPECT_EQ(cut.describe(), "tl 2, lsn 4 (tl 1 @0, tl 2 @3)");
  EXPECT_EQ(cut.timeline_at(4), 2u);
  EXPECT_FALSE(cut.contains(5, 2));

  cut = wal;
  cut.truncate(2);
  EXPECT_EQ(cut.describe(), "tl 1, lsn 2 (tl 1 @0)");
  EXPECT_EQ(cut.timeline(), 1u);
  // Back on timeline 1, it may be promoted to timeline 2 again.
  cut.promote(2);
  EXPECT_EQ(cut.timeline(), 2u);

  cut = wal;
  cut.truncate(0);
  EXPECT_EQ(cut.flushed_lsn(), 0u);
  EXPECT_EQ(cut.timeline(), 1u);
  EXPECT_EQ(cut.append(), 1u);

  cut = wal;
  cut.truncate(9);  // to the end: nothing changes
  EXPECT_EQ(cut, wal);
}

TEST_F(WalHistoryContractTest, PromotingToAnOlderOrTheSameTimelineIsRefused) {
  WalHistory wal = with_writes(2);
  wal.promote(3);
  EXPECT_THROW(wal.promote(3), core::AssertionFailure);
  EXPECT_THROW(wal.promote(2), core::AssertionFailure);
  EXPECT_EQ(wal.timeline(), 3u);
}

TEST_F(WalHistoryContractTest, AskingOutsideTheLogIsRefused) {
  WalHistory wal = with_writes(2);
  EXPECT_THROW((void)wal.timeline_at(0), core::AssertionFailure);
  EXPECT_THROW((void)wal.timeline_at(3), core::AssertionFailure);
  EXPECT_THROW(wal.truncate(3), core::AssertionFailure);
  EXPECT_EQ(wal.flushed_lsn(), 2u);
}

// One random operation on a history: append a few records, promote to a
// later timeline (sometimes one the other history also uses), or rewind.
void apply_op(WalHistory& wal, std::pair<std::uint8_t, std::uint8_t> op) {
  const auto [kind, arg] = op;
  switch (kind % 4) {
    case 0:
    case 1:
      append_n(wal, arg % 4 + 1);
      break;
    case 2:
      wal.promote(wal.timeline() + 1 + arg % 3);
      break;
    default:
      wal.truncate(arg % (wal.flushed_lsn() + 1));
      break;
  }
}

WalHistory derive(WalHistory wal, const std::vector<std::pair<std::uint8_t, std::uint8_t>>& ops) {
  for (const auto& op : ops)
    apply_op(wal, op);
  return wal;
}

// Compares record by record, as the definition says, without the switch
// lists the implementation walks.
bool holds_all_of(const WalHistory& a, const WalHistory& b) {
  for (Lsn lsn = 1; lsn <= a.flushed_lsn(); ++lsn) {
    if (!b.contains(lsn, a.timeline_at(lsn))) return false;
  }
  return true;
}

Lsn reference_common_end(const WalHistory& a, const WalHistory& b) {
  const Lsn end = std::min(a.flushed_lsn(), b.flushed_lsn());
  Lsn lsn = 0;
  while (lsn < end && a.timeline_at(lsn + 1) == b.timeline_at(lsn + 1))
    ++lsn;
  return lsn;
}

using Ops = std::vector<std::pair<std::uint8_t, std::uint8_t>>;

RC_GTEST_PROP(WalHistoryProperty, IsPrefixOfMeansEveryRecordIsHeldByTheOther,
              (const Ops& base_ops, const Ops& a_ops, const Ops& b_ops)) {
  const WalHistory base = derive(WalHistory{}, base_ops);
  WalHistory a = derive(base, a_ops);
  const WalHistory b = derive(base, b_ops);
  RC_TAG(a.is_prefix_of(b));
  RC_ASSERT(a.is_prefix_of(b) == holds_all_of(a, b));
  RC_ASSERT(b.is_prefix_of(a) == holds_all_of(b, a));
  RC_ASSERT(a.common_end(b) == reference_common_end(a, b));
  RC_ASSERT(b.common_end(a) == a.common_end(b));

  // The rewind a replica does before following `b`.
  const Lsn common = a.common_end(b);
  a.truncate(common);
  RC_ASSERT(a.flushed_lsn() == common);
  RC_ASSERT(a.is_prefix_of(b));
  RC_ASSERT(holds_all_of(a, b));
}

}  // namespace
}  // namespace unwedge::pgworld
