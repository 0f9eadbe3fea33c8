#include "reports/timeline_svg.hpp"

#include <gmock/gmock.h>

#include <gtest/gtest.h>

#include "tests/reports/report_fixture.hpp"
#include "tests/reports/scratch_files.hpp"

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(TimelineSvg, OneLanePerEntityWithItsStatesAsSpans) {
  const std::string svg = timeline_svg(testing::failover_timeline());
  EXPECT_THAT(svg, StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""));
  EXPECT_THAT(svg, HasSubstr(">db1-a <tspan fill=\"#757575\">server</tspan>"));
  EXPECT_THAT(svg, HasSubstr(">db1-b <tspan fill=\"#757575\">replica_link</tspan>"));
  // 14 state spans and 2 faults, each a rect with a tooltip.
  EXPECT_EQ(testing::occurrences(svg, "<g><title>"), 16u);
  EXPECT_THAT(svg,
              HasSubstr("<title>db1-a: unreachable, 1:00:00.000 to 1:15:00.000 (15 min)</title>"));
  EXPECT_THAT(svg, HasSubstr("fill=\"#a5d6a7\""));  // running
  EXPECT_THAT(svg, HasSubstr("fill=\"#ef9a9a\""));  // unreachable
}

TEST(TimelineSvg, FaultsOverlappingStackInRowsOfTheirOwn) {
  const std::string svg = timeline_svg(testing::failover_timeline());
  EXPECT_THAT(svg, HasSubstr("<title>fault: partition_complete db1-a, 0:59:00.000 to 1:20:00.000"));
  EXPECT_THAT(svg,
              HasSubstr("<title>fault: clock_drift db1-b +200 ppm, 0:30:00.000 to 1:30:00.000"));
  EXPECT_EQ(testing::occurrences(svg, "fill=\"#ffcc80\""), 3u);  // two faults and the legend
}

TEST(TimelineSvg, ViolationIsARedLineOnItsEntity) {
  const std::string svg = timeline_svg(testing::failover_timeline());
  EXPECT_THAT(svg,
              HasSubstr("<g class=\"violation\"><title>violation at 1:05:00.000 on db1</title>"));
  EXPECT_THAT(svg, HasSubstr("font-weight=\"bold\" fill=\"#c62828\">db1 <tspan"));
}

TEST(TimelineSvg, AxisTicksInReadableUnits) {
  const std::string svg = timeline_svg(testing::failover_timeline());
  // Two hours: a tick every 15 minutes.
  EXPECT_THAT(svg, HasSubstr(">15 min</text>"));
  EXPECT_THAT(svg, HasSubstr(">1 h 45 min</text>"));
  EXPECT_THAT(svg, HasSubstr(">2 h</text>"));
  RunTimeline short_run{.end_us = 3 * core::kSecond};
  EXPECT_THAT(timeline_svg(short_run), HasSubstr(">500 ms</text>"));
}

TEST(TimelineSvg, HostileLabelsAreEscapedAndTheSvgIsWellFormed) {
  RunTimeline t{.end_us = core::kMinute};
  t.lanes = {{.entity = "<script>alert(1)</script>",
              .machine = "m&\"",
              .spans = {{0, core::kMinute, "</title><script>x</script>\x01"}}}};
  t.faults = {{0, core::kSecond, "<img src=x onerror=alert(1)>"}};
  t.violation_at_us = 2 * core::kMinute;  // past the end: drawn at the edge
  t.violation_entity = "<script>alert(1)</script>";
  const std::string svg = timeline_svg(t);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, Not(HasSubstr("<img")));
  if (!testing::have_program("xmllint")) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  testing::ScratchDir dir("timeline");
  const auto file = dir.write("timeline.svg", svg);
  const testing::CommandResult check = testing::run_command("xmllint --noout " + file.string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(TimelineSvg, SameTimelineSameBytes) {
  EXPECT_EQ(timeline_svg(testing::failover_timeline()), timeline_svg(testing::failover_timeline()));
}

}  // namespace
}  // namespace unwedge::reports
