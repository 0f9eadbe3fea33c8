// report.json: a Report as JSON and back (docs/REPORTS.md has the schema).
//
// Writing is deterministic: keys in a fixed order, lists in the Report's
// order, so equal reports give equal bytes. Reading is strict, since a
// merged report is only as good as its shards: a wrong schema_version, a
// missing or unknown key, a value of the wrong type and truncated text are
// each an error naming the file, the place in it and the fix. Reading never
// throws and never crashes, whatever the bytes.
//
//   core::Result<Report> shard = parse_report(read_text(path), path.string());
//   if (!shard) { fmt::print(stderr, "{}\n", shard.error().message); return 2; }
//   write_file_atomically(out / "report.json", to_json(*shard));
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "reports/report.hpp"
#include "reports/strict_json.hpp"

namespace unwedge::reports {

// Pretty-printed, two-space indent, ending in a newline.
std::string to_json(const Report& report);
core::Result<Report> parse_report(std::string_view text, std::string_view file_name);

// One run's coverage on one line, for a worker's result: entries with a
// zero count are left out (the parent knows the universe), and merge_into
// restores them by name.
std::string coverage_to_json_line(const Coverage& coverage);
core::Result<Coverage> parse_coverage(std::string_view text, std::string_view what);

// The readers of a run's coverage and timeline, for records that carry
// them inside their own (a worker's result line); strict, as every reader
// of reports/strict_json.hpp.
void read(const In& j, const std::string& path, Coverage& out);
void read(const In& j, const std::string& path, RunTimeline& out);

// A failing run's timeline on one line; parse_timeline reads it back.
std::string timeline_to_json_line(const RunTimeline& timeline);
core::Result<RunTimeline> parse_timeline(std::string_view text, std::string_view what);

// The canary's result on one line: what unwedge-canary prints and what its
// worker sends back; parse_canary reads it.
std::string canary_to_json_line(const CanaryResult& canary);
core::Result<CanaryResult> parse_canary(std::string_view text, std::string_view what);

}  // namespace unwedge::reports
