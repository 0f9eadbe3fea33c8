#include "cli/worker_result.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <vector>

#include "reports/report_json.hpp"

namespace unwedge::cli {
namespace {

constexpr std::string_view kCrashesTag = "crashes";

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t at = 0;;) {
    const std::size_t tab = line.find('\t', at);
    fields.push_back(line.substr(at, tab == std::string_view::npos ? tab : tab - at));
    if (tab == std::string_view::npos) return fields;
    at = tab + 1;
  }
}

}  // namespace

std::string to_result_line(const WorkerResult& r) {
  const nlohmann::ordered_json extras = {{"scenario", r.scenario},
                                         {"rechecked", r.rechecked},
                                         {"mismatch", r.mismatch},
                                         {"contexts", r.contexts}};
  return fmt::format("{}\t{}\t{}\t{}", to_json_line(r.record),
                     extras.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
                     r.coverage ? reports::coverage_to_json_line(*r.coverage) : "null",
                     r.timeline ? reports::timeline_to_json_line(*r.timeline) : "null");
}

core::Result<WorkerResult> parse_result_line(std::string_view line) {
  const std::vector<std::string_view> fields = split_tabs(line);
  if (fields.size() != 4) {
    return core::Error{fmt::format("a worker's result has {} fields, not 4: {}", fields.size(),
                                   line.substr(0, 200))};
  }
  core::Result<RunRecord> record = parse_run_record(fields[0]);
  if (!record) return record.error();
  WorkerResult result{.record = *record};
  try {
    const nlohmann::json extras = nlohmann::json::parse(fields[1]);
    result.scenario = extras.at("scenario").get<std::string>();
    result.rechecked = extras.at("rechecked").get<bool>();
    result.mismatch = extras.at("mismatch").get<bool>();
    result.contexts = extras.at("contexts").get<std::vector<std::uint64_t>>();
  } catch (const std::exception& e) {
    return core::Error{fmt::format("a worker's result has unreadable extras ({})", e.what())};
  }
  if (fields[2] != "null") {
    core::Result<reports::Coverage> coverage =
        reports::parse_coverage(fields[2], "a worker's coverage");
    if (!coverage) return coverage.error();
    result.coverage = std::move(*coverage);
  }
  if (fields[3] != "null") {
    core::Result<reports::RunTimeline> timeline =
        reports::parse_timeline(fields[3], "a worker's timeline");
    if (!timeline) return timeline.error();
    result.timeline = std::move(*timeline);
  }
  return result;
}

std::string to_crashes_line(const reports::CrashCoverage& crashes) {
  return fmt::format("{}\t{}", kCrashesTag,
                     reports::coverage_to_json_line(reports::Coverage{.crashes = crashes}));
}

bool is_crashes_line(std::string_view line) {
  return line.starts_with(kCrashesTag) && line.size() > kCrashesTag.size() &&
         line[kCrashesTag.size()] == '\t';
}

core::Result<reports::CrashCoverage> parse_crashes_line(std::string_view line) {
  if (!is_crashes_line(line)) return core::Error{"not a crash exploration result"};
  core::Result<reports::Coverage> coverage = reports::parse_coverage(
      line.substr(kCrashesTag.size() + 1), "the crash exploration's result");
  if (!coverage) return coverage.error();
  return coverage->crashes;
}

}  // namespace unwedge::cli
