// unwedge: the command-line entry point.
//
// Each subcommand lives in its own file and registers itself on the app;
// this file only parses and maps errors to exit codes: 0 pass, 1 a finding
// (a violated invariant, a failed model check), 2 bad input (an unknown flag,
// a malformed file) with a message saying what to fix.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"unwedge: deterministic simulation and fuzzing for control-plane logic"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "unwedge 0.1.0");
  int exit_code = 0;
  unwedge::cli::add_check_model_command(app, exit_code);
  unwedge::cli::add_explore_crashes_command(app, exit_code);
  unwedge::cli::add_run_command(app, exit_code);
  unwedge::cli::add_replay_command(app, exit_code);
  unwedge::cli::add_gen_command(app, exit_code);
  unwedge::cli::add_shrink_command(app, exit_code);
  unwedge::cli::add_nightly_command(app, exit_code);
  unwedge::cli::add_merge_command(app, exit_code);
  unwedge::cli::add_fuzz_to_scenario_command(app, exit_code);

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
                 e.what());
    return unwedge::cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unwedge: %s\n", e.what());
    return unwedge::cli::kExitBadInput;
  }
  return exit_code;
}
