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
//
// A campaign of several planes keeps each plane's part apart
// (reports::Report::planes): each run is added with the plane it ran, and
// counts in the campaign's figures and in its plane's.
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

// A control plane a campaign runs: its name, its model (the coverage
// universe; nullptr: an empty one) and the fault kinds its fleet faces, by
// name (the coverage's fault kinds; empty: every kind).
struct CampaignPlane {
  std::string name;
  const core::ControlPlaneModel* model = nullptr;
  std::vector<std::string> fault_kinds;
};

class ReportBuilder {
 public:
  ReportBuilder(std::string control_plane, const core::ControlPlaneModel* model);
  // One plane, or several: the report then keeps each plane's part, and its
  // control_plane is their names joined by commas.
  explicit ReportBuilder(const std::vector<CampaignPlane>& planes);

  // A run of plane `plane` (its place in the constructor's list).
  void add(const WorkerResult& result, std::size_t plane = 0);
  // The crash exploration's counts, of plane `plane`; each divergence is a
  // finding.
  void add_crashes(const reports::CrashCoverage& crashes, std::size_t plane = 0);
  // The canary's result, of plane `plane`; one not caught is a finding.
  void set_canary(const reports::CanaryResult& canary, std::size_t plane = 0);
  // The guided search's figures as they stand (cli/guided_feeder.hpp).
  void set_guided(const reports::GuidedFigures& guided);
  // What the campaign set out to run, for `unwedge merge`.
  void set_plan(const reports::CampaignPlan& plan);

  // The campaign's figures so far, for the progress line.
  const reports::CampaignFigures& figures() const { return report_.campaign; }
  // The report so far, with the campaign's status and wall time.
  reports::Report report(const CampaignStatus& status) const;

 private:
  explicit ReportBuilder(const CampaignPlane& plane);
  // `plane`: the run's plane, named in its result and its replay command;
  // empty in a campaign of one plane.
  void add_run(const WorkerResult& result, const std::string& plane);
  void add_seed(std::uint64_t seed);
  void add_invariants(const RunRecord& record);

  reports::Report report_;
  // Sorted disjoint ranges, joined as seeds arrive.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seeds_;
  // Several planes: each one's part, built as a campaign of its own.
  std::vector<ReportBuilder> planes_;
  std::int64_t runs_wall_ms_ = 0;
};

// "unwedge run repro/swarm-seed-3.yaml", or how to make the scenario first;
// `plane`, when not empty, is named to `unwedge gen` (a swarm seed of a
// plane other than the program's default).
std::string replay_command(const RunRecord& record, const std::string& plane = "");

}  // namespace unwedge::cli
