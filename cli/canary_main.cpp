// unwedge-canary: the proof every `unwedge nightly` campaign asks for that
// the harness can still find bugs (cli/canary_checks.hpp). It runs the bug
// planted in the canary's own plane (cli/canary_plane.hpp) on the scenario
// aimed at it, then each checker's self-test, and prints one JSON line
// (cli/canary.hpp reads it): exit 0 when everything was caught, 3 (the
// harness is broken) otherwise.
//
// It links the simulator and the canary's plane, and no bundled plane: an
// edit of a bundled plane cannot move it. It is a program of its own so
// that `unwedge` never registers the canary's plane.
#include <cstdio>

#include "cli/canary_checks.hpp"
#include "cli/canary_plane.hpp"
#include "reports/report_json.hpp"
#include "reports/verdict.hpp"

UNWEDGE_REGISTER_CONTROL_PLANE(unwedge::cli::canary_plane_info());

int main() {
  const unwedge::reports::CanaryResult canary = unwedge::cli::run_canary_checks();
  std::printf("%s\n", unwedge::reports::canary_to_json_line(canary).c_str());
  return canary.caught ? unwedge::reports::kExitClean : unwedge::reports::kExitHarnessBroken;
}
