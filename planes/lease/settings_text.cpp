// The lease plane's settings as a scenario writes them, read and checked.
#include <array>
#include <fmt/format.h>
#include <limits>

#include "core/assert.hpp"
#include "core/duration_text.hpp"
#include "planes/lease/plane.hpp"
#include "seam/settings_reader.hpp"

namespace unwedge::lease {
namespace {

using core::TimeUs;

constexpr TimeUs kDay = 24 * core::kHour;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

constexpr std::array<const char*, kMutants> kMutantNames = {
    "none", "no_safety_margin", "demote_after_ttl", "promote_without_lag_check",
    "renew_from_stale_read"};

void read_mutant(seam::SettingsReader& read, Mutant& out) {
  std::vector<std::string_view> names(kMutantNames.begin(), kMutantNames.end());
  std::size_t index = static_cast<std::size_t>(out);
  read.choice("mutant", names, index);
  out = static_cast<Mutant>(index);
}

// Patroni's rule, loop_wait + 2 * retry_timeout <= ttl: the leader leads
// until loop_wait + retry_timeout after its last renewal, so the margin
// left for clock drift and fencing is at least one retry_timeout (its
// defaults, 10s + 2 * 10s = 30s, sit exactly on the rule). The refusal is
// pinned on ttl unless the scenario gave only the others.
void check_together(seam::SettingsReader& read, const Settings& s) {
  if (s.ttl_us >= s.loop_wait_us + 2 * s.retry_timeout_us) return;
  const char* key = read.given("ttl") || (!read.given("loop_wait") && !read.given("retry_timeout"))
                        ? "ttl"
                        : (read.given("loop_wait") ? "loop_wait" : "retry_timeout");
  read.refuse(key,
              fmt::format("ttl ({}) must be at least loop_wait ({}) + 2 * retry_timeout "
                          "({}), or a leader that misses one renewal has no safety margin",
                          core::format_duration(s.ttl_us), core::format_duration(s.loop_wait_us),
                          core::format_duration(s.retry_timeout_us)));
}

}  // namespace

const char* to_string(Mutant mutant) {
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, kMutantNames.size());
  return kMutantNames[index];
}

core::TimeUs safety_margin_us(const Settings& settings) {
  const TimeUs margin_us = settings.ttl_us - settings.loop_wait_us - settings.retry_timeout_us;
  UNWEDGE_ASSERT_LT(0, margin_us);
  return margin_us;
}

std::vector<seam::SettingInfo> setting_infos() {
  const Settings d;
  using core::format_duration;
  return {
      {"ttl", format_duration(d.ttl_us), "how long the store keeps the leader key unrenewed"},
      {"loop_wait", format_duration(d.loop_wait_us), "how often a leader renews its lease"},
      {"retry_timeout", format_duration(d.retry_timeout_us),
       "how long a renewal may go unanswered before the leader gives it up"},
      {"maximum_lag_on_failover", fmt::format("{}", d.maximum_lag_on_failover),
       "in synchronous_mode, a standby further behind the leader's last (not final) position "
       "does not promote; over a final position a candidate must reach it"},
      {"synchronous_mode", d.synchronous_mode ? "true" : "false",
       "fail over without the old leader's final position, trusting a synchronous standby"},
      {"mutant", "none", "a planted bug, switched on only in the mutants' build"},
  };
}

core::Result<Settings> parse_settings(const seam::SettingsText& text) {
  seam::SettingsReader read(text, setting_infos());
  Settings s;
  read.duration("ttl", core::kSecond, kDay, s.ttl_us);
  read.duration("loop_wait", core::kSecond, kDay, s.loop_wait_us);
  read.duration("retry_timeout", core::kSecond, kDay, s.retry_timeout_us);
  read.whole_number("maximum_lag_on_failover", 0, kInt64Max, s.maximum_lag_on_failover);
  read.flag("synchronous_mode", s.synchronous_mode);
  read_mutant(read, s.mutant);
  check_together(read, s);
  if (core::Status status = read.finish(); !status) return status.error();
  return s;
}

}  // namespace unwedge::lease
