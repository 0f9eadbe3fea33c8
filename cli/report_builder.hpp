// ReportBuilder: a campaign's reports::Report, built in the parent from
// each finished run as it comes in.
//
// Every run that ended with a verdict counts as checked for every
// invariant; a failing run counts as a violation of the invariant it names,
// and the one of lowest index is that invariant's first. Bundled scenarios
// get a line each; failing runs (the kFailuresKept of lowest index) too.
// The coverage starts as the model's universe, so what no run touched is
// listed with zero counts.
//
//   ReportBuilder builder("postgres", &postgres::model());
//   builder.add(worker_result);
//   write_reports(builder.report(status), out_dir);
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cli/campaign_report.hpp"
#include "cli/worker_result.hpp"
#include "core/control_plane_model.hpp"
#include "reports/report.hpp"

namespace unwedge::cli {

class ReportBuilder {
 public:
  // `model`: the coverage universe; nullptr: an empty one.
  ReportBuilder(std::string control_plane, const core::ControlPlaneModel* model);

  void add(const WorkerResult& result);
  // The crash exploration's counts; each divergence is a finding.
  void add_crashes(const reports::CrashCoverage& crashes);
  // The canary's result; one not caught is a finding.
  void set_canary(const reports::CanaryResult& canary) { report_.canary = canary; }

  // The report so far, with the campaign's status and wall time.
  reports::Report report(const CampaignStatus& status) const;

 private:
  void add_seed(std::uint64_t seed);
  void add_invariants(const RunRecord& record);

  reports::Report report_;
  // Sorted disjoint ranges, joined as seeds arrive.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seeds_;
};

// "unwedge run repro/swarm-seed-3.yaml", or how to make the scenario first.
std::string replay_command(const RunRecord& record);

}  // namespace unwedge::cli
