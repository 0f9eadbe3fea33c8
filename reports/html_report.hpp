// A campaign report as one self-contained HTML page, report.html: no
// scripts, no network (a Content-Security-Policy forbids both), inline CSS
// and inline SVG only, so it can be archived by CI and opened anywhere.
//
// It shows the headline figures; the invariants with their first violation,
// reproducer and replay command; each failing run with its timeline chart
// (reports/timeline_svg.hpp); the bundled scenarios; each machine's graph
// coloured by coverage (reports/state_graph_svg.hpp) with its states' dwell
// percentiles and the legal transitions never taken; each decision table's
// rules with those never fired; actions and their steps; fault kinds and
// probes with those never exercised; the crash exploration; and a link to
// the llvm-cov summary when the report names one.
//
//   write_file(out_dir / "report.html", html_report(report));
#pragma once

#include <string>

#include "reports/report.hpp"

namespace unwedge::reports {

// Links (reproducers, the source coverage summary) are relative to the
// directory report.html is written to. The same report gives the same bytes.
std::string html_report(const Report& report);

}  // namespace unwedge::reports
