// `unwedge explore-crashes [--story NAME]... [--transactions-max N]
//                          [--statement-crashes-max N] [--store STORE]
//                          [--no-reentrancy] [--no-redelivery] [--out FILE]`
//
// Identical outcomes on re-execution, exhaustively, for every action of the
// reference control plane: each story is interrupted at every Store
// transaction and crash point and re-driven from the Store, each completed
// action is delivered again, and each fleet API call is delivered again
// after a lost reply; every run must end exactly as the uninterrupted one.
// Each run keeps its state in a fresh store of the kind --store names
// (memory, a SQLite file, a PostgreSQL database: sim/run_stores.hpp).
// Prints the store, one line of figures per story and every divergence as a
// sentence.
// Exit 0 when nothing diverges, 1 when something does, 2 on bad input.
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/output_file.hpp"
#include "reports/shell_word.hpp"
#include "sim/crash_exploration.hpp"
#include "stores/open_store.hpp"

namespace unwedge::cli {
namespace {

struct ExploreCrashesOptions {
  std::vector<std::string> stories;
  std::uint64_t transactions_max = 0;
  std::uint32_t statement_crashes_max = 4;
  std::string store = "memory";
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
  const sim::ExploreOptions explore{.stories = options.stories,
                                    .transactions_max = options.transactions_max,
                                    .statement_crashes_max = options.statement_crashes_max,
                                    .store = options.store,
                                    .reentrancy = !options.no_reentrancy,
                                    .redelivery = !options.no_redelivery};
  // A store that cannot be used is said with the flag, before any run.
  if (core::Status usable = sim::check_store(explore); !usable) {
    std::fprintf(stderr, "unwedge explore-crashes: --store %s: %s\n",
                 reports::terminal_text(options.store).c_str(),
                 reports::terminal_text(usable.error().message).c_str());
    return kExitBadInput;
  }
  core::Result<sim::CrashExploration> exploration = sim::explore_crashes(explore);
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
  command
      ->add_option("--statement-crashes-max", options->statement_crashes_max,
                   "Crash points between statements per transaction: after the first N/2 and "
                   "before the last N/2 statements (0: after every statement)")
      ->check(whole_number(UINT32_MAX))
      ->capture_default_str();
  command
      ->add_option("--store", options->store,
                   "Where each run keeps its state, empty at its start: memory (in the process, "
                   "the default); sqlite (a fresh SQLite file per run in a temporary directory, "
                   "removed at the end); sqlite:DIR (the same, the temporary directory made in "
                   "DIR); a PostgreSQL URL (postgres://USER@HOST/DATABASE) or key=value words "
                   "(host=... dbname=...) (that database, emptied at the start of every run: "
                   "give it one of its own)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& store) -> std::string {
            if (store == "memory" || store == "sqlite") return "";
            if (store == "sqlite:") {
              return "sqlite: names no directory; give sqlite:DIR, or plain sqlite for the "
                     "system's temporary directory";
            }
            if (store.starts_with("sqlite:")) return "";
            core::Result<std::string> kind = stores::store_kind(store);
            if (kind) return "";
            return fmt::format(
                "'{}' names no store; use memory, sqlite, sqlite:DIR, a PostgreSQL URL "
                "(postgres://USER@HOST/DATABASE) or key=value words (host=HOST dbname=DATABASE)",
                store);
          },
          "STORE", "a store"));
  command->add_flag("--no-reentrancy", options->no_reentrancy, "Skip the crash-point exploration");
  command->add_flag("--no-redelivery", options->no_redelivery,
                    "Skip delivering completed actions and fleet API calls again");
  command->add_option("--out", options->out_file, "Also write the summary to this file");
  command->callback([options, &exit_code] { exit_code = run_explore_crashes(*options); });
}

}  // namespace unwedge::cli
