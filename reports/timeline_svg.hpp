// A failing run's timeline as inline SVG: one lane per entity with its
// states as spans coloured by kind (reports/state_palette.hpp), the faults in
// lanes of their own at the top, the violation as a red vertical line, and
// a time axis in readable units. Every span has a <title> tooltip with its
// exact times, in the format `unwedge replay` prints, to look it up there.
//
//   html += timeline_svg(*failure.timeline);  // "<svg ...>...</svg>"
#pragma once

#include <string>

#include "reports/report.hpp"

namespace unwedge::reports {

// The same timeline gives the same bytes.
std::string timeline_svg(const RunTimeline& timeline);

}  // namespace unwedge::reports
