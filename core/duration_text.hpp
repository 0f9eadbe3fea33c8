// Durations as people write them: "90s", "5m", "1h30m", "250ms", "-2m".
//
// One reading for every place a duration is typed (scenario files, the
// command's flags), so "10m" means the same everywhere and a mistake gets
// the same explanation. Whole numbers only, each followed by a unit (us, ms,
// s, m, h, d); parts add up ("1h30m"); a leading minus negates the whole.
//
//   core::Result<TimeUs> d = parse_duration("1h30m");  // 5'400'000'000
//   format_duration(*d);                              // "90m"
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace unwedge::core {

// The duration in microseconds, or why the text is not one (the sentence
// quotes the text and says how to write it).
Result<TimeUs> parse_duration(std::string_view text);

// "90s", "5m", "2h", "1500ms", "0s": the largest unit that divides `us`, so
// the text reads back to the same value (a negative value gets a minus).
std::string format_duration(TimeUs us);

// "1.5 s": seconds to a tenth, for reports and messages, not for reading back.
std::string seconds_text(TimeUs us);

}  // namespace unwedge::core
