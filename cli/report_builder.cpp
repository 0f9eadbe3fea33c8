#include "cli/report_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <iterator>

#include "cli/build_info.hpp"
#include "reports/coverage_collector.hpp"
#include "sim/invariants.hpp"

namespace unwedge::cli {
namespace {

reports::RunResult run_result(const WorkerResult& result) {
  const RunRecord& r = result.record;
  return reports::RunResult{.index = r.index,
                            .item = r.item,
                            .scenario = result.scenario,
                            .seed = r.seed,
                            .swarm = r.swarm,
                            .verdict = to_string(r.verdict),
                            .invariant = r.invariant,
                            .cause = r.cause,
                            .sentence = r.sentence,
                            .digest = r.digest,
                            .simulated_us = r.simulated_us,
                            .wall_ms = r.wall_ms,
                            .repro = r.repro,
                            .replay_command = replay_command(r),
                            .timeline = result.timeline};
}

void insert_by_index(std::vector<reports::RunResult>& runs, reports::RunResult run,
                     std::size_t kept_max) {
  auto at = std::upper_bound(
      runs.begin(), runs.end(), run.index,
      [](std::uint64_t index, const reports::RunResult& other) { return index < other.index; });
  runs.insert(at, std::move(run));
  if (runs.size() > kept_max) runs.pop_back();
}

// The kind a finding is counted under, as summary.txt has always named it.
std::string finding_kind(const WorkerResult& result) {
  const RunRecord& r = result.record;
  if (r.verdict == Verdict::kError) return "error: " + r.cause;
  if (result.mismatch) return "determinism";
  if (r.invariant.empty()) return "expected violation missing";
  return r.invariant;
}

}  // namespace

std::string replay_command(const RunRecord& record) {
  if (!record.repro.empty()) return "unwedge run " + record.repro;
  if (record.swarm) {
    return fmt::format(
        "unwedge gen --seed {0} --out swarm-seed-{0}.yaml && unwedge run swarm-seed-{0}.yaml",
        record.seed);
  }
  constexpr std::string_view kPrefix = "scenario ";
  if (record.item.starts_with(kPrefix)) return "unwedge run " + record.item.substr(kPrefix.size());
  return "";
}

ReportBuilder::ReportBuilder(std::string control_plane, const core::ControlPlaneModel* model) {
  report_.campaign.control_plane = std::move(control_plane);
  report_.campaign.build = build_description();
  for (std::size_t i = 0; i < sim::kInvariants; ++i) {
    report_.invariants.push_back({.name = sim::to_string(static_cast<sim::Invariant>(i))});
  }
  if (model != nullptr) report_.coverage = reports::empty_coverage(*model);
}

void ReportBuilder::add_seed(std::uint64_t seed) {
  // Seeds arrive nearly in order: join the range before or after, or start one.
  auto next = std::upper_bound(seeds_.begin(), seeds_.end(), std::make_pair(seed, seed));
  if (next != seeds_.begin()) {
    auto before = std::prev(next);
    if (seed <= before->second) return;  // already counted
    if (seed == before->second + 1) {
      before->second = seed;
      if (next != seeds_.end() && next->first == seed + 1) {
        before->second = next->second;
        seeds_.erase(next);
      }
      return;
    }
  }
  if (next != seeds_.end() && next->first == seed + 1) {
    next->first = seed;
    return;
  }
  seeds_.insert(next, {seed, seed});
}

void ReportBuilder::add_invariants(const RunRecord& r) {
  if (r.verdict == Verdict::kError) return;  // no verdict: nothing was checked to the end
  for (reports::InvariantResult& invariant : report_.invariants) {
    ++invariant.runs_checked;
    if (r.verdict != Verdict::kFail || invariant.name != r.invariant) continue;
    ++invariant.violations;
    if (invariant.first_index && *invariant.first_index < r.index) continue;
    invariant.first_index = r.index;
    invariant.first_item = r.item;
    invariant.first_seed = r.seed;
    invariant.first_repro = r.repro;
    invariant.first_sentence = r.sentence;
  }
}

void ReportBuilder::add(const WorkerResult& result) {
  const RunRecord& r = result.record;
  reports::CampaignFigures& c = report_.campaign;
  ++c.runs;
  if (r.swarm) {
    ++c.swarm_runs;
    add_seed(r.seed);
  } else {
    ++c.bundled_runs;
  }
  ++(r.verdict == Verdict::kPass ? c.passed : r.verdict == Verdict::kFail ? c.failed : c.errors);
  c.simulated_us += r.simulated_us;
  c.events += r.events;
  c.store_keys_unchecked += r.store_keys_unchecked;
  if (r.store_keys_unchecked > 0) ++c.store_unchecked_runs;
  if (result.rechecked) ++c.determinism_rechecks;
  if (result.mismatch) ++c.determinism_mismatches;
  add_invariants(r);
  if (r.verdict != Verdict::kPass) {
    const std::string kind = finding_kind(result);
    auto it = std::find_if(c.findings_by_kind.begin(), c.findings_by_kind.end(),
                           [&](const reports::NamedCount& k) { return k.name >= kind; });
    if (it == c.findings_by_kind.end() || it->name != kind)
      it = c.findings_by_kind.insert(it, {.name = kind});
    ++it->count;
    insert_by_index(report_.failures, run_result(result), reports::kFailuresKept);
  }
  if (!r.swarm) insert_by_index(report_.scenarios, run_result(result), SIZE_MAX);
  if (result.coverage) reports::add_coverage(report_.coverage, *result.coverage);
}

void ReportBuilder::add_crashes(const reports::CrashCoverage& crashes) {
  reports::add_coverage(report_.coverage, reports::Coverage{.crashes = crashes});
}

reports::Report ReportBuilder::report(const CampaignStatus& status) const {
  reports::Report report = report_;
  report.campaign.swarm_seeds = seeds_;
  report.campaign.wall_ms = status.elapsed.count();
  report.campaign.shards = 1;
  report.campaign.interrupted = status.state == CampaignState::kInterrupted;
  report.campaign.status = status_text(status);
  return report;
}

}  // namespace unwedge::cli
