// The readable timeline: virtual time as h:mm:ss.mmm, and filters by time
// window, entity and kind.
#include "sim/timeline.hpp"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "sim/simulation.hpp"

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kMinute;
using core::kSecond;

TEST(Timeline, ClockTimeIsHoursMinutesSecondsAndMilliseconds) {
  EXPECT_EQ(clock_time(0), "0:00:00.000");
  EXPECT_EQ(clock_time(kHour + 2 * kMinute + 3 * kSecond + 4'500), "1:02:03.004");
  EXPECT_EQ(clock_time(30 * kHour), "30:00:00.000");
}

TEST(Timeline, AnEntityTakesInWhatIsNamedAfterItAndWhatNamesIt) {
  const TimelineFilter db1{.entity = "db1"};
  EXPECT_TRUE(shown({.entity = "db1"}, db1));
  EXPECT_TRUE(shown({.entity = "db1-2"}, db1));
  EXPECT_TRUE(shown({.entity = "client-db1-1"}, db1));
  EXPECT_TRUE(shown({.entity = "", .detail = "#3 partition_complete {db1-1} for 5m"},
                    TimelineFilter{.entity = "db1-1"}));
  EXPECT_FALSE(shown({.entity = "db12"}, db1));
  EXPECT_FALSE(shown({.entity = "db2-1", .detail = "follow db2-1 db12-3"}, db1));
}

TEST(Timeline, TheWindowIsInclusiveAndCheckinsAreHiddenUnlessAskedFor) {
  const TimelineFilter window{.from_us = kMinute, .to_us = 2 * kMinute};
  EXPECT_FALSE(shown({.at_us = kMinute - 1}, window));
  EXPECT_TRUE(shown({.at_us = kMinute}, window));
  EXPECT_TRUE(shown({.at_us = 2 * kMinute}, window));
  EXPECT_FALSE(shown({.at_us = 2 * kMinute + 1}, window));
  EXPECT_FALSE(shown({.kind = TraceKind::kCheckin}, TimelineFilter{}));
  EXPECT_TRUE(shown({.kind = TraceKind::kCheckin}, TimelineFilter{.hidden = {}}));
}

TEST(Timeline, AReplayedRunPrintsItsWindowAlignedByTime) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TimelineWriter timeline(out, {.from_us = 30 * kMinute, .to_us = 50 * kMinute, .entity = "db1"});
  SimConfig config{.seed = 5, .services = {{.id = "db1"}, {.id = "db2"}}, .trace_sink = &timeline};
  Simulation sim(config);
  sim.schedule_fault(
      30 * kMinute,
      {.kind = FaultKind::kPartitionComplete, .targets = {"db1-1"}, .duration_us = 15 * kMinute});
  ASSERT_FALSE(sim.run(kHour, 0).finding);
  ASSERT_GT(timeline.lines(), 10u);
  std::rewind(out);
  std::string text(1 << 20, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  EXPECT_EQ(text.find("db2-"), std::string::npos);
  EXPECT_NE(text.find("  0:30:00.000  fault       complete {db1-1}"), std::string::npos)
      << text.substr(0, 600);
  EXPECT_NE(text.find("service failing_over -> available (failover_done)"), std::string::npos);
  // Every line starts with a time in the window.
  for (std::size_t at = 0; at < text.size(); at = text.find('\n', at) + 1) {
    const std::string time = text.substr(at, 13);
    EXPECT_TRUE(time >= "  0:30:00.000" && time <= "  0:50:00.000") << time;
  }
}

}  // namespace
}  // namespace unwedge::sim
