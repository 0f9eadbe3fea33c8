#include "reports/report.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <string_view>
#include <tuple>

namespace unwedge::reports {
namespace {

// Adds `from` into `into` entry by entry, matched by `same`; an entry
// `into` lacks is inserted where `before` puts it (after every entry it is
// not before), so the result's order does not depend on the merge order.
template <class T, class Same, class Before, class Add>
void merge_list(std::vector<T>& into, const std::vector<T>& from, Same same, Before before,
                Add add) {
  for (const T& entry : from) {
    auto found = std::find_if(into.begin(), into.end(), [&](const T& x) { return same(x, entry); });
    if (found != into.end()) {
      add(*found, entry);
      continue;
    }
    auto at = std::find_if(into.begin(), into.end(), [&](const T& x) { return before(entry, x); });
    into.insert(at, entry);
  }
}

template <class T>
bool same_name(const T& a, const T& b) {
  return a.name == b.name;
}
template <class T>
bool name_before(const T& a, const T& b) {
  return a.name < b.name;
}
// Entries listed in the model's order: a newcomer goes last.
template <class T>
bool never_before(const T&, const T&) {
  return false;
}

void add_dwell(DwellBuckets& into, const DwellBuckets& from) {
  for (std::size_t b = 0; b < DwellBuckets::kBuckets; ++b)
    into.counts[b] += from.counts[b];
  into.max_us = std::max(into.max_us, from.max_us);
  into.judged_max_us = std::max(into.judged_max_us, from.judged_max_us);
}

void add_machine(MachineCoverage& into, const MachineCoverage& from) {
  merge_list(into.states, from.states, same_name<StateCoverage>, never_before<StateCoverage>,
             [](StateCoverage& a, const StateCoverage& b) {
               a.entered += b.entered;
               add_dwell(a.dwell, b.dwell);
             });
  // Legal transitions keep the table's order; refused ones follow, by name.
  merge_list(
      into.transitions, from.transitions,
      [](const TransitionCoverage& a, const TransitionCoverage& b) {
        return std::tie(a.from, a.to, a.cause, a.legal) == std::tie(b.from, b.to, b.cause, b.legal);
      },
      [](const TransitionCoverage& newcomer, const TransitionCoverage& x) {
        if (newcomer.legal) return !x.legal;
        return !x.legal && std::tie(newcomer.from, newcomer.to, newcomer.cause) <
                               std::tie(x.from, x.to, x.cause);
      },
      [](TransitionCoverage& a, const TransitionCoverage& b) { a.taken += b.taken; });
}

void add_table(TableCoverage& into, const TableCoverage& from) {
  merge_list(into.rules, from.rules, same_name<RuleCoverage>, never_before<RuleCoverage>,
             [](RuleCoverage& a, const RuleCoverage& b) { a.fired += b.fired; });
  auto key = [](const CellCoverage& c) { return std::tie(c.state, c.signals); };
  merge_list(
      into.cells, from.cells,
      [&](const CellCoverage& a, const CellCoverage& b) { return key(a) == key(b); },
      [&](const CellCoverage& a, const CellCoverage& b) { return key(a) < key(b); },
      [](CellCoverage& a, const CellCoverage& b) { a.seen += b.seen; });
}

void add_action(ActionCoverage& into, const ActionCoverage& from) {
  into.started += from.started;
  merge_list(into.steps, from.steps, same_name<StepCoverage>, never_before<StepCoverage>,
             [](StepCoverage& a, const StepCoverage& b) {
               using Count = std::pair<std::string, std::uint64_t>;
               merge_list(
                   a.verdicts, b.verdicts,
                   [](const Count& x, const Count& y) { return x.first == y.first; },
                   [](const Count& x, const Count& y) { return x.first < y.first; },
                   [](Count& x, const Count& y) { x.second += y.second; });
             });
}

void add_crashes(CrashCoverage& into, const CrashCoverage& from) {
  into.stories += from.stories;
  into.transactions += from.transactions;
  into.crash_points += from.crash_points;
  into.actions_redelivered += from.actions_redelivered;
  into.calls_redelivered += from.calls_redelivered;
  into.divergences += from.divergences;
  for (const std::string& finding : from.findings) {
    if (into.findings.size() >= CrashCoverage::kFindingsKept) break;
    into.findings.push_back(finding);
  }
}

void add_invariant(InvariantResult& into, const InvariantResult& from) {
  into.runs_checked += from.runs_checked;
  into.violations += from.violations;
  if (!from.first_index || (into.first_index && *into.first_index <= *from.first_index)) return;
  into.first_index = from.first_index;
  into.first_item = from.first_item;
  into.first_seed = from.first_seed;
  into.first_repro = from.first_repro;
  into.first_sentence = from.first_sentence;
}

// Sorted disjoint inclusive ranges, with adjacent and overlapping ones joined.
std::vector<std::pair<std::uint64_t, std::uint64_t>> coalesce(
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (const auto& range : ranges) {
    if (!out.empty() && range.first <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, range.second);
    } else {
      out.push_back(range);
    }
  }
  return out;
}

void add_campaign(CampaignFigures& into, const CampaignFigures& from) {
  if (into.control_plane.empty()) into.control_plane = from.control_plane;
  if (into.build.empty()) into.build = from.build;
  into.runs += from.runs;
  into.passed += from.passed;
  into.failed += from.failed;
  into.errors += from.errors;
  into.bundled_runs += from.bundled_runs;
  // A report written before swarm core time was kept has swarm runs and no
  // core time: merged with it, the figure is unknown (0), not inflated.
  const bool core_time_unknown = (into.swarm_runs > 0 && into.swarm_core_ms == 0) ||
                                 (from.swarm_runs > 0 && from.swarm_core_ms == 0);
  into.swarm_core_ms = core_time_unknown ? 0 : into.swarm_core_ms + from.swarm_core_ms;
  into.swarm_runs += from.swarm_runs;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> seeds = into.swarm_seeds;
  seeds.insert(seeds.end(), from.swarm_seeds.begin(), from.swarm_seeds.end());
  into.swarm_seeds = coalesce(std::move(seeds));
  into.simulated_us += from.simulated_us;
  into.events += from.events;
  into.wall_ms += from.wall_ms;
  into.shards += from.shards;
  into.determinism_rechecks += from.determinism_rechecks;
  into.determinism_mismatches += from.determinism_mismatches;
  into.store_keys_unchecked += from.store_keys_unchecked;
  into.store_unchecked_runs += from.store_unchecked_runs;
  for (const DisruptionCount& d : from.disruptions)
    add_disruptions(into.disruptions, d);
  into.availability.merge(from.availability);
  into.interrupted = into.interrupted || from.interrupted;
  if (into.status.empty() || (into.status == "finished" && !from.status.empty())) {
    into.status = from.status;
  }
  // ISO 8601 in UTC sorts as text.
  into.updated_at = std::max(into.updated_at, from.updated_at);
  merge_list(into.findings_by_kind, from.findings_by_kind, same_name<NamedCount>,
             name_before<NamedCount>,
             [](NamedCount& a, const NamedCount& b) { a.count += b.count; });
}

bool index_before(const RunResult& a, const RunResult& b) {
  return a.index < b.index;
}

void add_runs(std::vector<RunResult>& into, const std::vector<RunResult>& from,
              std::size_t kept_max) {
  into.insert(into.end(), from.begin(), from.end());
  std::stable_sort(into.begin(), into.end(), index_before);
  if (into.size() > kept_max) into.resize(kept_max);
}

}  // namespace

std::uint64_t DwellBuckets::total() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : counts)
    n += c;
  return n;
}

core::TimeUs DwellBuckets::percentile_bound_us(double fraction) const {
  const std::uint64_t n = total();
  if (n == 0) return 0;
  const auto wanted = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(fraction * static_cast<double>(n) + 0.999999));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += counts[b];
    if (seen >= wanted) return std::min(max_us, (core::TimeUs{1} << b) * core::kSecond);
  }
  return max_us;
}

double CampaignFigures::swarm_seeds_per_core_hour() const {
  if (swarm_core_ms <= 0) return 0.0;
  return static_cast<double>(swarm_runs) * 3'600'000.0 / static_cast<double>(swarm_core_ms);
}

double CampaignFigures::runs_per_second() const {
  return wall_ms > 0 ? static_cast<double>(runs) * 1000.0 / static_cast<double>(wall_ms) : 0.0;
}

std::string describe(const GuidedFigures& g) {
  std::string text = fmt::format("guided search: {} run{}", g.runs, g.runs == 1 ? "" : "s");
  if (g.replayed > 0) text += fmt::format(" ({} replayed)", g.replayed);
  text += fmt::format(", {} kept, corpus {}, {} features, {} failed", g.kept, g.corpus, g.features,
                      g.failed);
  if (!g.corpus_dir.empty()) text += fmt::format("; corpus kept in {}", g.corpus_dir);
  return text;
}

std::string describe(const CanaryResult& canary) {
  if (canary.missing) {
    return fmt::format(
        "canary missing: {}; the harness could not be checked, so a clean "
        "campaign proves nothing",
        canary.sentence);
  }
  const auto unflagged = std::find_if(canary.self_tests.begin(), canary.self_tests.end(),
                                      [](const CheckerSelfTest& test) { return !test.flagged; });
  const std::string name = canary.mutant.empty() ? "" : " " + canary.mutant;
  if (canary.caught && unflagged == canary.self_tests.end()) {
    std::string text = fmt::format("canary{}: caught by {} on seed {} in {} ms", name,
                                   canary.invariant, canary.seed, canary.wall_ms);
    if (!canary.self_tests.empty()) {
      text += fmt::format("; {} checkers each flagged the history that breaks it",
                          canary.self_tests.size());
    }
    return text;
  }
  if (unflagged != canary.self_tests.end()) {
    return fmt::format(
        "canary{}: the {} checker did NOT flag the recorded history that breaks it ({}); the "
        "harness cannot see that kind of bug, so a clean campaign proves nothing",
        name, unflagged->checker, unflagged->sentence);
  }
  // No mutant named: the canary never reported a run, so nothing was
  // missed, nothing was checked either.
  if (canary.mutant.empty()) {
    return fmt::format(
        "canary gave no result: {}; the harness could not be checked, so a clean campaign "
        "proves nothing",
        canary.sentence);
  }
  return fmt::format(
      "canary{}: NOT caught ({}); the harness missed a bug planted to be caught, so a clean "
      "campaign proves nothing",
      name, canary.sentence);
}

void add_coverage(Coverage& into, const Coverage& from) {
  merge_list(into.machines, from.machines, same_name<MachineCoverage>, name_before<MachineCoverage>,
             add_machine);
  merge_list(into.tables, from.tables, same_name<TableCoverage>, name_before<TableCoverage>,
             add_table);
  merge_list(into.actions, from.actions, same_name<ActionCoverage>, name_before<ActionCoverage>,
             add_action);
  merge_list(into.faults, from.faults, same_name<NamedCount>, name_before<NamedCount>,
             [](NamedCount& a, const NamedCount& b) { a.count += b.count; });
  merge_list(into.sometimes, from.sometimes, same_name<NamedCount>, name_before<NamedCount>,
             [](NamedCount& a, const NamedCount& b) { a.count += b.count; });
  // Two sites may share a name; a site is its name, file and line.
  auto site = [](const ProbeCoverage& p) { return std::tie(p.name, p.file, p.line); };
  merge_list(
      into.probes, from.probes,
      [&](const ProbeCoverage& a, const ProbeCoverage& b) { return site(a) == site(b); },
      [&](const ProbeCoverage& a, const ProbeCoverage& b) { return site(a) < site(b); },
      [](ProbeCoverage& a, const ProbeCoverage& b) { a.hits += b.hits; });
  add_crashes(into.crashes, from.crashes);
}

Coverage combined_coverage(const std::vector<PlaneReport>& planes) {
  Coverage total;
  for (const PlaneReport& plane : planes) {
    Coverage named = plane.coverage;
    const std::string prefix = plane.campaign.control_plane + "/";
    for (MachineCoverage& machine : named.machines)
      machine.name = prefix + machine.name;
    for (TableCoverage& table : named.tables) {
      table.name = prefix + table.name;
      table.machine = prefix + table.machine;
    }
    for (ActionCoverage& action : named.actions)
      action.name = prefix + action.name;
    add_coverage(total, named);
  }
  return total;
}

std::vector<std::string> plane_names_of(const CampaignFigures& campaign) {
  std::vector<std::string> names;
  std::string_view rest = campaign.control_plane;
  for (;;) {
    const std::size_t comma = rest.find(',');
    names.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) return names;
    rest.remove_prefix(comma + 1);
  }
}

void merge_into(Report& into, const Report& other) {
  add_campaign(into.campaign, other.campaign);
  merge_list(into.invariants, other.invariants, same_name<InvariantResult>,
             never_before<InvariantResult>, add_invariant);
  add_coverage(into.coverage, other.coverage);
  add_runs(into.scenarios, other.scenarios, SIZE_MAX);
  add_runs(into.failures, other.failures, kFailuresKept);
  if (into.source_coverage.empty()) into.source_coverage = other.source_coverage;
  if (other.canary && (!into.canary || !other.canary->caught)) into.canary = other.canary;
  if (other.guided) {
    GuidedFigures& g = into.guided ? *into.guided : into.guided.emplace();
    g.runs += other.guided->runs;
    g.replayed += other.guided->replayed;
    g.kept += other.guided->kept;
    g.failed += other.guided->failed;
    g.corpus += other.guided->corpus;
    g.features = std::max(g.features, other.guided->features);
    if (g.corpus_dir.empty()) g.corpus_dir = other.guided->corpus_dir;
  }
  // Bounded by the planes of one campaign.
  for (const PlaneReport& from : other.planes) {
    auto same = std::find_if(into.planes.begin(), into.planes.end(), [&](const PlaneReport& p) {
      return p.campaign.control_plane == from.campaign.control_plane;
    });
    if (same == into.planes.end()) {
      into.planes.push_back(from);
      continue;
    }
    add_campaign(same->campaign, from.campaign);
    merge_list(same->invariants, from.invariants, same_name<InvariantResult>,
               never_before<InvariantResult>, add_invariant);
    add_coverage(same->coverage, from.coverage);
    if (from.canary && (!same->canary || !from.canary->caught)) same->canary = from.canary;
  }
  // The whole is its planes' parts, as the campaign itself makes it.
  if (!into.planes.empty()) into.coverage = combined_coverage(into.planes);
}

void add_disruptions(std::vector<DisruptionCount>& into, const DisruptionCount& count) {
  const auto key = [](const DisruptionCount& d) { return std::tie(d.kind, d.cause); };
  auto at = std::find_if(into.begin(), into.end(),
                         [&](const DisruptionCount& d) { return key(d) >= key(count); });
  if (at == into.end() || key(*at) != key(count)) {
    into.insert(at, count);
    return;
  }
  at->count += count.count;
  at->runs += count.runs;
}

std::string disruptions_in_brief(const std::vector<DisruptionCount>& counts) {
  std::string out;
  for (std::size_t i = 0; i < counts.size();) {
    const std::string& kind = counts[i].kind;
    std::uint64_t total = 0;
    std::string causes;
    for (; i < counts.size() && counts[i].kind == kind; ++i) {
      total += counts[i].count;
      causes +=
          fmt::format("{}{} {}", causes.empty() ? "" : ", ", counts[i].cause, counts[i].count);
    }
    out += fmt::format("{}{} {} ({})", out.empty() ? "" : "; ", kind, total, causes);
  }
  return out.empty() ? "none" : out;
}

}  // namespace unwedge::reports
