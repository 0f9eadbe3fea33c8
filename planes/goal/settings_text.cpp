// The goal plane's settings as a scenario writes them, read and checked.
#include <array>
#include <fmt/format.h>
#include <limits>

#include "core/assert.hpp"
#include "core/duration_text.hpp"
#include "planes/goal/plane.hpp"
#include "seam/settings_reader.hpp"

namespace unwedge::goal {
namespace {

constexpr core::TimeUs kHourUs = core::kHour;
constexpr std::int64_t kLagMax = std::int64_t{1} << 40;

constexpr std::array<const char*, kMutants> kMutantNames = {
    "none", "no_rejoin_edge", "no_abort_edge", "standby_left_catching_up"};

void read_mutant(seam::SettingsReader& read, Mutant& out) {
  std::vector<std::string_view> names(kMutantNames.begin(), kMutantNames.end());
  std::size_t index = static_cast<std::size_t>(out);
  read.choice("mutant", names, index);
  out = static_cast<Mutant>(index);
}

}  // namespace

const char* to_string(Mutant mutant) {
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, kMutantNames.size());
  return kMutantNames[index];
}

std::vector<seam::SettingInfo> setting_infos() {
  const Settings d;
  using core::format_duration;
  return {
      {"unhealthy_after", format_duration(d.unhealthy_after_us),
       "how long no vantage point hears a node before the monitor holds it unhealthy"},
      {"caught_up_lag_max", fmt::format("{}", d.caught_up_lag_max),
       "how many log records a following standby may be behind its primary and count as "
       "caught up"},
      {"mutant", "none", "a planted bug, switched on only in the mutants' build"},
  };
}

core::Result<Settings> parse_settings(const seam::SettingsText& text) {
  seam::SettingsReader read(text, setting_infos());
  Settings s;
  read.duration("unhealthy_after", core::kSecond, kHourUs, s.unhealthy_after_us);
  read.whole_number("caught_up_lag_max", 0, kLagMax, s.caught_up_lag_max);
  read_mutant(read, s.mutant);
  if (core::Status status = read.finish(); !status) return status.error();
  return s;
}

}  // namespace unwedge::goal
