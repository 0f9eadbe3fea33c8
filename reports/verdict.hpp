// Verdict: what a campaign's report adds up to, computed once from the
// report's data, so that summary.md, summary.txt, junit.xml, report.html,
// report.json and the exit code cannot disagree (but for how the process
// ended: a campaign stopped by signal N with nothing found exits 128 + N,
// its report INCOMPLETE, exit code 4). Every renderer asks
// verdict_of() for the headline, for the list of findings and for the rows
// of its table of checks; none decides PASS or FAIL on its own.
//
// Four outcomes, and the exit code each gives (docs/REPORTS.md, "Exit
// codes"):
//   PASS            nothing found in a finished campaign, and the canary
//                   proved the harness can find;
//   FAIL            findings of any kind (exit 1);
//   HARNESS BROKEN  the canary was missed, missing or a checker's self-test
//                   failed (exit 3): findings, if any, are listed apart and
//                   prove nothing until the harness is repaired;
//   INCOMPLETE      nothing found in the part that ran, but the campaign did
//                   not finish: still running (or killed) when the report was
//                   last written, stopped by a signal, or a merged shard that
//                   was either (exit 4). A partial report is never a PASS;
//                   findings in it are findings all the same, and its
//                   `incomplete` sentence says what is missing whatever the
//                   outcome.
//
// A finding kind is a row of the checks table (the invariants, then the
// campaign-wide checks). A new kind is an entry of FindingKind, a row added
// in checks_of() (verdict.cpp) and a count in finding_count(): every format
// then shows it.
//
//   const Verdict verdict = verdict_of(report);
//   fmt::print("{}: {} findings\n", verdict.headline(), verdict.findings);
//   return verdict.exit_code();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.hpp"

namespace unwedge::reports {

enum class FindingKind : std::uint8_t {
  kInvariantViolation,   // a run broke an invariant (an assertion failure is one)
  kExpectationMissing,   // a scenario expected a violation that did not come
  kNoVerdict,            // a run gave no verdict: it crashed, threw, timed out
  kDeterminismMismatch,  // the same scenario run twice gave different traces
  kCrashDivergence,      // crash exploration: an action re-run did not end as before
  kVacuousScenario,      // a scenario whose `requires:` never held (counted by its runs)
};
const char* to_string(FindingKind kind);

// One row of the checks table: an invariant, or a campaign-wide check.
struct CheckRow {
  std::string name;  // "no_lost_writes", "determinism", "crash_exploration"
  FindingKind kind = FindingKind::kInvariantViolation;
  std::uint64_t checked = 0;  // how many times it was checked
  std::string unit;           // what `checked` counts: "runs", "re-checks", "crash points"
  std::uint64_t findings = 0;
  // The first finding: where (an item, "swarm seed 17"; empty for a
  // campaign-wide check), what, and how to see it again.
  std::string first_item;
  std::optional<std::uint64_t> first_seed;
  std::string first_sentence;
  std::string first_repro;   // relative to the output directory
  std::string first_replay;  // a command
  bool failed() const { return findings > 0; }
  // Checked nowhere and found nothing: the check proves nothing.
  bool unchecked() const { return findings == 0 && checked == 0; }
};

enum class Outcome : std::uint8_t { kPass, kFail, kHarnessBroken, kIncomplete };

// The exit codes of every `unwedge` command (cli/commands.hpp adds 2, bad
// input): a verdict gives one of these three.
inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitHarnessBroken = 3;
inline constexpr int kExitIncomplete = 4;

struct Verdict {
  Outcome outcome = Outcome::kPass;
  // Findings of every kind: failing and errored runs, crash-exploration
  // divergences. Determinism mismatches are failing runs, so counted there.
  std::uint64_t findings = 0;
  // Every invariant, then every campaign-wide check, in a fixed order.
  std::vector<CheckRow> checks;
  // Why the harness is broken (the canary's sentence); empty when it is not.
  std::string harness_broken;
  // Why the report covers only part of its campaign; empty when the
  // campaign finished. Set whatever the outcome: a FAIL may be partial too.
  std::string incomplete;

  bool failed() const { return outcome != Outcome::kPass; }
  bool complete() const { return incomplete.empty(); }
  // "PASS", "FAIL", "HARNESS BROKEN", "INCOMPLETE".
  std::string_view headline() const;
  // 0 pass, 1 findings, 3 the harness is broken, 4 incomplete.
  int exit_code() const;
};

// Why `campaign` covers only part of what it set out to run ("the campaign
// was interrupted by signal 2 before its planned work was done; ..."), or
// empty when it finished (its status "finished", or "finished (time budget
// spent)", and no shard interrupted).
std::string incompleteness(const CampaignFigures& campaign);

Verdict verdict_of(const Report& report);
// The same, of one plane's part of `whole`, a campaign of several (whose
// kept runs give the replay commands).
Verdict verdict_of(const PlaneReport& plane, const Report& whole);

// The command that replays the first violation of `invariant`: the failing
// run's own command when the report keeps it, else running its reproducer.
std::string first_replay_command(const Report& report, const InvariantResult& invariant);

}  // namespace unwedge::reports
