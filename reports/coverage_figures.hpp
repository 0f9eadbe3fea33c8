// Figures derived from a report that more than one rendering prints: "x of
// y" coverage counts, seed ranges and dwell percentiles. Computed here from
// the plain data alone, so report.html, summary.md and junit.xml agree on
// every number (the verdict is reports/verdict.hpp's).
//
//   CoverageTotals totals = coverage_totals(report.coverage);
//   fmt::format("transitions {}/{} taken", totals.transitions_taken, totals.transitions);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace unwedge::reports {

struct CoverageTotals {
  std::size_t transitions = 0;  // legal ones, in every machine
  std::size_t transitions_taken = 0;
  std::size_t refused = 0;  // distinct refused transitions seen
  std::size_t rules = 0;
  std::size_t rules_fired = 0;
  std::size_t probes = 0;
  std::size_t probes_hit = 0;
  std::size_t fault_kinds = 0;
  std::size_t fault_kinds_injected = 0;
  std::size_t steps = 0;  // action steps, in every action
  std::size_t steps_run = 0;
};

CoverageTotals coverage_totals(const Coverage& coverage);

// "transitions 41/52 taken, rules 30/33 fired, action steps 60/80 run, fault
// kinds 12/13 injected": a model's coverage in one line, for the renderings
// that give each plane of a campaign a line.
std::string coverage_in_brief(const Coverage& coverage);

// "4 request during action, 9 action during fault": the "sometimes"
// conditions reached (Coverage::sometimes), counted by their two kinds.
std::string sometimes_kinds_in_brief(const std::vector<NamedCount>& reached);

// "12 runs (9 bundled scenarios, 3 swarm seeds): 12 passed, 0 failed, 0
// ended in error": a plane's runs in one line.
std::string runs_in_brief(const CampaignFigures& campaign);

// "1-1000, 2001-2100": the swarm seed ranges, the first `ranges_max` of them
// and a count of the rest.
std::string seed_ranges(const CampaignFigures& campaign, std::size_t ranges_max);

// An upper bound on the `fraction` percentile of the dwells, in us (the top
// of the bucket holding it, at most the maximum seen); 0 when empty.
core::TimeUs dwell_bound_us(const DwellBuckets& dwell, double fraction);

std::uint64_t dwell_count(const DwellBuckets& dwell);

}  // namespace unwedge::reports
