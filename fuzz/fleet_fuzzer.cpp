// fleet_fuzzer: searches for fleets, fault schedules and operator requests
// under which a control plane breaks an invariant: the default plane (the
// reference one), the plane a team built it for (unwedge_add_fleet_fuzzer,
// cmake/unwedge_fleet_fuzzer.cmake), or any plane linked in and named by
// UNWEDGE_FUZZ_CONTROL_PLANE. Each input is a bounded
// scenario (sim/scenario_from_bytes.hpp: 1-2 services, up to 20 minutes of
// faults from the start (encoding version 1) or up to 5 minutes of them on a
// provisioned fleet (version 2), then an hour of recovery) run in the
// simulator, trapping on any finding, assertion failures in the control
// plane included. A version 2 input starts from a copy of its fleet's shape,
// provisioned once and kept (sim/provisioned_fleets.hpp).
//
// The recovery phase ends at the first minute the run has settled (healed,
// no action in flight, the final checks passing); a run that has not
// settled runs the full hour and is judged there, so every input that
// fails here fails as a scenario file too:
//
//   unwedge fuzz-to-scenario out/fuzz/fleet_fuzzer/crash-... --out crash.yaml
//   unwedge replay crash.yaml
//
// (with --control-plane NAME on both for a plane other than the default).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "core/assert.hpp"
#include "seam/registry.hpp"
#include "sim/provisioned_fleets.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/simulation.hpp"

namespace {

// The plane this program was built for (unwedge_add_fleet_fuzzer's PLANE);
// none: the default plane.
#ifdef UNWEDGE_FLEET_FUZZER_PLANE
constexpr const char* kBuiltFor = UNWEDGE_FLEET_FUZZER_PLANE;
#else
constexpr const char* kBuiltFor = "";
#endif

// The plane under test, read once: UNWEDGE_FUZZ_CONTROL_PLANE, else the one
// the program was built for, else the default.
const std::string& plane_under_test() {
  static const std::string name = [] {
    const char* named = std::getenv("UNWEDGE_FUZZ_CONTROL_PLANE");
    if (named == nullptr || *named == '\0') named = kBuiltFor;
    if (*named == '\0') return std::string();
    if (unwedge::seam::find_plane(named) == nullptr) {
      std::fprintf(stderr,
                   "fleet_fuzzer: control plane %s is not linked in; set "
                   "UNWEDGE_FUZZ_CONTROL_PLANE to one that is: %s\n",
                   named, unwedge::seam::plane_names().c_str());
      std::exit(2);
    }
    return std::string(named);
  }();
  return name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sim = unwedge::sim;
  unwedge::core::Result<sim::Scenario> scenario =
      sim::scenario_from_bytes(std::span(data, size), "fuzz input", plane_under_test());
  // Another encoding version: not a case, and not worth keeping.
  if (!scenario.ok()) return -1;
  // Kept for the process's life: a few hundred shapes, each provisioned once.
  static sim::ProvisionedFleets fleets;
  const sim::RunSummary run =
      sim::run_scenario_settling(*scenario, unwedge::core::kMinute, &fleets);
  UNWEDGE_ASSERT_MSG(!run.finding,
                     "{} violated at {:.1f} s on {}: {}\n{}\nturn this input into "
                     "a scenario with `unwedge fuzz-to-scenario FILE`",
                     sim::to_string(run.finding->invariant),
                     static_cast<double>(run.finding->at_us) / unwedge::core::kSecond,
                     run.finding->entity, run.finding->what, scenario->description);
  return 0;
}
