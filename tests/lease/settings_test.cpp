// The lease plane's settings: Patroni's defaults, and the ttl rule checked
// when they load.
#include <gtest/gtest.h>

#include "planes/lease/plane.hpp"

namespace unwedge::lease {
namespace {

TEST(LeaseSettings, DefaultsAreWhatPatroniShips) {
  core::Result<Settings> s = parse_settings({});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ttl_us, 30 * core::kSecond);
  EXPECT_EQ(s->loop_wait_us, 10 * core::kSecond);
  EXPECT_EQ(s->retry_timeout_us, 10 * core::kSecond);
  EXPECT_EQ(s->maximum_lag_on_failover, 1048576u);
  EXPECT_FALSE(s->synchronous_mode);
  EXPECT_EQ(s->mutant, Mutant::kNone);
  EXPECT_EQ(safety_margin_us(*s), 10 * core::kSecond);
}

TEST(LeaseSettings, ReadsEveryKey) {
  core::Result<Settings> s = parse_settings({{"ttl", "1m"},
                                             {"loop_wait", "5s"},
                                             {"retry_timeout", "20s"},
                                             {"maximum_lag_on_failover", "0"},
                                             {"synchronous_mode", "true"},
                                             {"mutant", "no_safety_margin"}});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->ttl_us, core::kMinute);
  EXPECT_EQ(s->loop_wait_us, 5 * core::kSecond);
  EXPECT_EQ(s->retry_timeout_us, 20 * core::kSecond);
  EXPECT_EQ(s->maximum_lag_on_failover, 0u);
  EXPECT_TRUE(s->synchronous_mode);
  EXPECT_EQ(s->mutant, Mutant::kNoSafetyMargin);
  EXPECT_EQ(safety_margin_us(*s), 35 * core::kSecond);
}

TEST(LeaseSettings, AShortTtlIsRefusedOnTtl) {
  core::Result<Settings> s = parse_settings({{"ttl", "25s"}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().message.starts_with("ttl: ")) << s.error().message;
  EXPECT_NE(s.error().message.find("2 * retry_timeout"), std::string::npos);
}

TEST(LeaseSettings, ALongRetryAloneIsRefusedOnRetryTimeout) {
  core::Result<Settings> s = parse_settings({{"retry_timeout", "15s"}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().message.starts_with("retry_timeout: ")) << s.error().message;
}

TEST(LeaseSettings, UnknownKeysAndMutantsAreRefused) {
  EXPECT_FALSE(parse_settings({{"ttll", "30s"}}).ok());
  EXPECT_FALSE(parse_settings({{"mutant", "no_such_bug"}}).ok());
  EXPECT_FALSE(parse_settings({{"synchronous_mode", "yes"}}).ok());
}

TEST(LeaseSettings, EveryMutantHasAName) {
  for (std::uint8_t m = 0; m < kMutants; ++m) {
    const std::string name = to_string(static_cast<Mutant>(m));
    core::Result<Settings> s = parse_settings({{"mutant", name}});
    ASSERT_TRUE(s.ok()) << name;
    EXPECT_EQ(s->mutant, static_cast<Mutant>(m));
  }
}

}  // namespace
}  // namespace unwedge::lease
