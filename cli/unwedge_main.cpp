#include "cli/unwedge_main.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"

namespace unwedge::cli {

int run_unwedge(int argc, char** argv) {
  CLI::App app{"unwedge: deterministic simulation and fuzzing for control-plane logic"};
  app.require_subcommand(1);
  app.footer(
      "Exit codes, for every command: 0 clean; 1 findings of any kind; 2 bad input, a usage "
      "error or outputs that cannot be written; 3 the harness is broken (the canary missed or "
      "missing, a checker that failed its self-test, an internal error of unwedge); 128+N a "
      "campaign stopped by signal N before it found anything.");
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
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Input is checked and refused with a message before it is used: an
    // exception escaping a command is unwedge's own failure.
    std::fprintf(stderr, "unwedge: internal error: %s; this is a bug in unwedge\n", e.what());
    return kExitHarnessBroken;
  }
  return exit_code;
}

}  // namespace unwedge::cli
