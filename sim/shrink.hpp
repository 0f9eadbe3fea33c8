// Shrinking a failing scenario: delta debugging over its timeline, its
// fleet and its length, down to a scenario that still violates the same
// invariant with as little as possible left in it.
//
// A scenario with a random fault or operator mix is first turned into one
// whose timeline holds exactly what the random nemesis drew (so the faults
// can be dropped one by one); then the timeline is cut down by ddmin, whole
// services are dropped with the events that name them, standbys and
// followers are trimmed, and the safety phase is cut to end just after the
// violation. Every candidate is run; only one that still violates the same
// invariant is kept.
//
//   core::Result<ShrinkResult> shrunk = shrink_scenario(failing);
//   if (shrunk.ok()) write(to_yaml(shrunk->scenario));
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/result.hpp"
#include "sim/scenario.hpp"

namespace unwedge::sim {

struct ShrinkOptions {
  std::uint32_t runs_max = 1000;  // candidates run at most
  // Told of every smaller scenario found ("12 events, 2 services").
  std::function<void(const std::string&)> progress;
};

struct ShrinkResult {
  Scenario scenario;  // the smallest still failing; expect = its violation
  Invariant invariant = Invariant::kAssertion;
  std::string what;  // the shrunk run's violation, in a sentence
  std::uint32_t runs = 0;
  std::size_t events_before = 0;  // timeline entries plus randomly drawn ones
  std::size_t events_after = 0;
  std::size_t services_before = 0;
  std::size_t services_after = 0;
};

// An error when the scenario does not fail: there is nothing to shrink.
core::Result<ShrinkResult> shrink_scenario(const Scenario& failing,
                                           const ShrinkOptions& options = {});

}  // namespace unwedge::sim
