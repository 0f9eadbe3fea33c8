#include "reports/verdict.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "reports/shell_word.hpp"

namespace unwedge::reports {
namespace {

// What a campaign, or one plane's part of it, holds: every verdict is made
// from these alone.
struct Parts {
  const CampaignFigures& campaign;
  const std::vector<InvariantResult>& invariants;
  const CrashCoverage& crashes;
  const std::optional<CanaryResult>& canary;
  const std::vector<RunResult>& failures;
  const Report* whole = nullptr;  // for replay commands
};

std::uint64_t count_of(const CampaignFigures& campaign, std::string_view kind) {
  for (const NamedCount& named : campaign.findings_by_kind) {
    if (named.name == kind) return named.count;
  }
  return 0;
}

// Fills the row's first finding from the lowest-index failing run `is` picks.
template <class Is>
void first_run(CheckRow& row, const std::vector<RunResult>& failures, Is is) {
  auto found = std::find_if(failures.begin(), failures.end(), is);
  if (found == failures.end()) return;
  row.first_item = found->item;
  row.first_seed = found->seed;
  row.first_sentence = found->sentence.empty() ? found->cause : found->sentence;
  row.first_repro = found->repro;
  row.first_replay = found->replay_command;
}

CheckRow invariant_row(const Parts& parts, const InvariantResult& invariant) {
  CheckRow row{.name = invariant.name,
               .kind = FindingKind::kInvariantViolation,
               .checked = invariant.runs_checked,
               .unit = "runs",
               .findings = invariant.violations};
  if (invariant.violations == 0) return row;
  row.first_item = invariant.first_item;
  row.first_seed = invariant.first_seed;
  row.first_sentence = invariant.first_sentence;
  row.first_repro = invariant.first_repro;
  row.first_replay = first_replay_command(*parts.whole, invariant);
  return row;
}

// The campaign-wide checks, after the invariants. A new finding kind gets
// its row here.
std::vector<CheckRow> campaign_rows(const Parts& parts) {
  const CampaignFigures& c = parts.campaign;
  CheckRow expected{.name = "expected_violation",
                    .kind = FindingKind::kExpectationMissing,
                    .checked = c.runs - c.errors,
                    .unit = "runs",
                    .findings = count_of(c, "expected violation missing")};
  first_run(expected, parts.failures,
            [](const RunResult& r) { return r.verdict == "fail" && r.invariant.empty(); });
  CheckRow verdict{.name = "run_gave_a_verdict",
                   .kind = FindingKind::kNoVerdict,
                   .checked = c.runs,
                   .unit = "runs",
                   .findings = c.errors};
  first_run(verdict, parts.failures, [](const RunResult& r) { return r.verdict == "error"; });
  CheckRow determinism{.name = "determinism",
                       .kind = FindingKind::kDeterminismMismatch,
                       .checked = c.determinism_rechecks,
                       .unit = "re-checks",
                       .findings = c.determinism_mismatches};
  first_run(determinism, parts.failures, [](const RunResult& r) {
    return r.invariant == "determinism" ||
           r.sentence.find("the same scenario run twice gave different digests") !=
               std::string::npos;
  });
  CheckRow crashes{.name = "crash_exploration",
                   .kind = FindingKind::kCrashDivergence,
                   .checked = parts.crashes.crash_points + parts.crashes.actions_redelivered +
                              parts.crashes.calls_redelivered,
                   .unit = "re-executions",
                   .findings = parts.crashes.divergences};
  if (!parts.crashes.findings.empty()) crashes.first_sentence = parts.crashes.findings.front();
  // kVacuousScenario: a row of its own once the report counts such runs.
  return {expected, verdict, determinism, crashes};
}

Verdict verdict_from(const Parts& parts) {
  Verdict verdict;
  for (const InvariantResult& invariant : parts.invariants)
    verdict.checks.push_back(invariant_row(parts, invariant));
  for (CheckRow& row : campaign_rows(parts))
    verdict.checks.push_back(std::move(row));
  verdict.findings = parts.campaign.failed + parts.campaign.errors + parts.crashes.divergences;
  const bool any_row_failed = std::any_of(verdict.checks.begin(), verdict.checks.end(),
                                          [](const CheckRow& row) { return row.failed(); });
  if (verdict.findings > 0 || any_row_failed) verdict.outcome = Outcome::kFail;
  verdict.incomplete = incompleteness(parts.campaign);
  if (verdict.outcome == Outcome::kPass && !verdict.complete()) {
    verdict.outcome = Outcome::kIncomplete;
  }
  if (parts.canary && !parts.canary->caught) {
    verdict.outcome = Outcome::kHarnessBroken;
    verdict.harness_broken = describe(*parts.canary);
  }
  return verdict;
}

}  // namespace

const char* to_string(FindingKind kind) {
  switch (kind) {
    case FindingKind::kInvariantViolation:
      return "invariant violation";
    case FindingKind::kExpectationMissing:
      return "expected violation missing";
    case FindingKind::kNoVerdict:
      return "no verdict";
    case FindingKind::kDeterminismMismatch:
      return "determinism mismatch";
    case FindingKind::kCrashDivergence:
      return "crash-exploration divergence";
    case FindingKind::kVacuousScenario:
      return "vacuous scenario";
  }
  return "unknown";
}

std::string_view Verdict::headline() const {
  switch (outcome) {
    case Outcome::kPass:
      return "PASS";
    case Outcome::kFail:
      return "FAIL";
    case Outcome::kHarnessBroken:
      return "HARNESS BROKEN";
    case Outcome::kIncomplete:
      return "INCOMPLETE";
  }
  return "FAIL";
}

int Verdict::exit_code() const {
  switch (outcome) {
    case Outcome::kPass:
      return kExitClean;
    case Outcome::kFail:
      return kExitFindings;
    case Outcome::kHarnessBroken:
      return kExitHarnessBroken;
    case Outcome::kIncomplete:
      return kExitIncomplete;
  }
  return kExitHarnessBroken;
}

std::string incompleteness(const CampaignFigures& campaign) {
  const std::string_view status = campaign.status;
  const std::string_view after =
      "; the figures cover only the runs finished by then, and a run never started found nothing";
  if (status == "running") {
    return fmt::format(
        "the campaign was still running when this report was last written{}: if no unwedge "
        "process runs it now, it was killed{}",
        campaign.updated_at.empty() ? "" : fmt::format(" (at {})", campaign.updated_at), after);
  }
  if (status.starts_with("interrupted")) {
    return fmt::format("the campaign was {} before its planned work was done{}", status, after);
  }
  const bool finished = status == "finished" || status.starts_with("finished (");
  if (finished && !campaign.interrupted) return "";
  if (finished) {
    return fmt::format("some shard stopped before its planned work was done{}", after);
  }
  // A merged report names its unfinished shards in its status.
  return fmt::format("the campaign did not finish: {}{}", status.empty() ? "no status" : status,
                     after);
}

Verdict verdict_of(const Report& report) {
  return verdict_from({.campaign = report.campaign,
                       .invariants = report.invariants,
                       .crashes = report.coverage.crashes,
                       .canary = report.canary,
                       .failures = report.failures,
                       .whole = &report});
}

Verdict verdict_of(const PlaneReport& plane, const Report& whole) {
  // The whole's kept runs, of this plane.
  std::vector<RunResult> failures;
  for (const RunResult& run : whole.failures) {
    if (run.control_plane == plane.campaign.control_plane) failures.push_back(run);
  }
  return verdict_from({.campaign = plane.campaign,
                       .invariants = plane.invariants,
                       .crashes = plane.coverage.crashes,
                       .canary = plane.canary,
                       .failures = failures,
                       .whole = &whole});
}

std::string first_replay_command(const Report& report, const InvariantResult& invariant) {
  if (invariant.first_index) {
    for (const std::vector<RunResult>* runs : {&report.failures, &report.scenarios}) {
      for (const RunResult& run : *runs) {
        if (run.index == *invariant.first_index && !run.replay_command.empty()) {
          return run.replay_command;
        }
      }
    }
  }
  if (invariant.first_repro.empty()) return "";
  return fmt::format("unwedge run {}", shell_path(invariant.first_repro));
}

}  // namespace unwedge::reports
