// A campaign report as a short Markdown summary, fit for a CI job summary
// ($GITHUB_STEP_SUMMARY): the verdict, the campaign's figures, the
// invariants, the first failures with the commands that replay them, and
// one line per kind of coverage. report.html has the rest.
//
//   append_file(getenv("GITHUB_STEP_SUMMARY"), summary_markdown(report));
#pragma once

#include <string>

#include "reports/report.hpp"

namespace unwedge::reports {

inline constexpr std::size_t kSummaryFailuresMax = 5;

// The same report gives the same bytes.
std::string summary_markdown(const Report& report);

}  // namespace unwedge::reports
