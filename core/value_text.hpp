// Values as people type them, checked against their bounds: whole numbers
// and durations from a scenario file, a plane's settings or a flag, with one
// wording for every mistake wherever it is made.
//
//   core::Result<std::int64_t> n = parse_whole_number("3", 1, 26);        // 3
//   core::Result<TimeUs> d = parse_duration_within("90s", 0, kHour);     // 90 s
//   parse_whole_number("x", 1, 26).error().message;
//       // expected a whole number from 1 to 26, got "x"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace unwedge::core {

// `text` quoted for a message: control characters shown, cut short after 40
// bytes, so a hostile value cannot flood or garble the message.
std::string quoted(std::string_view text);

// A whole number in [low, high], or why `text` is not one.
Result<std::int64_t> parse_whole_number(std::string_view text, std::int64_t low, std::int64_t high);

// A duration (core/duration_text.hpp) in [low_us, high_us], or why `text` is
// not one.
Result<TimeUs> parse_duration_within(std::string_view text, TimeUs low_us, TimeUs high_us);

}  // namespace unwedge::core
