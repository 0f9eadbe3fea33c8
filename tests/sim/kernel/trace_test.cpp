#include "sim/kernel/trace.hpp"

#include <fmt/format.h>

#include <gtest/gtest.h>

namespace unwedge::sim {
namespace {

class Collector final : public TraceSink {
 public:
  void write(const TraceRecord& record) override { records.push_back(record); }
  std::vector<TraceRecord> records;
};

void failover_story(Trace& trace) {
  trace.record(1'000'000, TraceKind::kFault, "db1-1", "partition {db1-1} | rest");
  trace.record(91'000'000, TraceKind::kDecision, "db1", "act Failover");
  trace.record(91'000'000, TraceKind::kTransition, "db1", "available -> failing_over");
  trace.record(95'500'000, TraceKind::kClientAck, "db1", "w-7 on db1-2 lsn 88 tl 2");
}

TEST(Trace, SameEventsGiveTheSameDigestAndAnyDifferenceChangesIt) {
  Trace a;
  Trace b;
  failover_story(a);
  failover_story(b);
  EXPECT_EQ(a.digest(), b.digest());
  // Pinned: the digest is a function of the bytes alone, under any compiler.
  EXPECT_EQ(a.digest(), 0x351839ce3a7543ddULL);

  Trace later;
  failover_story(later);
  Trace shifted;
  shifted.record(1'000'000, TraceKind::kFault, "db1-1", "partition {db1-1} | rest");
  shifted.record(91'000'001, TraceKind::kDecision, "db1", "act Failover");
  EXPECT_NE(shifted.digest(), later.digest());

  // Moving a character between entity and detail changes the digest too.
  Trace x;
  Trace y;
  x.record(0, TraceKind::kNote, "ab", "c");
  y.record(0, TraceKind::kNote, "a", "bc");
  EXPECT_NE(x.digest(), y.digest());
}

TEST(Trace, KeepsOnlyRecentRecordsAndStreamsEverything) {
  Collector sink;
  Trace trace(/*recent_max=*/2, &sink);
  failover_story(trace);
  EXPECT_EQ(trace.records(), 4u);
  EXPECT_EQ(sink.records.size(), 4u);
  std::vector<TraceRecord> recent = trace.recent();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].kind, TraceKind::kTransition);
  EXPECT_EQ(recent[1].detail, "w-7 on db1-2 lsn 88 tl 2");
  EXPECT_EQ(trace.count(TraceKind::kDecision), 1u);
  EXPECT_EQ(trace.count(TraceKind::kHeal), 0u);
}

TEST(Trace, TheRingKeepsTheNewestRecordsOldestFirstWhereverItWrapped) {
  Trace trace(/*recent_max=*/3);
  for (int i = 0; i < 8; ++i)
    trace.record(i, TraceKind::kNote, "db1", fmt::format("note {}", i));
  const std::vector<TraceRecord> recent = trace.recent();
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent[0].detail, "note 5");
  EXPECT_EQ(recent[1].detail, "note 6");
  EXPECT_EQ(recent[2].detail, "note 7");
  EXPECT_EQ(recent[2].at_us, 7);

  Trace none(/*recent_max=*/0);
  none.record(0, TraceKind::kNote, "db1", "kept nowhere");
  EXPECT_TRUE(none.recent().empty());
  EXPECT_EQ(none.records(), 1u);
}

TEST(Trace, AFormattedDetailIsRecordedAsTheSameTextFormattedFirst) {
  Trace formatted;
  Trace given;
  formatted.record(5, TraceKind::kCheckin, "db1-a", "{} lsn {} tl {}{}", "vp-1", 88, 2, "");
  given.record(5, TraceKind::kCheckin, "db1-a", "vp-1 lsn 88 tl 2");
  EXPECT_EQ(formatted.digest(), given.digest());
  EXPECT_EQ(formatted.recent().back().detail, "vp-1 lsn 88 tl 2");
}

TEST(Trace, FormatsARecordForAPerson) {
  EXPECT_EQ(format_record({95'500'000, TraceKind::kClientAck, "db1", "w-7"}),
            "          95.500000 s  ack         db1             w-7");
}

}  // namespace
}  // namespace unwedge::sim
