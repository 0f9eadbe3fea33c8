#include "cli/report_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <iterator>

#include "cli/build_info.hpp"
#include "core/assert.hpp"
#include "reports/coverage_collector.hpp"
#include "reports/shell_word.hpp"
#include "sim/invariants.hpp"

namespace unwedge::cli {
namespace {

reports::RunResult run_result(const WorkerResult& result, const std::string& plane) {
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
                            .replay_command = replay_command(r, plane),
                            .timeline = result.timeline,
                            .control_plane = plane};
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

// Pasted into a shell as it is: every path and name in it is one word.
std::string replay_command(const RunRecord& record, const std::string& plane) {
  if (!record.repro.empty()) return "unwedge run " + reports::shell_path(record.repro);
  if (record.swarm) {
    return fmt::format(
        "unwedge gen{1} --seed {0} --out swarm-seed-{0}.yaml && unwedge run swarm-seed-{0}.yaml",
        record.seed, plane.empty() ? "" : " --control-plane " + reports::shell_word(plane));
  }
  constexpr std::string_view kPrefix = "scenario ";
  if (record.item.starts_with(kPrefix)) {
    return "unwedge run " +
           reports::shell_path(std::string_view(record.item).substr(kPrefix.size()));
  }
  return "";
}

ReportBuilder::ReportBuilder(std::string control_plane, const core::ControlPlaneModel* model)
    : ReportBuilder(CampaignPlane{.name = std::move(control_plane), .model = model}) {}

ReportBuilder::ReportBuilder(const CampaignPlane& plane) {
  report_.campaign.control_plane = plane.name;
  report_.campaign.build = build_description();
  for (std::size_t i = 0; i < sim::kInvariants; ++i) {
    report_.invariants.push_back({.name = sim::to_string(static_cast<sim::Invariant>(i))});
  }
  if (plane.model != nullptr) report_.coverage = reports::empty_coverage(*plane.model);
  if (!plane.fault_kinds.empty()) {
    std::erase_if(report_.coverage.faults, [&](const reports::NamedCount& kind) {
      return std::find(plane.fault_kinds.begin(), plane.fault_kinds.end(), kind.name) ==
             plane.fault_kinds.end();
    });
  }
}

ReportBuilder::ReportBuilder(const std::vector<CampaignPlane>& planes)
    : ReportBuilder(planes.size() == 1 ? planes.front() : CampaignPlane{}) {
  if (planes.size() < 2) return;
  std::string names;
  for (const CampaignPlane& plane : planes) {
    names += names.empty() ? plane.name : "," + plane.name;
    planes_.push_back(ReportBuilder(plane));
  }
  report_.campaign.control_plane = names;
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

void ReportBuilder::add(const WorkerResult& result, std::size_t plane) {
  if (planes_.empty()) {
    add_run(result, "");
    return;
  }
  UNWEDGE_ASSERT_LT(plane, planes_.size());
  const std::string& name = planes_[plane].report_.campaign.control_plane;
  add_run(result, name);
  planes_[plane].add_run(result, name);
}

void ReportBuilder::add_run(const WorkerResult& result, const std::string& plane) {
  const RunRecord& r = result.record;
  runs_wall_ms_ += r.wall_ms;
  reports::CampaignFigures& c = report_.campaign;
  ++c.runs;
  if (r.swarm) {
    ++c.swarm_runs;
    c.swarm_core_ms += r.wall_ms;
    add_seed(r.seed);
  } else if (!r.guided) {
    ++c.bundled_runs;  // guided inputs are counted in the report's `guided`
  }
  ++(r.verdict == Verdict::kPass ? c.passed : r.verdict == Verdict::kFail ? c.failed : c.errors);
  c.simulated_us += r.simulated_us;
  c.events += r.events;
  c.store_keys_unchecked += r.store_keys_unchecked;
  if (r.store_keys_unchecked > 0) ++c.store_unchecked_runs;
  for (const reports::DisruptionCount& d : r.disruptions)
    reports::add_disruptions(c.disruptions, d);
  c.availability.add_run(r.item, r.availability, r.worst_windows);
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
    insert_by_index(report_.failures, run_result(result, plane), reports::kFailuresKept);
  }
  if (!r.swarm && !r.guided)
    insert_by_index(report_.scenarios, run_result(result, plane), SIZE_MAX);
  // Several planes: the campaign's coverage is made from theirs.
  if (result.coverage && planes_.empty()) reports::add_coverage(report_.coverage, *result.coverage);
}

void ReportBuilder::add_crashes(const reports::CrashCoverage& crashes, std::size_t plane) {
  if (!planes_.empty()) {
    UNWEDGE_ASSERT_LT(plane, planes_.size());
    planes_[plane].add_crashes(crashes);
    return;
  }
  reports::add_coverage(report_.coverage, reports::Coverage{.crashes = crashes});
}

void ReportBuilder::set_guided(const reports::GuidedFigures& guided) {
  report_.guided = guided;
}

void ReportBuilder::set_plan(const reports::CampaignPlan& plan) {
  UNWEDGE_ASSERT(plan.shards.size() == 1);
  UNWEDGE_ASSERT_LT(plan.shards.front(), plan.shard_count);
  report_.plan = plan;
}

void ReportBuilder::set_canary(const reports::CanaryResult& canary, std::size_t plane) {
  report_.canary = canary;
  if (planes_.empty()) return;
  UNWEDGE_ASSERT_LT(plane, planes_.size());
  planes_[plane].set_canary(canary);
}

reports::Report ReportBuilder::report(const CampaignStatus& status) const {
  reports::Report report = report_;
  report.campaign.swarm_seeds = seeds_;
  report.campaign.wall_ms = status.elapsed.count();
  report.campaign.shards = 1;
  report.campaign.interrupted = status.state == CampaignState::kInterrupted;
  report.campaign.status = status_text(status);
  report.campaign.updated_at = utc_timestamp(std::chrono::system_clock::now());
  for (const ReportBuilder& plane : planes_) {
    reports::Report part = plane.report(status);
    // Workers run the planes side by side: a plane's wall time is its runs'.
    part.campaign.wall_ms = plane.runs_wall_ms_;
    report.planes.push_back({.campaign = std::move(part.campaign),
                             .invariants = std::move(part.invariants),
                             .coverage = std::move(part.coverage),
                             .canary = std::move(part.canary)});
  }
  if (!report.planes.empty()) report.coverage = reports::combined_coverage(report.planes);
  return report;
}

}  // namespace unwedge::cli
