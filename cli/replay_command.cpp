// `unwedge replay FILE [--from T] [--to T] [--entity NAME] [--seed N] [--checkins]`
//
// Runs the scenario again (a run is a pure function of its scenario and
// seed, so this is the run) and prints what happened as a timeline aligned
// by virtual time: transitions, signal changes, decisions, action steps,
// fleet API calls, faults and heals, acknowledged writes, violations.
// Times take a unit: 90s, 5m, 2h. Exit 0 when the scenario gave its
// expected verdict, 1 when not, 2 on bad input.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "core/duration_text.hpp"
#include "reports/shell_word.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/timeline.hpp"

namespace unwedge::cli {
namespace {

struct ReplayOptions {
  std::string file;
  std::int64_t from_us = 0;
  std::optional<std::int64_t> to_us;
  std::string entity;
  std::optional<std::uint64_t> seed;
  bool checkins = false;
};

int replay(const ReplayOptions& options) {
  core::Result<sim::Scenario> scenario = sim::load_scenario_file(options.file);
  if (!scenario.ok()) {
    std::fprintf(stderr, "unwedge replay: %s\n",
                 reports::terminal_text(scenario.error().message).c_str());
    return kExitBadInput;
  }
  if (options.to_us && *options.to_us < options.from_us) {
    std::fprintf(stderr, "unwedge replay: --to (%s) is before --from (%s); swap them.\n",
                 sim::clock_time(*options.to_us).c_str(), sim::clock_time(options.from_us).c_str());
    return kExitBadInput;
  }
  sim::TimelineFilter filter{
      .from_us = options.from_us, .to_us = options.to_us, .entity = options.entity};
  if (options.checkins) filter.hidden.clear();
  sim::TimelineWriter timeline(stdout, filter);
  sim::ScenarioOutcome outcome = sim::run_scenario(*scenario, options.seed, &timeline);
  std::printf("%s: %s, digest %016llx, %llu of %llu trace records shown\n", scenario->name.c_str(),
              outcome.passed ? "gave its expected verdict" : outcome.mismatch.c_str(),
              static_cast<unsigned long long>(outcome.run.digest),
              static_cast<unsigned long long>(timeline.lines()),
              static_cast<unsigned long long>(outcome.run.trace_records));
  return outcome.passed ? kExitPass : kExitFinding;
}

}  // namespace

// Virtual time with a unit, as scenarios write it.
CLI::Validator time_with_unit() {
  return CLI::Validator(
      [](std::string& text) {
        core::Result<core::TimeUs> us = core::parse_duration(text);
        if (!us) return us.error().message;
        text = std::to_string(*us);
        return std::string();
      },
      "TIME");
}

void add_replay_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* command = app.add_subcommand(
      "replay", "Run a scenario again and print its timeline, aligned by virtual time");
  command->add_option("file", options->file, "A scenario file (YAML)")->required();
  command->add_option("--from", options->from_us, "Start of the window, e.g. 30m")
      ->transform(time_with_unit());
  command->add_option("--to", options->to_us, "End of the window (inclusive), e.g. 2h")
      ->transform(time_with_unit());
  command->add_option("--entity", options->entity,
                      "Only records about this entity (db1 takes in db1-2 and client-db1-1)");
  command->add_option("--seed", options->seed, "Replay with this seed instead of the file's")
      ->check(whole_number(kSeedMax));
  command->add_flag("--checkins", options->checkins, "Show monitoring check-ins too");
  command->callback([options, &exit_code] { exit_code = replay(*options); });
}

}  // namespace unwedge::cli
