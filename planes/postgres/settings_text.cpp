// The reference plane's settings as a scenario writes them, read and written.
#include <charconv>
#include <fmt/format.h>
#include <limits>

#include "core/duration_text.hpp"
#include "planes/postgres/plane.hpp"

namespace unwedge::postgres {
namespace {

using core::TimeUs;

constexpr TimeUs kDay = 24 * core::kHour;
constexpr TimeUs kYear = 365 * kDay;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

core::Error bad(std::string_view key, std::string message) {
  return core::Error{fmt::format("{}: {}", key, message)};
}

// Reads `key`, when given, as a whole number in [low, high].
template <class T>
core::Status read_integer(const seam::SettingsText& text, std::string_view key, std::int64_t low,
                          std::int64_t high, T& out) {
  auto it = text.find(key);
  if (it == text.end()) return core::Status::Ok();
  const std::string& s = it->second;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error == std::errc::result_out_of_range) {
    return bad(key, fmt::format("{} is out of range; allowed: {} to {}", s, low, high));
  }
  if (error != std::errc() || end != s.data() + s.size()) {
    return bad(key, fmt::format("expected a whole number from {} to {}, got \"{}\"", low, high, s));
  }
  if (value < low || value > high) {
    return bad(key, fmt::format("{} is out of range; allowed: {} to {}", value, low, high));
  }
  out = static_cast<T>(value);
  return core::Status::Ok();
}

// Reads `key`, when given, as a duration in [low, high].
core::Status read_duration(const seam::SettingsText& text, std::string_view key, TimeUs low,
                           TimeUs high, TimeUs& out) {
  auto it = text.find(key);
  if (it == text.end()) return core::Status::Ok();
  const std::string& s = it->second;
  core::Result<TimeUs> value = core::parse_duration(s);
  if (!value) return bad(key, value.error().message);
  if (*value < 0 && low >= 0) {
    return bad(key, fmt::format("{} is negative; allowed: {} to {}", s, core::format_duration(low),
                                core::format_duration(high)));
  }
  if (*value < low || *value > high) {
    return bad(key, fmt::format("{} is out of range; allowed: {} to {}", s,
                                core::format_duration(low), core::format_duration(high)));
  }
  out = *value;
  return core::Status::Ok();
}

core::Status read_mutant(const seam::SettingsText& text, Mutant& out) {
  auto it = text.find("mutant");
  if (it == text.end()) return core::Status::Ok();
  std::string names;
  for (std::uint8_t m = 0; m < kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    if (it->second == to_string(mutant)) {
      out = mutant;
      return core::Status::Ok();
    }
    names += names.empty() ? to_string(mutant) : fmt::format(", {}", to_string(mutant));
  }
  return bad("mutant", fmt::format("unknown mutant \"{}\"; allowed: {}", it->second, names));
}

// Settings that only make sense together; the error names a key the
// scenario gave, so it points at a line of the file.
core::Status check_together(const seam::SettingsText& text, const Settings& s) {
  if (s.unreachable_vantages_min > s.vantage_points) {
    return bad(
        text.contains("unreachable_vantages_min") ? "unreachable_vantages_min" : "vantage_points",
        fmt::format("unreachable_vantages_min ({}) is more than vantage_points ({}); no "
                    "host could ever be found unreachable",
                    s.unreachable_vantages_min, s.vantage_points));
  }
  if (s.certificate_renew_before_us >= s.certificate_validity_us) {
    return bad(text.contains("certificate_renew_before") ? "certificate_renew_before"
                                                         : "certificate_validity",
               fmt::format("certificate_renew_before ({}) must be shorter than "
                           "certificate_validity ({})",
                           core::format_duration(s.certificate_renew_before_us),
                           core::format_duration(s.certificate_validity_us)));
  }
  return core::Status::Ok();
}

core::Status read_all(const seam::SettingsText& text, Settings& s) {
  for (const core::Status& status : {
           read_duration(text, "missed_after", 1, kYear, s.missed_after_us),
           read_duration(text, "unreachable_after", 0, kYear, s.unreachable_after_us),
           read_integer(text, "vantage_points", 1, 26, s.vantage_points),
           read_integer(text, "unreachable_vantages_min", 1, 26, s.unreachable_vantages_min),
           read_integer(text, "restarts_max", 0, 100, s.restarts_max),
           read_duration(text, "leader_restart_gap", 0, kYear, s.leader_restart_gap_us),
           read_integer(text, "lag_bytes_max", 0, kInt64Max, s.lag_bytes_max),
           read_duration(text, "certificate_validity", 1, 10 * kYear, s.certificate_validity_us),
           read_duration(text, "certificate_renew_before", 0, 10 * kYear,
                         s.certificate_renew_before_us),
           read_mutant(text, s.mutant),
       }) {
    if (!status) return status;
  }
  return core::Status::Ok();
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
      {"mutant", "none", "a planted bug, switched on only in the mutants' build"},
  };
}

core::Result<Settings> parse_settings(const seam::SettingsText& text) {
  for (const auto& [key, value] : text) {
    bool known = false;
    for (const seam::SettingInfo& info : setting_infos())
      known = known || info.name == key;
    if (!known) return bad(key, "not a setting of the reference control plane");
  }
  Settings settings;
  if (core::Status status = read_all(text, settings); !status) return status.error();
  if (core::Status status = check_together(text, settings); !status) return status.error();
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
  if (s.mutant != Mutant::kNone) out["mutant"] = to_string(s.mutant);
  return out;
}

}  // namespace unwedge::postgres
