// fleet_fuzzer: searches for fleets, fault schedules and operator requests
// under which the reference control plane breaks an invariant: a bounded
// scenario (sim/scenario_from_bytes.hpp: 1-2 services, up to 20 minutes of
// faults, then an hour of recovery) run in the simulator, trapping on any
// finding, assertion failures in the control plane included.
//
// The recovery phase ends at the first minute the run has settled (healed,
// no action in flight, the final checks passing); a run that has not
// settled runs the full hour and is judged there, so every input that
// fails here fails as a scenario file too:
//
//   unwedge fuzz-to-scenario out/fuzz/fleet_fuzzer/crash-... --out crash.yaml
//   unwedge replay crash.yaml
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/assert.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/simulation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sim = unwedge::sim;
  unwedge::core::Result<sim::Scenario> scenario =
      sim::scenario_from_bytes(std::span(data, size), "fuzz input");
  // Another encoding version: not a case, and not worth keeping.
  if (!scenario.ok()) return -1;
  const sim::RunSummary run = sim::run_scenario_settling(*scenario, unwedge::core::kMinute);
  UNWEDGE_ASSERT_MSG(!run.finding,
                     "{} violated at {:.1f} s on {}: {}\n{}\nturn this input into "
                     "a scenario with `unwedge fuzz-to-scenario FILE`",
                     sim::to_string(run.finding->invariant),
                     static_cast<double>(run.finding->at_us) / unwedge::core::kSecond,
                     run.finding->entity, run.finding->what, scenario->description);
  return 0;
}
