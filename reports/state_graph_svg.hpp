// One machine's state graph as inline SVG, laid out by Graphviz's dot and
// coloured by what a campaign exercised: transitions taken in green (wider
// the more often), legal ones never taken in grey dashes, refused ones (a
// finding) in red; states filled by kind (reports/state_palette.hpp) and
// labelled with how often they were entered. Used by report.html, one graph
// per machine.
//
//   html += state_graph_svg(report.coverage.machines[0]);  // "<svg ...>...</svg>"
#pragma once

#include <string>

#include "reports/report.hpp"

namespace unwedge::reports {

// An <svg> element without XML prolog or DOCTYPE, so it inlines into HTML;
// the same machine gives the same bytes.
std::string state_graph_svg(const MachineCoverage& machine);

}  // namespace unwedge::reports
