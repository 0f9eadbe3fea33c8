#include "sim/provisioned_fleets.hpp"

#include "sim/scenario.hpp"

namespace unwedge::sim {

std::unique_ptr<Simulation> ProvisionedFleets::start(const SimConfig& config,
                                                     core::TimeUs provisioning_us, TraceSink* sink,
                                                     RunObserver* observer) {
  SimConfig shape = config;
  shape.trace_sink = nullptr;
  shape.observer = nullptr;
  const Kept* found = nullptr;
  for (const Kept& kept : kept_) {
    if (kept.provisioning_us == provisioning_us && kept.config == shape) {
      found = &kept;
      break;
    }
  }
  if (found == nullptr && kept_.size() < kept_max_) {
    std::unique_ptr<Simulation> fleet = provisioned(shape, provisioning_us);
    if (!fleet->restorable()) fleet.reset();
    kept_.push_back({.config = std::move(shape),
                     .provisioning_us = provisioning_us,
                     .fleet = std::move(fleet)});
    found = &kept_.back();
  }
  if (found != nullptr && found->fleet != nullptr) {
    copied_++;
    return std::make_unique<Simulation>(*found->fleet, sink, observer);
  }
  simulated_++;
  SimConfig heard = config;
  heard.trace_sink = sink;
  heard.observer = observer;
  return provisioned(heard, provisioning_us);
}

}  // namespace unwedge::sim
