#include "sim/trace.hpp"

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

TEST(Trace, FormatsARecordForAPerson) {
  EXPECT_EQ(format_record({95'500'000, TraceKind::kClientAck, "db1", "w-7"}),
            "          95.500000 s  ack         db1             w-7");
}

}  // namespace
}  // namespace unwedge::sim
