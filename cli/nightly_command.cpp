// `unwedge nightly --out DIR [--budget 10m | --seeds N] [--jobs J] [--shard i/N]
//                  [--shard-count N] [--run-timeout 10m] [--scenarios DIR]`
//
// Every bundled scenario for the plane under test (every .yaml under
// --scenarios that names it, or names none when it is the program's default
// plane), in path order,
// then swarm seeds 1, 2, ..., on J worker processes, with a live progress
// line; each failing item's scenario is written to DIR/repro/, every run to
// DIR/runs.jsonl, the figures to DIR/summary.txt and the whole report
// (coverage, invariants, failing runs' timelines) to DIR/report.json, kept
// however the campaign ends (cli/campaign.hpp); the crash exploration and
// the canary (unwedge-canary beside this executable, or $UNWEDGE_CANARY:
// cli/canary.hpp) run once, in the first shard. Exit 0 all passed, 1 a
// finding (a canary not caught is one), 2 bad input, 130/143 interrupted
// with nothing found.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "cli/campaign.hpp"
#include "cli/campaign_options.hpp"
#include "cli/canary.hpp"
#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/shard.hpp"
#include "sim/crash_exploration.hpp"
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

core::Result<sim::Scenario> swarm_seed(std::uint64_t seed) {
  return sim::swarm_scenario(seed);
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

// The crash exploration as `unwedge explore-crashes` runs it, as counts;
// every divergence is a finding.
reports::CrashCoverage explore_crashes() {
  reports::CrashCoverage counts;
  core::Result<sim::CrashExploration> exploration = sim::explore_crashes({});
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
    if (it->is_regular_file() && it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (error) return core::Error{fmt::format("--scenarios {}: {}", dir.string(), error.message())};
  std::sort(files.begin(), files.end());
  return files;
}

// Whether `file` is for `plane`: it names it, or it names none and `plane`
// is the program's default (files that name no plane were written for it).
// A file that cannot be read stays in, so the campaign reports it.
bool bundled_for(const std::filesystem::path& file, const seam::PlaneInfo& plane) {
  core::Result<std::string> named = sim::scenario_plane_name(file.string());
  if (!named) return true;
  if (named->empty()) return &plane == program_default_plane();
  return *named == plane.name;
}

core::Result<CampaignItems> nightly_items(const NightlyOptions& options) {
  core::Result<std::vector<std::filesystem::path>> files = scenario_files(options.scenarios_dir);
  if (!files) return files.error();
  const seam::PlaneInfo* plane = selected_plane();
  if (plane == nullptr) return core::Error{"no control plane is registered in this program"};
  // A directory may hold the scenarios of every plane the program ships; a
  // campaign runs one plane's, so its figures and coverage are that plane's.
  const std::size_t all = files->size();
  std::erase_if(*files, [&](const std::filesystem::path& f) { return !bundled_for(f, *plane); });
  if (files->size() < all) {
    std::fprintf(stderr,
                 "unwedge nightly: %zu of the %zu scenarios in %s are for other control planes "
                 "and not run (run them with --control-plane NAME)\n",
                 all - files->size(), all, options.scenarios_dir.c_str());
  }
  CampaignItems items{.control_plane = plane->name, .model = &plane->model()};
  // Crash exploration and the canary run for a plane that has them.
  if (plane->crash_stories != nullptr) items.explore_crashes = explore_crashes;
  if (!plane->canary_program.empty()) {
    items.canary = [program = plane->canary_program] {
      return run_canary(canary_executable(program));
    };
  }
  for (const std::filesystem::path& file : *files) {
    items.bundled.push_back(
        {.label = "scenario " + file.generic_string(), .seed = 0, .swarm = false, .make = [file] {
           return load_bundled(file);
         }});
  }
  items.swarm = [](std::uint64_t seed) {
    return CampaignItem{
        .label = fmt::format("swarm seed {}", seed), .seed = seed, .swarm = true, .make = [seed] {
          return swarm_seed(seed);
        }};
  };
  return items;
}

int run_nightly(const NightlyOptions& options) {
  const Environment environment = process_environment();
  core::Result<CampaignSettings> settings = campaign_settings(options.campaign, environment);
  if (!settings) {
    std::fprintf(stderr, "unwedge nightly: %s\n", settings.error().message.c_str());
    return kExitBadInput;
  }
  core::Result<CampaignItems> items = nightly_items(options);
  if (!items) {
    std::fprintf(stderr, "unwedge nightly: %s\n", items.error().message.c_str());
    return kExitBadInput;
  }
  acknowledge_test_sharding(environment);
  core::Result<CampaignResult> result =
      run_campaign(*settings, *items, {.to_file_text = scenario_text, .shrink = shrunk});
  if (!result) {
    std::fprintf(stderr, "unwedge nightly: %s\n", result.error().message.c_str());
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
  command
      ->add_option("--scenarios", options->scenarios_dir,
                   "The scenarios' directory; its files for the plane under test are run")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_nightly(*options); });
}

}  // namespace unwedge::cli
