#include "cli/worker_result.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <vector>

#include "reports/report_json.hpp"
#include "reports/strict_json.hpp"

namespace unwedge::cli {
namespace {

constexpr std::string_view kCrashesOpening = "{\"crashes\":";
constexpr const char* kBrokenResult = "the worker sent a broken result";

std::string dump(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

// The record, coverage and timeline are each written by their own writer,
// as JSON text; the line is one object around them.
std::string to_result_line(const WorkerResult& r) {
  return fmt::format(
      "{{\"record\":{},\"scenario\":{},\"rechecked\":{},\"mismatch\":{},\"contexts\":{},"
      "\"coverage\":{},\"timeline\":{}}}",
      to_json_line(r.record), dump(r.scenario), r.rechecked, r.mismatch, dump(r.contexts),
      r.coverage ? reports::coverage_to_json_line(*r.coverage) : "null",
      r.timeline ? reports::timeline_to_json_line(*r.timeline) : "null");
}

core::Result<WorkerResult> parse_result_line(std::string_view line) {
  WorkerResult result;
  core::Status read_back =
      reports::parse_strict(line, "a worker's result", kBrokenResult, [&](const reports::In& j) {
        reports::Object o(j, "");
        o.get("record", result.record);
        o.get("scenario", result.scenario);
        o.get("rechecked", result.rechecked);
        o.get("mismatch", result.mismatch);
        o.get("contexts", result.contexts);
        o.get("coverage", result.coverage);
        o.get("timeline", result.timeline);
        o.done();
      });
  if (!read_back) return read_back.error();
  return result;
}

std::string to_crashes_line(const reports::CrashCoverage& crashes) {
  return fmt::format("{}{}}}", kCrashesOpening,
                     reports::coverage_to_json_line(reports::Coverage{.crashes = crashes}));
}

bool is_crashes_line(std::string_view line) {
  return line.starts_with(kCrashesOpening);
}

core::Result<reports::CrashCoverage> parse_crashes_line(std::string_view line) {
  reports::Coverage coverage;
  core::Status read_back = reports::parse_strict(line, "the crash exploration's result",
                                                 kBrokenResult, [&](const reports::In& j) {
                                                   reports::Object o(j, "");
                                                   o.get("crashes", coverage);
                                                   o.done();
                                                 });
  if (!read_back) return read_back.error();
  return coverage.crashes;
}

}  // namespace unwedge::cli
