// Durations and counts as the rendered reports print them: rounded to what a
// person compares at a glance ("2 h 5 min", "1.5 s"), and instants of a run
// as the `unwedge replay` timeline prints them ("1:00:05.000"), so a chart's
// tooltip can be looked up in a replay.
//
//   readable_duration(90 * core::kMinute) == "1 h 30 min"
//   clock_time(core::kHour + 5 * core::kSecond) == "1:00:05.000"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace unwedge::reports {

// At most two units, the larger first; sub-second durations in ms or us.
std::string readable_duration(core::TimeUs duration_us);

// "h:mm:ss.mmm" from the start of a run.
std::string clock_time(core::TimeUs at_us);

// "12,345,678": thousands separated, as the campaign summary prints counts.
std::string grouped(std::uint64_t count);
// "1 run", "12,345 runs": a grouped count and the noun that agrees with it.
std::string counted(std::uint64_t count, std::string_view one, std::string_view many);

}  // namespace unwedge::reports
