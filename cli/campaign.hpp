// The campaign engine behind `unwedge nightly`: every bundled scenario, then
// swarm seeds 1, 2, ..., on J worker processes, with what it finds written
// down as it goes.
//
// A campaign runs items. An item knows how to make its scenario (loading a
// file, drawing one from a swarm seed) but does so only inside the worker
// that runs it, so a scenario that crashes while being made is a finding
// for that item like any other. Item i of the whole campaign (bundled
// scenarios first, then swarm seed s at index bundled + s - 1) belongs to
// shard i mod N (cli/shard.hpp), so shards never overlap and together run
// every item.
//
// In the output directory, kept however the campaign ends (finished, out of
// budget, Ctrl-C, SIGTERM, even SIGKILL of the parent):
//   runs.jsonl    one line per finished run, appended and flushed as each
//                 finishes (cli/campaign_report.hpp has the fields);
//   repro/        each failing item's scenario, written whole (atomically)
//                 by the caller's writer, named after the item
//                 ("swarm-seed-17.yaml");
//   summary.txt   the figures and the first failing seeds, and
//   report.json   the whole reports::Report (coverage, invariants, failing
//                 runs with their timelines), both rewritten whole every few
//                 seconds and at the end (cli/write_reports.hpp).
// runs.jsonl, summary.txt and report.json from an earlier campaign in the
// same directory are replaced; repro/ files are kept (a seed failing again
// overwrites its own).
//
// On SIGINT, SIGTERM or SIGHUP the campaign stops handing out work, kills
// its workers (the runs in flight are not recorded), writes the summary and
// returns; every report then says INCOMPLETE, and so does the last snapshot
// of a campaign killed outright ("running", with the time it was written).
// Exit codes (the rule is cli/commands.hpp's): the report's verdict
// (reports/verdict.hpp), even if interrupted: 0 nothing found, 1 findings
// of any kind, 3 the harness is broken (the canary missed or missing); 129
// (SIGHUP), 130 (SIGINT) or 143 (SIGTERM) when interrupted with nothing
// found; 2 when the campaign cannot start (bad flags, an output directory
// that cannot be written) or its reports cannot be written at the end.
//
//   CampaignItems items{.bundled = load_bundled(), .swarm = swarm_item};
//   core::Result<CampaignResult> result = run_campaign(
//       {.out_dir = "out/nightly", .shard = *shard, .jobs = 4, .swarm_seeds = 1000},
//       items, {.to_file_text = to_yaml});
//   return result ? result->exit_code : kExitBadInput;
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/campaign_report.hpp"
#include "cli/guided_feeder.hpp"
#include "cli/report_builder.hpp"
#include "cli/shard.hpp"
#include "core/control_plane_model.hpp"
#include "core/result.hpp"
#include "reports/report.hpp"
#include "sim/scenario.hpp"

namespace unwedge::cli {

struct CampaignItem {
  std::string label;       // "scenario scenarios/x.yaml", "swarm seed 17", "swarm seed 18 (lease)"
  std::uint64_t seed = 0;  // the swarm seed; for a bundled scenario 0 (its own, known once made)
  bool swarm = false;
  bool guided = false;  // an input of the guided search (cli/guided_feeder.hpp)
  // Called only in a worker process; may fail, throw or crash.
  std::function<core::Result<sim::Scenario>()> make;
  // The plane it runs: its place in CampaignItems::planes (0 in a campaign
  // of one plane).
  std::size_t plane = 0;
};

struct CampaignItems {
  std::vector<CampaignItem> bundled;
  // A digest of the bundled scenarios' paths and contents (16 hex digits),
  // so that shards of campaigns over different files do not merge; empty
  // when the items are not files.
  std::string scenario_set;
  // The item for swarm seed s >= 1; must be cheap (the scenario is made
  // later, by `make`). Empty: no swarm.
  std::function<CampaignItem(std::uint64_t seed)> swarm;
  // The control plane the items run, for report.json: its name, its model
  // (the coverage universe; nullptr: no coverage is collected) and the
  // fault kinds its fleet faces (the coverage's; empty: every kind).
  std::string control_plane;
  const core::ControlPlaneModel* model = nullptr;
  std::vector<std::string> fault_kinds;
  // A campaign of several planes: each one, in the order named (each item
  // names its own by `plane`), so the report keeps each plane's figures and
  // coverage apart besides the campaign's (reports::Report::planes). Then
  // `control_plane`, `model` and `fault_kinds` are not read. Empty: one
  // plane.
  std::vector<CampaignPlane> planes;
  // The crash exploration, run once per campaign by its first shard (so
  // shards merged equal one unsharded campaign) on a worker of its own.
  // Empty: none.
  std::function<reports::CrashCoverage()> explore_crashes;
  // The canary (a planted bug the harness must catch), run once per
  // campaign by its first shard on a worker of its own; not caught, or no
  // result, is a finding. Empty: none.
  std::function<reports::CanaryResult()> canary;
  // Of several planes, the ones the crash exploration and the canary are
  // of (places in `planes`).
  std::size_t crashes_plane = 0;
  std::size_t canary_plane = 0;
};

// Every this many campaign indices, a run is made twice and its digests
// compared (index % kDeterminismRecheckEvery == 0); a mismatch is a finding.
inline constexpr std::uint64_t kDeterminismRecheckEvery = 16;

// The bound on swarm seeds when only a time budget limits the campaign.
inline constexpr std::uint64_t kSwarmSeedsMax = std::uint64_t{1} << 40;

// The item at a global index: bundled first, then swarm seeds from 1.
CampaignItem item_at(const CampaignItems& items, std::uint64_t index);

// The planes the items run: `planes`, or the one plane `control_plane`.
std::vector<CampaignPlane> planes_of(const CampaignItems& items);

// How failing items' scenarios are written to repro/.
struct ReproWriter {
  // The file's text (the YAML writer); empty: no repro files.
  std::function<std::string(const sim::Scenario&)> to_file_text;
  // A smaller scenario that fails the same way (a shrinker); empty: as is.
  std::function<sim::Scenario(const sim::Scenario&)> shrink;
  std::string extension = ".yaml";
};

struct CampaignSettings {
  std::filesystem::path out_dir;
  Shard shard;
  std::uint32_t jobs = 1;
  // Swarm seeds 1..N (fixed work); nullopt: as many as the budget allows
  // (none without a budget).
  std::optional<std::uint64_t> swarm_seeds;
  // Wall time after which no new run starts; runs in flight finish.
  std::optional<std::chrono::milliseconds> budget;
  // A run taking longer is killed with its worker and is a finding.
  std::chrono::milliseconds run_wall_max = std::chrono::minutes(10);
  std::chrono::milliseconds summary_every = std::chrono::seconds(5);
  // The progress line; nullptr: none. In place (\r) when a terminal,
  // otherwise one line every `progress_every`.
  std::FILE* progress = nullptr;
  bool progress_in_place = false;
  std::chrono::milliseconds progress_every = std::chrono::seconds(5);
  // The guided search over scenarios of the first plane (cli/guided_feeder.hpp).
  GuidedSettings guided;
};

// item_at, or the guided input an index past kGuidedIndexBase names (its
// file under the campaign's output directory).
CampaignItem item_of(const CampaignSettings& settings, const CampaignItems& items,
                     std::uint64_t index);

struct CampaignResult {
  CampaignStatus status;
  reports::Report report;  // as written to report.json
  int exit_code = 0;
};

// Runs this shard's items; an error only when the campaign cannot start.
core::Result<CampaignResult> run_campaign(const CampaignSettings& settings,
                                          const CampaignItems& items, const ReproWriter& writer);

// The file name an item's scenario is written under: "swarm seed 17" ->
// "swarm-seed-17" (lower case letters, digits, '-', '_' and '.'; a
// scenario file's .yaml left out).
std::string repro_stem(const std::string& label);

}  // namespace unwedge::cli
