#include "cli/campaign.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "cli/report_builder.hpp"
#include "cli/worker_pool.hpp"
#include "cli/worker_result.hpp"
#include "cli/write_all.hpp"
#include "cli/write_reports.hpp"
#include "core/assert.hpp"
#include "reports/coverage_collector.hpp"
#include "reports/report_json.hpp"
#include "reports/shell_word.hpp"
#include "reports/timeline_recorder.hpp"
#include "sim/happening_log.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/step_fault_context.hpp"

namespace unwedge::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{100};
constexpr milliseconds kReproWallMax = std::chrono::seconds(60);
// The worker pool's index for the crash exploration: no item has it.
constexpr std::uint64_t kCrashExplorationIndex = ~std::uint64_t{0};
// ... and for the canary.
constexpr std::uint64_t kCanaryIndex = ~std::uint64_t{0} - 1;

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void note_stop_signal(int signal_number) {
  g_stop_signal = signal_number;
}

// SIGINT, SIGTERM and SIGHUP (a closed terminal or SSH session) stop the
// campaign instead of the process, and a worker
// that died with its pipe open does not kill the parent with SIGPIPE; the
// previous handlers come back when the campaign returns.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction note {};
    note.sa_handler = note_stop_signal;
    sigemptyset(&note.sa_mask);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    note_unless_ignored(SIGINT, note, old_int_);
    note_unless_ignored(SIGTERM, note, old_term_);
    note_unless_ignored(SIGHUP, note, old_hup_);
    ::sigaction(SIGPIPE, &ignore, &old_pipe_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGHUP, &old_hup_, nullptr);
    ::sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  int received() const { return g_stop_signal; }

 private:
  // A signal ignored on purpose (`nohup`, a script's `&`) stays ignored.
  static void note_unless_ignored(int signal_number, const struct sigaction& note,
                                  struct sigaction& old) {
    ::sigaction(signal_number, nullptr, &old);
    if (old.sa_handler != SIG_IGN) ::sigaction(signal_number, &note, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_hup_ {};
  struct sigaction old_pipe_ {};
};

// runs.jsonl: each line goes to the kernel in one write as its run finishes,
// so a parent killed outright loses no finished run.
class RunsLog {
 public:
  static core::Result<RunsLog> open(const std::filesystem::path& path) {
    if (core::Status target = check_output_path(path); !target) return target.error();
    const int fd = ::open(path.c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      return core::Error{
          fmt::format("{}: cannot be opened for writing: {}", path.string(), std::strerror(errno))};
    }
    return RunsLog(fd);
  }
  RunsLog(RunsLog&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RunsLog& operator=(RunsLog&&) = delete;
  ~RunsLog() {
    if (fd_ >= 0) ::close(fd_);
  }

  core::Status append(const std::string& line) {
    if (!write_all(fd_, line + "\n")) {
      return core::Error{fmt::format("runs.jsonl: cannot be written: {}", std::strerror(errno))};
    }
    return core::Status::Ok();
  }

 private:
  explicit RunsLog(int fd) : fd_(fd) {}
  int fd_;
};

// One past the last global index the campaign may run.
std::uint64_t items_end(const CampaignSettings& settings, const CampaignItems& items) {
  std::uint64_t swarm = 0;
  if (items.swarm) {
    if (settings.swarm_seeds) {
      swarm = *settings.swarm_seeds;
    } else if (settings.budget) {
      swarm = kSwarmSeedsMax;
    }
  }
  return items.bundled.size() + swarm;
}

// What `unwedge merge` checks shards against: seeds 1..N with --seeds, none
// without seeds or budget, and as many as the budget allows otherwise.
reports::CampaignPlan plan_of(const CampaignSettings& settings, const CampaignItems& items) {
  reports::CampaignPlan plan{.scenario_set = items.scenario_set,
                             .bundled = items.bundled.size(),
                             .shard_count = settings.shard.count,
                             .shards = {settings.shard.index}};
  if (!items.swarm) {
    plan.swarm_seeds = 0;
  } else if (settings.swarm_seeds || !settings.budget) {
    plan.swarm_seeds = settings.swarm_seeds.value_or(0);
  }
  return plan;
}

std::uint64_t owned_below(const Shard& shard, std::uint64_t end) {
  return end > shard.index ? (end - shard.index + shard.count - 1) / shard.count : 0;
}

core::Result<std::string> write_repro(const std::filesystem::path& out_dir,
                                      const CampaignItem& item, const sim::Scenario& scenario,
                                      const ReproWriter& writer) {
  const sim::Scenario written = writer.shrink ? writer.shrink(scenario) : scenario;
  const std::string relative = "repro/" + repro_stem(item.label) + writer.extension;
  if (core::Status status = write_file_atomically(out_dir / relative, writer.to_file_text(written));
      !status) {
    return status.error();
  }
  return relative;
}

// Runs the scenario again and compares digests: a run is a pure function
// of its scenario, so a difference is a finding.
void recheck_determinism(const sim::Scenario& scenario, WorkerResult& result) {
  RunRecord& record = result.record;
  result.rechecked = true;
  const std::uint64_t again = sim::run_scenario(scenario).run.digest;
  if (again == record.digest) return;
  result.mismatch = true;
  const bool failed_already = record.verdict != Verdict::kPass;
  record.verdict = Verdict::kFail;
  if (!failed_already) record.invariant = "determinism";
  const std::string sentence =
      fmt::format("the same scenario run twice gave different digests: {:016x}, then {:016x}",
                  record.digest, again);
  record.sentence = failed_already ? record.sentence + "; and " + sentence : sentence;
}

// Each condition the run reached, once, by its text (sorted, as a
// report's lists by name are).
std::vector<reports::NamedCount> sometimes_reached(const sim::HappeningLog& census) {
  std::vector<reports::NamedCount> reached;
  for (const sim::Requirement& r : census.sometimes())
    reached.push_back({.name = sim::flow_text(r), .count = 1});
  std::sort(
      reached.begin(), reached.end(),
      [](const reports::NamedCount& a, const reports::NamedCount& b) { return a.name < b.name; });
  return reached;
}

void judge(const CampaignItem& item, const sim::Scenario& scenario,
           const CampaignSettings& settings, const CampaignItems& items, const ReproWriter& writer,
           WorkerResult& result) {
  RunRecord& record = result.record;
  record.seed = scenario.config.seed;
  result.scenario = scenario.name;
  const core::ControlPlaneModel* model =
      items.planes.empty() ? items.model : items.planes.at(item.plane).model;
  std::optional<reports::CoverageCollector> coverage;
  if (model != nullptr) coverage.emplace(*model);
  reports::TimelineRecorder timeline;
  std::vector<sim::RunObserver*> observers = {&timeline};
  if (coverage) observers.push_back(&*coverage);
  // The swarm's census of the "sometimes" conditions its runs reach.
  std::optional<sim::HappeningLog> census;
  // And what the guided search learns beyond the plane's coverage.
  std::optional<sim::StepFaultContext> contexts;
  if (coverage && (item.swarm || item.guided)) {
    observers.push_back(&census.emplace(scenario.config));
    observers.push_back(&contexts.emplace());
  }
  sim::RunObservers observe(std::move(observers));
  const sim::ScenarioOutcome outcome = sim::run_scenario(scenario, {}, nullptr, &observe);
  // Read now: the probes count on in the re-check and the shrinker's runs.
  if (coverage) result.coverage = coverage->coverage();
  if (census) result.coverage->sometimes = sometimes_reached(*census);
  if (contexts) result.contexts = contexts->features();
  record.digest = outcome.run.digest;
  record.simulated_us = outcome.run.simulated_us;
  record.events = outcome.run.events;
  record.store_keys_unchecked = outcome.run.store_keys_unchecked;
  for (const sim::DisruptionTally& d : outcome.run.disruptions) {
    record.disruptions.push_back({.kind = d.kind, .cause = d.cause, .count = d.count, .runs = 1});
  }
  record.availability = outcome.run.availability;
  record.worst_windows = outcome.run.worst_windows;
  if (!outcome.passed) {
    record.verdict = Verdict::kFail;
    if (outcome.run.finding) {
      record.invariant = sim::to_string(outcome.run.finding->invariant);
    } else if (!outcome.disruptions_over.empty()) {
      record.invariant = "disruptions_max";
    }
    if (outcome.availability_missed) record.invariant = "availability";
    record.sentence = outcome.mismatch;
  }
  if (record.index % kDeterminismRecheckEvery == 0) recheck_determinism(scenario, result);
  if (record.verdict == Verdict::kPass) return;
  result.timeline = timeline.timeline(outcome.run);
  if (!writer.to_file_text) return;
  core::Result<std::string> repro = write_repro(settings.out_dir, item, scenario, writer);
  if (repro) {
    record.repro = *repro;
  } else {
    record.sentence +=
        fmt::format(" (its scenario could not be written: {})", repro.error().message);
  }
}

// In a worker: make the item's scenario, run it, judge it.
WorkerResult run_item(std::uint64_t index, const CampaignSettings& settings,
                      const CampaignItems& items, const ReproWriter& writer) {
  const Clock::time_point start = Clock::now();
  const CampaignItem item = item_of(settings, items, index);
  WorkerResult result{.record = {.index = index,
                                 .item = item.label,
                                 .seed = item.seed,
                                 .swarm = item.swarm,
                                 .guided = item.guided}};
  RunRecord& record = result.record;
  try {
    core::Result<sim::Scenario> scenario = item.make();
    if (scenario) {
      judge(item, *scenario, settings, items, writer, result);
    } else {
      record.verdict = Verdict::kError;
      record.cause = "not_made";
      record.sentence =
          fmt::format("{} could not be made: {}", item.label, scenario.error().message);
    }
  } catch (const std::exception& e) {
    record.verdict = Verdict::kError;
    record.cause = "threw";
    record.sentence = fmt::format("{} threw: {}", item.label, e.what());
  } catch (...) {
    record.verdict = Verdict::kError;
    record.cause = "threw";
    record.sentence = fmt::format("{} threw something that is not a std::exception", item.label);
  }
  record.wall_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
  return result;
}

// In a worker: the crash exploration, whose failures are divergences.
std::string explore_crashes_line(const CampaignItems& items) {
  reports::CrashCoverage crashes;
  try {
    crashes = items.explore_crashes();
  } catch (const std::exception& e) {
    crashes.divergences = 1;
    crashes.findings.push_back(fmt::format("the crash exploration threw: {}", e.what()));
  }
  return to_crashes_line(crashes);
}

// In a worker: the canary, whose result travels as its JSON line.
std::string canary_line(const CampaignItems& items) {
  reports::CanaryResult canary;
  try {
    canary = items.canary();
  } catch (const std::exception& e) {
    canary.sentence = fmt::format("the canary threw: {}", e.what());
  }
  return reports::canary_to_json_line(canary);
}

reports::CanaryResult canary_of(const WorkerPool::Event& event) {
  std::string why = event.timed_out ? std::string("it ran past the wall-time limit") : event.death;
  if (event.result) {
    core::Result<reports::CanaryResult> canary =
        reports::parse_canary(*event.result, "the canary's result");
    if (canary) return *canary;
    why = canary.error().message;
  }
  // describe() says it gave no result; this says why.
  return {.sentence = why};
}

// In the parent: an item whose worker gave no result. Its scenario is
// written from a process of its own, since making it may be what crashed.
RunRecord unfinished_record(const WorkerPool::Event& event, WorkerPool& pool,
                            const CampaignSettings& settings, const CampaignItems& items,
                            const ReproWriter& writer) {
  const CampaignItem item = item_of(settings, items, event.index);
  RunRecord record{.index = event.index,
                   .item = item.label,
                   .seed = item.seed,
                   .swarm = item.swarm,
                   .guided = item.guided,
                   .verdict = Verdict::kError,
                   .wall_ms = event.wall.count()};
  if (event.timed_out) {
    record.cause = "timed_out";
    const milliseconds limit = settings.run_wall_max;
    record.sentence = fmt::format(
        "{} gave no result within {}; its worker was killed", item.label,
        limit < std::chrono::seconds(1) ? fmt::format("{} ms", limit.count()) : format_wall(limit));
  } else {
    record.cause = "worker_died";
    record.sentence =
        fmt::format("worker died ({}) {} {}", event.death,
                    event.announced ? "while running" : "before starting", item.label);
  }
  if (!writer.to_file_text) return record;
  const std::string relative = "repro/" + repro_stem(item.label) + writer.extension;
  std::optional<int> written = pool.run_isolated(
      [&] {
        core::Result<sim::Scenario> scenario = item.make();
        if (!scenario) return 1;
        return write_repro(settings.out_dir, item, *scenario, writer) ? 0 : 1;
      },
      kReproWallMax);
  if (written == 0) record.repro = relative;
  return record;
}

WorkerResult result_of(const WorkerPool::Event& event, WorkerPool& pool,
                       const CampaignSettings& settings, const CampaignItems& items,
                       const ReproWriter& writer) {
  if (!event.result) return {.record = unfinished_record(event, pool, settings, items, writer)};
  core::Result<WorkerResult> result = parse_result_line(*event.result);
  if (result) return *result;
  // Counted as the item it is: a swarm seed's broken result is that seed's.
  const CampaignItem item = item_of(settings, items, event.index);
  return {.record = RunRecord{.index = event.index,
                              .item = item.label,
                              .seed = item.seed,
                              .swarm = item.swarm,
                              .guided = is_guided_index(event.index),
                              .verdict = Verdict::kError,
                              .cause = "bad_result",
                              .sentence = result.error().message}};
}

reports::CrashCoverage crashes_of(const WorkerPool::Event& event) {
  std::string why = event.timed_out ? std::string("it ran past the wall-time limit") : event.death;
  if (event.result) {
    core::Result<reports::CrashCoverage> crashes = parse_crashes_line(*event.result);
    if (crashes) return *crashes;
    why = crashes.error().message;
  }
  return {.divergences = 1,
          .findings = {fmt::format("the crash exploration gave no result: {}", why)}};
}

// Records a finished run everywhere it goes; a record that cannot be
// written to runs.jsonl is reported once and still counted.
class Recorder {
 public:
  Recorder(RunsLog log, const CampaignSettings& settings, const CampaignItems& items)
      : builder(planes_of(items)), log_(std::move(log)), settings_(settings), items_(items) {}

  void record(const WorkerResult& result) {
    const RunRecord& record = result.record;
    builder.add(result, items_.planes.empty() ? 0 : item_of(settings_, items_, record.index).plane);
    if (core::Status appended = log_.append(to_json_line(record)); !appended && !log_failed_) {
      log_failed_ = true;
      std::fprintf(stderr, "\nunwedge: %s; the campaign goes on\n",
                   reports::terminal_text(appended.error().message).c_str());
    }
  }

  void record_crashes(const reports::CrashCoverage& crashes) {
    builder.add_crashes(crashes, items_.crashes_plane);
  }

  void record_canary(const reports::CanaryResult& canary) {
    builder.set_canary(canary, items_.canary_plane);
  }

  // summary.txt and report.json; a failure is told and the campaign goes on.
  // False when they could not be written.
  bool write_summary(const CampaignStatus& status) { return write_report(builder.report(status)); }
  bool write_report(const reports::Report& report) {
    if (core::Status written = write_reports(report, settings_.out_dir); !written) {
      std::fprintf(stderr, "\nunwedge: %s\n",
                   reports::terminal_text(written.error().message).c_str());
      return false;
    }
    // A runs.jsonl with lines missing is a report that cannot be trusted.
    return !log_failed_;
  }

  void show_progress(const CampaignStatus& status, bool last) {
    if (settings_.progress == nullptr) return;
    const std::string line = format_progress(builder.figures(), status);
    if (settings_.progress_in_place) {
      std::fprintf(settings_.progress, "\r%s\x1b[K%s", line.c_str(), last ? "\n" : "");
    } else {
      std::fprintf(settings_.progress, "%s\n", line.c_str());
    }
    std::fflush(settings_.progress);
  }

  ReportBuilder builder;

 private:
  RunsLog log_;
  const CampaignSettings& settings_;
  const CampaignItems& items_;
  bool log_failed_ = false;
};

// The report's verdict decides, as it does every output file's headline;
// reports that could not be written are bad output (nothing to read the
// verdict from), and an interrupted campaign that found nothing exits as a
// process killed by its signal.
int exit_code_of(const reports::Report& report, const CampaignStatus& status, bool written) {
  if (!written) return kExitBadInput;
  const reports::Verdict verdict = reports::verdict_of(report);
  if (verdict.outcome == reports::Outcome::kIncomplete &&
      status.state == CampaignState::kInterrupted) {
    return 128 + status.signal;
  }
  return verdict.exit_code();
}

void print_plan(const CampaignSettings& settings, const CampaignItems& items, std::uint64_t end) {
  if (settings.progress == nullptr) return;
  const std::uint64_t bundled = items.bundled.size();
  std::string swarm = "no swarm seeds";
  if (end > bundled) {
    swarm = settings.swarm_seeds ? fmt::format("swarm seeds 1 to {}", end - bundled)
                                 : std::string("swarm seeds from 1 until the budget is spent");
  }
  std::string of;
  if (items.planes.size() > 1) {
    for (const CampaignPlane& plane : items.planes)
      of += (of.empty() ? " of " : ", ") + plane.name;
    if (end > bundled) swarm += " (taking the planes in turn)";
  }
  std::fprintf(settings.progress,
               "campaign%s: %llu bundled scenarios then %s; shard %s, %u worker%s; writing to %s\n",
               of.c_str(), static_cast<unsigned long long>(bundled), swarm.c_str(),
               settings.shard.label().c_str(), settings.jobs, settings.jobs == 1 ? "" : "s",
               settings.out_dir.string().c_str());
}

}  // namespace

CampaignItem item_at(const CampaignItems& items, std::uint64_t index) {
  if (index < items.bundled.size()) return items.bundled[index];
  UNWEDGE_ASSERT_MSG(items.swarm != nullptr, "item {} is past the {} bundled and there is no swarm",
                     index, items.bundled.size());
  const std::uint64_t seed = index - items.bundled.size() + 1;
  CampaignItem item = items.swarm(seed);
  UNWEDGE_ASSERT_EQ(item.seed, seed);
  return item;
}

CampaignItem item_of(const CampaignSettings& settings, const CampaignItems& items,
                     std::uint64_t index) {
  if (!is_guided_index(index)) return item_at(items, index);
  const std::uint64_t number = index - kGuidedIndexBase;
  return CampaignItem{.label = fmt::format("guided input {}", number),
                      .guided = true,
                      .make = [path = guided_input_path(settings.out_dir, number)] {
                        return sim::load_scenario_file(path.string());
                      }};
}

std::vector<CampaignPlane> planes_of(const CampaignItems& items) {
  if (!items.planes.empty()) return items.planes;
  return {{.name = items.control_plane, .model = items.model, .fault_kinds = items.fault_kinds}};
}

std::string repro_stem(const std::string& label) {
  // A bundled scenario's file extension would come back doubled once the
  // repro file gets its own.
  std::string_view name = label;
  for (std::string_view extension : {".yaml", ".yml"}) {
    if (name.ends_with(extension)) name.remove_suffix(extension.size());
  }
  std::string stem;
  for (char c : name) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (c >= 'A' && c <= 'Z') {
      stem += static_cast<char>(c - 'A' + 'a');
    } else if (kept) {
      stem += c;
    } else if (!stem.empty() && stem.back() != '-') {
      stem += '-';
    }
  }
  while (!stem.empty() && (stem.back() == '-' || stem.back() == '.'))
    stem.pop_back();
  return stem.empty() ? std::string("item") : stem;
}

core::Result<CampaignResult> run_campaign(const CampaignSettings& settings,
                                          const CampaignItems& items, const ReproWriter& writer) {
  UNWEDGE_ASSERT(settings.jobs >= 1);
  UNWEDGE_ASSERT(settings.shard.index < settings.shard.count);
  std::error_code error;
  std::filesystem::create_directories(settings.out_dir / "repro", error);
  if (error) {
    return core::Error{fmt::format("{}: cannot create the output directory: {}",
                                   settings.out_dir.string(), error.message())};
  }
  core::Result<RunsLog> log = RunsLog::open(settings.out_dir / "runs.jsonl");
  if (!log) return log.error();
  Recorder recorder(std::move(*log), settings, items);
  const std::uint64_t end = items_end(settings, items);
  recorder.builder.set_plan(plan_of(settings, items));
  CampaignStatus status{.shard = settings.shard, .budget = settings.budget, .jobs = settings.jobs};
  if (settings.swarm_seeds || !settings.budget) status.planned = owned_below(settings.shard, end);
  print_plan(settings, items, end);
  std::uint64_t next = settings.shard.index;

  // The guided search, over the first plane's scenarios; each shard keeps
  // a search of its own, seeded by its index.
  std::optional<GuidedFeeder> feeder;
  const GuidedSettings& guided = settings.guided;
  if (guided.percent > 0 || guided.runs.value_or(0) > 0) {
    feeder.emplace(guided, settings.out_dir, planes_of(items).front().name,
                   settings.shard.index + 1);
    if (core::Status started = feeder->start(); !started) return started.error();
    if (guided.runs && status.planned) *status.planned += *guided.runs;
    recorder.builder.set_guided(feeder->figures());
  }
  // Whether the next idle worker gets a guided input: never before the
  // bundled scenarios are out; with a fixed number, until it is made; with
  // a budget, while it has less than its share of what was handed out.
  std::uint64_t handed_out = 0;
  const auto guided_turn = [&](bool swarm_left) {
    if (!feeder || !feeder->ready() || next < items.bundled.size()) return false;
    if (guided.runs) return feeder->made() < *guided.runs;
    if (!settings.budget || !swarm_left) return settings.budget.has_value();
    return feeder->made() * 100 < std::uint64_t{guided.percent} * (handed_out + feeder->made());
  };
  const auto dispatch_guided = [&](WorkerPool& pool) {
    core::Result<std::uint64_t> number = feeder->make_next();
    if (!number) {
      std::fprintf(stderr, "\nunwedge: %s; the campaign goes on without it\n",
                   reports::terminal_text(number.error().message).c_str());
      feeder.reset();
      return;
    }
    pool.dispatch(kGuidedIndexBase + *number);
  };
  // What a run of the first plane reached teaches the guided search.
  const auto teach = [&](const WorkerResult& result) {
    if (!feeder) return;
    const std::uint64_t index = result.record.index;
    if (is_guided_index(index)) {
      feeder->learn_guided(index - kGuidedIndexBase, result);
    } else if (result.record.swarm) {
      const CampaignItem item = item_at(items, index);
      if (item.plane != 0) return;
      if (core::Result<sim::Scenario> scenario = item.make(); scenario) {
        feeder->learn(*scenario, result);
      }
    }
    recorder.builder.set_guided(feeder->figures());
  };

  StopSignals signals;
  WorkerPool pool(settings.jobs, settings.run_wall_max, [&](std::uint64_t index) {
    if (index == kCrashExplorationIndex) return explore_crashes_line(items);
    if (index == kCanaryIndex) return canary_line(items);
    return to_result_line(run_item(index, settings, items, writer));
  });
  const Clock::time_point start = Clock::now();
  Clock::time_point summary_at = start;
  Clock::time_point progress_at = start;
  bool dispatching = true;
  // The first shard's once-per-campaign work goes out first, so its seconds
  // overlap the runs rather than follow them, and before any budget is
  // spent: every campaign has it.
  std::vector<std::uint64_t> once;
  if (settings.shard.index == 0 && items.explore_crashes) once.push_back(kCrashExplorationIndex);
  if (settings.shard.index == 0 && items.canary) once.push_back(kCanaryIndex);
  std::size_t once_dispatched = 0;
  recorder.write_summary(status);
  // Bounded: each pass hands out or waits for items of a finite list.
  for (;;) {
    status.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (settings.budget && status.elapsed >= *settings.budget && dispatching) {
      dispatching = false;
      status.state = CampaignState::kBudgetSpent;
    }
    while (once_dispatched < once.size() && pool.idle() > 0) {
      pool.dispatch(once[once_dispatched++]);
    }
    while (dispatching && pool.idle() > 0) {
      if (guided_turn(next < end)) {
        dispatch_guided(pool);
      } else if (next < end) {
        pool.dispatch(next);
        if (next >= items.bundled.size()) ++handed_out;
        next += settings.shard.count;
      } else {
        break;
      }
    }
    if (pool.busy() == 0 && once_dispatched == once.size() &&
        (!dispatching || (next >= end && !guided_turn(false)))) {
      break;
    }
    for (const WorkerPool::Event& event : pool.wait(kPollInterval)) {
      if (event.index == kCrashExplorationIndex) {
        recorder.record_crashes(crashes_of(event));
      } else if (event.index == kCanaryIndex) {
        recorder.record_canary(canary_of(event));
      } else {
        const WorkerResult result = result_of(event, pool, settings, items, writer);
        teach(result);
        recorder.record(result);
      }
    }
    if (signals.received() != 0) {
      pool.stop();
      // A worker killed while writing a repro file leaves its partial file.
      remove_partial_files(settings.out_dir / "repro");
      status.state = CampaignState::kInterrupted;
      status.signal = signals.received();
      break;
    }
    const Clock::time_point now = Clock::now();
    if (now - summary_at >= settings.summary_every) {
      recorder.write_summary(status);
      summary_at = now;
    }
    const milliseconds progress_every = settings.progress_in_place
                                            ? std::min(settings.progress_every, milliseconds(500))
                                            : settings.progress_every;
    if (now - progress_at >= progress_every) {
      recorder.show_progress(status, false);
      progress_at = now;
    }
  }
  status.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  if (status.state == CampaignState::kRunning) status.state = CampaignState::kFinished;
  // Only a campaign that ran its course prunes the corpus it keeps.
  if (feeder && status.state != CampaignState::kInterrupted) feeder->prune();
  // Made once: the report returned is the one written.
  reports::Report report = recorder.builder.report(status);
  const bool written = recorder.write_report(report);
  recorder.show_progress(status, true);
  const int exit_code = exit_code_of(report, status, written);
  return CampaignResult{.status = status, .report = std::move(report), .exit_code = exit_code};
}

}  // namespace unwedge::cli
