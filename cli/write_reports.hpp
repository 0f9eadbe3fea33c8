// write_reports: every output file of a campaign or a merge, rendered from
// one reports::Report alone, each written whole or not at all.
//
// report.json (reports/report_json.hpp, docs/REPORTS.md), report.html,
// junit.xml, summary.md (the rendered reports) and summary.txt (the figures
// and the first failing runs, for a terminal). When llvm-cov's pages sit in
// `source-coverage/` beside them (scripts/coverage.sh), the reports link them.
// The campaign calls it every few seconds and at the end, however it ends;
// `unwedge merge` calls it once on the merged report.
//
//   if (core::Status written = write_reports(report, "out/nightly"); !written)
//     fmt::print(stderr, "{}\n", written.error().message);
#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"
#include "reports/report.hpp"

namespace unwedge::cli {

core::Status write_reports(const reports::Report& report, const std::filesystem::path& out_dir);

// summary.txt: what ran, how fast, what it found.
std::string summary_text(const reports::Report& report);

}  // namespace unwedge::cli
