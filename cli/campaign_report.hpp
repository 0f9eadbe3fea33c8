// What a campaign writes down: one record per run (a line of runs.jsonl)
// and the progress line (summary.txt and report.json are
// rendered from the campaign's reports::Report: cli/write_reports.hpp).
//
// runs.jsonl holds one JSON object per finished run, in the order runs
// finished, appended and flushed as each finishes:
//
//   {"index":12,"item":"swarm seed 3","seed":3,"swarm":true,"verdict":"fail",
//    "invariant":"no_lost_writes","cause":null,"sentence":"expected to pass, but ...",
//    "digest":"5f0c...","simulated_us":5400000000,"events":81234,
//    "store_keys_unchecked":0,"disruptions":[{"kind":"failover",
//    "cause":"failover-unreachable-leader","count":1}],
//    "availability":[{"service":"db1","write_share":0.9991,"read_share":0.9996,...}],
//    "worst_windows":[{"service":"db1","client":"client-db1-1","from_us":...,"cause":...}],
//    "wall_ms":412,"repro":"repro/swarm-seed-3.yaml"}
//
// verdict: "pass"; "fail" (the run ended against its scenario's expected
// verdict; `invariant` names the violated invariant, null when a violation
// was expected and did not come, "availability" when the clients missed the
// scenario's `expect: {availability: ...}` bounds); "error" (no verdict: `cause` says why:
// "not_made" the scenario could not be made, "threw" an exception escaped the
// run, "worker_died" the process running it died, "timed_out" it ran past the
// wall-time limit, "bad_result" its worker sent something unreadable). `digest` is the trace digest
// as 16 hex digits (0 when the run gave none); `index` is the item's place in the whole campaign
// (bundled scenarios first, then swarm seeds 1, 2, ...), the same in every shard.
// `disruptions` counts what the control plane decided by kind and cause (the
// rule that fired); a scenario over its `disruptions_max` fails with
// invariant "disruptions_max".
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/shard.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "reports/report.hpp"
#include "sim/availability.hpp"

namespace unwedge::cli {

enum class Verdict : std::uint8_t { kPass, kFail, kError };

struct RunRecord {
  std::uint64_t index = 0;
  std::string item;  // "swarm seed 17", "scenario scenarios/x.yaml"
  std::uint64_t seed = 0;
  bool swarm = false;
  bool guided = false;  // an input of the guided search ("guided input 12")
  Verdict verdict = Verdict::kPass;
  std::string invariant;  // empty: none
  std::string cause;      // errors only
  std::string sentence;   // why it did not pass
  std::uint64_t digest = 0;
  core::TimeUs simulated_us = 0;
  std::uint64_t events = 0;
  // Keys of the consensus store's history too large to check for
  // linearizability: not checked, so never counted as passed.
  std::uint64_t store_keys_unchecked = 0;
  // The disruptions the control plane decided, by kind then cause (each
  // with runs = 1).
  std::vector<reports::DisruptionCount> disruptions;
  // What the clients felt: per service, and the run's longest write outages.
  std::vector<sim::ServiceAvailability> availability;
  std::vector<sim::OutageWindow> worst_windows;
  std::int64_t wall_ms = 0;
  std::string repro;  // relative to the output directory; empty: none

  friend bool operator==(const RunRecord&, const RunRecord&) = default;
};

const char* to_string(Verdict verdict);
std::string to_json_line(const RunRecord& record);  // no newline
// Strict (reports/strict_json.hpp): an error names the key path.
core::Result<RunRecord> parse_run_record(std::string_view line);
// The record inside another (a worker's result line).
void read(const nlohmann::json& j, const std::string& path, RunRecord& out);

enum class CampaignState : std::uint8_t { kRunning, kFinished, kBudgetSpent, kInterrupted };

// Where the campaign stands, besides its figures (reports::CampaignFigures).
struct CampaignStatus {
  Shard shard;
  CampaignState state = CampaignState::kRunning;
  int signal = 0;  // kInterrupted: the signal
  std::chrono::milliseconds elapsed{0};
  std::optional<std::uint64_t> planned;             // runs this shard will make, when fixed
  std::optional<std::chrono::milliseconds> budget;  // --budget
  std::uint32_t jobs = 1;
};

// "45 s", "12 min", "4.0 h", "5.2 d", "3.1 y"
std::string format_simulated(core::TimeUs duration_us);
// "12s", "4m 10s", "1h 02m"
std::string format_wall(std::chrono::milliseconds duration);

// One line: "runs 123/400, 12.3 runs/s, 3.1 y simulated, 2 violations, ETA 1m 20s"
std::string format_progress(const reports::CampaignFigures& figures, const CampaignStatus& status);
// Where the campaign stands: "finished", "interrupted by signal 2", ...
std::string status_text(const CampaignStatus& status);
// "2026-12-06T01:02:03Z": when a report was written, in UTC.
std::string utc_timestamp(std::chrono::system_clock::time_point when);

}  // namespace unwedge::cli
