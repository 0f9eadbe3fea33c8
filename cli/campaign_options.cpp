#include "cli/campaign_options.hpp"

#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <thread>
#include <tuple>
#include <unistd.h>

#include "cli/option_checks.hpp"
#include "core/duration_text.hpp"

namespace unwedge::cli {

void add_campaign_flags(CLI::App& command, CampaignFlags& flags) {
  command.add_option("--out", flags.out, "Directory for runs.jsonl, summary.txt and repro/")
      ->required();
  command.add_option("--budget", flags.budget,
                     "Start no run after this much wall time: 90s, 10m, 2h, 1h30m (default 10m "
                     "when --seeds is not given)");
  command.add_option("--seeds", flags.seeds, "Run swarm seeds 1 to N after the bundled scenarios")
      ->check(whole_number(kSeedMax));
  command.add_option("--jobs", flags.jobs, "Worker processes (default: one per core)")
      ->check(whole_number(UINT32_MAX));
  command.add_option("--shard", flags.shard,
                     "Run shard i of N, numbered from 1 (2/4); otherwise TEST_SHARD_INDEX and "
                     "TEST_TOTAL_SHARDS, or JOB_COMPLETION_INDEX, from 0");
  command
      .add_option("--shard-count", flags.shard_count,
                  "The number of shards, with JOB_COMPLETION_INDEX (or UNWEDGE_TOTAL_SHARDS)")
      ->check(whole_number(UINT32_MAX));
  command
      .add_option("--run-timeout", flags.run_timeout,
                  "A run taking longer is killed and recorded as a finding")
      ->capture_default_str();
  command
      .add_option("--guided", flags.guided,
                  fmt::format("Percent of a budget's runs given to the coverage-guided search "
                              "over scenarios (default {}; 0: none)",
                              kGuidedPercentDefault))
      ->check(whole_number(UINT32_MAX));
  command
      .add_option("--guided-runs", flags.guided_runs,
                  "Run this many guided inputs (with --seeds, which otherwise runs none)")
      ->check(whole_number(kSeedMax));
  command.add_option("--corpus", flags.corpus,
                     "The guided search starts from the scenarios kept here and keeps its own "
                     "here for the next campaign (created if missing)");
  command.add_option("--fuzz-corpus", flags.fuzz_corpus,
                     "fleet_fuzzer inputs (a libFuzzer corpus) the guided search runs first");
}

namespace {

core::Result<GuidedSettings> guided_settings(const CampaignFlags& flags, bool budget) {
  GuidedSettings guided;
  if (flags.guided && *flags.guided > kGuidedPercentMax) {
    return core::Error{fmt::format("--guided {}: expected a percentage from 0 to {}", *flags.guided,
                                   kGuidedPercentMax)};
  }
  guided.percent = flags.guided.value_or(budget && !flags.seeds ? kGuidedPercentDefault : 0);
  if (flags.guided_runs) guided.runs = *flags.guided_runs;
  if (flags.seeds && !flags.guided_runs && flags.guided.value_or(0) > 0 && !budget) {
    return core::Error{fmt::format(
        "--guided {}: a share of a time budget; with --seeds give --guided-runs N instead",
        *flags.guided)};
  }
  for (const auto& [flag, value, into] :
       {std::tuple{"--corpus", &flags.corpus, &guided.corpus_dir},
        std::tuple{"--fuzz-corpus", &flags.fuzz_corpus, &guided.fuzz_corpus_dir}}) {
    if (!*value) continue;
    if ((*value)->empty()) {
      return core::Error{fmt::format("{} \"\": an empty path; name a directory", flag)};
    }
    *into = **value;
  }
  return guided;
}

}  // namespace

core::Result<std::chrono::milliseconds> parse_duration(std::string_view text,
                                                       std::string_view flag) {
  core::Result<core::TimeUs> us = core::parse_duration(text);
  if (!us) return core::Error{fmt::format("{} {}: {}", flag, text, us.error().message)};
  if (*us < core::kSecond) {
    return core::Error{fmt::format("{} {}: must be at least one second", flag, text)};
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(*us));
}

core::Result<CampaignSettings> campaign_settings(const CampaignFlags& flags,
                                                 const Environment& environment) {
  CampaignSettings settings;
  settings.out_dir = flags.out;
  if (flags.seeds) settings.swarm_seeds = *flags.seeds;
  if (!flags.budget.empty() || !flags.seeds) {
    core::Result<std::chrono::milliseconds> budget =
        parse_duration(flags.budget.empty() ? "10m" : flags.budget, "--budget");
    if (!budget) return budget.error();
    if (*budget > kBudgetMax) {
      return core::Error{
          fmt::format("--budget {}: more than a week; split the campaign in shards", flags.budget)};
    }
    settings.budget = *budget;
  }
  if (flags.seeds && *flags.seeds > kSwarmSeedsMax) {
    return core::Error{fmt::format("--seeds {}: at most {}", *flags.seeds, kSwarmSeedsMax)};
  }
  settings.jobs = flags.jobs ? *flags.jobs : std::max(1u, std::thread::hardware_concurrency());
  if (settings.jobs == 0 || settings.jobs > kJobsMax) {
    return core::Error{
        fmt::format("--jobs {}: expected 1 to {} worker processes", settings.jobs, kJobsMax)};
  }
  core::Result<std::chrono::milliseconds> run_timeout =
      parse_duration(flags.run_timeout, "--run-timeout");
  if (!run_timeout) return run_timeout.error();
  settings.run_wall_max = *run_timeout;
  core::Result<Shard> shard =
      resolve_shard({.flag = flags.shard, .count_flag = flags.shard_count}, environment);
  if (!shard) return shard.error();
  settings.shard = *shard;
  core::Result<GuidedSettings> guided = guided_settings(flags, settings.budget.has_value());
  if (!guided) return guided.error();
  settings.guided = std::move(*guided);
  settings.progress = stderr;
  settings.progress_in_place = ::isatty(STDERR_FILENO) != 0;
  return settings;
}

}  // namespace unwedge::cli
