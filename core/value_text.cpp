#include "core/value_text.hpp"

#include <charconv>
#include <fmt/format.h>

#include "core/duration_text.hpp"

namespace unwedge::core {

std::string quoted(std::string_view text) {
  constexpr std::size_t kShownMax = 40;
  std::string out = "\"";
  for (char c : text.substr(0, kShownMax)) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out + (text.size() > kShownMax ? "...\"" : "\"");
}

Result<std::int64_t> parse_whole_number(std::string_view text, std::int64_t low,
                                        std::int64_t high) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    return Error{fmt::format("{} is out of range; allowed: {} to {}", text, low, high)};
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return Error{
        fmt::format("expected a whole number from {} to {}, got {}", low, high, quoted(text))};
  }
  if (value < low || value > high) {
    return Error{fmt::format("{} is out of range; allowed: {} to {}", value, low, high)};
  }
  return value;
}

Result<TimeUs> parse_duration_within(std::string_view text, TimeUs low_us, TimeUs high_us) {
  Result<TimeUs> value = parse_duration(text);
  if (!value) return value.error();
  if (*value < 0 && low_us >= 0) {
    return Error{fmt::format("{} is negative; allowed: {} to {}", text, format_duration(low_us),
                             format_duration(high_us))};
  }
  if (*value < low_us || *value > high_us) {
    return Error{fmt::format("{} is out of range; allowed: {} to {}", text, format_duration(low_us),
                             format_duration(high_us))};
  }
  return *value;
}

}  // namespace unwedge::core
