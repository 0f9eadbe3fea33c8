#include "reports/coverage_figures.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <string_view>

namespace unwedge::reports {

CoverageTotals coverage_totals(const Coverage& coverage) {
  CoverageTotals totals;
  for (const MachineCoverage& machine : coverage.machines) {
    for (const TransitionCoverage& t : machine.transitions) {
      if (!t.legal) {
        ++totals.refused;
        continue;
      }
      ++totals.transitions;
      if (t.taken > 0) ++totals.transitions_taken;
    }
  }
  for (const TableCoverage& table : coverage.tables) {
    totals.rules += table.rules.size();
    totals.rules_fired += static_cast<std::size_t>(std::count_if(
        table.rules.begin(), table.rules.end(), [](const RuleCoverage& r) { return r.fired > 0; }));
  }
  totals.probes = coverage.probes.size();
  totals.probes_hit =
      static_cast<std::size_t>(std::count_if(coverage.probes.begin(), coverage.probes.end(),
                                             [](const ProbeCoverage& p) { return p.hits > 0; }));
  totals.fault_kinds = coverage.faults.size();
  totals.fault_kinds_injected =
      static_cast<std::size_t>(std::count_if(coverage.faults.begin(), coverage.faults.end(),
                                             [](const NamedCount& f) { return f.count > 0; }));
  for (const ActionCoverage& action : coverage.actions) {
    totals.steps += action.steps.size();
    for (const StepCoverage& step : action.steps) {
      if (!step.verdicts.empty()) ++totals.steps_run;
    }
  }
  return totals;
}

std::string coverage_in_brief(const Coverage& coverage) {
  const CoverageTotals t = coverage_totals(coverage);
  return fmt::format(
      "transitions {}/{} taken{}, rules {}/{} fired, action steps {}/{} run, fault kinds {}/{} "
      "injected",
      t.transitions_taken, t.transitions,
      t.refused == 0 ? "" : fmt::format(" ({} refused)", t.refused), t.rules_fired, t.rules,
      t.steps_run, t.steps, t.fault_kinds_injected, t.fault_kinds);
}

namespace {

// The key a flow map opens with: "{request: x, during: {...}}" -> "request".
std::string_view first_key(std::string_view flow) {
  if (!flow.starts_with('{')) return {};
  flow.remove_prefix(1);
  return flow.substr(0, flow.find(':'));
}

}  // namespace

std::string sometimes_kinds_in_brief(const std::vector<NamedCount>& reached) {
  std::map<std::string, std::size_t> kinds;
  for (const NamedCount& r : reached) {
    const std::size_t during = r.name.find("during: ");
    const std::string_view what = first_key(r.name);
    kinds[during == std::string::npos
              ? std::string(what)
              : fmt::format("{} during {}", what,
                            first_key(std::string_view(r.name).substr(during + 8)))] += 1;
  }
  std::vector<std::string> parts;
  for (const auto& [kind, count] : kinds)
    parts.push_back(fmt::format("{} {}", count, kind));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string runs_in_brief(const CampaignFigures& c) {
  return fmt::format(
      "{} run{} ({} bundled scenario{}, {} swarm seed{}): {} passed, {} failed, {} "
      "ended in error",
      c.runs, c.runs == 1 ? "" : "s", c.bundled_runs, c.bundled_runs == 1 ? "" : "s", c.swarm_runs,
      c.swarm_runs == 1 ? "" : "s", c.passed, c.failed, c.errors);
}

std::string seed_ranges(const CampaignFigures& campaign, std::size_t ranges_max) {
  if (campaign.swarm_seeds.empty()) return "none";
  std::string out;
  const std::size_t shown = std::min(ranges_max, campaign.swarm_seeds.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& [first, last] = campaign.swarm_seeds[i];
    if (i > 0) out += ", ";
    out += first == last ? fmt::format("{}", first) : fmt::format("{}-{}", first, last);
  }
  if (shown < campaign.swarm_seeds.size()) {
    out += fmt::format(" and {} more ranges", campaign.swarm_seeds.size() - shown);
  }
  return out;
}

std::uint64_t dwell_count(const DwellBuckets& dwell) {
  std::uint64_t n = 0;
  for (std::uint64_t c : dwell.counts)
    n += c;
  return n;
}

core::TimeUs dwell_bound_us(const DwellBuckets& dwell, double fraction) {
  const std::uint64_t n = dwell_count(dwell);
  if (n == 0) return 0;
  // The rank of the percentile, rounded up, in integers once computed.
  const auto wanted = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(fraction * static_cast<double>(n) + 0.999999));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < DwellBuckets::kBuckets; ++b) {
    seen += dwell.counts[b];
    if (seen >= wanted) return std::min(dwell.max_us, (core::TimeUs{1} << b) * core::kSecond);
  }
  return dwell.max_us;
}

}  // namespace unwedge::reports
