#include "cli/campaign_options.hpp"

#include <cctype>
#include <cstdio>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

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
  auto bad = [&] {
    return core::Error{
        fmt::format("{} {}: expected a duration such as 90s, 10m, 2h or 1h30m", flag, text)};
  };
  if (text.empty()) return bad();
  std::int64_t total_s = 0;
  std::size_t at = 0;
  // Bounded by the text's length: each pass consumes a number and a unit.
  while (at < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) && digits < 9) {
      number = number * 10 + (text[at] - '0');
      ++at;
      ++digits;
    }
    if (digits == 0) return bad();
    if (at == text.size()) {
      if (total_s != 0) return bad();  // "1h30": a unit is missing
      total_s = number;
      break;
    }
    const char unit = text[at++];
    if (unit == 's')
      total_s += number;
    else if (unit == 'm')
      total_s += 60 * number;
    else if (unit == 'h')
      total_s += 3600 * number;
    else
      return bad();
  }
  if (total_s <= 0) {
    return core::Error{fmt::format("{} {}: must be at least one second", flag, text)};
  }
  return std::chrono::milliseconds(1000 * total_s);
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
