#include "cli/unwedge_main.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <fmt/format.h>
#include <string>
#include <string_view>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/option_checks.hpp"
#include "reports/shell_word.hpp"

namespace unwedge::cli {

namespace {

// CLI11 says "A subcommand is required" both for no command and for a word
// that is none: name the word and the commands there are.
std::string why_refused(CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  if (!app.get_subcommands().empty()) return error.what();
  std::string commands;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
    commands += (commands.empty() ? "" : ", ") + command->get_name();
  if (argc < 2) return fmt::format("give a command: {}", commands);
  const std::string_view word = argv[1];
  if (word.starts_with('-')) {
    return fmt::format("'{}' is no option of unwedge itself; give a command first: {}", word,
                       commands);
  }
  return fmt::format("'{}' is not a command; the commands are {}", word, commands);
}

}  // namespace

int run_unwedge(int argc, char** argv) {
  CLI::App app{"unwedge: deterministic simulation and fuzzing for control-plane logic"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes, for every command: 0 clean; 1 findings of any kind; 2 bad input, a usage "
      "error or outputs that cannot be written; 3 the harness is broken (the canary missed or "
      "missing, a checker that failed its self-test, an internal error of unwedge); 4 a merged "
      "campaign that did not finish, with nothing found in the part that ran; 128+N a campaign "
      "stopped by signal N before it found anything.");
  app.set_version_flag("--version", build_description());
  int exit_code = 0;
  add_check_model_command(app, exit_code);
  add_explore_crashes_command(app, exit_code);
  add_run_command(app, exit_code);
  add_replay_command(app, exit_code);
  add_gen_command(app, exit_code);
  add_shrink_command(app, exit_code);
  add_nightly_command(app, exit_code);
  add_merge_command(app, exit_code);
  add_fuzz_to_scenario_command(app, exit_code);
  for (CLI::App* command : app.get_subcommands({}))
    add_control_plane_flag(*command);
  refuse_empty_values(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "unwedge: %s\nRun 'unwedge --help' for the commands and their flags.\n",
                 reports::terminal_text(why_refused(app, e, argc, argv)).c_str());
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Input is checked and refused with a message before it is used: an
    // exception escaping a command is unwedge's own failure.
    std::fprintf(stderr, "unwedge: internal error: %s; this is a bug in unwedge\n",
                 reports::terminal_text(e.what()).c_str());
    return kExitHarnessBroken;
  }
  return exit_code;
}

}  // namespace unwedge::cli
