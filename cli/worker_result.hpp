// What a worker sends back for one item: the run's record (the line of
// runs.jsonl), and what the report needs besides (the run's coverage, a
// failing run's timeline, whether its determinism was re-checked), on the
// one line the worker pool carries.
//
// The line is one JSON object, read back strictly (reports/strict_json.hpp):
//   {"record": <the run record, as runs.jsonl has it>, "scenario": "...",
//    "rechecked": false, "mismatch": false, "contexts": [...],
//    "coverage": <sparse coverage> or null, "timeline": <timeline> or null}
// The crash exploration, run by a worker of its own, sends
//   {"crashes": <coverage with only its crash counts>}
//
//   std::string line = to_result_line(result);      // in the worker
//   core::Result<WorkerResult> back = parse_result_line(line);  // in the parent
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/campaign_report.hpp"
#include "core/result.hpp"
#include "reports/report.hpp"

namespace unwedge::cli {

struct WorkerResult {
  RunRecord record;
  std::string scenario;                          // the scenario's name; empty: never made
  std::optional<reports::Coverage> coverage;     // nullopt: no run (or no model)
  std::optional<reports::RunTimeline> timeline;  // failing runs only
  bool rechecked = false;                        // run twice to compare digests
  bool mismatch = false;                         // ... and they differed
  // Swarm and guided runs: the guided search's step-under-fault features
  // (sim/step_fault_context.hpp), sorted; empty for every other run.
  std::vector<std::uint64_t> contexts;
};

std::string to_result_line(const WorkerResult& result);
core::Result<WorkerResult> parse_result_line(std::string_view line);

// The crash exploration's counts as a worker line, and back.
std::string to_crashes_line(const reports::CrashCoverage& crashes);
bool is_crashes_line(std::string_view line);
core::Result<reports::CrashCoverage> parse_crashes_line(std::string_view line);

}  // namespace unwedge::cli
