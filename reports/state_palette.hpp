// The colours a state is drawn in, shared by the machine graphs, the
// timelines and their legends so that one state looks the same everywhere.
// Four kinds, from the state's declared traits: healthy and stable (where an
// entity may rest), stable but not healthy (a terminal such as
// `deprovisioned`), healthy but unstable (serving while a change is in
// flight, such as `maintenance`) and unstable (must be left soon).
//
//   fmt::format("<rect fill=\"{}\"/>", state_fill(state.healthy, state.stable));
#pragma once

#include <string_view>

namespace unwedge::reports {

inline std::string_view state_kind(bool healthy, bool stable) {
  if (stable) return healthy ? "healthy" : "stable";
  return healthy ? "transient" : "unstable";
}

inline std::string_view state_fill(bool healthy, bool stable) {
  if (stable) return healthy ? "#a5d6a7" : "#cfd8dc";
  return healthy ? "#fff59d" : "#ef9a9a";
}

// Faults, and the edges and marks of what went wrong.
inline constexpr std::string_view kFaultFill = "#ffcc80";
inline constexpr std::string_view kViolationColour = "#c62828";
inline constexpr std::string_view kTakenColour = "#2e7d32";
inline constexpr std::string_view kNeverTakenColour = "#9e9e9e";

}  // namespace unwedge::reports
