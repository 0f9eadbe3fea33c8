#include "sim/guided_search.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <utility>

#include "core/assert.hpp"
#include "sim/scenario_mutator.hpp"

namespace unwedge::sim {

std::uint64_t feature_id(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::uint32_t count_bucket(std::uint64_t count) {
  if (count <= 3) return static_cast<std::uint32_t>(count);
  if (count < 8) return 4;
  if (count < 16) return 5;
  if (count < 32) return 6;
  if (count < 128) return 7;
  return 8;
}

std::vector<std::uint64_t> fault_overlap_features(const Scenario& scenario) {
  std::set<std::pair<std::string_view, std::string_view>> pairs;
  const std::vector<ScheduledFault>& faults = scenario.faults;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    // A fault without a duration lasts until everything heals: to the end.
    const core::TimeUs end_us = faults[i].spec.duration_us > 0
                                    ? faults[i].at_us + faults[i].spec.duration_us
                                    : scenario.duration_us;
    for (std::size_t j = 0; j < faults.size(); ++j) {
      if (j == i || faults[j].at_us < faults[i].at_us || faults[j].at_us >= end_us) continue;
      if (j < i && faults[j].at_us == faults[i].at_us) continue;  // counted from j
      std::string_view a = info(faults[i].spec.kind).name;
      std::string_view b = info(faults[j].spec.kind).name;
      pairs.insert(std::minmax(a, b));
    }
  }
  std::vector<std::uint64_t> features;
  features.reserve(pairs.size());
  for (const auto& [a, b] : pairs)
    features.push_back(feature_id(fmt::format("ff {} {}", a, b)));
  return features;
}

GuidedSearch::GuidedSearch(std::uint64_t seed) : rng_(Rng::stream(seed, "guided")) {}

bool GuidedSearch::offer(const Scenario& scenario, std::span<const std::uint64_t> features) {
  ++offers_;
  std::size_t brought = 0;
  for (std::uint64_t feature : features) {
    if (seen_.insert(feature).second) ++brought;
  }
  if (brought == 0) return false;
  corpus_.push_back({.scenario = scenario, .brought = brought});
  return true;
}

// Weighted towards entries that brought many features and were picked
// little: a fresh find is mutated at once, an old one now and then.
std::size_t GuidedSearch::pick() {
  UNWEDGE_ASSERT(!corpus_.empty());
  std::vector<std::uint32_t> weights;
  weights.reserve(corpus_.size());
  for (const CorpusEntry& entry : corpus_) {
    const std::uint64_t worth = 16 + std::min<std::uint64_t>(entry.brought, 64) * 16;
    weights.push_back(
        static_cast<std::uint32_t>(std::max<std::uint64_t>(1, worth / (1 + entry.picked))));
  }
  const std::size_t chosen = rng_.weighted(weights);
  UNWEDGE_ASSERT_LT(chosen, corpus_.size());
  return chosen;
}

std::optional<GuidedInput> GuidedSearch::next() {
  if (corpus_.empty()) return std::nullopt;
  const std::size_t base = pick();
  ++corpus_[base].picked;
  const std::size_t donor = rng_.below(corpus_.size());
  Mutation mutation = mutate_scenario(corpus_[base].scenario, &corpus_[donor].scenario, rng_);
  GuidedInput input{.number = ++made_, .scenario = std::move(mutation.scenario)};
  const std::string& from = corpus_[base].scenario.source;
  input.how =
      fmt::format("{} of {}", mutation.how, from.empty() ? corpus_[base].scenario.name : from);
  input.scenario.name = fmt::format("guided-{}", input.number);
  input.scenario.source = fmt::format("guided input {}", input.number);
  input.scenario.description = "the guided search's " + input.how;
  input.scenario.expect = {};
  input.scenario.requirements.clear();
  return input;
}

}  // namespace unwedge::sim
