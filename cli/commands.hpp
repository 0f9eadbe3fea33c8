// The subcommands of `unwedge`, one registration function each.
#pragma once

#include <CLI/CLI.hpp>

namespace unwedge::cli {

inline constexpr int kExitPass = 0;
inline constexpr int kExitFinding = 1;
inline constexpr int kExitBadInput = 2;

// `unwedge check-model`: model checks, decision-table analysis, cross-checks
// and claims of a control plane. Sets `exit_code` when it runs.
void add_check_model_command(CLI::App& app, int& exit_code);
// `unwedge explore-crashes`: re-entrancy and re-delivery of every action.
void add_explore_crashes_command(CLI::App& app, int& exit_code);
// `unwedge nightly`: bundled scenarios then swarm seeds on worker processes.
void add_nightly_command(CLI::App& app, int& exit_code);

}  // namespace unwedge::cli
