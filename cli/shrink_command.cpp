// `unwedge shrink FILE [--out FILE] [--runs-max N]`
//
// Cuts a failing scenario down to what still fails: delta debugging over its
// timeline (a random mix first turned into the timeline it drew), its
// services, standbys and followers, and its length. Writes the smallest
// scenario that still violates the same invariant, as YAML, expecting that
// violation. Exit 0 when written, 2 on bad input or a scenario that passes.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/output_file.hpp"
#include "reports/shell_word.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/shrink.hpp"

namespace unwedge::cli {
namespace {

struct ShrinkOptions {
  std::string file;
  std::string out_file;
  std::uint32_t runs_max = 1000;
};

int shrink(const ShrinkOptions& options) {
  core::Result<sim::Scenario> scenario = sim::load_scenario_file(options.file);
  if (!scenario.ok()) {
    std::fprintf(stderr, "unwedge shrink: %s\n",
                 reports::terminal_text(scenario.error().message).c_str());
    return kExitBadInput;
  }
  core::Result<sim::ShrinkResult> shrunk = sim::shrink_scenario(
      *scenario, {.runs_max = options.runs_max, .progress = [](const std::string& line) {
                    std::fprintf(stderr, "smaller: %s\n", line.c_str());
                  }});
  if (!shrunk.ok()) {
    std::fprintf(stderr, "unwedge shrink: %s\n",
                 reports::terminal_text(shrunk.error().message).c_str());
    return kExitBadInput;
  }
  std::fprintf(stderr,
               "shrunk %s from %zu events and %zu services to %zu events and %zu services in %u "
               "runs; it still violates %s: %s\n",
               options.file.c_str(), shrunk->events_before, shrunk->services_before,
               shrunk->events_after, shrunk->services_after, shrunk->runs,
               to_string(shrunk->invariant), shrunk->what.c_str());
  const std::string text = sim::to_yaml(shrunk->scenario);
  return write_output("shrink", options.out_file, text) ? kExitPass : kExitBadInput;
}

}  // namespace

void add_shrink_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ShrinkOptions>();
  CLI::App* command = app.add_subcommand(
      "shrink", "Cut a failing scenario down to the smallest one that still fails the same way");
  command->add_option("file", options->file, "A failing scenario file (YAML)")->required();
  command->add_option("--out", options->out_file, "Write the shrunk scenario here, not stdout");
  command->add_option("--runs-max", options->runs_max, "Run at most this many candidates")
      ->check(whole_number(UINT32_MAX))
      ->capture_default_str()
      ->check(CLI::Range(1U, 100000U));
  command->callback([options, &exit_code] { exit_code = shrink(*options); });
}

}  // namespace unwedge::cli
