#include "sim/guided_search.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <utility>

#include "core/assert.hpp"
#include "core/time.hpp"
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

std::uint64_t run_cost(const Scenario& scenario) {
  const auto seconds =
      static_cast<std::uint64_t>((scenario.duration_us + scenario.recovery_us) / core::kSecond);
  return std::max<std::uint64_t>(
      1, seconds * std::max<std::size_t>(1, scenario.config.services.size()));
}

bool GuidedSearch::offer(const Scenario& scenario, std::span<const std::uint64_t> features) {
  ++offers_;
  const std::uint64_t cost = run_cost(scenario);
  const std::size_t entry = corpus_.size();
  std::size_t brought = 0;
  std::size_t held = 0;
  for (std::uint64_t feature : features) {
    auto [it, fresh] = holders_.try_emplace(feature, Holder{.entry = entry, .cost = cost});
    Holder& holder = it->second;
    ++holder.hits;
    if (fresh) {
      ++brought;
      ++held;
    } else if (cost * 4 <= holder.cost * 3 && holder.entry != entry) {
      // The same reached for a quarter less at least: this run holds it
      // from now on. (Not for any saving, or every cut a second shorter
      // would join the corpus.)
      CorpusEntry& before = corpus_[holder.entry];
      UNWEDGE_ASSERT_LT(0u, before.held);
      --before.held;
      holder.entry = entry;
      holder.cost = cost;
      ++held;
    }
  }
  if (held == 0) return false;
  corpus_.push_back({.scenario = scenario, .brought = brought, .held = held, .cost = cost});
  UNWEDGE_ASSERT_LE(brought, held);
  return true;
}

// Weighted towards entries that hold rare features and were picked little
// (libFuzzer's entropic and AFL++'s rare-edge schedules): each feature an
// entry holds counts inversely to the runs that reached it, so the one run
// that reached a failover's wait under a clock jump is mutated far more
// than the hundred that reached a common transition; a fresh find is
// mutated at once, an old one now and then, and one that holds nothing (a
// cheaper run took all it reached) seldom.
std::size_t GuidedSearch::pick() {
  UNWEDGE_ASSERT(!corpus_.empty());
  constexpr std::uint64_t kRareWorth = 1 << 16;  // a feature reached by one run
  std::vector<std::uint64_t> rarity(corpus_.size(), 0);
  for (const auto& [feature, holder] : holders_) {
    UNWEDGE_ASSERT_LT(holder.entry, corpus_.size());
    UNWEDGE_ASSERT_LT(0u, holder.hits);
    rarity[holder.entry] += kRareWorth / holder.hits;
  }
  std::vector<std::uint32_t> weights;
  weights.reserve(corpus_.size());
  for (std::size_t i = 0; i < corpus_.size(); ++i) {
    const std::uint64_t worth = rarity[i] / (1 + corpus_[i].picked);
    weights.push_back(static_cast<std::uint32_t>(std::clamp<std::uint64_t>(worth, 1, UINT32_MAX)));
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
