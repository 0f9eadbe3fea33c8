#include "reports/readable_units.hpp"

#include <fmt/format.h>

namespace unwedge::reports {
namespace {

std::string two_units(core::TimeUs value, core::TimeUs big, const char* big_name,
                      core::TimeUs small, const char* small_name) {
  const core::TimeUs whole = value / big;
  const core::TimeUs rest = (value % big) / small;
  if (rest == 0) return fmt::format("{} {}", whole, big_name);
  return fmt::format("{} {} {} {}", whole, big_name, rest, small_name);
}

}  // namespace

std::string readable_duration(core::TimeUs duration_us) {
  if (duration_us < 0) return "-" + readable_duration(-duration_us);
  if (duration_us == 0) return "0 s";
  if (duration_us < core::kMillisecond) return fmt::format("{} us", duration_us);
  if (duration_us < core::kSecond) return fmt::format("{} ms", duration_us / core::kMillisecond);
  if (duration_us < 10 * core::kSecond) {
    // Integer tenths, so the text is the same under every libc.
    const core::TimeUs tenths = duration_us / (core::kSecond / 10);
    if (tenths % 10 == 0) return fmt::format("{} s", tenths / 10);
    return fmt::format("{}.{} s", tenths / 10, tenths % 10);
  }
  if (duration_us < core::kMinute) return fmt::format("{} s", duration_us / core::kSecond);
  if (duration_us < core::kHour) {
    return two_units(duration_us, core::kMinute, "min", core::kSecond, "s");
  }
  if (duration_us < core::kDay)
    return two_units(duration_us, core::kHour, "h", core::kMinute, "min");
  return two_units(duration_us, core::kDay, "d", core::kHour, "h");
}

std::string clock_time(core::TimeUs at_us) {
  if (at_us < 0) return "-" + clock_time(-at_us);
  const core::TimeUs hours = at_us / core::kHour;
  const core::TimeUs minutes = (at_us % core::kHour) / core::kMinute;
  const core::TimeUs seconds = (at_us % core::kMinute) / core::kSecond;
  const core::TimeUs millis = (at_us % core::kSecond) / core::kMillisecond;
  return fmt::format("{}:{:02}:{:02}.{:03}", hours, minutes, seconds, millis);
}

std::string grouped(std::uint64_t count) {
  std::string digits = std::to_string(count);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
  return grouped(count) + " " + std::string(count == 1 ? one : many);
}

}  // namespace unwedge::reports
