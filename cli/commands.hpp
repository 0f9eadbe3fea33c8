// The subcommands of `unwedge`, one registration function each, and the
// one rule for their exit codes (docs/REPORTS.md, "Exit codes"):
//   0  clean: everything checked passed;
//   1  findings, of any kind (a violation, a run with no verdict, a
//      determinism mismatch, a crash-exploration divergence, a refuted claim);
//   2  bad input: a malformed file, an unknown flag, an output that cannot
//      be written; nothing was judged;
//   3  the harness is broken: the canary was missed or is missing, a
//      checker failed its self-test, or unwedge itself failed; no verdict
//      can be trusted;
//   4  incomplete: nothing found in the part that ran, but the campaign did
//      not finish (a merged shard interrupted or killed);
//   128 + N  a campaign stopped by signal N before it found anything.
// A campaign's verdict (reports/verdict.hpp) gives 0, 1, 3 or 4.
#pragma once

#include <CLI/CLI.hpp>

#include "reports/verdict.hpp"

namespace unwedge::cli {

inline constexpr int kExitPass = reports::kExitClean;
inline constexpr int kExitFinding = reports::kExitFindings;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitHarnessBroken = reports::kExitHarnessBroken;
inline constexpr int kExitIncomplete = reports::kExitIncomplete;

// `unwedge check-model`: model checks, decision-table analysis, cross-checks
// and claims of a control plane. Sets `exit_code` when it runs.
void add_check_model_command(CLI::App& app, int& exit_code);
// `unwedge explore-crashes`: re-entrancy and re-delivery of every action.
void add_explore_crashes_command(CLI::App& app, int& exit_code);
// `unwedge run`: scenario files, their verdicts and digests.
void add_run_command(CLI::App& app, int& exit_code);
// `unwedge replay`: a scenario's timeline.
void add_replay_command(CLI::App& app, int& exit_code);
// `unwedge gen`: the swarm scenario of a seed, as YAML.
void add_gen_command(CLI::App& app, int& exit_code);
// `unwedge shrink`: a failing scenario cut down to what still fails.
void add_shrink_command(CLI::App& app, int& exit_code);
// `unwedge nightly`: bundled scenarios then swarm seeds on worker processes.
void add_nightly_command(CLI::App& app, int& exit_code);
// `unwedge merge`: shard outputs into one.
void add_merge_command(CLI::App& app, int& exit_code);
// `unwedge fuzz-to-scenario`: a fleet_fuzzer input as a scenario file.
void add_fuzz_to_scenario_command(CLI::App& app, int& exit_code);
// `unwedge serve`: a plane's process run as production would, over a real store.
void add_serve_command(CLI::App& app, int& exit_code);

// A virtual time or duration with a unit (us, ms, s, m, h, d), in microseconds.
CLI::Validator time_with_unit();

}  // namespace unwedge::cli
