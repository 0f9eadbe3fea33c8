// A run's coverage as the features a guided search tells apart
// (sim/guided_search.hpp): each transition taken, decision-table cell seen,
// rule fired, action step ended each way, probe hit, fault kind injected and
// "sometimes" condition reached, with how often in buckets (1, 2, 3, 4-7,
// ...), so a run that takes a transition more often than any before counts
// as new.
//
//   std::vector<std::uint64_t> features = coverage_features(*result.coverage);
//   search.offer(scenario, features);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "reports/report.hpp"
#include "sim/scenario.hpp"

namespace unwedge::reports {

std::vector<std::uint64_t> coverage_features(const Coverage& coverage);

// Every feature of a passing run that the guided search offers: its
// coverage's, the faults its scenario overlaps (sim::fault_overlap_features)
// and the steps' fault contexts (sim::StepFaultContext::features()).
std::vector<std::uint64_t> run_features(const sim::Scenario& scenario, const Coverage& coverage,
                                        std::span<const std::uint64_t> contexts);

}  // namespace unwedge::reports
