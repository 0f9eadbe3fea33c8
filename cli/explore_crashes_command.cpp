// `unwedge explore-crashes [--story NAME]... [--transactions-max N]
//                          [--no-reentrancy] [--no-redelivery] [--out FILE]`
//
// Identical outcomes on re-execution, exhaustively, for every action of the
// reference control plane: each story is interrupted at every Store
// transaction and crash point and re-driven from the Store, each completed
// action is delivered again, and each fleet API call is delivered again
// after a lost reply; every run must end exactly as the uninterrupted one.
// Prints one line of figures per story and every divergence as a sentence.
// Exit 0 when nothing diverges, 1 when something does, 2 on bad input.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/output_file.hpp"
#include "reports/shell_word.hpp"
#include "sim/crash_exploration.hpp"

namespace unwedge::cli {
namespace {

struct ExploreCrashesOptions {
  std::vector<std::string> stories;
  std::uint64_t transactions_max = 0;
  bool no_reentrancy = false;
  bool no_redelivery = false;
  std::string out_file;
};

int run_explore_crashes(const ExploreCrashesOptions& options) {
  if (options.no_reentrancy && options.no_redelivery) {
    std::fprintf(stderr,
                 "unwedge explore-crashes: --no-reentrancy and --no-redelivery together leave "
                 "nothing to check; drop one of them.\n");
    return kExitBadInput;
  }
  core::Result<sim::CrashExploration> exploration =
      sim::explore_crashes({.stories = options.stories,
                            .transactions_max = options.transactions_max,
                            .reentrancy = !options.no_reentrancy,
                            .redelivery = !options.no_redelivery});
  if (!exploration.ok()) {
    std::fprintf(stderr, "unwedge explore-crashes: %s\n",
                 reports::terminal_text(exploration.error().message).c_str());
    return kExitBadInput;
  }
  const std::string text = sim::summarize(*exploration);
  std::fputs(text.c_str(), stdout);
  if (!options.out_file.empty() && !write_output("explore-crashes", options.out_file, text)) {
    return kExitBadInput;
  }
  return exploration->divergences() == 0 ? kExitPass : kExitFinding;
}

}  // namespace

void add_explore_crashes_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExploreCrashesOptions>();
  CLI::App* command = app.add_subcommand(
      "explore-crashes",
      "Crash every action of the reference control plane at every transaction and crash point, "
      "deliver every completed action and fleet API call again, and check each ends as the "
      "uninterrupted run");
  command->add_option("--story", options->stories,
                      "Only this story (repeatable): Provision, Failover, PlannedAsyncFailover, "
                      "Promote, Unfollow, ReplaceServer, RotateCertificate, Deprovision");
  command
      ->add_option("--transactions-max", options->transactions_max,
                   "Crash only in the first N transactions of each story (0: all)")
      ->check(whole_number(UINT32_MAX))
      ->capture_default_str();
  command->add_flag("--no-reentrancy", options->no_reentrancy, "Skip the crash-point exploration");
  command->add_flag("--no-redelivery", options->no_redelivery,
                    "Skip delivering completed actions and fleet API calls again");
  command->add_option("--out", options->out_file, "Also write the summary to this file");
  command->callback([options, &exit_code] { exit_code = run_explore_crashes(*options); });
}

}  // namespace unwedge::cli
