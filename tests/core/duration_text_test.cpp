#include "core/duration_text.hpp"

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

namespace unwedge::core {
namespace {

TEST(DurationText, ReadsEveryUnitAndAddsParts) {
  EXPECT_EQ(*parse_duration("250us"), 250);
  EXPECT_EQ(*parse_duration("250ms"), 250 * kMillisecond);
  EXPECT_EQ(*parse_duration("90s"), 90 * kSecond);
  EXPECT_EQ(*parse_duration("5m"), 5 * kMinute);
  EXPECT_EQ(*parse_duration("2h"), 2 * kHour);
  EXPECT_EQ(*parse_duration("3d"), 3 * kDay);
  EXPECT_EQ(*parse_duration("1h30m"), 90 * kMinute);
  EXPECT_EQ(*parse_duration("1d2h3m4s5ms6us"),
            kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5 * kMillisecond + 6);
  EXPECT_EQ(*parse_duration("-1h30m"), -90 * kMinute);
  EXPECT_EQ(*parse_duration("0s"), 0);
}

TEST(DurationText, SaysWhatIsWrongAndHowToWriteIt) {
  EXPECT_EQ(parse_duration("").error().message,
            "expected a duration, got \"\"; a duration is a whole number and a unit "
            "(us, ms, s, m, h, d)");
  EXPECT_EQ(parse_duration("soon").error().message,
            "expected a duration, got \"soon\"; a duration is a whole number and a unit "
            "(us, ms, s, m, h, d)");
  EXPECT_EQ(parse_duration("90").error().message,
            "90 has no unit; write it with one of us, ms, s, m, h, d (e.g. 90s)");
  EXPECT_EQ(parse_duration("1.5h").error().message,
            "1.5h has a fraction; use a smaller unit (90m, not 1.5h)");
  EXPECT_EQ(parse_duration("10x").error().message,
            "\"10x\": unknown unit \"x\"; units: us, ms, s, m, h, d");
  EXPECT_EQ(parse_duration("5 m").error().message,
            "\"5 m\": unknown unit \" m\"; units: us, ms, s, m, h, d");
  EXPECT_EQ(parse_duration("1h30").error().message,
            "1h30 has no unit; write it with one of us, ms, s, m, h, d (e.g. 1h30s)");
  EXPECT_EQ(parse_duration("99999999999999999999d").error().message,
            "99999999999999999999d is too long; durations stop at 106751991d");
  // Parts that each fit may still add up past the longest duration.
  EXPECT_EQ(parse_duration("106751991d106751991d").error().message,
            "106751991d106751991d is too long; durations stop at 106751991d");
  EXPECT_FALSE(parse_duration("--5m").ok());
  EXPECT_FALSE(parse_duration("m5").ok());
}

TEST(DurationText, WritesTheLargestUnitThatDivides) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(90 * kSecond), "90s");
  EXPECT_EQ(format_duration(90 * kMinute), "90m");
  EXPECT_EQ(format_duration(2 * kHour), "2h");
  EXPECT_EQ(format_duration(1500 * kMillisecond), "1500ms");
  EXPECT_EQ(format_duration(-3 * kDay), "-3d");
  EXPECT_EQ(format_duration(7), "7us");
}

RC_GTEST_PROP(DurationText, WhatIsWrittenReadsBackEqual, ()) {
  const TimeUs us = *rc::gen::inRange<TimeUs>(-1'000'000 * kDay, 1'000'000 * kDay);
  RC_ASSERT(*parse_duration(format_duration(us)) == us);
}

}  // namespace
}  // namespace unwedge::core
