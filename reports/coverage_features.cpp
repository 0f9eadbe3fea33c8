#include "reports/coverage_features.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/guided_search.hpp"

namespace unwedge::reports {

namespace {

void add(std::vector<std::uint64_t>& into, const std::string& name) {
  into.push_back(sim::feature_id(name));
}

}  // namespace

std::vector<std::uint64_t> coverage_features(const Coverage& coverage) {
  std::vector<std::uint64_t> features;
  for (const MachineCoverage& machine : coverage.machines) {
    // How close each bounded state came to overstaying, in eighths of its
    // bound: a run that pushed a stay further than any before is a step
    // towards a dwell violation, which no count of transitions shows
    // (IJON's maximising feedback).
    for (const StateCoverage& s : machine.states) {
      if (!s.dwell_max_us || *s.dwell_max_us <= 0 || s.dwell.judged_max_us <= 0) continue;
      const core::TimeUs eighths =
          std::min<core::TimeUs>(s.dwell.judged_max_us * 8 / *s.dwell_max_us, 8);
      add(features, fmt::format("d {} {} {}", machine.name, s.name, eighths));
    }
    for (const TransitionCoverage& t : machine.transitions) {
      if (t.taken == 0) continue;
      add(features,
          fmt::format("t {} {}>{} {}", machine.name, t.from, t.to, sim::count_bucket(t.taken)));
    }
  }
  for (const TableCoverage& table : coverage.tables) {
    for (const RuleCoverage& rule : table.rules) {
      if (rule.fired == 0) continue;
      add(features,
          fmt::format("r {} {} {}", table.name, rule.name, sim::count_bucket(rule.fired)));
    }
    for (const CellCoverage& cell : table.cells) {
      if (cell.seen == 0) continue;
      add(features, fmt::format("c {} {} {} {}", table.name, cell.state,
                                fmt::join(cell.signals, "+"), cell.outcome));
    }
  }
  for (const ActionCoverage& action : coverage.actions) {
    for (const StepCoverage& step : action.steps) {
      for (const auto& [verdict, count] : step.verdicts) {
        if (count == 0) continue;
        add(features, fmt::format("s {} {} {} {}", action.name, step.name, verdict,
                                  sim::count_bucket(count)));
      }
    }
  }
  for (const ProbeCoverage& probe : coverage.probes) {
    if (probe.hits == 0) continue;
    add(features, fmt::format("p {} {}", probe.name, sim::count_bucket(probe.hits)));
  }
  for (const NamedCount& fault : coverage.faults) {
    if (fault.count > 0) add(features, fmt::format("f {}", fault.name));
  }
  for (const NamedCount& reached : coverage.sometimes) {
    if (reached.count > 0) add(features, fmt::format("w {}", reached.name));
  }
  return features;
}

std::vector<std::uint64_t> run_features(const sim::Scenario& scenario, const Coverage& coverage,
                                        std::span<const std::uint64_t> contexts) {
  std::vector<std::uint64_t> features = coverage_features(coverage);
  for (std::uint64_t feature : sim::fault_overlap_features(scenario))
    features.push_back(feature);
  features.insert(features.end(), contexts.begin(), contexts.end());
  return features;
}

}  // namespace unwedge::reports
