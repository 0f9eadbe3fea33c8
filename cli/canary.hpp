// The canary of `unwedge nightly`: unwedge-canary, a small program built
// beside unwedge, runs one planted bug of tests/mutants on a fixed scenario
// and seed and says, on one JSON line, whether the harness caught it with
// the invariant meant for it (exit 0 only then). unwedge itself links only
// the production control plane, which has no mutation points, so the
// canary is a program of its own. A canary that is missing, cannot run,
// prints no verdict or is not caught is a result with `caught` false: a
// finding, since a harness that misses a planted bug proves nothing by
// finding nothing.
//
//   reports::CanaryResult canary = run_canary(canary_executable());
//   if (!canary.caught) fmt::print("{}\n", reports::describe(canary));
#pragma once

#include <filesystem>

#include "reports/report.hpp"

namespace unwedge::cli {

// $UNWEDGE_CANARY when it is set and not empty (the tests point it at a
// stand-in), otherwise `program` (a plane's PlaneInfo::canary_program) in the
// directory of the running executable (/proc/self/exe).
std::filesystem::path canary_executable(std::string_view program = "unwedge-canary");

// Runs `executable` and reads its verdict.
reports::CanaryResult run_canary(const std::filesystem::path& executable);

}  // namespace unwedge::cli
