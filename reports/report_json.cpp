#include "reports/report_json.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "reports/strict_json.hpp"
#include "reports/verdict.hpp"

namespace unwedge::reports {
namespace {

using JsonOut = nlohmann::ordered_json;

// ---- writing ------------------------------------------------------------------

JsonOut optional_out(const std::optional<std::uint64_t>& value) {
  return value ? JsonOut(*value) : JsonOut(nullptr);
}

JsonOut dwell_out(const DwellBuckets& dwell) {
  JsonOut counts = JsonOut::array();
  for (std::uint64_t c : dwell.counts)
    counts.push_back(c);
  return JsonOut{{"counts", counts},
                 {"max_us", dwell.max_us},
                 {"judged_max_us", dwell.judged_max_us},
                 // Derived, for a reader of the file; ignored when read back.
                 {"p50_bound_us", dwell.percentile_bound_us(0.5)},
                 {"p99_bound_us", dwell.percentile_bound_us(0.99)}};
}

JsonOut state_out(const StateCoverage& s) {
  return JsonOut{{"name", s.name},
                 {"healthy", s.healthy},
                 {"stable", s.stable},
                 {"dwell_max_us", s.dwell_max_us ? JsonOut(*s.dwell_max_us) : JsonOut(nullptr)},
                 {"entered", s.entered},
                 {"dwell", dwell_out(s.dwell)}};
}

JsonOut transition_out(const TransitionCoverage& t) {
  return JsonOut{
      {"from", t.from}, {"to", t.to}, {"cause", t.cause}, {"legal", t.legal}, {"taken", t.taken}};
}

// `sparse`: leave out what was never counted (a worker's one-run line).
JsonOut machine_out(const MachineCoverage& m, bool sparse) {
  JsonOut states = JsonOut::array();
  for (const StateCoverage& s : m.states) {
    if (!sparse || s.entered > 0 || s.dwell.total() > 0) states.push_back(state_out(s));
  }
  JsonOut transitions = JsonOut::array();
  for (const TransitionCoverage& t : m.transitions) {
    if (!sparse || t.taken > 0) transitions.push_back(transition_out(t));
  }
  return JsonOut{
      {"name", m.name}, {"initial", m.initial}, {"states", states}, {"transitions", transitions}};
}

JsonOut table_out(const TableCoverage& t, bool sparse) {
  JsonOut rules = JsonOut::array();
  for (const RuleCoverage& r : t.rules) {
    if (!sparse || r.fired > 0)
      rules.push_back(JsonOut{{"name", r.name}, {"action", r.action}, {"fired", r.fired}});
  }
  JsonOut cells = JsonOut::array();
  for (const CellCoverage& c : t.cells) {
    cells.push_back(JsonOut{{"state", c.state},
                            {"signals", c.signals},
                            {"outcome", c.outcome},
                            {"rules", c.rules},
                            {"seen", c.seen}});
  }
  return JsonOut{{"name", t.name}, {"machine", t.machine}, {"rules", rules}, {"cells", cells}};
}

JsonOut action_out(const ActionCoverage& a, bool sparse) {
  JsonOut steps = JsonOut::array();
  for (const StepCoverage& s : a.steps) {
    if (sparse && s.verdicts.empty()) continue;
    JsonOut verdicts = JsonOut::object();
    for (const auto& [verdict, count] : s.verdicts)
      verdicts[verdict] = count;
    steps.push_back(JsonOut{{"name", s.name}, {"verdicts", verdicts}});
  }
  return JsonOut{{"name", a.name}, {"started", a.started}, {"steps", steps}};
}

JsonOut crashes_out(const CrashCoverage& c) {
  return JsonOut{{"stories", c.stories},
                 {"transactions", c.transactions},
                 {"crash_points", c.crash_points},
                 {"actions_redelivered", c.actions_redelivered},
                 {"calls_redelivered", c.calls_redelivered},
                 {"divergences", c.divergences},
                 {"findings", c.findings}};
}

JsonOut guided_out(const GuidedFigures& g) {
  return JsonOut{{"runs", g.runs},
                 {"replayed", g.replayed},
                 {"kept", g.kept},
                 {"failed", g.failed},
                 {"corpus", g.corpus},
                 {"features", g.features},
                 {"corpus_dir", g.corpus_dir}};
}

JsonOut canary_out(const CanaryResult& c) {
  JsonOut self_tests = JsonOut::array();
  for (const CheckerSelfTest& test : c.self_tests) {
    self_tests.push_back(
        JsonOut{{"checker", test.checker}, {"flagged", test.flagged}, {"sentence", test.sentence}});
  }
  return JsonOut{{"mutant", c.mutant},   {"caught", c.caught},      {"invariant", c.invariant},
                 {"seed", c.seed},       {"wall_ms", c.wall_ms},    {"sentence", c.sentence},
                 {"missing", c.missing}, {"self_tests", self_tests}};
}

// Derived from the rest: what the report adds up to (reports/verdict.hpp).
JsonOut verdict_out(const Report& report) {
  const Verdict verdict = verdict_of(report);
  return JsonOut{{"outcome", std::string(verdict.headline())},
                 {"findings", verdict.findings},
                 {"exit_code", verdict.exit_code()},
                 {"harness_broken", verdict.harness_broken},
                 {"complete", verdict.complete()},
                 {"incomplete", verdict.incomplete}};
}

JsonOut coverage_out(const Coverage& c, bool sparse) {
  JsonOut machines = JsonOut::array();
  for (const MachineCoverage& m : c.machines) {
    JsonOut out = machine_out(m, sparse);
    if (!sparse || !out["states"].empty() || !out["transitions"].empty()) machines.push_back(out);
  }
  JsonOut tables = JsonOut::array();
  for (const TableCoverage& t : c.tables) {
    JsonOut out = table_out(t, sparse);
    if (!sparse || !out["rules"].empty() || !out["cells"].empty()) tables.push_back(out);
  }
  JsonOut actions = JsonOut::array();
  for (const ActionCoverage& a : c.actions) {
    JsonOut out = action_out(a, sparse);
    if (!sparse || a.started > 0 || !out["steps"].empty()) actions.push_back(out);
  }
  JsonOut faults = JsonOut::array();
  for (const NamedCount& f : c.faults) {
    if (!sparse || f.count > 0) faults.push_back(JsonOut{{"name", f.name}, {"count", f.count}});
  }
  JsonOut probes = JsonOut::array();
  for (const ProbeCoverage& p : c.probes) {
    if (!sparse || p.hits > 0)
      probes.push_back(
          JsonOut{{"name", p.name}, {"file", p.file}, {"line", p.line}, {"hits", p.hits}});
  }
  JsonOut sometimes = JsonOut::array();
  for (const NamedCount& r : c.sometimes)
    sometimes.push_back(JsonOut{{"name", r.name}, {"count", r.count}});
  return JsonOut{{"machines", machines},
                 {"tables", tables},
                 {"actions", actions},
                 {"faults", faults},
                 {"probes", probes},
                 {"sometimes", sometimes},
                 {"crashes", crashes_out(c.crashes)}};
}

JsonOut span_out(const TimelineSpan& s) {
  return JsonOut{{"from_us", s.from_us},
                 {"to_us", s.to_us},
                 {"label", s.label},
                 {"healthy", s.healthy},
                 {"stable", s.stable}};
}

JsonOut timeline_out(const RunTimeline& t) {
  JsonOut lanes = JsonOut::array();
  for (const TimelineLane& lane : t.lanes) {
    JsonOut spans = JsonOut::array();
    for (const TimelineSpan& s : lane.spans)
      spans.push_back(span_out(s));
    lanes.push_back(JsonOut{{"entity", lane.entity}, {"machine", lane.machine}, {"spans", spans}});
  }
  JsonOut faults = JsonOut::array();
  for (const TimelineSpan& s : t.faults)
    faults.push_back(span_out(s));
  return JsonOut{
      {"end_us", t.end_us},
      {"lanes", lanes},
      {"faults", faults},
      {"violation_at_us", t.violation_at_us ? JsonOut(*t.violation_at_us) : JsonOut(nullptr)},
      {"violation_entity", t.violation_entity}};
}

JsonOut run_out(const RunResult& r) {
  JsonOut out{{"index", r.index},
              {"item", r.item},
              {"scenario", r.scenario},
              {"seed", r.seed},
              {"swarm", r.swarm},
              {"verdict", r.verdict},
              {"invariant", r.invariant},
              {"cause", r.cause},
              {"sentence", r.sentence},
              {"digest", fmt::format("{:016x}", r.digest)},
              {"simulated_us", r.simulated_us},
              {"wall_ms", r.wall_ms},
              {"repro", r.repro},
              {"replay_command", r.replay_command},
              {"timeline", r.timeline ? timeline_out(*r.timeline) : JsonOut(nullptr)}};
  // Only in a campaign of several planes: a report of one reads as before.
  if (!r.control_plane.empty()) out["control_plane"] = r.control_plane;
  return out;
}

JsonOut availability_out(const AvailabilityFigures& a) {
  JsonOut windows = JsonOut::array();
  for (const WorstWindow& w : a.worst_windows) {
    windows.push_back(JsonOut{{"item", w.item},
                              {"service", w.window.service},
                              {"client", w.window.client},
                              {"from_us", w.window.from_us},
                              {"to_us", w.window.to_us},
                              {"open", w.window.open},
                              {"healthy_us", w.window.healthy_us},
                              {"plane_us", w.window.plane_us},
                              {"why", w.window.why},
                              {"cause", w.window.cause}});
  }
  return JsonOut{{"services", a.services},
                 {"observed_us", a.observed_us},
                 {"write_down_us", a.write_down_us},
                 {"read_down_us", a.read_down_us},
                 {"writes", a.writes},
                 {"writes_ok", a.writes_ok},
                 {"reads", a.reads},
                 {"reads_ok", a.reads_ok},
                 {"write_share", a.write_share()},
                 {"read_share", a.read_share()},
                 {"lowest_ppm", a.lowest_ppm},
                 {"lowest_item", a.lowest_item},
                 {"lowest_service", a.lowest_service},
                 {"worst_windows", windows}};
}

JsonOut campaign_out(const CampaignFigures& c) {
  JsonOut seeds = JsonOut::array();
  for (const auto& [first, last] : c.swarm_seeds)
    seeds.push_back(JsonOut::array({first, last}));
  JsonOut findings = JsonOut::array();
  for (const NamedCount& f : c.findings_by_kind)
    findings.push_back(JsonOut{{"name", f.name}, {"count", f.count}});
  JsonOut disruptions = JsonOut::array();
  for (const DisruptionCount& d : c.disruptions) {
    disruptions.push_back(
        JsonOut{{"kind", d.kind}, {"cause", d.cause}, {"count", d.count}, {"runs", d.runs}});
  }
  return JsonOut{{"control_plane", c.control_plane},
                 {"build", c.build},
                 {"runs", c.runs},
                 {"passed", c.passed},
                 {"failed", c.failed},
                 {"errors", c.errors},
                 {"bundled_runs", c.bundled_runs},
                 {"swarm_runs", c.swarm_runs},
                 {"swarm_seeds", seeds},
                 {"simulated_us", c.simulated_us},
                 {"events", c.events},
                 {"wall_ms", c.wall_ms},
                 {"runs_per_second", c.runs_per_second()},
                 {"swarm_core_ms", c.swarm_core_ms},
                 {"swarm_seeds_per_core_hour", c.swarm_seeds_per_core_hour()},
                 {"shards", c.shards},
                 {"determinism_rechecks", c.determinism_rechecks},
                 {"determinism_mismatches", c.determinism_mismatches},
                 {"store_keys_unchecked", c.store_keys_unchecked},
                 {"store_unchecked_runs", c.store_unchecked_runs},
                 {"disruptions", disruptions},
                 {"availability", availability_out(c.availability)},
                 {"interrupted", c.interrupted},
                 {"status", c.status},
                 {"updated_at", c.updated_at},
                 {"findings_by_kind", findings}};
}

JsonOut plan_out(const CampaignPlan& p) {
  return JsonOut{{"scenario_set", p.scenario_set},
                 {"bundled", p.bundled},
                 {"swarm_seeds", optional_out(p.swarm_seeds)},
                 {"shard_count", p.shard_count},
                 {"shards", p.shards}};
}

JsonOut invariant_out(const InvariantResult& i) {
  return JsonOut{{"name", i.name},
                 {"runs_checked", i.runs_checked},
                 {"violations", i.violations},
                 {"first_index", optional_out(i.first_index)},
                 {"first_item", i.first_item},
                 {"first_seed", i.first_seed},
                 {"first_repro", i.first_repro},
                 {"first_sentence", i.first_sentence}};
}

JsonOut canary_or_absent(JsonOut object, const std::optional<CanaryResult>& canary) {
  if (canary) object["canary"] = canary_out(*canary);
  return object;
}

// Keyed by plane name, in the campaign's order.
JsonOut planes_out(const std::vector<PlaneReport>& planes) {
  JsonOut out = JsonOut::object();
  for (const PlaneReport& p : planes) {
    JsonOut invariants = JsonOut::array();
    for (const InvariantResult& i : p.invariants)
      invariants.push_back(invariant_out(i));
    out[p.campaign.control_plane] =
        canary_or_absent(JsonOut{{"campaign", campaign_out(p.campaign)},
                                 {"invariants", invariants},
                                 {"coverage", coverage_out(p.coverage, false)}},
                         p.canary);
  }
  return out;
}

std::string dump(const JsonOut& json, int indent) {
  return json.dump(indent, ' ', false, JsonOut::error_handler_t::replace);
}

}  // namespace

// ---- reading ------------------------------------------------------------------
// Each reader is in the namespace of its type, where the strict reader's
// templates find it (reports/strict_json.hpp).

void read(const In& j, const std::string& path, DwellBuckets& out);
void read(const In& j, const std::string& path, StateCoverage& out);
void read(const In& j, const std::string& path, TransitionCoverage& out);
void read(const In& j, const std::string& path, MachineCoverage& out);
void read(const In& j, const std::string& path, RuleCoverage& out);
void read(const In& j, const std::string& path, CellCoverage& out);
void read(const In& j, const std::string& path, TableCoverage& out);
void read(const In& j, const std::string& path, StepCoverage& out);
void read(const In& j, const std::string& path, ActionCoverage& out);
void read(const In& j, const std::string& path, ProbeCoverage& out);
void read(const In& j, const std::string& path, NamedCount& out);
void read(const In& j, const std::string& path, DisruptionCount& out);
void read(const In& j, const std::string& path, CrashCoverage& out);
void read(const In& j, const std::string& path, Coverage& out);
void read(const In& j, const std::string& path, TimelineSpan& out);
void read(const In& j, const std::string& path, TimelineLane& out);
void read(const In& j, const std::string& path, RunTimeline& out);
void read(const In& j, const std::string& path, RunResult& out);
void read(const In& j, const std::string& path, InvariantResult& out);
void read(const In& j, const std::string& path, CampaignFigures& out);
void read(const In& j, const std::string& path, AvailabilityFigures& out);
void read(const In& j, const std::string& path, WorstWindow& out);
void read(const In& j, const std::string& path, CanaryResult& out);
void read(const In& j, const std::string& path, CampaignPlan& out);
void read(const In& j, const std::string& path, GuidedFigures& out);
void read(const In& j, const std::string& path, CheckerSelfTest& out);
void read(const In& j, const std::string& path, PlaneReport& out);

void read(const In& j, const std::string& path, DwellBuckets& out) {
  Object o(j, path);
  std::vector<std::uint64_t> counts;
  o.get("counts", counts);
  if (counts.size() != DwellBuckets::kBuckets) {
    throw ReadError{o.path("counts"), fmt::format("expected {} buckets, found {}",
                                                  DwellBuckets::kBuckets, counts.size())};
  }
  std::copy(counts.begin(), counts.end(), out.counts.begin());
  o.get("max_us", out.max_us);
  o.get_if_present("judged_max_us", out.judged_max_us);
  o.derived("p50_bound_us");
  o.derived("p99_bound_us");
  o.done();
}

void read(const In& j, const std::string& path, StateCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("healthy", out.healthy);
  o.get("stable", out.stable);
  o.get("dwell_max_us", out.dwell_max_us);
  o.get("entered", out.entered);
  o.get("dwell", out.dwell);
  o.done();
}

void read(const In& j, const std::string& path, TransitionCoverage& out) {
  Object o(j, path);
  o.get("from", out.from);
  o.get("to", out.to);
  o.get("cause", out.cause);
  o.get("legal", out.legal);
  o.get("taken", out.taken);
  o.done();
}

void read(const In& j, const std::string& path, MachineCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("initial", out.initial);
  o.get("states", out.states);
  o.get("transitions", out.transitions);
  o.done();
}

void read(const In& j, const std::string& path, RuleCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("action", out.action);
  o.get("fired", out.fired);
  o.done();
}

void read(const In& j, const std::string& path, CellCoverage& out) {
  Object o(j, path);
  o.get("state", out.state);
  o.get("signals", out.signals);
  o.get("outcome", out.outcome);
  o.get("rules", out.rules);
  o.get("seen", out.seen);
  o.done();
}

void read(const In& j, const std::string& path, TableCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("machine", out.machine);
  o.get("rules", out.rules);
  o.get("cells", out.cells);
  o.done();
}

void read(const In& j, const std::string& path, StepCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  const In& verdicts = o.at("verdicts");
  if (!verdicts.is_object()) wrong(verdicts, o.path("verdicts"), "an object");
  out.verdicts.clear();
  // In::items() goes in key order: the verdicts come out sorted.
  for (auto it = verdicts.begin(); it != verdicts.end(); ++it) {
    std::uint64_t count = 0;
    read(it.value(), o.path("verdicts") + "." + it.key(), count);
    out.verdicts.emplace_back(it.key(), count);
  }
  o.done();
}

void read(const In& j, const std::string& path, ActionCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("started", out.started);
  o.get("steps", out.steps);
  o.done();
}

void read(const In& j, const std::string& path, ProbeCoverage& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("file", out.file);
  o.get("line", out.line);
  o.get("hits", out.hits);
  o.done();
}

void read(const In& j, const std::string& path, NamedCount& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("count", out.count);
  o.done();
}

void read(const In& j, const std::string& path, DisruptionCount& out) {
  Object o(j, path);
  o.get("kind", out.kind);
  o.get("cause", out.cause);
  o.get("count", out.count);
  o.get("runs", out.runs);
  o.done();
}

void read(const In& j, const std::string& path, CrashCoverage& out) {
  Object o(j, path);
  o.get("stories", out.stories);
  o.get("transactions", out.transactions);
  o.get("crash_points", out.crash_points);
  o.get("actions_redelivered", out.actions_redelivered);
  o.get("calls_redelivered", out.calls_redelivered);
  o.get("divergences", out.divergences);
  o.get("findings", out.findings);
  o.done();
}

void read(const In& j, const std::string& path, Coverage& out) {
  Object o(j, path);
  o.get("machines", out.machines);
  o.get("tables", out.tables);
  o.get("actions", out.actions);
  o.get("faults", out.faults);
  o.get("probes", out.probes);
  o.get_if_present("sometimes", out.sometimes);
  o.get("crashes", out.crashes);
  o.done();
}

void read(const In& j, const std::string& path, TimelineSpan& out) {
  Object o(j, path);
  o.get("from_us", out.from_us);
  o.get("to_us", out.to_us);
  o.get("label", out.label);
  o.get("healthy", out.healthy);
  o.get("stable", out.stable);
  o.done();
}

void read(const In& j, const std::string& path, TimelineLane& out) {
  Object o(j, path);
  o.get("entity", out.entity);
  o.get("machine", out.machine);
  o.get("spans", out.spans);
  o.done();
}

void read(const In& j, const std::string& path, RunTimeline& out) {
  Object o(j, path);
  o.get("end_us", out.end_us);
  o.get("lanes", out.lanes);
  o.get("faults", out.faults);
  o.get("violation_at_us", out.violation_at_us);
  o.get("violation_entity", out.violation_entity);
  o.done();
}

void read(const In& j, const std::string& path, RunResult& out) {
  Object o(j, path);
  o.get("index", out.index);
  o.get("item", out.item);
  o.get("scenario", out.scenario);
  o.get("seed", out.seed);
  o.get("swarm", out.swarm);
  o.get("verdict", out.verdict);
  if (out.verdict != "pass" && out.verdict != "fail" && out.verdict != "error") {
    throw ReadError{
        o.path("verdict"),
        fmt::format("expected \"pass\", \"fail\" or \"error\", found \"{}\"", out.verdict)};
  }
  o.get("invariant", out.invariant);
  o.get("cause", out.cause);
  o.get("sentence", out.sentence);
  read_hex64(o.at("digest"), o.path("digest"), out.digest);
  o.get("simulated_us", out.simulated_us);
  o.get("wall_ms", out.wall_ms);
  o.get("repro", out.repro);
  o.get("replay_command", out.replay_command);
  o.get("timeline", out.timeline);
  o.get_if_present("control_plane", out.control_plane);
  o.done();
}

void read(const In& j, const std::string& path, InvariantResult& out) {
  Object o(j, path);
  o.get("name", out.name);
  o.get("runs_checked", out.runs_checked);
  o.get("violations", out.violations);
  o.get("first_index", out.first_index);
  o.get("first_item", out.first_item);
  o.get("first_seed", out.first_seed);
  o.get("first_repro", out.first_repro);
  o.get("first_sentence", out.first_sentence);
  o.done();
}

void read_seed_ranges(const In& j, const std::string& path,
                      std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) {
  std::vector<std::vector<std::uint64_t>> ranges;
  read(j, path, ranges);
  out.clear();
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", path, i);
    if (ranges[i].size() != 2) {
      throw ReadError{at,
                      fmt::format("expected [first, last], found {} numbers", ranges[i].size())};
    }
    if (ranges[i][0] > ranges[i][1]) {
      throw ReadError{at,
                      fmt::format("the range [{}, {}] runs backwards", ranges[i][0], ranges[i][1])};
    }
    if (!out.empty() && ranges[i][0] <= out.back().second) {
      throw ReadError{at, "the ranges must be sorted and must not overlap"};
    }
    out.emplace_back(ranges[i][0], ranges[i][1]);
  }
}

void read(const In& j, const std::string& path, WorstWindow& out) {
  Object o(j, path);
  o.get("item", out.item);
  o.get("service", out.window.service);
  o.get("client", out.window.client);
  o.get("from_us", out.window.from_us);
  o.get("to_us", out.window.to_us);
  o.get("open", out.window.open);
  o.get("healthy_us", out.window.healthy_us);
  o.get("plane_us", out.window.plane_us);
  o.get("why", out.window.why);
  o.get("cause", out.window.cause);
  o.done();
}

void read(const In& j, const std::string& path, AvailabilityFigures& out) {
  Object o(j, path);
  o.get("services", out.services);
  o.get("observed_us", out.observed_us);
  o.get("write_down_us", out.write_down_us);
  o.get("read_down_us", out.read_down_us);
  o.get("writes", out.writes);
  o.get("writes_ok", out.writes_ok);
  o.get("reads", out.reads);
  o.get("reads_ok", out.reads_ok);
  o.derived("write_share");
  o.derived("read_share");
  o.get("lowest_ppm", out.lowest_ppm);
  o.get("lowest_item", out.lowest_item);
  o.get("lowest_service", out.lowest_service);
  o.get("worst_windows", out.worst_windows);
  if (out.worst_windows.size() > AvailabilityFigures::kWindowsKept) {
    throw ReadError{o.path("worst_windows"),
                    fmt::format("at most {} windows are kept, found {}",
                                AvailabilityFigures::kWindowsKept, out.worst_windows.size())};
  }
  o.done();
}

void read(const In& j, const std::string& path, CampaignFigures& out) {
  Object o(j, path);
  o.get("control_plane", out.control_plane);
  o.get_if_present("build", out.build);
  o.get("runs", out.runs);
  o.get("passed", out.passed);
  o.get("failed", out.failed);
  o.get("errors", out.errors);
  o.get("bundled_runs", out.bundled_runs);
  o.get("swarm_runs", out.swarm_runs);
  read_seed_ranges(o.at("swarm_seeds"), o.path("swarm_seeds"), out.swarm_seeds);
  o.get("simulated_us", out.simulated_us);
  o.get("events", out.events);
  o.get("wall_ms", out.wall_ms);
  o.derived("runs_per_second");
  o.get_if_present("swarm_core_ms", out.swarm_core_ms);
  o.derived("swarm_seeds_per_core_hour");
  o.get("shards", out.shards);
  o.get("determinism_rechecks", out.determinism_rechecks);
  o.get("determinism_mismatches", out.determinism_mismatches);
  o.get_if_present("store_keys_unchecked", out.store_keys_unchecked);
  o.get_if_present("store_unchecked_runs", out.store_unchecked_runs);
  o.get_if_present("disruptions", out.disruptions);
  o.get_if_present("availability", out.availability);
  o.get("interrupted", out.interrupted);
  o.get("status", out.status);
  o.get_if_present("updated_at", out.updated_at);
  o.get("findings_by_kind", out.findings_by_kind);
  o.done();
}

void read(const In& j, const std::string& path, CampaignPlan& out) {
  Object o(j, path);
  o.get("scenario_set", out.scenario_set);
  o.get("bundled", out.bundled);
  o.get("swarm_seeds", out.swarm_seeds);
  o.get("shard_count", out.shard_count);
  o.get("shards", out.shards);
  if (out.shard_count == 0) throw ReadError{o.path("shard_count"), "expected at least 1, found 0"};
  if (out.shards.empty()) throw ReadError{o.path("shards"), "expected at least one shard"};
  for (std::size_t i = 0; i < out.shards.size(); ++i) {
    if (out.shards[i] >= out.shard_count) {
      throw ReadError{fmt::format("{}[{}]", o.path("shards"), i),
                      fmt::format("shard {} of a campaign of {} (shards count from 0)",
                                  out.shards[i], out.shard_count)};
    }
    if (i > 0 && out.shards[i] <= out.shards[i - 1]) {
      throw ReadError{fmt::format("{}[{}]", o.path("shards"), i),
                      "expected the shards sorted, each once"};
    }
  }
  o.done();
}

void read(const In& j, const std::string& path, CheckerSelfTest& out) {
  Object o(j, path);
  o.get("checker", out.checker);
  o.get("flagged", out.flagged);
  o.get("sentence", out.sentence);
  o.done();
}

void read(const In& j, const std::string& path, GuidedFigures& out) {
  Object o(j, path);
  o.get("runs", out.runs);
  o.get("replayed", out.replayed);
  o.get("kept", out.kept);
  o.get("failed", out.failed);
  o.get("corpus", out.corpus);
  o.get("features", out.features);
  o.get("corpus_dir", out.corpus_dir);
  o.done();
}

void read(const In& j, const std::string& path, CanaryResult& out) {
  Object o(j, path);
  o.get("mutant", out.mutant);
  o.get("caught", out.caught);
  o.get("invariant", out.invariant);
  o.get("seed", out.seed);
  o.get("wall_ms", out.wall_ms);
  o.get("sentence", out.sentence);
  o.get_if_present("missing", out.missing);
  o.get_if_present("self_tests", out.self_tests);
  o.done();
}

void read(const In& j, const std::string& path, PlaneReport& out) {
  Object o(j, path);
  o.get("campaign", out.campaign);
  o.get("invariants", out.invariants);
  o.get("coverage", out.coverage);
  o.get_if_present("canary", out.canary);
  o.done();
}

// `planes`: present exactly when campaign.control_plane names several, with
// one entry per name, read in the campaign's order.
void read_planes(Object& o, Report& out) {
  const std::vector<std::string> names = plane_names_of(out.campaign);
  const In* planes = o.find("planes");
  if (planes == nullptr) {
    if (names.size() == 1) return;
    throw ReadError{"the top level",
                    fmt::format("the key \"planes\" is missing, and campaign.control_plane names "
                                "{} planes (\"{}\")",
                                names.size(), out.campaign.control_plane)};
  }
  if (!planes->is_object()) wrong(*planes, "planes", "an object");
  if (planes->size() != names.size() || names.size() < 2) {
    throw ReadError{"planes", fmt::format("expected one entry for each plane of "
                                          "campaign.control_plane (\"{}\"), found {}",
                                          out.campaign.control_plane, planes->size())};
  }
  for (const std::string& name : names) {
    auto it = planes->find(name);
    if (it == planes->end()) {
      throw ReadError{"planes",
                      fmt::format("the plane \"{}\" of campaign.control_plane is missing", name)};
    }
    const std::string path = "planes." + name;
    PlaneReport plane;
    read(*it, path, plane);
    if (plane.campaign.control_plane != name) {
      throw ReadError{
          path + ".campaign.control_plane",
          fmt::format("expected \"{}\", found \"{}\"", name, plane.campaign.control_plane)};
    }
    out.planes.push_back(std::move(plane));
  }
}

void read_report(const In& j, Report& out) {
  Object o(j, "");
  // The version first: a file of another version is refused as such, not
  // for the first key that moved.
  o.get("schema_version", out.schema_version);
  if (out.schema_version != kReportSchemaVersion) {
    throw ReadError{"schema_version",
                    fmt::format("the file has schema version {}, this unwedge reads version {}; "
                                "read it with the unwedge that wrote it, or run its shard again "
                                "with this one",
                                out.schema_version, kReportSchemaVersion)};
  }
  o.get("campaign", out.campaign);
  o.get_if_present("plan", out.plan);
  o.get("invariants", out.invariants);
  o.get("coverage", out.coverage);
  o.get("scenarios", out.scenarios);
  o.get("failures", out.failures);
  o.get("source_coverage", out.source_coverage);
  o.get_if_present("canary", out.canary);
  o.get_if_present("guided", out.guided);
  read_planes(o, out);
  // Made again from the rest whenever it is written.
  o.find("verdict");
  o.done();
}

namespace {

constexpr const char* kReportFix =
    "it is not a report.json this unwedge wrote: run its shard again (unwedge nightly --shard i/N) "
    "to write it anew";

}  // namespace

std::string to_json(const Report& report) {
  JsonOut scenarios = JsonOut::array();
  for (const RunResult& r : report.scenarios)
    scenarios.push_back(run_out(r));
  JsonOut failures = JsonOut::array();
  for (const RunResult& r : report.failures)
    failures.push_back(run_out(r));
  JsonOut invariants = JsonOut::array();
  for (const InvariantResult& i : report.invariants)
    invariants.push_back(invariant_out(i));
  JsonOut json = {{"schema_version", report.schema_version},
                  {"verdict", verdict_out(report)},
                  {"campaign", campaign_out(report.campaign)},
                  {"invariants", invariants},
                  {"coverage", coverage_out(report.coverage, false)},
                  {"scenarios", scenarios},
                  {"failures", failures},
                  {"source_coverage", report.source_coverage}};
  // Only when known: a report built by hand has none.
  if (report.plan) json["plan"] = plan_out(*report.plan);
  // Only when a canary ran: a report without one reads as before.
  if (report.canary) json["canary"] = canary_out(*report.canary);
  // Only when a guided search ran, likewise.
  if (report.guided) json["guided"] = guided_out(*report.guided);
  // Only in a campaign of several planes, likewise.
  if (!report.planes.empty()) json["planes"] = planes_out(report.planes);
  return dump(json, 2) + "\n";
}

std::string canary_to_json_line(const CanaryResult& canary) {
  return dump(canary_out(canary), -1);
}

core::Result<CanaryResult> parse_canary(std::string_view text, std::string_view what) {
  CanaryResult canary;
  core::Status status = parse_strict(text, what, "the canary sent a broken result",
                                     [&](const In& j) { reports::read(j, "canary", canary); });
  if (!status) return status.error();
  return canary;
}

core::Result<Report> parse_report(std::string_view text, std::string_view file_name) {
  Report report;
  core::Status status =
      parse_strict(text, file_name, kReportFix, [&](const In& j) { read_report(j, report); });
  if (!status) return status.error();
  return report;
}

std::string coverage_to_json_line(const Coverage& coverage) {
  return dump(coverage_out(coverage, true), -1);
}

core::Result<Coverage> parse_coverage(std::string_view text, std::string_view what) {
  Coverage coverage;
  core::Status status = parse_strict(text, what, "the worker sent a broken result",
                                     [&](const In& j) { reports::read(j, "coverage", coverage); });
  if (!status) return status.error();
  return coverage;
}

std::string timeline_to_json_line(const RunTimeline& timeline) {
  return dump(timeline_out(timeline), -1);
}

core::Result<RunTimeline> parse_timeline(std::string_view text, std::string_view what) {
  RunTimeline timeline;
  core::Status status = parse_strict(text, what, "the worker sent a broken result",
                                     [&](const In& j) { reports::read(j, "timeline", timeline); });
  if (!status) return status.error();
  return timeline;
}

}  // namespace unwedge::reports
