// The sections of report.html, one function each, and the small pieces of
// markup they share. Internal to reports/: html_report.hpp is the interface.
// Every function escapes the report's text itself; callers pass raw data.
#pragma once

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.hpp"

namespace unwedge::reports::html {

using Out = std::back_insert_iterator<std::string>;

// <a href> to a path relative to the report, or the path as text when it
// could leave the output directory (markup_escape.hpp: safe_relative_href).
std::string link(std::string_view path, std::string_view text);

// "<p>Never taken (3): a, b, c.</p>", or a line saying there are none.
void never_list(Out out, std::string_view what, const std::vector<std::string>& names);

// A machine's state graph, states table, never-taken and refused transitions.
void machine_section(Out out, const MachineCoverage& machine);
void table_section(Out out, const TableCoverage& table);
void actions_section(Out out, const std::vector<ActionCoverage>& actions);
void faults_section(Out out, const std::vector<NamedCount>& faults);
// The "sometimes" conditions the swarm reached (Coverage::sometimes).
void sometimes_section(Out out, const std::vector<NamedCount>& reached);
void probes_section(Out out, const std::vector<ProbeCoverage>& probes);
void crashes_section(Out out, const CrashCoverage& crashes);

}  // namespace unwedge::reports::html
