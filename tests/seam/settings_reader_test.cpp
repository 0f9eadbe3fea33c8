// A plane's settings read from text: every refusal starts with the setting's
// name, only the first is kept, undeclared keys are refused, and the scenario
// reader finds the key again.
#include "seam/settings_reader.hpp"

#include <gtest/gtest.h>

#include "core/value_text.hpp"

namespace unwedge::seam {
namespace {

using core::kHour;
using core::kSecond;

const std::vector<SettingInfo> kDeclared = {{"ttl", "30s", "how long a lease lasts"},
                                            {"loop", "10s", "how often the agent runs"},
                                            {"nodes", "3", "how many"},
                                            {"sync", "false", "synchronous mode"},
                                            {"mode", "fast", "fast or safe"}};

struct Read {
  core::TimeUs ttl_us = 30 * kSecond;
  core::TimeUs loop_us = 10 * kSecond;
  std::uint32_t nodes = 3;
  bool sync = false;
  std::size_t mode = 0;
  core::Status status;
};

Read read(const SettingsText& text) {
  SettingsReader reader(text, kDeclared);
  Read r;
  reader.duration("ttl", 1, kHour, r.ttl_us);
  reader.duration("loop", 1, kHour, r.loop_us);
  reader.whole_number("nodes", 1, 7, r.nodes);
  reader.flag("sync", r.sync);
  reader.choice("mode", {"fast", "safe"}, r.mode);
  if (r.ttl_us <= r.loop_us) {
    reader.refuse(reader.given("ttl") ? "ttl" : "loop", "ttl must be longer than loop");
  }
  r.status = reader.finish();
  return r;
}

TEST(SettingsReader, AbsentKeysKeepTheirDefaultsAndGivenOnesAreRead) {
  const Read defaults = read({});
  ASSERT_TRUE(defaults.status.ok());
  EXPECT_EQ(defaults.ttl_us, 30 * kSecond);
  const Read given = read({{"ttl", "1m"}, {"nodes", "5"}, {"sync", "true"}, {"mode", "safe"}});
  ASSERT_TRUE(given.status.ok()) << given.status.error().message;
  EXPECT_EQ(given.ttl_us, 60 * kSecond);
  EXPECT_EQ(given.nodes, 5u);
  EXPECT_TRUE(given.sync);
  EXPECT_EQ(given.mode, 1u);
}

TEST(SettingsReader, EveryRefusalStartsWithTheSettingsName) {
  const std::vector<std::pair<SettingsText, std::string>> cases = {
      {{{"ttl", "0s"}}, "ttl: 0s is out of range; allowed: 1us to 1h"},
      {{{"ttl", "soon"}}, "ttl: "},
      {{{"nodes", "9"}}, "nodes: 9 is out of range; allowed: 1 to 7"},
      {{{"nodes", "three"}}, "nodes: expected a whole number from 1 to 7, got \"three\""},
      {{{"sync", "yes"}}, "sync: expected true or false, got \"yes\""},
      {{{"mode", "slow"}}, "mode: unknown value \"slow\"; allowed: fast, safe"},
      {{{"ttl", "5s"}}, "ttl: ttl must be longer than loop"},
      {{{"loop", "1m"}}, "loop: ttl must be longer than loop"},
      {{{"tll", "5s"}},
       "tll: not a setting of this control plane; its settings: ttl, loop, "
       "nodes, sync, mode"},
  };
  for (const auto& [text, expected] : cases) {
    const Read r = read(text);
    ASSERT_FALSE(r.status.ok()) << expected;
    EXPECT_TRUE(r.status.error().message.starts_with(expected)) << r.status.error().message;
    const std::optional<SettingRefusal> refusal = setting_of(r.status.error().message, kDeclared);
    if (text.begin()->first == "tll") {
      EXPECT_FALSE(refusal.has_value()) << "an undeclared key names no setting";
      continue;
    }
    ASSERT_TRUE(refusal.has_value()) << r.status.error().message;
    EXPECT_EQ(refusal->key + ": " + refusal->message, r.status.error().message);
  }
}

TEST(SettingsReader, OnlyTheFirstRefusalIsKept) {
  const Read r = read({{"nodes", "0"}, {"sync", "maybe"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_TRUE(r.status.error().message.starts_with("nodes: ")) << r.status.error().message;
}

TEST(ValueText, AHostileValueIsQuotedShortAndPlain) {
  EXPECT_EQ(core::quoted("a\nb\x01"), "\"a\\nb?\"");
  EXPECT_EQ(core::quoted(std::string(100, 'x')), "\"" + std::string(40, 'x') + "...\"");
  EXPECT_FALSE(core::parse_whole_number("99999999999999999999", 0, 10).ok());
  EXPECT_FALSE(core::parse_whole_number("", 0, 10).ok());
  EXPECT_FALSE(core::parse_whole_number("1 ", 0, 10).ok());
  EXPECT_EQ(*core::parse_whole_number("-3", -5, 10), -3);
  EXPECT_EQ(core::parse_duration_within("-1s", 0, kHour).error().message,
            "-1s is negative; allowed: 0s to 1h");
}

}  // namespace
}  // namespace unwedge::seam
