// A plane's settings read from their text (seam::SettingsText), with the
// messages every plane gives. A refused setting is an error whose message
// starts with the setting's name ("missed_after: 0s is out of range;
// allowed: 1us to 365d"); the scenario reader finds that key again with
// setting_of() and points at the line of the file that set it.
//
//   core::Result<Settings> parse(const seam::SettingsText& text) {
//     seam::SettingsReader read(text, setting_infos());
//     Settings s;
//     read.duration("missed_after", 1, kYear, s.missed_after_us);
//     read.whole_number("vantage_points", 1, 26, s.vantage_points);
//     if (s.missed_after_us > s.gone_after_us)
//       read.refuse("missed_after", "must not be longer than gone_after");
//     if (core::Status status = read.finish(); !status) return status.error();
//     return s;
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "seam/control_plane.hpp"

namespace unwedge::seam {

class SettingsReader {
 public:
  // `declared`: the settings the plane takes; any other key is refused.
  SettingsReader(const SettingsText& text, std::vector<SettingInfo> declared);

  // Each reads `key` when the text gives it, into `out`; otherwise `out`
  // keeps its default. After the first refusal, reading does nothing.
  void duration(std::string_view key, core::TimeUs low_us, core::TimeUs high_us, core::TimeUs& out);
  template <class T>
  void whole_number(std::string_view key, std::int64_t low, std::int64_t high, T& out) {
    if (std::optional<std::int64_t> value = whole_number_of(key, low, high)) {
      out = static_cast<T>(*value);
    }
  }
  // "true" or "false".
  void flag(std::string_view key, bool& out);
  // One of `names`; its index.
  void choice(std::string_view key, const std::vector<std::string_view>& names, std::size_t& out);

  // Whether the text gives `key` (to pin a refusal of a combination on a
  // setting the scenario wrote).
  bool given(std::string_view key) const;
  // Refuses the settings, pinned on `key`; only the first refusal is kept.
  void refuse(std::string_view key, std::string_view message);

  // Ok, or the first refusal; an undeclared key first of all.
  core::Status finish() const;

 private:
  const std::string* value_of(std::string_view key) const;
  std::optional<std::int64_t> whole_number_of(std::string_view key, std::int64_t low,
                                              std::int64_t high);

  const SettingsText& text_;
  std::vector<SettingInfo> declared_;
  std::optional<std::string> refusal_;
};

// The setting a refusal is pinned on (the text before its first ": "), if
// `message` starts with one of `declared`; the rest of the message after it.
struct SettingRefusal {
  std::string key;
  std::string message;
};
std::optional<SettingRefusal> setting_of(std::string_view message,
                                         const std::vector<SettingInfo>& declared);

}  // namespace unwedge::seam
