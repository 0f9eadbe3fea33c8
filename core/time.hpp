// Time in unwedge: integer microseconds, never floating point, never the
// wall clock read directly. Production reads it through Clock; the simulator
// advances it as virtual time.
#pragma once

#include <cstdint>

namespace unwedge::core {

// A point in time or a duration, in microseconds. Names carry the unit:
// `checkin_interval_us`, `dwell_max_us`.
using TimeUs = std::int64_t;

inline constexpr TimeUs kMicrosecond = 1;
inline constexpr TimeUs kMillisecond = 1'000;
inline constexpr TimeUs kSecond = 1'000'000;
inline constexpr TimeUs kMinute = 60 * kSecond;
inline constexpr TimeUs kHour = 60 * kMinute;
inline constexpr TimeUs kDay = 24 * kHour;
// Never: a wait with no end, an instant past every run.
inline constexpr TimeUs kForever = INT64_MAX;

}  // namespace unwedge::core
