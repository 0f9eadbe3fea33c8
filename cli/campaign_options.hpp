// The flags every campaign command shares (`unwedge nightly`, and the
// campaign test driver), and their translation into CampaignSettings:
//
//   --out DIR            where runs.jsonl, summary.txt and repro/ go (required)
//   --budget 10m         stop starting runs after this much wall time
//                        (s, m, h, combined: 1h30m)
//   --seeds N            swarm seeds 1..N; with neither, --budget 10m
//   --jobs J             worker processes (default: one per core)
//   --shard i/N          shard i of N, from 1 (cli/shard.hpp has the
//                        environment variables read without it)
//   --shard-count N      the number of shards for JOB_COMPLETION_INDEX
//   --run-timeout 10m    a run taking longer is killed and is a finding
//   --guided 30          the share of a budget's runs (percent) for the
//                        guided search (cli/guided_feeder.hpp); 0: none
//   --guided-runs N      a fixed number of guided inputs (with --seeds)
//   --corpus DIR         the guided search starts from the corpus kept
//                        there and keeps its own there
//   --fuzz-corpus DIR    fleet_fuzzer inputs the guided search replays first
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/campaign.hpp"
#include "cli/shard.hpp"
#include "core/result.hpp"

namespace unwedge::cli {

struct CampaignFlags {
  std::string out;
  std::string budget;
  std::optional<std::uint64_t> seeds;
  std::optional<std::uint32_t> jobs;
  std::string shard;
  std::optional<std::uint64_t> shard_count;
  std::string run_timeout = "10m";
  std::optional<std::uint32_t> guided;
  std::optional<std::uint64_t> guided_runs;
  std::optional<std::string> corpus;
  std::optional<std::string> fuzz_corpus;
};

// The guided search's share of a budgeted campaign when --guided is not
// given; a campaign of fixed seeds runs none unless --guided-runs asks.
inline constexpr std::uint32_t kGuidedPercentDefault = 30;
inline constexpr std::uint32_t kGuidedPercentMax = 90;

inline constexpr std::uint32_t kJobsMax = 1024;
inline constexpr std::chrono::hours kBudgetMax{24 * 7};

void add_campaign_flags(CLI::App& command, CampaignFlags& flags);

// "90s", "10m", "2h", "1h30m" (core::parse_duration), at least a second;
// an error names the flag.
core::Result<std::chrono::milliseconds> parse_duration(std::string_view text,
                                                       std::string_view flag);

// Settings from the flags and the environment (for the shard); an error
// names the flag or variable and the fix. Progress goes to stderr.
core::Result<CampaignSettings> campaign_settings(const CampaignFlags& flags,
                                                 const Environment& environment);

}  // namespace unwedge::cli
