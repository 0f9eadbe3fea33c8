// The canary of `unwedge nightly`: unwedge-canary, a small program built
// beside unwedge, runs the bug planted in the canary's own plane and every
// checker's self-test (cli/canary_checks.hpp) and says, on one JSON line,
// whether the harness caught them all (exit 0 only then). A canary that
// cannot run, prints no verdict or is not caught is a result with `caught`
// false; one that is missing says so (`missing`). Either way the harness
// is broken (reports/verdict.hpp: exit 3), not a finding of the plane: a
// harness that misses a planted bug proves nothing by finding nothing.
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
