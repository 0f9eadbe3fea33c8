// A coverage-guided search over scenarios: the corpus of scenarios that
// reached something no other kept scenario reached, and the next scenario
// to try, a mutation of one of them (sim/scenario_mutator.hpp).
//
// What "something" is the caller's business: each run is offered with its
// features, 64-bit numbers naming what it reached (a transition taken some
// number of times, a decision-table cell, an action step, a probe, two kinds
// of fault active at once, a step run under faults;
// reports/coverage_features.hpp, sim/step_fault_context.hpp). A run that
// brings a feature never seen is kept, and so is one that reaches a seen
// feature a quarter more cheaply (in simulated fleet time) than the run
// holding it, which then holds it instead (AFL's favoured inputs): a
// cut-down story soon holds what the long scenario it came from reached,
// and mutating the short one changes the story that reached it, at a
// fraction of the cost. The next scenario mutates a kept one, favouring
// those that hold the rarest features and were picked the least, with
// another kept one as the donor of added events.
//
// Deterministic: the same offers in the same order give the same scenarios.
//
//   GuidedSearch search(7);
//   search.offer(swarm_scenario(1), features_of(run_1));
//   while (std::optional<GuidedInput> input = search.next()) {
//     ScenarioOutcome outcome = run_scenario(input->scenario);
//     search.offer(input->scenario, features_of(outcome));
//   }
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/rng.hpp"
#include "sim/scenario.hpp"

namespace unwedge::sim {

struct GuidedInput {
  std::uint64_t number = 0;  // 1, 2, ...: the search's own count
  Scenario scenario;         // named "guided-<number>"
  std::string how;           // "shift, overlap of swarm seed 12"
};

struct CorpusEntry {
  Scenario scenario;
  std::size_t brought = 0;  // the features it was the first to reach
  std::size_t held = 0;     // the features it reaches most cheaply of all kept
  std::uint64_t cost = 0;   // simulated fleet time: services x seconds
  std::uint64_t picked = 0;
};

// What a run of the scenario costs, in simulated service-seconds: the fleet
// size times both phases.
std::uint64_t run_cost(const Scenario& scenario);

// A feature's number: a 64-bit FNV-1a hash of its name ("t postgres service
// available>failing_over 2"), the same on every machine and compiler.
std::uint64_t feature_id(std::string_view name);

// How many times something happened, in the buckets a guided search tells
// apart: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128 and more (1 to 8; 0 for 0).
std::uint32_t count_bucket(std::uint64_t count);

// Pairs of fault kinds that the timeline has active at once ("ff clock_jump
// clock_jump"), which a feedback from the plane's coverage alone would not
// tell apart from the same faults one after the other.
std::vector<std::uint64_t> fault_overlap_features(const Scenario& scenario);

class GuidedSearch {
 public:
  explicit GuidedSearch(std::uint64_t seed);

  // A run and what it reached; kept in the corpus (and true returned) when
  // it reached a feature no earlier offer did, or one more cheaply than the
  // entry holding it.
  bool offer(const Scenario& scenario, std::span<const std::uint64_t> features);
  // The next scenario to try; nullopt while the corpus is empty.
  std::optional<GuidedInput> next();

  const std::vector<CorpusEntry>& corpus() const { return corpus_; }
  std::size_t features() const { return holders_.size(); }
  std::uint64_t offers() const { return offers_; }

 private:
  std::size_t pick();

  Rng rng_;
  std::vector<CorpusEntry> corpus_;
  struct Holder {
    std::size_t entry = 0;  // into corpus_
    std::uint64_t cost = 0;
    std::uint64_t hits = 0;  // offers that reached the feature
  };
  std::map<std::uint64_t, Holder> holders_;  // by feature: every feature seen
  std::uint64_t made_ = 0;
  std::uint64_t offers_ = 0;
};

}  // namespace unwedge::sim
