// Report: what a nightly campaign exercised, what broke and how to reproduce
// it, as plain data. `unwedge nightly` builds one per shard, `unwedge merge`
// adds shards together, and every output file is rendered from it alone:
// report.json (reports/report_json.hpp, schema in docs/REPORTS.md),
// report.html, junit.xml and summary.md.
//
// Everything here is counted, so shards merge by adding: two reports of
// disjoint seeds merge into the report of their union. Names are strings (not
// ids of one build's model), so a report reads the same in any build, and
// the universe is listed with zero counts (every legal transition, every
// rule), so what was never exercised is named, not merely absent.
//
//   Report total = shards.front();
//   for (std::size_t i = 1; i < shards.size(); ++i) merge_into(total, shards[i]);
//   fmt::print("{}", summary_markdown(total));
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "reports/availability_figures.hpp"

namespace unwedge::reports {

// Bumped whenever a reader of the previous version would misread a file.
inline constexpr int kReportSchemaVersion = 1;

// Dwell times in power-of-two buckets of seconds: bucket b holds dwells in
// [2^(b-1), 2^b) s, bucket 0 those under 1 s (as sim::DwellHistogram).
struct DwellBuckets {
  static constexpr std::size_t kBuckets = 24;
  std::array<std::uint64_t, kBuckets> counts{};
  core::TimeUs max_us = 0;
  // The most of a completed stay counted against the state's bound (no
  // fault active, the control plane's timers trusted): how close the state
  // came to overstaying; 0 for an unbounded one.
  core::TimeUs judged_max_us = 0;

  std::uint64_t total() const;
  // An upper bound on the `fraction` percentile (0.5, 0.99), in us; 0 when empty.
  core::TimeUs percentile_bound_us(double fraction) const;
  friend bool operator==(const DwellBuckets&, const DwellBuckets&) = default;
};

struct StateCoverage {
  std::string name;
  bool healthy = false;
  bool stable = false;
  std::optional<core::TimeUs> dwell_max_us;  // the state's bound; nullopt: unbounded
  std::uint64_t entered = 0;                 // times an entity was seen entering it
  DwellBuckets dwell;                        // completed stays
  bool unstable() const { return !stable; }
  friend bool operator==(const StateCoverage&, const StateCoverage&) = default;
};

struct TransitionCoverage {
  std::string from;
  std::string to;
  std::string cause;        // the table's cause; empty for refused ones
  bool legal = true;        // in the machine's table (false: refused, a finding)
  std::uint64_t taken = 0;  // 0: a legal transition never taken
  friend bool operator==(const TransitionCoverage&, const TransitionCoverage&) = default;
};

struct MachineCoverage {
  std::string name;
  std::string initial;
  std::vector<StateCoverage> states;            // in the machine's order
  std::vector<TransitionCoverage> transitions;  // the machine's table, then refused ones by name
  friend bool operator==(const MachineCoverage&, const MachineCoverage&) = default;
};

struct RuleCoverage {
  std::string name;
  std::string action;       // empty: "do nothing"
  std::uint64_t fired = 0;  // cells decided by this rule, counted per decision
  friend bool operator==(const RuleCoverage&, const RuleCoverage&) = default;
};

// One decision-table cell seen: state x raised signals -> outcome.
struct CellCoverage {
  std::string state;
  std::vector<std::string> signals;  // sorted by name
  std::string outcome;             // "act Failover", "nothing", "uncovered", "conflict", "invalid"
  std::vector<std::string> rules;  // the deciding rules
  std::uint64_t seen = 0;          // decisions made in this cell
  friend bool operator==(const CellCoverage&, const CellCoverage&) = default;
};

struct TableCoverage {
  std::string name;
  std::string machine;
  std::vector<RuleCoverage> rules;  // in the table's order
  std::vector<CellCoverage> cells;  // sorted by state, then signals
  friend bool operator==(const TableCoverage&, const TableCoverage&) = default;
};

struct StepCoverage {
  std::string name;
  // By verdict: "next", "wait", "finish", "end", "error".
  std::vector<std::pair<std::string, std::uint64_t>> verdicts;  // sorted by verdict
  friend bool operator==(const StepCoverage&, const StepCoverage&) = default;
};

struct ActionCoverage {
  std::string name;
  std::uint64_t started = 0;
  std::vector<StepCoverage> steps;  // in the action's order
  friend bool operator==(const ActionCoverage&, const ActionCoverage&) = default;
};

struct ProbeCoverage {
  std::string name;
  std::string file;
  int line = 0;
  std::uint64_t hits = 0;
  friend bool operator==(const ProbeCoverage&, const ProbeCoverage&) = default;
};

struct NamedCount {
  std::string name;
  std::uint64_t count = 0;
  friend bool operator==(const NamedCount&, const NamedCount&) = default;
};

// Disruptions the control plane decided (failovers, restarts, replacements,
// fences, demotions) of one kind for one cause: the rule that fired.
struct DisruptionCount {
  std::string kind;         // "failover"
  std::string cause;        // "failover-unreachable-leader"
  std::uint64_t count = 0;  // decisions
  std::uint64_t runs = 0;   // runs with at least one
  friend bool operator==(const DisruptionCount&, const DisruptionCount&) = default;
};

// Adds `count` into `into`, kept sorted by kind then cause.
void add_disruptions(std::vector<DisruptionCount>& into, const DisruptionCount& count);
// "failover 3 (failover-unreachable-leader 2, planned-failover 1); restart 1
// (restart-unreachable 1)", or "none".
std::string disruptions_in_brief(const std::vector<DisruptionCount>& counts);

// The crash exploration (sim/crash_exploration.hpp), run once per campaign
// by its first shard.
struct CrashCoverage {
  std::uint64_t stories = 0;
  std::uint64_t transactions = 0;
  std::uint64_t crash_points = 0;
  std::uint64_t actions_redelivered = 0;
  std::uint64_t calls_redelivered = 0;
  std::uint64_t divergences = 0;
  // The first divergences' sentences, each a finding.
  static constexpr std::size_t kFindingsKept = 20;
  std::vector<std::string> findings;
  friend bool operator==(const CrashCoverage&, const CrashCoverage&) = default;
};

struct Coverage {
  std::vector<MachineCoverage> machines;  // by name
  std::vector<TableCoverage> tables;      // by name
  std::vector<ActionCoverage> actions;    // by name
  std::vector<NamedCount> faults;         // every fault kind, by name, 0 when never injected
  std::vector<ProbeCoverage> probes;      // every probe site, by name
  // The "sometimes" conditions the swarm's runs reached (a request during
  // an action or a fault, an action during a fault, on the same service;
  // sim/happening_log.hpp), each named as a scenario's `requires:` entry
  // writes it, with the runs that reached it; by name, reached ones only.
  std::vector<NamedCount> sometimes;
  CrashCoverage crashes;
  friend bool operator==(const Coverage&, const Coverage&) = default;
};

struct InvariantResult {
  std::string name;                // "no_lost_writes"
  std::uint64_t runs_checked = 0;  // runs that ended with a verdict
  std::uint64_t violations = 0;
  // The violating run with the lowest campaign index, if any.
  std::optional<std::uint64_t> first_index;
  std::string first_item;  // "swarm seed 17"
  std::uint64_t first_seed = 0;
  std::string first_repro;     // relative to the output directory
  std::string first_sentence;  // the violation, in a sentence
  friend bool operator==(const InvariantResult&, const InvariantResult&) = default;
};

// A run as the timeline chart draws it: entities as lanes, their states as
// spans, faults as spans, the violation as a mark.
struct TimelineSpan {
  core::TimeUs from_us = 0;
  core::TimeUs to_us = 0;
  std::string label;  // the state, or the fault
  bool healthy = false;
  bool stable = false;
  friend bool operator==(const TimelineSpan&, const TimelineSpan&) = default;
};

struct TimelineLane {
  std::string entity;   // "db1-a"
  std::string machine;  // "server"
  std::vector<TimelineSpan> spans;
  friend bool operator==(const TimelineLane&, const TimelineLane&) = default;
};

struct RunTimeline {
  core::TimeUs end_us = 0;
  std::vector<TimelineLane> lanes;
  std::vector<TimelineSpan> faults;
  std::optional<core::TimeUs> violation_at_us;
  std::string violation_entity;
  friend bool operator==(const RunTimeline&, const RunTimeline&) = default;
};

// A run that did not pass, or a bundled scenario (which get a line each).
struct RunResult {
  std::uint64_t index = 0;  // the item's place in the whole campaign
  std::string item;         // "swarm seed 17", "scenario scenarios/x.yaml"
  std::string scenario;     // the scenario's name
  std::uint64_t seed = 0;
  bool swarm = false;
  std::string verdict;    // "pass", "fail", "error"
  std::string invariant;  // the violated one; empty: none
  std::string cause;      // errors: why no verdict
  std::string sentence;   // why it did not pass; empty when it passed
  std::uint64_t digest = 0;
  core::TimeUs simulated_us = 0;
  std::int64_t wall_ms = 0;
  std::string repro;                    // relative to the output directory; empty: none
  std::string replay_command;           // "unwedge run repro/swarm-seed-17.yaml"
  std::optional<RunTimeline> timeline;  // failing runs only
  // The plane it ran, in a campaign of several planes; empty in a campaign
  // of one (the campaign's plane).
  std::string control_plane;
  friend bool operator==(const RunResult&, const RunResult&) = default;
};

struct CampaignFigures {
  std::string control_plane;  // "postgres"
  // The program that ran it: "unwedge 0.1.0 (g++ 12.2.0, RelWithDebInfo)".
  std::string build;
  std::uint64_t runs = 0;
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
  std::uint64_t errors = 0;
  std::uint64_t bundled_runs = 0;
  std::uint64_t swarm_runs = 0;
  // The swarm seeds run, as sorted disjoint inclusive ranges [first, last].
  std::vector<std::pair<std::uint64_t, std::uint64_t>> swarm_seeds;
  core::TimeUs simulated_us = 0;
  std::uint64_t events = 0;
  std::int64_t wall_ms = 0;  // summed over shards (each shard's elapsed time)
  // The swarm runs' own wall time, each run on one core, summed over workers
  // and shards: the core time the swarm took, for swarm_seeds_per_core_hour()
  // (0 in files written before it).
  std::int64_t swarm_core_ms = 0;
  std::uint32_t shards = 1;  // shards merged into this report
  std::uint64_t determinism_rechecks = 0;
  std::uint64_t determinism_mismatches = 0;
  // Keys of the consensus store's histories too large to check for
  // linearizability (not checked, never passed), and the runs that had any.
  std::uint64_t store_keys_unchecked = 0;
  std::uint64_t store_unchecked_runs = 0;
  // Disruptions the control plane decided, by kind then cause.
  std::vector<DisruptionCount> disruptions;
  // What the clients felt (absent in files written before it).
  AvailabilityFigures availability;
  bool interrupted = false;  // some shard stopped before its planned work
  // "running", "finished", "finished (time budget spent)", "interrupted by
  // signal 2"; merged: "finished" only if every shard finished.
  std::string status;
  // When the report was written, UTC ("2026-12-06T01:02:03Z"): a snapshot
  // of a campaign killed while "running" says when it was last alive.
  // Merged: the latest of the shards'. Empty in files written before it.
  std::string updated_at;
  // Runs that did not pass, by violated invariant, "error: <cause>",
  // "determinism" or "expected violation missing"; by name.
  std::vector<NamedCount> findings_by_kind;
  double runs_per_second() const;
  // Swarm seeds one core runs in an hour, from the swarm runs alone (the
  // nightly's throughput, whatever the number of workers); 0 when unknown.
  double swarm_seeds_per_core_hour() const;
  friend bool operator==(const CampaignFigures&, const CampaignFigures&) = default;
};

// One checker shown a recorded history that breaks it (cli/canary_checks.hpp):
// it must flag it.
struct CheckerSelfTest {
  std::string checker;   // "no_lost_writes", "determinism"
  bool flagged = false;  // the checker said the history breaks it
  std::string sentence;  // what it said, or that it said nothing
  friend bool operator==(const CheckerSelfTest&, const CheckerSelfTest&) = default;
};

// The canary (docs/HARNESS_POWER.md): a bug planted in a purpose-built
// control plane, on a scenario aimed at it, that the harness must catch in
// every campaign, and each checker's self-test; run once by the first
// shard. Not caught, a self-test not flagged, or no canary at all: the
// harness itself is broken (reports/verdict.hpp), which is not a finding.
struct CanaryResult {
  std::string mutant;     // the planted bug: "wedged_in_draining"
  bool caught = false;    // caught by its invariant, and every self-test flagged
  std::string invariant;  // the invariant that fired; empty: none
  std::uint64_t seed = 0;
  std::int64_t wall_ms = 0;
  std::string sentence;  // what the harness said, or why the canary gave no verdict
  bool missing = false;  // the canary program was not there: nothing was checked
  std::vector<CheckerSelfTest> self_tests;
  friend bool operator==(const CanaryResult&, const CanaryResult&) = default;
};

// "canary wedged_in_draining: caught by bounded_dwell on seed 1 in 52 ms;
// 7 checkers each flagged the history that breaks it", or what is wrong:
// the canary missing or not runnable, one that gave no result, its bug not
// caught, a checker that flagged nothing.
std::string describe(const CanaryResult& canary);

// One control plane's part of a campaign of several (`unwedge nightly
// --control-plane a,b`): the figures of the runs on it, the invariants as
// those runs checked them, and the coverage of its own model (its
// machines, tables and actions; the fault kinds its fleet faces).
struct PlaneReport {
  // Its runs' figures; `control_plane` is its name, `wall_ms` the wall time
  // its runs took, summed over runs; `build`, `shards`, `interrupted` and
  // `status` are the campaign's.
  CampaignFigures campaign;
  std::vector<InvariantResult> invariants;  // every invariant, in sim::Invariant order
  Coverage coverage;
  // The campaign's canary, when it is this plane's.
  std::optional<CanaryResult> canary;
  friend bool operator==(const PlaneReport&, const PlaneReport&) = default;
};

// The guided search's part of a campaign (cli/guided_feeder.hpp): inputs
// that mutate scenarios which reached something new, with the plane's
// coverage as the feedback.
struct GuidedFigures {
  std::uint64_t runs = 0;      // guided inputs run, replays included
  std::uint64_t replayed = 0;  // of them: last night's corpus and libFuzzer inputs, as they were
  std::uint64_t kept = 0;      // runs that reached a feature first, or more cheaply
  std::uint64_t failed = 0;    // runs that did not pass (findings, each among the failures)
  std::uint64_t corpus = 0;    // scenarios in the corpus at the end
  // Distinct features reached, by swarm and guided runs alike; merged: the
  // largest shard's (shards keep corpora of their own).
  std::uint64_t features = 0;
  std::string corpus_dir;  // where the corpus was kept; empty: nowhere
  friend bool operator==(const GuidedFigures&, const GuidedFigures&) = default;
};

// "guided search: 412 runs (30 replayed), 57 kept, corpus 88, 1,204
// features, 0 failed"
std::string describe(const GuidedFigures& guided);

// What a campaign set out to run, carried by each shard's report so that
// `unwedge merge` can tell the shards of one campaign from another's and
// see that each is there exactly once (cli/merge_command.cpp). The control
// plane and the build are the campaign figures'.
struct CampaignPlan {
  // The bundled scenarios: a digest of each file's path and contents, as
  // 16 hex digits, and how many the whole campaign runs.
  std::string scenario_set;
  std::uint64_t bundled = 0;
  // Swarm seeds 1..N; absent: as many as a time budget allows.
  std::optional<std::uint64_t> swarm_seeds;
  std::uint64_t shard_count = 1;
  // The shards this report holds, 0-based and sorted: one for a shard's own
  // report, several once merged.
  std::vector<std::uint64_t> shards;
  friend bool operator==(const CampaignPlan&, const CampaignPlan&) = default;
};

struct Report {
  int schema_version = kReportSchemaVersion;
  CampaignFigures campaign;
  // Absent in files written before it, and in reports built by hand.
  std::optional<CampaignPlan> plan;
  std::vector<InvariantResult> invariants;  // every invariant, in sim::Invariant order
  Coverage coverage;
  std::vector<RunResult> scenarios;  // every bundled scenario run, by index
  std::vector<RunResult> failures;   // the failing runs with the lowest indices, by index
  // Where an llvm-cov summary of the build lives, relative to the output
  // directory; empty: none.
  std::string source_coverage;
  // The canary, when this campaign (or one of its merged shards) ran it.
  std::optional<CanaryResult> canary;
  // The guided search, when the campaign ran one.
  std::optional<GuidedFigures> guided;
  // A campaign of several planes: each plane's part, in the order the
  // campaign named them (`campaign.control_plane` is their names joined by
  // commas: "postgres,lease"), and `coverage` is combined_coverage() of
  // theirs. Empty: a campaign of one plane, which the rest describes.
  std::vector<PlaneReport> planes;
  friend bool operator==(const Report&, const Report&) = default;
};

inline constexpr std::size_t kFailuresKept = 50;

// Adds `other` (a report of disjoint runs) into `into`: counts add up,
// universes are united by name (lists by name stay sorted, lists in a
// model's order keep it with newcomers last), swarm seed ranges are joined,
// failures stay the kFailuresKept lowest indices, each invariant's first
// violation is the one of lowest index, and of two canaries one not caught
// is kept. A campaign of several planes merges each plane's part with the
// part of the same name.
void merge_into(Report& into, const Report& other);
// The coverage part of merge_into, for adding one run's coverage.
void add_coverage(Coverage& into, const Coverage& from);

// The coverage of a campaign of several planes, from each plane's: the
// machines, tables and actions of each under its plane's name ("lease/keeper",
// a table's machine too), so parts of two models that share a name stay
// apart; fault and probe counts and the crash exploration's figures summed.
Coverage combined_coverage(const std::vector<PlaneReport>& planes);

// The plane names of a campaign's `control_plane` ("postgres,lease" ->
// {"postgres", "lease"}); one name for a campaign of one plane.
std::vector<std::string> plane_names_of(const CampaignFigures& campaign);

}  // namespace unwedge::reports
