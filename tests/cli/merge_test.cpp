// `unwedge merge` as a user runs it: four shards of a nightly campaign,
// each its own process, merge into the report of one unsharded campaign of
// the same seeds; a missing, corrupt or truncated shard report is bad input
// naming the file.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "reports/report_json.hpp"
#include "reports/verdict.hpp"
#include "tests/cli/command_runner.hpp"
#include "tests/support/text_file.hpp"

namespace unwedge::cli {
namespace {

using unwedge::testing::read_text_file;

namespace fs = std::filesystem;

using testing::Ran;
using testing::run_shell;

std::string unwedge_cli() {
  return std::string("env -u TEST_SHARD_INDEX -u TEST_TOTAL_SHARDS -u JOB_COMPLETION_INDEX ") +
         "-u UNWEDGE_TOTAL_SHARDS -u TEST_SHARD_STATUS_FILE " + UNWEDGE_CLI;
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
  core::Result<reports::Report> report = reports::parse_report(read_text_file(file), file.string());
  EXPECT_TRUE(report.ok()) << report.error().message;
  return report ? *report : reports::Report{};
}

// What differs between a merged and an unsharded campaign by nature: how
// long things took on the wall, when each report was written, and how many
// shards there were.
reports::Report without_wall_time(reports::Report report) {
  report.campaign.wall_ms = 0;
  report.campaign.swarm_core_ms = 0;
  report.campaign.shards = 1;
  report.campaign.updated_at.clear();
  if (report.plan) {
    report.plan->shard_count = 1;
    report.plan->shards = {0};
  }
  for (reports::PlaneReport& plane : report.planes) {
    plane.campaign.updated_at.clear();
    plane.campaign.wall_ms = 0;
    plane.campaign.swarm_core_ms = 0;
    plane.campaign.shards = 1;
    if (plane.canary) plane.canary->wall_ms = 0;
  }
  for (reports::RunResult& run : report.scenarios)
    run.wall_ms = 0;
  for (reports::RunResult& run : report.failures)
    run.wall_ms = 0;
  if (report.canary) report.canary->wall_ms = 0;
  return report;
}

std::size_t lines_of(const fs::path& file) {
  const std::string text = read_text_file(file);
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
  ASSERT_LE(whole_exit, 1) << read_text_file(dir / "whole.log");

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
  EXPECT_GT(whole.campaign.swarm_seeds_per_core_hour(), 0.0);
  EXPECT_GT(together.campaign.swarm_seeds_per_core_hour(), 0.0);
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
  EXPECT_NE(read_text_file(dir / "merged" / "summary.txt").find("runs: 8 "), std::string::npos);
  fs::remove_all(dir);
}

// A campaign of two planes, whole and as two shards, each its own process:
// each plane's bundled scenarios run on it, the swarm seeds take the planes
// in turn, report.json and summary.md give each plane's figures and
// coverage besides the campaign's, and the shards merge into the whole,
// plane by plane. The lease plane's swarm runs are slow: one seed of each.
TEST(Merge, ACampaignOfTwoPlanesKeepsTheirFiguresApartAndItsShardsMergePlaneByPlane) {
  const fs::path dir = fresh_directory("planes");
  const fs::path scenarios = dir / "scenarios";
  fs::create_directories(scenarios);
  fs::copy_file(fs::path(UNWEDGE_SOURCE_DIR) / "scenarios" / "flapping_checkins.yaml",
                scenarios / "flapping_checkins.yaml");
  fs::copy_file(fs::path(UNWEDGE_SOURCE_DIR) / "scenarios" / "lease" / "leader_clock_fast.yaml",
                scenarios / "leader_clock_fast.yaml");
  // Seed 1 runs the first plane named, seed 2 the second.
  const std::string nightly =
      fmt::format("{} nightly --control-plane lease,postgres --seeds 2 --jobs 1 --scenarios {}",
                  unwedge_cli(), scenarios.string());
  std::string all = "(";
  for (int i = 1; i <= 2; ++i) {
    all += fmt::format("{} --shard {}/2 --out {} > {} 2>&1 & ", nightly, i,
                       (dir / fmt::format("shard{}", i)).string(),
                       (dir / fmt::format("shard{}.log", i)).string());
  }
  all += fmt::format("{} --out {} > {} 2>&1; echo whole $?; wait)", nightly,
                     (dir / "whole").string(), (dir / "whole.log").string());
  const Ran ran = run_shell(all);
  ASSERT_NE(ran.output.find("whole "), std::string::npos) << ran.output;
  const int whole_exit = std::atoi(ran.output.substr(ran.output.find("whole ") + 6).c_str());
  ASSERT_EQ(whole_exit, 0) << read_text_file(dir / "whole.log");
  EXPECT_NE(read_text_file(dir / "whole.log").find("campaign of lease, postgres:"),
            std::string::npos)
      << read_text_file(dir / "whole.log");

  const reports::Report whole = read_report(dir / "whole" / "report.json");
  EXPECT_EQ(whole.campaign.control_plane, "lease,postgres");
  EXPECT_EQ(whole.campaign.runs, 4u);
  ASSERT_EQ(whole.planes.size(), 2u);
  const reports::PlaneReport& lease = whole.planes[0];
  const reports::PlaneReport& postgres = whole.planes[1];
  EXPECT_EQ(lease.campaign.control_plane, "lease");
  EXPECT_EQ(postgres.campaign.control_plane, "postgres");
  for (const reports::PlaneReport* plane : {&lease, &postgres}) {
    EXPECT_EQ(plane->campaign.runs, 2u) << plane->campaign.control_plane;
    EXPECT_EQ(plane->campaign.passed, 2u) << plane->campaign.control_plane;
    EXPECT_EQ(plane->campaign.bundled_runs, 1u) << plane->campaign.control_plane;
    EXPECT_EQ(plane->campaign.swarm_runs, 1u) << plane->campaign.control_plane;
  }
  using Ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  EXPECT_EQ(lease.campaign.swarm_seeds, (Ranges{{1, 1}}));
  EXPECT_EQ(postgres.campaign.swarm_seeds, (Ranges{{2, 2}}));
  // Each plane's coverage is of its own model; the lease plane's fleet
  // faces the store's faults, the reference plane's does not.
  const auto has_machine = [](const reports::Coverage& c, const std::string& name) {
    return std::any_of(c.machines.begin(), c.machines.end(),
                       [&](const reports::MachineCoverage& m) { return m.name == name; });
  };
  const auto has_fault = [](const reports::Coverage& c, const std::string& name) {
    return std::any_of(c.faults.begin(), c.faults.end(),
                       [&](const reports::NamedCount& f) { return f.name == name; });
  };
  EXPECT_TRUE(has_machine(lease.coverage, "keeper"));
  EXPECT_FALSE(has_machine(postgres.coverage, "keeper"));
  EXPECT_TRUE(has_machine(postgres.coverage, "replica_link"));
  EXPECT_TRUE(has_fault(lease.coverage, "store_quorum_loss"));
  EXPECT_FALSE(has_fault(postgres.coverage, "store_quorum_loss"));
  EXPECT_TRUE(has_machine(whole.coverage, "lease/keeper"));
  EXPECT_TRUE(has_machine(whole.coverage, "postgres/service"));
  EXPECT_TRUE(has_machine(whole.coverage, "lease/service"));
  // The crash exploration and the canary are the reference plane's, run once.
  EXPECT_GT(postgres.coverage.crashes.stories, 0u);
  EXPECT_EQ(lease.coverage.crashes.stories, 0u);
  ASSERT_TRUE(postgres.canary.has_value());
  EXPECT_TRUE(postgres.canary->caught) << describe(*postgres.canary);
  EXPECT_FALSE(lease.canary.has_value());
  EXPECT_EQ(whole.canary, postgres.canary);
  const std::string summary = read_text_file(dir / "whole" / "summary.md");
  EXPECT_NE(summary.find("| lease | 2 | 2 | 0 | 0 | 1 | 1 | 0 |"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| postgres | 2 | 2 | 0 | 0 | 1 | 2 | 0 |"), std::string::npos) << summary;
  EXPECT_NE(summary.find("- **lease**\n  - transitions "), std::string::npos) << summary;
  EXPECT_NE(summary.find("- **postgres**\n  - transitions "), std::string::npos) << summary;
  const std::string junit = read_text_file(dir / "whole" / "junit.xml");
  EXPECT_NE(junit.find("<testsuite name=\"invariants.lease\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("<testsuite name=\"scenarios.postgres\" tests=\"1\""), std::string::npos)
      << junit;

  const Ran merged =
      run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "shard1").string(),
                            (dir / "shard2").string(), (dir / "merged").string()));
  EXPECT_EQ(merged.exit_code, 0) << merged.output;
  const reports::Report together = read_report(dir / "merged" / "report.json");
  EXPECT_EQ(together.campaign.shards, 2u);
  ASSERT_EQ(together.planes.size(), 2u);
  EXPECT_EQ(together.planes[0].campaign.shards, 2u);
  const reports::Report a = without_wall_time(whole);
  const reports::Report b = without_wall_time(together);
  for (std::size_t p = 0; p < 2; ++p) {
    EXPECT_EQ(a.planes[p].campaign, b.planes[p].campaign) << p;
    EXPECT_EQ(a.planes[p].invariants, b.planes[p].invariants) << p;
    EXPECT_EQ(a.planes[p].coverage, b.planes[p].coverage) << p;
    EXPECT_EQ(a.planes[p].canary, b.planes[p].canary) << p;
  }
  EXPECT_EQ(a.campaign, b.campaign);
  EXPECT_EQ(a.coverage, b.coverage);
  EXPECT_EQ(a.scenarios, b.scenarios);
  EXPECT_EQ(a, b);
  EXPECT_NE(
      read_text_file(dir / "merged" / "summary.md").find("| lease | 2 | 2 | 0 | 0 | 1 | 1 | 0 |"),
      std::string::npos);
  fs::remove_all(dir);
}

// Shard `index` (from 0) of a campaign of `count` shards over swarm seeds
// 1..`seeds` and no bundled scenario, finished, every run passing but one
// when `failing`.
reports::Report shard(std::uint64_t index, std::uint64_t count = 2, std::uint64_t seeds = 10,
                      bool failing = false) {
  reports::Report report;
  report.campaign = {.control_plane = "postgres",
                     .build = "unwedge 0.1.0 (gcc 12.2.0, RelWithDebInfo)",
                     .status = "finished",
                     .updated_at = "2026-12-06T01:02:03Z"};
  for (std::uint64_t seed = index + 1; seed <= seeds; seed += count) {
    report.campaign.swarm_seeds.emplace_back(seed, seed);
  }
  if (count == 1 && seeds > 0) report.campaign.swarm_seeds = {{1, seeds}};
  reports::CampaignFigures& c = report.campaign;
  c.runs = c.swarm_runs = c.passed = seeds / count + (index < seeds % count ? 1 : 0);
  c.events = 1000;
  if (failing) {
    c.passed -= 1;
    c.failed = 1;
    c.findings_by_kind = {{.name = "no_lost_writes", .count = 1}};
  }
  report.plan = reports::CampaignPlan{.scenario_set = "0123456789abcdef",
                                      .bundled = 0,
                                      .swarm_seeds = seeds,
                                      .shard_count = count,
                                      .shards = {index}};
  return report;
}

std::string shard_report(std::uint64_t index, std::uint64_t count = 2, std::uint64_t seeds = 10,
                         bool failing = false) {
  return reports::to_json(shard(index, count, seeds, failing));
}

// One passing run's line of runs.jsonl.
std::string run_line(std::uint64_t seed) {
  return fmt::format(R"({{"index":{},"item":"swarm seed {}","seed":{},"swarm":true,)"
                     R"("verdict":"pass","invariant":null,"cause":null,"sentence":"",)"
                     R"("digest":"00000000000000ab","simulated_us":1,"events":2,"wall_ms":3,)"
                     R"("repro":null}})",
                     seed - 1, seed, seed);
}

// A shard's directory: its report.json, and a runs.jsonl of as many runs as
// the report counts (none when the text is not a report, or counts more
// runs than a test writes: merge refuses it before it reads runs.jsonl).
void write_shard(const fs::path& dir, const std::string& report_text) {
  write_text(dir / "report.json", report_text);
  core::Result<reports::Report> report = reports::parse_report(report_text, "report.json");
  if (!report || report->campaign.runs > 1000) return;
  std::string runs;
  for (std::uint64_t i = 1; i <= report->campaign.runs; ++i)
    runs += run_line(i) + "\n";
  write_text(dir / "runs.jsonl", runs);
}

struct BadShard {
  const char* what;
  std::string text;      // written as report.json; empty: none written
  std::string expected;  // in the message
};

// Merging `good` (a/report.json) with each bad one (b/report.json) is bad
// input naming b, saying what is expected, and writing nothing.
void expect_each_refused(const std::string& good, const std::vector<BadShard>& cases) {
  for (const BadShard& bad : cases) {
    const fs::path dir = fresh_directory(bad.what);
    write_shard(dir / "a", good);
    fs::create_directories(dir / "b");
    if (!bad.text.empty()) write_shard(dir / "b", bad.text);
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

TEST(Merge, AMissingCorruptTruncatedForeignOrOverlappingShardIsBadInputNamingTheFile) {
  const std::string good = shard_report(0);
  std::string foreign = shard_report(1);
  foreign.replace(foreign.find("\"postgres\""), 10, "\"mysql\"");
  std::string other_build = shard_report(1);
  other_build.replace(other_build.find("gcc 12.2.0"), 10, "clang 14.0");
  std::string newer = shard_report(1);
  newer.replace(newer.find("\"schema_version\": 1"), 19, "\"schema_version\": 9");
  const std::vector<BadShard> cases = {
      {"missing", "", "report.json: not found"},
      {"truncated", good.substr(0, good.size() / 2), "truncated"},
      {"corrupt", "{\"schema_version\": 1, \"campaign\": [1, 2", "truncated"},
      {"garbage", "not json at all", "not valid JSON"},
      {"newer", newer, "schema version 9"},
      {"foreign", foreign, "control plane \"mysql\""},
      {"other-build", other_build, "run by unwedge 0.1.0 (clang 14.0"},
      {"overlapping", shard_report(0), "holds shard 1/2, as "},
  };
  expect_each_refused(good, cases);
}

// A shard of a campaign of two planes: its figures, and each plane's.
std::string planes_shard_report(const std::vector<std::string>& planes, std::uint64_t index) {
  reports::Report report = shard(index, 2, 4);
  std::string names;
  for (const std::string& name : planes) {
    names += names.empty() ? name : "," + name;
    reports::PlaneReport part{.campaign = report.campaign};
    part.campaign.control_plane = name;
    report.planes.push_back(part);
  }
  report.campaign.control_plane = names;
  return reports::to_json(report);
}

// Shards of one campaign name the same planes in the same order; a shard of
// another list (or of one plane) is bad input naming both files.
TEST(Merge, ShardsOfCampaignsOfOtherPlaneListsAreRefusedNamingTheFiles) {
  const std::string good = planes_shard_report({"postgres", "lease"}, 0);
  const std::vector<BadShard> cases = {
      {"reordered", planes_shard_report({"lease", "postgres"}, 1),
       "a campaign of control planes \"lease,postgres\", but "},
      {"one-plane", shard_report(1, 2, 4), "a campaign of control planes \"postgres\", but "},
      {"three", planes_shard_report({"postgres", "lease", "minimal"}, 1),
       "is of \"postgres,lease\"; merge shards of one campaign only (the same --control-plane "
       "list, in the same order)"},
  };
  for (const BadShard& bad : cases) {
    const fs::path dir = fresh_directory(bad.what);
    write_shard(dir / "a", good);
    write_shard(dir / "b", bad.text);
    const Ran ran =
        run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "a").string(),
                              (dir / "b").string(), (dir / "out").string()));
    EXPECT_EQ(ran.exit_code, 2) << bad.what << ": " << ran.output;
    EXPECT_NE(ran.output.find((dir / "b" / "report.json").string()), std::string::npos)
        << bad.what << ": " << ran.output;
    EXPECT_NE(ran.output.find((dir / "a" / "report.json").string()), std::string::npos)
        << bad.what << ": " << ran.output;
    EXPECT_NE(ran.output.find(bad.expected), std::string::npos) << bad.what << ": " << ran.output;
    EXPECT_FALSE(fs::exists(dir / "out" / "report.json")) << bad.what;
    fs::remove_all(dir);
  }
  // The same list merges, plane by plane.
  const fs::path dir = fresh_directory("same-planes");
  write_shard(dir / "a", good);
  write_shard(dir / "b", planes_shard_report({"postgres", "lease"}, 1));
  const Ran ran =
      run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "a").string(),
                            (dir / "b").string(), (dir / "out").string()));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  const reports::Report merged = read_report(dir / "out" / "report.json");
  ASSERT_EQ(merged.planes.size(), 2u);
  EXPECT_EQ(merged.planes[1].campaign.control_plane, "lease");
  EXPECT_EQ(merged.planes[1].campaign.runs, 4u);
  EXPECT_EQ(merged.planes[1].campaign.swarm_seeds,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 4}}));
  fs::remove_all(dir);
}

// Shards of another campaign, a shard whose counts do not add up or wrap,
// or one that claims runs of another shard, are refused naming the file
// and what is wrong; nothing is written.
TEST(Merge, ShardsOfAnotherCampaignOrWithCountsThatCannotBeAreRefusedNamingTheShard) {
  const auto edited = [](auto edit) {
    reports::Report report = shard(1);
    edit(report);
    return reports::to_json(report);
  };
  const std::uint64_t wrap = std::numeric_limits<std::uint64_t>::max();
  const std::vector<BadShard> cases = {
      {"other-seeds", shard_report(1, 2, 20), "a campaign of swarm seeds 1 to 20, but "},
      {"other-scenarios",
       edited([](reports::Report& r) { r.plan->scenario_set = "fedcba9876543210"; }),
       "(set fedcba9876543210), but "},
      {"other-shard-count", shard_report(1, 3), "a campaign of 3 shards, but "},
      {"no-plan", edited([](reports::Report& r) { r.plan.reset(); }), "has no \"plan\""},
      {"wrapping", edited([&](reports::Report& r) {
         r.campaign.runs = wrap;
         r.campaign.passed = wrap;
       }),
       "runs is 18446744073709551615, but bundled_runs 0 + swarm_runs 5 is 5"},
      {"wrapping-sum", edited([&](reports::Report& r) {
         r.campaign.failed = wrap;
         r.campaign.findings_by_kind = {{.name = "no_lost_writes", .count = wrap}};
       }),
       "but passed 5 + failed 18446744073709551615 + errors 0 is past 2^64"},
      {"events-wrapping", edited([&](reports::Report& r) { r.campaign.events = wrap; }),
       "events, added to the shards before it, passes 2^64 - 1"},
      {"not-adding-up", edited([](reports::Report& r) { r.campaign.passed = 4; }),
       "runs is 5, but passed 4 + failed 0 + errors 0 is 4"},
      {"findings", edited([](reports::Report& r) {
         r.campaign.passed = 4;
         r.campaign.failed = 1;
       }),
       "findings_by_kind adds up to 0, but failed 1 + errors 0 is 1"},
      {"another-shards-seed", edited([](reports::Report& r) {
         r.campaign.swarm_seeds.front() = {1, 1};
       }),
       "swarm seed 1 belongs to shard 1/2, which the report does not hold (shard 2/2)"},
      {"past-the-seeds", edited([](reports::Report& r) {
         r.campaign.swarm_seeds.back() = {12, 12};
       }),
       "swarm seeds 12-12 lie outside the campaign's seeds 1 to 10"},
      {"finished-with-holes", edited([](reports::Report& r) {
         r.campaign.swarm_seeds.pop_back();
         r.campaign.runs = r.campaign.passed = r.campaign.swarm_runs = 4;
       }),
       "says it finished, but ran 0 of the 0 bundled scenarios and 4 of the 5 swarm seeds that "
       "shard 2/2 owns"},
  };
  expect_each_refused(shard_report(0), cases);
}

// Every shard of the campaign, once: a missing one is named.
TEST(Merge, AMissingShardIsNamed) {
  const fs::path dir = fresh_directory("missing-shard");
  write_shard(dir / "a", shard_report(0, 3));
  write_shard(dir / "b", shard_report(2, 3));
  const Ran ran =
      run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "a").string(),
                            (dir / "b").string(), (dir / "out").string()));
  EXPECT_EQ(ran.exit_code, 2) << ran.output;
  EXPECT_NE(ran.output.find((dir / "a" / "report.json").string() +
                            ": a shard of a campaign of 3 shards, but shard 2/3 is missing; "
                            "merge the --out directory of every shard (--shard 1/3 to 3/3)"),
            std::string::npos)
      << ran.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "report.json"));
  fs::remove_all(dir);
}

// A shard that was interrupted, or killed while running, makes the merge
// partial: INCOMPLETE and exit 4 with nothing found, never a PASS; a
// finding in it is still a FAIL.
TEST(Merge, AnUnfinishedShardMakesTheMergedReportIncompleteNeverAPass) {
  struct Case {
    const char* what;
    std::string status;
    bool failing;
    int exit_code;
    std::string merged_status;
  };
  const std::vector<Case> cases = {
      {"interrupted", "interrupted by signal 2", false, 4, "shard 2/2 interrupted by signal 2"},
      {"killed", "running", false, 4,
       "shard 2/2 still running when last written (at 2026-12-06T01:02:03Z)"},
      {"interrupted-failing", "interrupted by signal 15", true, 1,
       "shard 2/2 interrupted by signal 15"},
  };
  for (const Case& c : cases) {
    const fs::path dir = fresh_directory(c.what);
    reports::Report unfinished = shard(1, 2, 10, c.failing);
    unfinished.campaign.status = c.status;
    unfinished.campaign.interrupted = c.status != "running";
    write_shard(dir / "a", shard_report(0));
    write_shard(dir / "b", reports::to_json(unfinished));
    if (c.status == "running") {
      // Killed after its last report: one run more, and a line cut short.
      std::ofstream(dir / "b" / "runs.jsonl", std::ios::app) << run_line(9) << "\n"
                                                             << run_line(10).substr(0, 30);
    }
    const Ran ran =
        run_shell(fmt::format("{} merge {} {} --out {}", unwedge_cli(), (dir / "a").string(),
                              (dir / "b").string(), (dir / "out").string()));
    EXPECT_EQ(ran.exit_code, c.exit_code) << c.what << ": " << ran.output;
    const reports::Report merged = read_report(dir / "out" / "report.json");
    EXPECT_EQ(merged.campaign.status, c.merged_status) << c.what;
    EXPECT_TRUE(merged.campaign.interrupted) << c.what;
    ASSERT_TRUE(merged.plan.has_value());
    EXPECT_EQ(merged.plan->shards, (std::vector<std::uint64_t>{0, 1}));
    const reports::Verdict verdict = reports::verdict_of(merged);
    EXPECT_FALSE(verdict.complete()) << c.what;
    EXPECT_NE(verdict.incomplete.find(c.merged_status), std::string::npos) << verdict.incomplete;
    EXPECT_EQ(read_text_file(dir / "out" / "summary.md").find("PASS"), std::string::npos) << c.what;
    const std::string merged_runs = read_text_file(dir / "out" / "runs.jsonl");
    EXPECT_TRUE(merged_runs.ends_with("\n")) << c.what << ": a line cut short was merged";
    EXPECT_NE(read_text_file(dir / "out" / "junit.xml").find("<error message=\"incomplete: "),
              std::string::npos)
        << c.what;
    fs::remove_all(dir);
  }
}

TEST(Merge, DisjointShardsMergeWithExitZeroOrOneForAFinding) {
  const fs::path dir = fresh_directory("disjoint");
  write_shard(dir / "a", shard_report(0));
  write_text(dir / "a" / "repro" / "swarm-seed-2.yaml", "name: x\n");
  // A worker killed mid-write left this: not a reproducer.
  write_text(dir / "a" / "repro" / "swarm-seed-4.yaml.partial-Ab12Cd", "name: x\n");
  write_shard(dir / "b", shard_report(1));
  const std::string runs_a = read_text_file(dir / "a" / "runs.jsonl");
  const std::string runs_b = read_text_file(dir / "b" / "runs.jsonl");
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
  EXPECT_FALSE(fs::exists(dir / "clean" / "repro" / "swarm-seed-4.yaml.partial-Ab12Cd"));
  EXPECT_EQ(read_text_file(dir / "clean" / "runs.jsonl"), runs_a + runs_b);
  // A damaged line of runs.jsonl is named, and nothing is written.
  write_text(dir / "b" / "runs.jsonl", run_line(1) + "\n" + run_line(2).substr(0, 20) + "\n");
  const Ran damaged = merge("damaged");
  EXPECT_EQ(damaged.exit_code, 2) << damaged.output;
  EXPECT_NE(damaged.output.find((dir / "b" / "runs.jsonl").string() + ":2: a run record: the JSON "
                                                                      "ends too early"),
            std::string::npos)
      << damaged.output;
  EXPECT_FALSE(fs::exists(dir / "damaged"));
  // ... so is one that holds fewer runs than its report counts.
  write_text(dir / "b" / "runs.jsonl", run_line(1) + "\n");
  const Ran short_runs = merge("short");
  EXPECT_EQ(short_runs.exit_code, 2) << short_runs.output;
  EXPECT_NE(
      short_runs.output.find((dir / "b" / "runs.jsonl").string() + ": holds 1 run records, but "),
      std::string::npos)
      << short_runs.output;
  write_shard(dir / "b", shard_report(1, 2, 10, /*failing=*/true));
  EXPECT_EQ(merge("failing").exit_code, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace unwedge::cli
