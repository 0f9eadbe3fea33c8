// `unwedge gen --seed N [--out FILE]`
//
// The swarm generator's scenario for a seed, as YAML: fleet shape, enabled
// fault kinds and the whole timeline drawn from the seed and written out, so
// running the file reproduces the swarm run exactly, whatever changes later
// in the code that drew it.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/output_file.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/swarm.hpp"

namespace unwedge::cli {
namespace {

struct GenOptions {
  std::uint64_t seed = 1;
  std::string out_file;
};

int generate(const GenOptions& options) {
  const std::string text = sim::to_yaml(sim::swarm_scenario(options.seed));
  return write_output("gen", options.out_file, text) ? kExitPass : kExitBadInput;
}

}  // namespace

void add_gen_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GenOptions>();
  CLI::App* command =
      app.add_subcommand("gen", "Write the swarm scenario of a seed as a scenario file");
  command->add_option("--seed", options->seed, "The swarm seed")
      ->required()
      ->check(whole_number(kSeedMax));
  command->add_option("--out", options->out_file, "Write it here instead of to stdout");
  command->callback([options, &exit_code] { exit_code = generate(*options); });
}

}  // namespace unwedge::cli
