#include "sim/kernel/sim_clock.hpp"

#include <gtest/gtest.h>

namespace unwedge::sim {
namespace {

using core::kHour;
using core::kSecond;

TEST(SimClock, FollowsVirtualTimeUntilAFaultMovesIt) {
  core::TimeUs now = 1'000;
  SimClock clock(now);
  EXPECT_EQ(clock.now_us(), 1'000);
  now = 5 * kSecond;
  EXPECT_EQ(clock.now_us(), 5 * kSecond);
}

TEST(SimClock, AJumpShiftsItAndItKeepsTicking) {
  core::TimeUs now = 100 * kSecond;
  SimClock clock(now);
  clock.jump(-30 * kSecond);
  EXPECT_EQ(clock.now_us(), 70 * kSecond);
  now += 10 * kSecond;
  EXPECT_EQ(clock.now_us(), 80 * kSecond);
}

TEST(SimClock, DriftAccumulatesFromWhenItStarts) {
  core::TimeUs now = 10 * kSecond;
  SimClock clock(now);
  clock.set_drift_ppm(200);  // gains 200 us per second
  now += kHour;
  EXPECT_EQ(clock.now_us(), 10 * kSecond + kHour + 3'600 * 200);
  clock.set_drift_ppm(-200);  // keeps what it gained, now loses it back
  now += kHour;
  EXPECT_EQ(clock.now_us(), 10 * kSecond + 2 * kHour);
}

TEST(SimClock, ADriftingClockOverAYearDoesNotOverflow) {
  core::TimeUs now = 0;
  SimClock clock(now);
  clock.set_drift_ppm(-50);
  now = 365LL * 24 * kHour;
  EXPECT_EQ(clock.now_us(), now - now / 1'000'000 * 50);
}

TEST(SimClock, ResetHealsEverything) {
  core::TimeUs now = 0;
  SimClock clock(now);
  clock.jump(kHour);
  clock.set_drift_ppm(1'000);
  now = 2 * kHour;
  clock.reset();
  EXPECT_EQ(clock.now_us(), 2 * kHour);
  now = 3 * kHour;
  EXPECT_EQ(clock.now_us(), 3 * kHour);
  EXPECT_EQ(clock.drift_ppm(), 0);
}

}  // namespace
}  // namespace unwedge::sim
