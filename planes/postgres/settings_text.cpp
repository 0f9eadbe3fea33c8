// The reference plane's settings as a scenario writes them, read and written.
#include <fmt/format.h>
#include <limits>

#include "core/duration_text.hpp"
#include "planes/postgres/plane.hpp"
#include "seam/settings_reader.hpp"

namespace unwedge::postgres {
namespace {

using core::TimeUs;

constexpr TimeUs kDay = 24 * core::kHour;
constexpr TimeUs kYear = 365 * kDay;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

void read_mutant(seam::SettingsReader& read, Mutant& out) {
  std::vector<std::string_view> names;
  for (std::uint8_t m = 0; m < kMutants; ++m)
    names.push_back(to_string(static_cast<Mutant>(m)));
  std::size_t index = static_cast<std::size_t>(out);
  read.choice("mutant", names, index);
  out = static_cast<Mutant>(index);
}

// Settings that only make sense together; the refusal names a key the
// scenario gave, so it points at a line of the file.
void check_together(seam::SettingsReader& read, const Settings& s) {
  if (s.unreachable_vantages_min > s.vantage_points) {
    read.refuse(
        read.given("unreachable_vantages_min") ? "unreachable_vantages_min" : "vantage_points",
        fmt::format("unreachable_vantages_min ({}) is more than vantage_points ({}); no "
                    "host could ever be found unreachable",
                    s.unreachable_vantages_min, s.vantage_points));
  }
  if (s.certificate_renew_before_us >= s.certificate_validity_us) {
    read.refuse(read.given("certificate_renew_before") ? "certificate_renew_before"
                                                       : "certificate_validity",
                fmt::format("certificate_renew_before ({}) must be shorter than "
                            "certificate_validity ({})",
                            core::format_duration(s.certificate_renew_before_us),
                            core::format_duration(s.certificate_validity_us)));
  }
}

void read_all(seam::SettingsReader& read, Settings& s) {
  read.duration("missed_after", 1, kYear, s.missed_after_us);
  read.duration("unreachable_after", 0, kYear, s.unreachable_after_us);
  read.whole_number("vantage_points", 1, 26, s.vantage_points);
  read.whole_number("unreachable_vantages_min", 1, 26, s.unreachable_vantages_min);
  read.whole_number("restarts_max", 0, 100, s.restarts_max);
  read.duration("leader_restart_gap", 0, kYear, s.leader_restart_gap_us);
  read.whole_number("lag_bytes_max", 0, kInt64Max, s.lag_bytes_max);
  read.duration("certificate_validity", 1, 10 * kYear, s.certificate_validity_us);
  read.duration("certificate_renew_before", 0, 10 * kYear, s.certificate_renew_before_us);
  read.duration("full_pass_every", 0, kYear, s.full_pass_every_us);
  read.whole_number("disruptions_running_max", 0, 1'000'000, s.disruptions_running_max);
  read_mutant(read, s.mutant);
}

}  // namespace

std::vector<seam::SettingInfo> setting_infos() {
  const Settings d;
  using core::format_duration;
  return {
      {"missed_after", format_duration(d.missed_after_us),
       "a vantage point's latest check-in older than this is missed"},
      {"unreachable_after", format_duration(d.unreachable_after_us),
       "missed at unreachable_vantages_min vantage points this long: unreachable"},
      {"vantage_points", fmt::format("{}", d.vantage_points),
       "monitoring vantage points every host checks in with"},
      {"unreachable_vantages_min", fmt::format("{}", d.unreachable_vantages_min),
       "vantage points that must miss a host for it to be unreachable"},
      {"restarts_max", fmt::format("{}", d.restarts_max),
       "restarts tried on an unreachable host before it is replaced"},
      {"leader_restart_gap", format_duration(d.leader_restart_gap_us),
       "a leader past restarts_max is restarted again after this long unreachable"},
      {"lag_bytes_max", fmt::format("{}", d.lag_bytes_max),
       "a standby further behind its leader than this is lagging"},
      {"certificate_validity", format_duration(d.certificate_validity_us),
       "how long a certificate lasts"},
      {"certificate_renew_before", format_duration(d.certificate_renew_before_us),
       "how long before expiry a certificate is renewed"},
      {"full_pass_every", format_duration(d.full_pass_every_us),
       "the controller decides every entity this often, not only those whose inputs "
       "changed; 0s: on every pass"},
      {"disruptions_running_max", fmt::format("{}", d.disruptions_running_max),
       "failovers, promotions, restarts and replacements run at once across the fleet; "
       "those decided past it wait; 0: no limit"},
      {"mutant", "none", "a planted bug, switched on only in the mutants' build"},
  };
}

core::Result<Settings> parse_settings(const seam::SettingsText& text) {
  seam::SettingsReader read(text, setting_infos());
  Settings settings;
  read_all(read, settings);
  check_together(read, settings);
  if (core::Status status = read.finish(); !status) return status.error();
  return settings;
}

seam::SettingsText settings_text(const Settings& s) {
  const Settings d;
  seam::SettingsText out;
  using core::format_duration;
  const auto duration = [&](const char* key, TimeUs value, TimeUs fallback) {
    if (value != fallback) out[key] = format_duration(value);
  };
  const auto integer = [&](const char* key, auto value, auto fallback) {
    if (value != fallback) out[key] = fmt::format("{}", value);
  };
  duration("missed_after", s.missed_after_us, d.missed_after_us);
  duration("unreachable_after", s.unreachable_after_us, d.unreachable_after_us);
  integer("vantage_points", s.vantage_points, d.vantage_points);
  integer("unreachable_vantages_min", s.unreachable_vantages_min, d.unreachable_vantages_min);
  integer("restarts_max", s.restarts_max, d.restarts_max);
  duration("leader_restart_gap", s.leader_restart_gap_us, d.leader_restart_gap_us);
  integer("lag_bytes_max", s.lag_bytes_max, d.lag_bytes_max);
  duration("certificate_validity", s.certificate_validity_us, d.certificate_validity_us);
  duration("certificate_renew_before", s.certificate_renew_before_us,
           d.certificate_renew_before_us);
  duration("full_pass_every", s.full_pass_every_us, d.full_pass_every_us);
  integer("disruptions_running_max", s.disruptions_running_max, d.disruptions_running_max);
  if (s.mutant != Mutant::kNone) out["mutant"] = to_string(s.mutant);
  return out;
}

}  // namespace unwedge::postgres
