#include "cli/campaign_options.hpp"

#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

#include "core/duration_text.hpp"

namespace unwedge::cli {

void add_campaign_flags(CLI::App& command, CampaignFlags& flags) {
  command.add_option("--out", flags.out, "Directory for runs.jsonl, summary.txt and repro/")
      ->required();
  command.add_option("--budget", flags.budget,
                     "Start no run after this much wall time: 90s, 10m, 2h, 1h30m (default 10m "
                     "when --seeds is not given)");
  command.add_option("--seeds", flags.seeds, "Run swarm seeds 1 to N after the bundled scenarios");
  command.add_option("--jobs", flags.jobs, "Worker processes (default: one per core)");
  command.add_option("--shard", flags.shard,
                     "Run shard i of N, numbered from 1 (2/4); otherwise TEST_SHARD_INDEX and "
                     "TEST_TOTAL_SHARDS, or JOB_COMPLETION_INDEX, from 0");
  command.add_option("--shard-count", flags.shard_count,
                     "The number of shards, with JOB_COMPLETION_INDEX (or UNWEDGE_TOTAL_SHARDS)");
  command
      .add_option("--run-timeout", flags.run_timeout,
                  "A run taking longer is killed and recorded as a finding")
      ->capture_default_str();
}

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
  settings.progress = stderr;
  settings.progress_in_place = ::isatty(STDERR_FILENO) != 0;
  return settings;
}

}  // namespace unwedge::cli
