// `unwedge nightly --out DIR [--budget 10m | --seeds N] [--jobs J] [--shard i/N]
//                  [--shard-count N] [--run-timeout 10m] [--scenarios DIR]
//                  [--control-plane NAME[,NAME...]] [--guided PERCENT]
//                  [--guided-runs N] [--corpus DIR] [--fuzz-corpus DIR]`
//
// Every bundled scenario for the planes under test (every .yaml under
// --scenarios that names one of them, or names none when the program's
// default plane is one of them), in path order,
// then swarm seeds 1, 2, ... (with a time budget, beside the guided search's
// inputs: cli/guided_feeder.hpp), on J worker processes, with a live progress
// line; each failing item's scenario is written to DIR/repro/, every run to
// DIR/runs.jsonl, the figures to DIR/summary.txt and the whole report
// (coverage, invariants, failing runs' timelines) to DIR/report.json, kept
// however the campaign ends (cli/campaign.hpp); the crash exploration and
// the canary (unwedge-canary beside this executable, or $UNWEDGE_CANARY:
// cli/canary.hpp) run once, in the first shard. Exit 0 all passed, 1
// findings, 2 bad input or reports that cannot be written, 3 the harness is
// broken (the canary missed or missing), 129/130/143 interrupted (SIGHUP,
// SIGINT, SIGTERM) with nothing found.
//
// Several planes (--control-plane postgres,lease) make one campaign: each
// plane's bundled scenarios, swarm seed s on plane (s - 1) mod n of the n
// named (seeds take the planes in turn, from the first), the crash
// exploration and the canary of the first plane named that has them; the
// report keeps each plane's figures and coverage apart (report.json's
// `planes`) besides the campaign's.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/campaign.hpp"
#include "cli/campaign_options.hpp"
#include "cli/canary.hpp"
#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/shard.hpp"
#include "core/input_file.hpp"
#include "reports/shell_word.hpp"
#include "sim/crash_exploration.hpp"
#include "sim/faults.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/shrink.hpp"
#include "sim/swarm.hpp"

namespace unwedge::cli {
namespace {

// What the campaign runs and writes: bundled files through the scenario
// reader, swarm seeds through the generator, failing scenarios shrunk and
// written back as YAML.
core::Result<sim::Scenario> load_bundled(const std::filesystem::path& path) {
  return sim::load_scenario_file(path.string());
}

// A reproducer names the plane it failed on, whatever the next program's
// default plane is.
std::string scenario_text(const sim::Scenario& scenario) {
  if (!scenario.config.control_plane.empty()) return sim::to_yaml(scenario);
  sim::Scenario named = scenario;
  if (const seam::PlaneInfo* plane = selected_plane()) named.config.control_plane = plane->name;
  return sim::to_yaml(named);
}

// Shrinking is bounded so one failing seed cannot eat the night's budget;
// what it has cut by then is kept.
sim::Scenario shrunk(const sim::Scenario& failing) {
  core::Result<sim::ShrinkResult> result = sim::shrink_scenario(failing, {.runs_max = 200});
  return result.ok() ? result->scenario : failing;
}

// The crash exploration of `plane` as `unwedge explore-crashes` runs it, as
// counts; every divergence is a finding.
reports::CrashCoverage explore_crashes(const std::string& plane) {
  reports::CrashCoverage counts;
  core::Result<sim::CrashExploration> exploration = sim::explore_crashes({.control_plane = plane});
  if (!exploration) {
    counts.divergences = 1;
    counts.findings.push_back(exploration.error().message);
    return counts;
  }
  for (const sim::StoryReport& story : exploration->stories) {
    ++counts.stories;
    counts.transactions += story.transactions;
    counts.crash_points += story.crash_points;
    counts.actions_redelivered += story.actions_redelivered;
    counts.calls_redelivered += story.infra_calls_redelivered;
    counts.divergences += story.divergences.size();
    for (const sim::Divergence& divergence : story.divergences) {
      if (counts.findings.size() < reports::CrashCoverage::kFindingsKept)
        counts.findings.push_back(divergence.what);
    }
  }
  return counts;
}

struct NightlyOptions {
  CampaignFlags campaign;
  std::string scenarios_dir = "scenarios";
  // --control-plane, in the order named; empty: the default plane.
  std::vector<std::string> planes;
};

// Every .yaml under `dir`, in path order, so item indices (and so shards)
// are the same on every machine.
core::Result<std::vector<std::filesystem::path>> scenario_files(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return core::Error{fmt::format(
        "--scenarios {}: not a directory; run from the repository root or pass --scenarios",
        dir.string())};
  }
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    // Whatever is named *.yaml and is no directory is a scenario, so one
    // that cannot be read (a FIFO, a dangling link, a loop of links) is
    // reported by its run rather than skipped unseen.
    std::error_code kind;
    if (it->path().extension() == ".yaml" && !it->is_directory(kind)) files.push_back(it->path());
  }
  if (error) return core::Error{fmt::format("--scenarios {}: {}", dir.string(), error.message())};
  std::sort(files.begin(), files.end());
  return files;
}

// The plane `file` is for, as its place in `planes`: the plane it names, or
// when it names none the program's default (files that name no plane were
// written for it); nullopt: none of them. A file that cannot be read goes
// with the first plane, so the campaign reports it.
std::optional<std::size_t> bundled_plane(const std::filesystem::path& file,
                                         const std::vector<const seam::PlaneInfo*>& planes) {
  core::Result<std::string> named = sim::scenario_plane_name(file.string());
  if (!named) return 0;
  const seam::PlaneInfo* plane =
      named->empty() ? program_default_plane() : seam::find_plane(*named);
  auto it = std::find(planes.begin(), planes.end(), plane);
  if (it == planes.end()) return std::nullopt;
  return static_cast<std::size_t>(it - planes.begin());
}

// The fault kinds the plane's fleet faces, by name: the store's too when it
// runs one.
std::vector<std::string> fault_kinds_of(const seam::PlaneInfo& plane) {
  core::Result<std::unique_ptr<seam::ControlPlane>> made = plane.create({});
  const bool store = made && (*made)->fleet().coordination_members > 0;
  std::vector<std::string> names;
  for (sim::FaultKind kind : sim::fault_kinds_for(store))
    names.emplace_back(sim::info(kind).name);
  return names;
}

// The planes named by --control-plane, or the default plane.
core::Result<std::vector<const seam::PlaneInfo*>> campaign_planes(const NightlyOptions& options) {
  std::vector<const seam::PlaneInfo*> planes;
  for (const std::string& name : options.planes)
    planes.push_back(seam::find_plane(name));
  if (planes.empty()) planes.push_back(selected_plane());
  if (std::find(planes.begin(), planes.end(), nullptr) != planes.end()) {
    return core::Error{"no control plane is registered in this program"};
  }
  return planes;
}

// Swarm seed s runs plane (s - 1) mod n of the n named: seeds take the
// planes in turn, from the first.
CampaignItem swarm_item(std::uint64_t seed, const std::vector<std::string>& planes) {
  const std::size_t plane = static_cast<std::size_t>((seed - 1) % planes.size());
  std::string label = fmt::format("swarm seed {}", seed);
  if (planes.size() > 1) label += fmt::format(" ({})", planes[plane]);
  return CampaignItem{.label = std::move(label),
                      .seed = seed,
                      .swarm = true,
                      .make = [seed, name = planes[plane]]() -> core::Result<sim::Scenario> {
                        return sim::swarm_scenario(seed, {.control_plane = name});
                      },
                      .plane = plane};
}

// The digest of the campaign's bundled scenarios: each file's path within
// `dir` (shards run from other checkouts agree) and contents, in order. A
// file that cannot be read counts by its error, as its run will report it.
std::string scenario_set_digest(
    const std::filesystem::path& dir,
    const std::vector<std::pair<std::filesystem::path, std::size_t>>& bundled) {
  std::uint64_t digest = sim::fnv1a("unwedge scenario set");
  for (const auto& [file, plane] : bundled) {
    core::Result<std::string> text = core::read_input_file(file.string(), sim::kScenarioBytesMax);
    digest = sim::fnv1a(file.lexically_relative(dir).generic_string(), digest);
    digest = sim::fnv1a(std::string_view("\0", 1), digest);
    digest = sim::fnv1a(text ? *text : text.error().message, digest);
    digest = sim::fnv1a(std::string_view("\0", 1), digest);
  }
  return fmt::format("{:016x}", digest);
}

core::Result<CampaignItems> nightly_items(const NightlyOptions& options) {
  core::Result<std::vector<std::filesystem::path>> files = scenario_files(options.scenarios_dir);
  if (!files) return files.error();
  core::Result<std::vector<const seam::PlaneInfo*>> planes = campaign_planes(options);
  if (!planes) return planes.error();
  // A directory may hold the scenarios of every plane the program ships; a
  // campaign runs those of its planes, so its figures and coverage are
  // theirs.
  std::vector<std::pair<std::filesystem::path, std::size_t>> bundled;
  for (const std::filesystem::path& file : *files) {
    if (std::optional<std::size_t> plane = bundled_plane(file, *planes)) {
      bundled.emplace_back(file, *plane);
    }
  }
  if (bundled.size() < files->size()) {
    std::fprintf(stderr,
                 "unwedge nightly: %zu of the %zu scenarios in %s are for other control planes "
                 "and not run (run them with --control-plane NAME)\n",
                 files->size() - bundled.size(), files->size(), options.scenarios_dir.c_str());
  }
  CampaignItems items;
  std::vector<std::string> names;
  for (const seam::PlaneInfo* plane : *planes) {
    names.push_back(plane->name);
    items.planes.push_back(
        {.name = plane->name, .model = &plane->model(), .fault_kinds = fault_kinds_of(*plane)});
  }
  // Crash exploration and the canary run once, for the first plane named
  // that has them.
  for (std::size_t p = planes->size(); p-- > 0;) {
    const seam::PlaneInfo& plane = *(*planes)[p];
    if (plane.crash_stories != nullptr) {
      items.explore_crashes = [name = plane.name] { return explore_crashes(name); };
      items.crashes_plane = p;
    }
    if (!plane.canary_program.empty()) {
      items.canary = [program = plane.canary_program] {
        return run_canary(canary_executable(program));
      };
      items.canary_plane = p;
    }
  }
  // One plane: the campaign of one plane, as it has always been reported.
  if (items.planes.size() == 1) {
    items.control_plane = items.planes.front().name;
    items.model = items.planes.front().model;
    items.fault_kinds = items.planes.front().fault_kinds;
    items.planes.clear();
  }
  for (const auto& [file, plane] : bundled) {
    items.bundled.push_back({.label = "scenario " + file.generic_string(),
                             .seed = 0,
                             .swarm = false,
                             .make = [file = file] { return load_bundled(file); },
                             .plane = plane});
  }
  items.scenario_set = scenario_set_digest(options.scenarios_dir, bundled);
  items.swarm = [names](std::uint64_t seed) { return swarm_item(seed, names); };
  return items;
}

int run_nightly(const NightlyOptions& options) {
  const Environment environment = process_environment();
  core::Result<CampaignSettings> settings = campaign_settings(options.campaign, environment);
  if (!settings) {
    std::fprintf(stderr, "unwedge nightly: %s\n",
                 reports::terminal_text(settings.error().message).c_str());
    return kExitBadInput;
  }
  core::Result<CampaignItems> items = nightly_items(options);
  if (!items) {
    std::fprintf(stderr, "unwedge nightly: %s\n",
                 reports::terminal_text(items.error().message).c_str());
    return kExitBadInput;
  }
  acknowledge_test_sharding(environment);
  core::Result<CampaignResult> result =
      run_campaign(*settings, *items, {.to_file_text = scenario_text, .shrink = shrunk});
  if (!result) {
    std::fprintf(stderr, "unwedge nightly: %s\n",
                 reports::terminal_text(result.error().message).c_str());
    return kExitBadInput;
  }
  return result->exit_code;
}

}  // namespace

void add_nightly_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<NightlyOptions>();
  CLI::App* command = app.add_subcommand(
      "nightly",
      "Run every bundled scenario, then swarm seeds, on worker processes; write every run, each "
      "failing scenario and a summary to --out");
  add_campaign_flags(*command, options->campaign);
  add_control_plane_list_flag(*command, options->planes);
  command
      ->add_option("--scenarios", options->scenarios_dir,
                   "The scenarios' directory; its files for the planes under test are run")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_nightly(*options); });
}

}  // namespace unwedge::cli
