#include "cli/unwedge_main.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <fmt/format.h>
#include <string>
#include <string_view>
#include <vector>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/option_checks.hpp"
#include "core/nearest_name.hpp"
#include "reports/shell_word.hpp"

namespace unwedge::cli {

namespace {

// CLI11 says "A subcommand is required" both for no command and for a word
// that is none: name the word and the commands there are.
// The first flag the command does not know, with the nearest it does:
// CLI11 would first complain of a missing argument the flag's typo hid.
std::string unknown_flag(const CLI::App& command, int argc, char** argv) {
  std::vector<std::string> known = {"--help", "-h"};
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames())
      known.push_back("--" + name);
    for (const std::string& name : option->get_snames())
      known.push_back("-" + name);
  }
  for (int i = 2; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") break;
    // "-1" is a value (a negative number), not a flag.
    const bool flag =
        word.starts_with("--") || (word.size() > 1 && word[0] == '-' && std::isalpha(word[1]) != 0);
    if (!flag) continue;
    const std::string_view name = word.substr(0, word.find('='));
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    const std::optional<std::string_view> near = core::nearest_name(name, known);
    return fmt::format("'{}' is no flag of `unwedge {}`{}; `unwedge {} --help` lists them", name,
                       command.get_name(),
                       near ? fmt::format("; did you mean '{}'?", *near) : std::string(),
                       command.get_name());
  }
  return "";
}

std::string why_refused(CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  if (!app.get_subcommands().empty()) {
    const std::string unknown = unknown_flag(*app.get_subcommands().front(), argc, argv);
    return unknown.empty() ? error.what() : unknown;
  }
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
  add_serve_command(app, exit_code);
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
