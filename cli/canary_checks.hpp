// The canary's checks, as unwedge-canary runs them: the planted bug of the
// canary's plane (cli/canary_plane.hpp) on the scenario aimed at it, which
// bounded_dwell must catch, then each checker's self-test: a recorded
// history that breaks it, which it must flag. Nothing here runs a bundled
// plane, so an edit of one cannot make the canary miss; only a broken
// simulator, runtime or checker can.
//
// The self-tests: valid_transitions and bounded_dwell (the invariant
// checker over a refused change and an overstay), no_lost_writes and
// single_writer (the Postgres world's write checks over a promoted lagging
// standby and two diverging leaders), store_linearizable (a stale read of
// the consensus store), plane_invariant (the canary's plane judged by its
// own invariant with the dwell bound lifted, through the simulator) and
// determinism (two runs of one seed that part at one record).
//
// Needs the canary's plane registered (UNWEDGE_REGISTER_CONTROL_PLANE).
//
//   reports::CanaryResult canary = run_canary_checks();
//   return canary.caught ? 0 : 3;
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "reports/report.hpp"
#include "sim/scenario.hpp"

namespace unwedge::cli {

inline constexpr const char* kCanaryBug = "wedged_in_draining";

// One ledger on the canary's plane for an hour, no faults, expected to
// overstay `draining` (bounded_dwell).
sim::Scenario canary_scenario();

// A self-test: the checker's name and a function that shows it its
// violating history and says what it flagged (nullopt: nothing).
struct SelfTest {
  std::string checker;
  std::function<std::optional<std::string>()> run;
};
std::vector<SelfTest> checker_self_tests();

// The planted bug's run and every self-test; `caught` only when the bug was
// caught by bounded_dwell and every self-test flagged.
reports::CanaryResult run_canary_checks();

}  // namespace unwedge::cli
