// ProvisionedFleets: fleets brought up once per shape and kept, so that a
// run starting after its fleet's provisioning (Scenario::provisioning_us)
// starts from a copy instead of simulating the provisioning again.
//
// A fuzz input of fleet_fuzzer's encoding version 2 is a short fault phase
// on a provisioned fleet of one of a few hundred shapes: provisioning takes
// most of a run from nothing, and a copy costs a small fraction of it. A
// run restored from a kept fleet is the run simulated from nothing (the
// snapshot is taken after Simulation::restart_processes, as every run with
// a provisioning phase restarts them): same events, same digest. A plane
// whose ControlPlane cannot be copied (seam::ControlPlane::clone) gets
// runs simulated from nothing, the same runs, slower.
//
//   ProvisionedFleets fleets;
//   RunSummary run = run_scenario_settling(scenario, kMinute, &fleets);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/time.hpp"
#include "sim/simulation.hpp"

namespace unwedge::sim {

class ProvisionedFleets {
 public:
  // At most `kept_max` fleets are kept; past that, new shapes are simulated
  // from nothing each time (a fuzzer's shapes are few; memory is not free).
  explicit ProvisionedFleets(std::size_t kept_max = 1024) : kept_max_(kept_max) {}

  // A simulation of `config` at the end of `provisioning_us`, processes
  // restarted, ready for the rest of its timeline: a copy of the kept fleet
  // of this shape, kept first if need be. `sink` and `observer` (as in
  // SimConfig; config's own are ignored) hear the run from then on.
  std::unique_ptr<Simulation> start(const SimConfig& config, core::TimeUs provisioning_us,
                                    TraceSink* sink = nullptr, RunObserver* observer = nullptr);

  std::size_t kept() const { return kept_.size(); }
  // Runs started from a copy, and runs simulated from nothing.
  std::uint64_t copied() const { return copied_; }
  std::uint64_t simulated() const { return simulated_; }

 private:
  struct Kept {
    SimConfig config;  // without sink or observer
    core::TimeUs provisioning_us = 0;
    std::unique_ptr<Simulation> fleet;  // null: its plane cannot be copied
  };

  std::size_t kept_max_;
  std::vector<Kept> kept_;
  std::uint64_t copied_ = 0;
  std::uint64_t simulated_ = 0;
};

}  // namespace unwedge::sim
