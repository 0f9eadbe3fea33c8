// `unwedge run FILE... [--seed N] [--trace FILE]`
//
// Runs each scenario file and prints, per file, whether it gave its expected
// verdict, and its trace digest (equal digests: the same run, on any build).
// A scenario that does not give its verdict gets the sentence saying why,
// the trace just before, and the command that replays it. Exit 0 when every
// scenario gave its expected verdict, 1 when one did not, 2 when a file or a
// flag is bad (the other files still run).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/commands.hpp"
#include "cli/option_checks.hpp"
#include "cli/output_file.hpp"
#include "core/time.hpp"
#include "reports/shell_word.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/timeline.hpp"

namespace unwedge::cli {
namespace {

// A billion events is an hour or more of one core: past it a scenario is
// more likely a mistake (a year of writes every microsecond) than a wish.
constexpr std::uint64_t kEventsMaxDefault = 1'000'000'000;

struct RunOptions {
  std::vector<std::string> files;
  std::optional<std::uint64_t> seed;
  std::string trace_file;
  std::uint64_t events_max = kEventsMaxDefault;
};

// Says how far a long run has come on stderr: nothing for the first three
// seconds, then at most once a second, in place on a terminal, and a line
// every ten seconds otherwise. UNWEDGE_PROGRESS_EVERY_MS sets both the wait
// and the interval (0: a line at every report, as the tests ask). Wall time
// decides only what is printed, never what the run does.
class ProgressLine final : public sim::RunObserver {
 public:
  using Clock = std::chrono::steady_clock;

  ProgressLine(const std::string& file, core::TimeUs end_us)
      : file_(reports::terminal_text(file, false)),
        end_us_(end_us),
        in_place_(::isatty(::fileno(stderr)) != 0),
        wait_(std::chrono::seconds(3)),
        every_(in_place_ ? std::chrono::seconds(1) : std::chrono::seconds(10)),
        start_(Clock::now()),
        shown_(start_) {
    if (const char* every = std::getenv("UNWEDGE_PROGRESS_EVERY_MS")) {
      wait_ = every_ = std::chrono::milliseconds(std::strtoull(every, nullptr, 10));
    }
  }

  void progress(core::TimeUs now_us, std::uint64_t events) override {
    const Clock::time_point now = Clock::now();
    if (now - start_ < wait_ || (printed_ && now - shown_ < every_)) return;
    shown_ = now;
    const std::string line = fmt::format(
        "{}: {:.2f} h of {:.2f} h simulated, {:.1f} M events, {:.0f} s", file_,
        static_cast<double>(now_us) / core::kHour, static_cast<double>(end_us_) / core::kHour,
        static_cast<double>(events) / 1e6, std::chrono::duration<double>(now - start_).count());
    std::fprintf(stderr, in_place_ ? "\r%s\x1b[K" : "%s\n", line.c_str());
    std::fflush(stderr);
    printed_ = true;
  }

  // Clears the line in place, so the verdict line starts clean.
  void finish() {
    if (in_place_ && printed_) std::fprintf(stderr, "\r\x1b[K");
  }

 private:
  std::string file_;
  core::TimeUs end_us_;
  bool in_place_;
  Clock::duration wait_;
  Clock::duration every_;
  Clock::time_point start_;
  Clock::time_point shown_;
  bool printed_ = false;
};

std::string verdict_of(const sim::ScenarioOutcome& outcome) {
  if (!outcome.run.finding) return "pass";
  // A run that missed its requires: broke nothing; it tested nothing.
  if (outcome.run.finding->invariant == sim::Invariant::kVacuous) return "vacuous";
  return fmt::format("violated {}", to_string(outcome.run.finding->invariant));
}

void print_failure(const std::string& file, const sim::ScenarioOutcome& outcome,
                   std::optional<std::uint64_t> seed) {
  std::printf("  %s\n", outcome.mismatch.c_str());
  const std::optional<sim::Finding>& finding = outcome.run.finding;
  if (!finding) return;
  std::printf("  the trace before it:\n");
  for (const sim::TraceRecord& record : finding->excerpt) {
    std::printf("  %s\n", sim::timeline_line(record).c_str());
  }
  const core::TimeUs from_us =
      finding->at_us > 5 * core::kMinute ? finding->at_us - 5 * core::kMinute : 0;
  // A command to paste: its file name one shell word, shown on the
  // terminal with no control character acted on.
  std::printf("  replay: unwedge replay %s%s --from %llds --to %llds --entity %s\n",
              reports::terminal_text(reports::shell_path(file), false).c_str(),
              seed ? fmt::format(" --seed {}", *seed).c_str() : "",
              static_cast<long long>(from_us / core::kSecond),
              static_cast<long long>((finding->at_us + core::kSecond - 1) / core::kSecond),
              reports::terminal_text(reports::shell_word(finding->entity), false).c_str());
}

int run_files(const RunOptions& options) {
  if (options.events_max == 0) {
    std::fprintf(stderr,
                 "unwedge run: --max-events 0 would stop every run before its first event; give "
                 "at least 1\n");
    return kExitBadInput;
  }
  if (!options.trace_file.empty() && options.files.size() != 1) {
    std::fprintf(stderr,
                 "unwedge run: --trace writes the trace of one scenario; give one file, or run "
                 "them one at a time.\n");
    return kExitBadInput;
  }
  int exit_code = kExitPass;
  for (const std::string& file : options.files) {
    core::Result<sim::Scenario> scenario = sim::load_scenario_file(file);
    if (!scenario.ok()) {
      std::fprintf(stderr, "unwedge run: %s\n",
                   reports::terminal_text(scenario.error().message).c_str());
      exit_code = kExitBadInput;
      continue;
    }
    OutputStream trace;
    std::optional<sim::TimelineWriter> timeline;
    if (!options.trace_file.empty()) {
      if (core::Status opened = trace.open(options.trace_file); !opened) {
        std::fprintf(stderr, "unwedge run: the trace: %s\n",
                     reports::terminal_text(opened.error().message).c_str());
        return kExitBadInput;
      }
      timeline.emplace(trace.file(), sim::TimelineFilter{.hidden = {}});
    }
    scenario->config.events_max = options.events_max;
    ProgressLine progress(file, scenario->duration_us + scenario->recovery_us);
    const auto start = std::chrono::steady_clock::now();
    sim::ScenarioOutcome outcome =
        sim::run_scenario(*scenario, options.seed, timeline ? &*timeline : nullptr, &progress);
    progress.finish();
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timeline.reset();
    if (!options.trace_file.empty()) {
      // A trace cut short by a full disk is no trace: removed, and said so.
      if (core::Status finished = trace.finish(); !finished) {
        std::fprintf(stderr, "unwedge run: the trace: %s; no trace was left\n",
                     reports::terminal_text(finished.error().message).c_str());
        exit_code = kExitBadInput;
      }
    }
    if (outcome.run.events_max_reached) {
      std::fprintf(stderr,
                   "unwedge run: %s: %s; raise --max-events (%llu now) or shorten the scenario\n",
                   reports::terminal_text(file, false).c_str(), outcome.mismatch.c_str(),
                   static_cast<unsigned long long>(options.events_max));
      exit_code = kExitBadInput;
      continue;
    }
    const std::uint64_t seed = options.seed.value_or(scenario->config.seed);
    std::printf(
        "%s %s  seed %llu  digest %016llx  %s (expected %s)  %.1f h simulated, %.2f s\n",
        outcome.passed ? "PASS" : "FAIL", reports::terminal_text(file, false).c_str(),
        static_cast<unsigned long long>(seed), static_cast<unsigned long long>(outcome.run.digest),
        verdict_of(outcome).c_str(),
        scenario->expect.violation
            ? fmt::format("a violation of {}", to_string(*scenario->expect.violation)).c_str()
            : "pass",
        static_cast<double>(outcome.run.simulated_us) / core::kHour, wall_s);
    // What a fleet API with limits turned away: a run against a throttling
    // API is slower to recover, and says why.
    if (outcome.run.infra_throttled > 0 || outcome.run.hosts_refused > 0) {
      std::printf("  fleet API: %llu requests throttled, %llu host creations refused\n",
                  static_cast<unsigned long long>(outcome.run.infra_throttled),
                  static_cast<unsigned long long>(outcome.run.hosts_refused));
    }
    if (!outcome.passed) {
      print_failure(file, outcome, options.seed);
      if (exit_code == kExitPass) exit_code = kExitFinding;
    }
    std::fflush(stdout);
  }
  return exit_code;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Run scenario files and check each gives its expected verdict; print their digests");
  command->add_option("files", options->files, "Scenario files (YAML, see docs/SCENARIOS.md)")
      ->required();
  command->add_option("--seed", options->seed, "Run with this seed instead of each file's own")
      ->check(whole_number(kSeedMax));
  command
      ->add_option("--max-events", options->events_max,
                   "Stop a run after this many events, with no verdict and exit 2")
      ->check(whole_number(UINT64_MAX))
      ->capture_default_str();
  command->add_option("--trace", options->trace_file,
                      "Write the whole trace of the run to this file, one line per record");
  command->callback([options, &exit_code] { exit_code = run_files(*options); });
}

}  // namespace unwedge::cli
