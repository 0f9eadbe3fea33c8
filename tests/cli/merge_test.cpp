// `unwedge merge` as a user runs it: four shards of a nightly campaign,
// each its own process, merge into the report of one unsharded campaign of
// the same seeds; a missing, corrupt or truncated shard report is bad input
// naming the file.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "reports/report_json.hpp"
#include "tests/cli/command_runner.hpp"

namespace unwedge::cli {
namespace {

namespace fs = std::filesystem;

using testing::Ran;
using testing::run_shell;

std::string unwedge_cli() {
  return std::string("env -u TEST_SHARD_INDEX -u TEST_TOTAL_SHARDS -u JOB_COMPLETION_INDEX ") +
         "-u UNWEDGE_TOTAL_SHARDS -u TEST_SHARD_STATUS_FILE " + UNWEDGE_CLI;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

fs::path fresh_directory(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / fmt::format("unwedge-merge-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

reports::Report read_report(const fs::path& file) {
  core::Result<reports::Report> report = reports::parse_report(read_text(file), file.string());
  EXPECT_TRUE(report.ok()) << report.error().message;
  return report ? *report : reports::Report{};
}

// What differs between a merged and an unsharded campaign by nature: how
// long things took on the wall, and how many shards there were.
reports::Report without_wall_time(reports::Report report) {
  report.campaign.wall_ms = 0;
  report.campaign.shards = 1;
  for (reports::RunResult& run : report.scenarios)
    run.wall_ms = 0;
  for (reports::RunResult& run : report.failures)
    run.wall_ms = 0;
  if (report.canary) report.canary->wall_ms = 0;
  return report;
}

std::size_t lines_of(const fs::path& file) {
  const std::string text = read_text(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Merge, FourShardsMergeIntoTheReportOfOneUnshardedRunOfTheSameSeeds) {
  const fs::path dir = fresh_directory("shards");
  // Two bundled scenarios, then swarm seeds 1..6: eight items, so index 0
  // is re-checked for determinism and every shard has two.
  const fs::path scenarios = dir / "scenarios";
  fs::create_directories(scenarios);
  for (const char* name : {"flapping_checkins.yaml", "one_way_partition_leader_to_standby.yaml"})
    fs::copy_file(fs::path(UNWEDGE_SOURCE_DIR) / "scenarios" / name, scenarios / name);
  const std::string nightly = fmt::format("{} nightly --seeds 6 --jobs 1 --scenarios {}",
                                          unwedge_cli(), scenarios.string());
  std::string all = "(";
  for (int i = 1; i <= 4; ++i) {
    all += fmt::format("{} --shard {}/4 --out {} > {} 2>&1 & ", nightly, i,
                       (dir / fmt::format("shard{}", i)).string(),
                       (dir / fmt::format("shard{}.log", i)).string());
  }
  all += fmt::format("{} --out {} > {} 2>&1; echo whole $?; wait)", nightly,
                     (dir / "whole").string(), (dir / "whole.log").string());
  const Ran ran = run_shell(all);
  ASSERT_NE(ran.output.find("whole "), std::string::npos) << ran.output;
  const int whole_exit = std::atoi(ran.output.substr(ran.output.find("whole ") + 6).c_str());
  ASSERT_LE(whole_exit, 1) << read_text(dir / "whole.log");

  const Ran merged = run_shell(fmt::format("{} merge {} {} {} {} --out {}", unwedge_cli(),
                                           (dir / "shard1").string(), (dir / "shard2").string(),
                                           (dir / "shard3").string(), (dir / "shard4").string(),
                                           (dir / "merged").string()));
  EXPECT_EQ(merged.exit_code, whole_exit) << merged.output;

  const reports::Report whole = read_report(dir / "whole" / "report.json");
  const reports::Report together = read_report(dir / "merged" / "report.json");
  EXPECT_EQ(whole.campaign.runs, 8u);
  EXPECT_EQ(together.campaign.shards, 4u);
  EXPECT_EQ(whole.campaign.determinism_rechecks, 1u);
  EXPECT_GT(whole.coverage.crashes.stories, 0u) << "the crash exploration ran";
  const reports::Report a = without_wall_time(whole);
  const reports::Report b = without_wall_time(together);
  EXPECT_EQ(a.coverage, b.coverage);
  EXPECT_EQ(a.invariants, b.invariants);
  EXPECT_EQ(a.scenarios, b.scenarios);
  EXPECT_EQ(a.failures, b.failures);
  EXPECT_EQ(a.campaign, b.campaign);
  EXPECT_EQ(a.canary, b.canary);
  ASSERT_TRUE(whole.canary.has_value());
  EXPECT_TRUE(whole.canary->caught) << describe(*whole.canary);
  EXPECT_EQ(a, b);
  EXPECT_EQ(lines_of(dir / "merged" / "runs.jsonl"), 8u);
  EXPECT_NE(read_text(dir / "merged" / "summary.txt").find("runs: 8 "), std::string::npos);
  fs::remove_all(dir);
}

// A small valid shard report: `seeds` swarm seeds from `first`.
std::string shard_report(std::uint64_t first, std::uint64_t seeds, bool failing = false) {
  reports::Report report;
  report.campaign = {.control_plane = "postgres",
                     .build = "unwedge 0.1.0 (gcc 12.2.0, RelWithDebInfo)",
                     .runs = seeds,
                     .passed = failing ? seeds - 1 : seeds,
                     .failed = failing ? 1u : 0u,
                     .swarm_runs = seeds,
                     .swarm_seeds = {{first, first + seeds - 1}},
                     .status = "finished"};
  return reports::to_json(report);
}

struct BadShard {
  const char* what;
  std::string text;      // written as report.json; empty: none written
  std::string expected;  // in the message
};

TEST(Merge, AMissingCorruptTruncatedForeignOrOverlappingShardIsBadInputNamingTheFile) {
  const std::string good = shard_report(1, 5);
  std::string foreign = shard_report(6, 5);
  foreign.replace(foreign.find("\"postgres\""), 10, "\"mysql\"");
  std::string other_build = shard_report(6, 5);
  other_build.replace(other_build.find("gcc 12.2.0"), 10, "clang 14.0");
  std::string newer = shard_report(6, 5);
  newer.replace(newer.find("\"schema_version\": 1"), 19, "\"schema_version\": 9");
  const std::vector<BadShard> cases = {
      {"missing", "", "report.json: not found"},
      {"truncated", good.substr(0, good.size() / 2), "truncated"},
      {"corrupt", "{\"schema_version\": 1, \"campaign\": [1, 2", "truncated"},
      {"garbage", "not json at all", "not valid JSON"},
      {"newer", newer, "schema version 9"},
      {"foreign", foreign, "control plane \"mysql\""},
      {"other-build", other_build, "run by unwedge 0.1.0 (clang 14.0"},
      {"overlapping", shard_report(3, 5), "overlaps"},
  };
  for (const BadShard& bad : cases) {
    const fs::path dir = fresh_directory(bad.what);
    write_text(dir / "a" / "report.json", good);
    fs::create_directories(dir / "b");
    if (!bad.text.empty()) write_text(dir / "b" / "report.json", bad.text);
    const Ran ran =
        run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "a").string(),
                              (dir / "b").string(), (dir / "out").string()));
    EXPECT_EQ(ran.exit_code, 2) << bad.what << ": " << ran.output;
    EXPECT_NE(ran.output.find((dir / "b" / "report.json").string()), std::string::npos)
        << bad.what << ": " << ran.output;
    EXPECT_NE(ran.output.find(bad.expected), std::string::npos) << bad.what << ": " << ran.output;
    EXPECT_FALSE(fs::exists(dir / "out" / "report.json")) << bad.what;
    fs::remove_all(dir);
  }
}

TEST(Merge, DisjointShardsMergeWithExitZeroOrOneForAFinding) {
  const fs::path dir = fresh_directory("disjoint");
  write_text(dir / "a" / "report.json", shard_report(1, 5));
  write_text(dir / "a" / "repro" / "swarm-seed-2.yaml", "name: x\n");
  write_text(dir / "a" / "runs.jsonl", "{\"index\":0}\n");
  write_text(dir / "b" / "report.json", shard_report(6, 5));
  write_text(dir / "b" / "runs.jsonl", "{\"index\":1}\n");
  const auto merge = [&](const std::string& out) {
    return run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "a").string(),
                                 (dir / "b").string(), (dir / out).string()));
  };
  const Ran ran = merge("clean");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  const reports::Report merged = read_report(dir / "clean" / "report.json");
  EXPECT_EQ(merged.campaign.runs, 10u);
  EXPECT_EQ(merged.campaign.swarm_seeds,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 10}}));
  EXPECT_TRUE(fs::exists(dir / "clean" / "repro" / "swarm-seed-2.yaml"));
  EXPECT_EQ(read_text(dir / "clean" / "runs.jsonl"), "{\"index\":0}\n{\"index\":1}\n");
  write_text(dir / "b" / "report.json", shard_report(6, 5, /*failing=*/true));
  EXPECT_EQ(merge("failing").exit_code, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace unwedge::cli
