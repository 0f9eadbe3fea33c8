#include "core/duration_text.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <utility>

#include "core/assert.hpp"

namespace unwedge::core {
namespace {

constexpr std::string_view kUnits = "us, ms, s, m, h, d";
constexpr std::pair<std::string_view, TimeUs> kScale[] = {
    {"us", 1}, {"ms", kMillisecond}, {"s", kSecond}, {"m", kMinute}, {"h", kHour}, {"d", kDay}};
constexpr TimeUs kLongest = std::numeric_limits<TimeUs>::max();

std::string in_quotes(std::string_view text) {
  return fmt::format("\"{}\"", text);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Result<TimeUs> parse_duration(std::string_view s) {
  const bool negative = s.starts_with('-');
  const std::string_view body = negative ? s.substr(1) : s;
  if (body.empty() || !is_digit(body.front())) {
    return Error{
        fmt::format("expected a duration, got {}; a duration is a whole number and a "
                    "unit ({})",
                    in_quotes(s), kUnits)};
  }
  TimeUs total = 0;
  std::size_t at = 0;
  // Each pass reads one part, a number and its unit, so the loop ends
  // within the text's length.
  while (at < body.size()) {
    const std::size_t digits_end =
        std::find_if_not(body.begin() + static_cast<std::ptrdiff_t>(at), body.end(), is_digit) -
        body.begin();
    if (digits_end == at) {
      return Error{
          fmt::format("{}: a number must come before each unit (as in 1h30m)", in_quotes(s))};
    }
    const std::size_t unit_end =
        std::find_if(body.begin() + static_cast<std::ptrdiff_t>(digits_end), body.end(), is_digit) -
        body.begin();
    const std::string_view unit = body.substr(digits_end, unit_end - digits_end);
    if (unit.starts_with('.') || unit.starts_with(',')) {
      return Error{fmt::format("{} has a fraction; use a smaller unit (90m, not 1.5h)", s)};
    }
    if (unit.empty()) {
      return Error{
          fmt::format("{} has no unit; write it with one of {} (e.g. {}s)", s, kUnits, body)};
    }
    const auto* scale = std::find_if(std::begin(kScale), std::end(kScale),
                                     [&](const auto& entry) { return entry.first == unit; });
    if (scale == std::end(kScale)) {
      return Error{
          fmt::format("{}: unknown unit {}; units: {}", in_quotes(s), in_quotes(unit), kUnits)};
    }
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(body.data() + at, body.data() + digits_end, count);
    UNWEDGE_ASSERT(error == std::errc() || error == std::errc::result_out_of_range);
    static_cast<void>(end);
    if (error != std::errc() || count > (kLongest - total) / scale->second) {
      return Error{fmt::format("{} is too long; durations stop at {}", s,
                               format_duration(kLongest / kDay * kDay))};
    }
    total += count * scale->second;
    at = unit_end;
  }
  return negative ? -total : total;
}

std::string seconds_text(TimeUs us) {
  return fmt::format("{:.1f} s", static_cast<double>(us) / kSecond);
}

std::string format_duration(TimeUs us) {
  if (us == 0) return "0s";
  if (us < 0) return "-" + format_duration(-us);
  static constexpr std::pair<TimeUs, std::string_view> kUnitsLargestFirst[] = {
      {kDay, "d"}, {kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}, {kMillisecond, "ms"}, {1, "us"}};
  for (const auto& [unit_us, unit] : kUnitsLargestFirst) {
    if (us % unit_us == 0) return fmt::format("{}{}", us / unit_us, unit);
  }
  UNWEDGE_ASSERT(false);  // every duration is a whole number of microseconds
  return "";
}

}  // namespace unwedge::core
