// The campaign engine behind `unwedge nightly`: shards that never overlap
// and together cover every item, across separate processes; workers whose
// crash is a finding for one item and not the end of the campaign; records
// that survive an interruption.
#include "cli/campaign.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "cli/campaign_options.hpp"
#include "cli/campaign_report.hpp"
#include "cli/canary.hpp"
#include "cli/report_builder.hpp"
#include "cli/shard.hpp"
#include "cli/worker_result.hpp"
#include "cli/write_reports.hpp"
#include "reports/html_report.hpp"
#include "reports/report_json.hpp"
#include "reports/summary_markdown.hpp"
#include "reports/verdict.hpp"
#include "sim/invariants.hpp"
#include "tests/cli/campaign_test_items.hpp"
#include "tests/support/temp_path.hpp"
#include "tests/support/text_file.hpp"

extern char** environ;

namespace unwedge::cli {
namespace {

using unwedge::testing::read_text_file;

using std::chrono::milliseconds;
namespace fs = std::filesystem;

// ---- shards ---------------------------------------------------------------

TEST(Shard, ShardsAreDisjointAndTogetherCoverEveryIndex) {
  for (std::uint64_t count = 1; count <= 5; ++count) {
    for (std::uint64_t index = 0; index <= 1000; ++index) {
      int owners = 0;
      for (std::uint64_t shard = 0; shard < count; ++shard) {
        owners += Shard{.index = shard, .count = count}.owns(index) ? 1 : 0;
      }
      EXPECT_EQ(owners, 1) << "index " << index << " of " << count << " shards";
    }
  }
}

std::string shard_error(std::string_view flag) {
  core::Result<Shard> shard = parse_shard_flag(flag);
  return shard ? "accepted as " + shard->label() : shard.error().message;
}

TEST(Shard, TheFlagIsNumberedFromOneAndNamesWhatIsWrong) {
  core::Result<Shard> second = parse_shard_flag("2/4");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, (Shard{.index = 1, .count = 4}));
  EXPECT_EQ(second->label(), "2/4");
  EXPECT_EQ(shard_error("3/2"), "--shard 3/2: there is no shard 3 of 2; they run from 1/2 to 2/2");
  EXPECT_EQ(shard_error("0/0"), "--shard 0/0: the number of shards must be at least 1");
  EXPECT_EQ(shard_error("x/y"),
            "--shard x/y: expected i/N, shard i of N numbered from 1 (for example 2/4)");
  EXPECT_EQ(shard_error("0/4"), "--shard 0/4: shards are numbered from 1; the first of 4 is 1/4");
  EXPECT_EQ(shard_error("2"),
            "--shard 2: expected i/N, shard i of N numbered from 1 (for example 2/4)");
  EXPECT_EQ(shard_error("1/4x"),
            "--shard 1/4x: expected i/N, shard i of N numbered from 1 (for example 2/4)");
}

Shard resolved(const ShardSources& sources, const Environment& environment) {
  core::Result<Shard> shard = resolve_shard(sources, environment);
  EXPECT_TRUE(shard.ok()) << shard.error().message;
  return shard ? *shard : Shard{.index = 999, .count = 999};
}

std::string resolve_error(const ShardSources& sources, const Environment& environment) {
  core::Result<Shard> shard = resolve_shard(sources, environment);
  return shard ? "accepted as " + shard->label() : shard.error().message;
}

TEST(Shard, TheFlagComesFirstThenTheTestRunnerThenTheIndexedJob) {
  const Environment everything = {{"TEST_SHARD_INDEX", "2"},
                                  {"TEST_TOTAL_SHARDS", "3"},
                                  {"JOB_COMPLETION_INDEX", "4"},
                                  {"UNWEDGE_TOTAL_SHARDS", "5"}};
  EXPECT_EQ(resolved({.flag = "1/2"}, everything), (Shard{.index = 0, .count = 2}));
  EXPECT_EQ(resolved({}, everything), (Shard{.index = 2, .count = 3}));
  const Environment job = {{"JOB_COMPLETION_INDEX", "4"}, {"UNWEDGE_TOTAL_SHARDS", "5"}};
  EXPECT_EQ(resolved({}, job), (Shard{.index = 4, .count = 5}));
  EXPECT_EQ(resolved({.count_flag = 6}, job), (Shard{.index = 4, .count = 6}));
  EXPECT_EQ(resolved({}, {}), (Shard{.index = 0, .count = 1}));
}

TEST(Shard, EnvironmentErrorsNameTheVariableAndTheFix) {
  EXPECT_EQ(resolve_error({}, {{"JOB_COMPLETION_INDEX", "3"}}),
            "JOB_COMPLETION_INDEX=3 is set but not the number of shards: pass --shard-count N or "
            "set UNWEDGE_TOTAL_SHARDS to the Job's completions");
  EXPECT_EQ(resolve_error({}, {{"TEST_SHARD_INDEX", "1"}}),
            "TEST_SHARD_INDEX and TEST_TOTAL_SHARDS go together, but only TEST_SHARD_INDEX is "
            "set; set both, or neither");
  EXPECT_EQ(resolve_error({}, {{"TEST_SHARD_INDEX", "4"}, {"TEST_TOTAL_SHARDS", "4"}}),
            "TEST_SHARD_INDEX=4 TEST_TOTAL_SHARDS=4: shard index 4 does not exist; with 4 shards "
            "the index runs from 0 to 3");
  EXPECT_EQ(resolve_error({}, {{"TEST_SHARD_INDEX", "one"}, {"TEST_TOTAL_SHARDS", "4"}}),
            "TEST_SHARD_INDEX=one: expected a whole number");
  EXPECT_EQ(resolve_error({.count_flag = 0}, {{"JOB_COMPLETION_INDEX", "0"}}),
            "JOB_COMPLETION_INDEX=0 --shard-count 0: the number of shards must be at least 1");
  EXPECT_EQ(resolve_error({.count_flag = 4}, {}),
            "--shard-count 4 names the number of shards for JOB_COMPLETION_INDEX, which is not "
            "set; use --shard i/N to pick a shard by hand");
}

// ---- flags, records, figures ----------------------------------------------

TEST(CampaignFlags, DurationsTakeSecondsMinutesAndHours) {
  EXPECT_EQ(*parse_duration("10m", "--budget"), milliseconds(600'000));
  EXPECT_EQ(*parse_duration("1h30m", "--budget"), milliseconds(5'400'000));
  EXPECT_EQ(*parse_duration("1500ms", "--budget"), milliseconds(1'500));
  // The flag is named before what core::parse_duration says is wrong.
  EXPECT_EQ(parse_duration("10x", "--budget").error().message,
            "--budget 10x: \"10x\": unknown unit \"x\"; units: us, ms, s, m, h, d");
  EXPECT_EQ(parse_duration("90", "--budget").error().message,
            "--budget 90: 90 has no unit; write it with one of us, ms, s, m, h, d (e.g. 90s)");
  for (const char* bad : {"", "m", "1h30", "-5m", "1.5h"}) {
    EXPECT_FALSE(parse_duration(bad, "--budget").ok()) << bad;
  }
  EXPECT_EQ(parse_duration("0s", "--budget").error().message,
            "--budget 0s: must be at least one second");
  EXPECT_EQ(parse_duration("999ms", "--budget").error().message,
            "--budget 999ms: must be at least one second");
}

TEST(CampaignFlags, BadValuesAreRefusedBeforeAnythingRuns) {
  EXPECT_EQ(campaign_settings({.out = "o", .jobs = 0}, {}).error().message,
            "--jobs 0: expected 1 to 1024 worker processes");
  EXPECT_EQ(campaign_settings({.out = "o", .shard = "3/2"}, {}).error().message,
            "--shard 3/2: there is no shard 3 of 2; they run from 1/2 to 2/2");
  core::Result<CampaignSettings> fixed = campaign_settings({.out = "o", .seeds = 40}, {});
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->swarm_seeds, 40u);
  EXPECT_FALSE(fixed->budget.has_value());
  core::Result<CampaignSettings> timed = campaign_settings({.out = "o"}, {});
  ASSERT_TRUE(timed.ok());
  EXPECT_EQ(timed->budget, milliseconds(600'000));
}

TEST(CampaignReport, ARunRecordIsOneJsonLineAndReadsBack) {
  const RunRecord record{.index = 12,
                         .item = "swarm seed 3",
                         .seed = 3,
                         .swarm = true,
                         .verdict = Verdict::kFail,
                         .invariant = "no_lost_writes",
                         .sentence = "expected to pass, but \"no_lost_writes\" was violated",
                         .digest = 0xfedcba9876543210,
                         .simulated_us = 45 * core::kMinute,
                         .events = 8123,
                         .store_keys_unchecked = 2,
                         .wall_ms = 41,
                         .repro = "repro/swarm-seed-3.yaml"};
  const std::string line = to_json_line(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_TRUE(line.starts_with(R"({"index":12,"item":"swarm seed 3","seed":3,"swarm":true,)"))
      << line;
  EXPECT_NE(line.find(R"("digest":"fedcba9876543210")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("cause":null)"), std::string::npos) << line;
  core::Result<RunRecord> back = parse_run_record(line);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, record);
}

// A worker's result is one JSON object, read back as strictly as
// report.json: whole, and a broken one named by its key path.
TEST(CampaignReport, AWorkersResultIsOneStrictRecord) {
  WorkerResult result{.record = {.index = 3,
                                 .item = "swarm seed 3",
                                 .seed = 3,
                                 .swarm = true,
                                 .verdict = Verdict::kFail,
                                 .invariant = "no_lost_writes",
                                 .sentence = "lost\ta write",
                                 .digest = 0xabc},
                      .scenario = "swarm-3",
                      .coverage = reports::Coverage{.faults = {{.name = "host_crash", .count = 2}}},
                      .timeline = reports::RunTimeline{.end_us = 7},
                      .rechecked = true,
                      .contexts = {4, 9}};
  const std::string line = to_result_line(result);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  core::Result<WorkerResult> back = parse_result_line(line);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->record, result.record);
  EXPECT_EQ(back->scenario, "swarm-3");
  EXPECT_EQ(back->coverage, result.coverage);
  EXPECT_EQ(back->timeline, result.timeline);
  EXPECT_TRUE(back->rechecked);
  EXPECT_EQ(back->contexts, result.contexts);

  std::string broken = line;
  broken.replace(broken.find("\"verdict\":\"fail\""), 16, "\"verdict\":\"meh\"");
  EXPECT_EQ(parse_result_line(broken).error().message,
            "a worker's result: record.verdict: expected \"pass\", \"fail\" or \"error\", "
            "found \"meh\"; the worker sent a broken result");
  std::string misspelt = line;
  misspelt.replace(misspelt.find("\"rechecked\""), 11, "\"rechekced\"");
  EXPECT_NE(parse_result_line(misspelt).error().message.find(
                "the key \"rechecked\" is missing; is \"rechekced\" a misspelling of it?"),
            std::string::npos);
  EXPECT_NE(parse_result_line(line.substr(0, line.size() / 2)).error().message.find("truncated"),
            std::string::npos);
  const std::string crashes = to_crashes_line({.stories = 3, .divergences = 1});
  ASSERT_TRUE(is_crashes_line(crashes)) << crashes;
  EXPECT_FALSE(is_crashes_line(line));
  EXPECT_EQ(parse_crashes_line(crashes).value().divergences, 1u);
}

TEST(CampaignReport, AnOlderRunRecordWithoutUncheckedKeysReadsAsNone) {
  RunRecord record{.index = 1, .item = "swarm seed 1", .seed = 1, .swarm = true};
  record.store_keys_unchecked = 4;
  std::string line = to_json_line(record);
  const std::string field = R"("store_keys_unchecked":4,)";
  const std::size_t at = line.find(field);
  ASSERT_NE(at, std::string::npos) << line;
  line.erase(at, field.size());
  core::Result<RunRecord> back = parse_run_record(line);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->store_keys_unchecked, 0u);
}

// A store key too large to check is not a pass: the count goes from each
// run's record to the campaign's figures, its summaries and report.json.
TEST(CampaignReport, UncheckedStoreKeysReachTheSummariesAndTheReport) {
  ReportBuilder builder("lease", nullptr);
  builder.add(WorkerResult{.record = {.index = 0,
                                      .item = "swarm seed 1",
                                      .seed = 1,
                                      .swarm = true,
                                      .store_keys_unchecked = 2}});
  builder.add(
      WorkerResult{.record = {.index = 1, .item = "swarm seed 2", .seed = 2, .swarm = true}});
  builder.add(WorkerResult{.record = {.index = 2,
                                      .item = "swarm seed 3",
                                      .seed = 3,
                                      .swarm = true,
                                      .store_keys_unchecked = 1}});
  const reports::Report report = builder.report(CampaignStatus{.elapsed = milliseconds(1'000)});
  EXPECT_EQ(report.campaign.store_keys_unchecked, 3u);
  EXPECT_EQ(report.campaign.store_unchecked_runs, 2u);
  EXPECT_NE(summary_text(report).find(
                "store keys not checked for linearizability (too large): 3 in 2 runs\n"),
            std::string::npos)
      << summary_text(report);
  EXPECT_NE(reports::summary_markdown(report).find("**Not checked**: 3 keys"), std::string::npos)
      << reports::summary_markdown(report);
  core::Result<reports::Report> back =
      reports::parse_report(reports::to_json(report), "report.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->campaign.store_keys_unchecked, 3u);
  EXPECT_EQ(back->campaign.store_unchecked_runs, 2u);

  // None unchecked: nothing said.
  ReportBuilder clean("lease", nullptr);
  clean.add(WorkerResult{.record = {.index = 0, .item = "swarm seed 1", .seed = 1, .swarm = true}});
  const reports::Report all_checked = clean.report(CampaignStatus{.elapsed = milliseconds(1'000)});
  EXPECT_EQ(summary_text(all_checked).find("not checked"), std::string::npos);
  EXPECT_EQ(reports::summary_markdown(all_checked).find("Not checked"), std::string::npos);
}

// A run's disruptions go from its record (runs.jsonl) to the campaign's
// figures, by kind then cause, and from there to every report.
TEST(CampaignReport, DisruptionsReachEveryReport) {
  using reports::DisruptionCount;
  RunRecord first{.index = 0, .item = "swarm seed 1", .seed = 1, .swarm = true};
  first.disruptions = {
      {.kind = "failover", .cause = "failover-unreachable-leader", .count = 2, .runs = 1},
      {.kind = "restart", .cause = "restart-unreachable", .count = 1, .runs = 1}};
  RunRecord second{.index = 1, .item = "swarm seed 2", .seed = 2, .swarm = true};
  second.disruptions = {
      {.kind = "failover", .cause = "planned-failover", .count = 1, .runs = 1},
      {.kind = "failover", .cause = "failover-unreachable-leader", .count = 1, .runs = 1}};
  core::Result<RunRecord> back = parse_run_record(to_json_line(first));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->disruptions, first.disruptions);
  EXPECT_NE(to_json_line(second).find(
                R"("disruptions":[{"kind":"failover","cause":"planned-failover","count":1},)"),
            std::string::npos)
      << to_json_line(second);

  ReportBuilder builder("postgres", nullptr);
  builder.add(WorkerResult{.record = first});
  builder.add(WorkerResult{.record = second});
  const reports::Report report = builder.report(CampaignStatus{.elapsed = milliseconds(1'000)});
  const std::vector<DisruptionCount> expected = {
      {.kind = "failover", .cause = "failover-unreachable-leader", .count = 3, .runs = 2},
      {.kind = "failover", .cause = "planned-failover", .count = 1, .runs = 1},
      {.kind = "restart", .cause = "restart-unreachable", .count = 1, .runs = 1}};
  EXPECT_EQ(report.campaign.disruptions, expected);
  EXPECT_NE(summary_text(report).find("disruptions: failover 4 (failover-unreachable-leader 3, "
                                      "planned-failover 1); restart 1 (restart-unreachable 1)\n"),
            std::string::npos)
      << summary_text(report);
  EXPECT_NE(
      reports::summary_markdown(report).find("| failover | failover-unreachable-leader | 3 | 2 |"),
      std::string::npos)
      << reports::summary_markdown(report);
  EXPECT_NE(reports::html_report(report).find("<td><code>planned-failover</code></td>"),
            std::string::npos);
  core::Result<reports::Report> parsed =
      reports::parse_report(reports::to_json(report), "report.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->campaign.disruptions, expected);
  // Shards merge by adding, by kind and cause.
  reports::Report twice = report;
  reports::merge_into(twice, report);
  EXPECT_EQ(twice.campaign.disruptions[0].count, 6u);
  EXPECT_EQ(twice.campaign.disruptions[0].runs, 4u);

  ReportBuilder quiet("postgres", nullptr);
  quiet.add(WorkerResult{.record = {.index = 0, .item = "swarm seed 1", .seed = 1, .swarm = true}});
  const reports::Report none = quiet.report(CampaignStatus{.elapsed = milliseconds(1'000)});
  EXPECT_NE(summary_text(none).find("disruptions: none\n"), std::string::npos);
  EXPECT_NE(reports::summary_markdown(none).find("### Disruptions\n\nNone decided."),
            std::string::npos);
}

TEST(CampaignReport, FiguresReadAsAPersonWouldSayThem) {
  EXPECT_EQ(format_simulated(45 * core::kSecond), "45 s");
  EXPECT_EQ(format_simulated(12 * core::kMinute), "12 min");
  EXPECT_EQ(format_simulated(4 * core::kHour), "4.0 h");
  EXPECT_EQ(format_simulated(36 * core::kHour), "1.5 d");
  EXPECT_EQ(format_simulated(1132 * core::kDay), "3.1 y");
  EXPECT_EQ(format_wall(milliseconds(12'400)), "12s");
  EXPECT_EQ(format_wall(milliseconds(250'000)), "4m 10s");
  EXPECT_EQ(format_wall(milliseconds(3'720'000)), "1h 02m");
  EXPECT_EQ(repro_stem("swarm seed 17"), "swarm-seed-17");
  EXPECT_EQ(repro_stem("scenario scenarios/Partial_Partition.yaml"),
            "scenario-scenarios-partial_partition");
}

TEST(CampaignReport, TheProgressLineShowsRunsRateSimulatedTimeViolationsAndEta) {
  ReportBuilder builder("postgres", nullptr);
  for (std::uint64_t i = 0; i < 10; ++i) {
    builder.add(
        {.record = {.index = i, .item = "swarm seed", .swarm = true, .simulated_us = core::kDay}});
  }
  builder.add({.record = {.index = 10, .verdict = Verdict::kError, .cause = "worker_died"}});
  const reports::CampaignFigures& figures = builder.figures();
  const CampaignStatus status{.elapsed = milliseconds(11'000), .planned = 22};
  EXPECT_EQ(format_progress(figures, status),
            "runs 11/22, 1.0 runs/s, 10.0 d simulated, 1 violation, ETA 11s");
  const CampaignStatus timed{.elapsed = milliseconds(11'000), .budget = milliseconds(60'000)};
  EXPECT_EQ(format_progress(figures, timed),
            "runs 11, 1.0 runs/s, 10.0 d simulated, 1 violation, ETA 49s");
}

// ---- the engine, in this process --------------------------------------------

fs::path fresh_directory(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / fmt::format("unwedge-campaign-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  return dir;
}

std::vector<RunRecord> read_runs(const fs::path& dir) {
  std::vector<RunRecord> runs;
  std::ifstream in(dir / "runs.jsonl");
  for (std::string line; std::getline(in, line);) {
    core::Result<RunRecord> record = parse_run_record(line);
    EXPECT_TRUE(record.ok()) << record.error().message;
    if (record) runs.push_back(*record);
  }
  return runs;
}

std::map<std::uint64_t, RunRecord> by_index(const std::vector<RunRecord>& runs) {
  std::map<std::uint64_t, RunRecord> indexed;
  for (const RunRecord& run : runs) {
    EXPECT_TRUE(indexed.emplace(run.index, run).second) << "index " << run.index << " ran twice";
  }
  return indexed;
}

TEST(Campaign, ACrashOrAThrowIsAFindingForItsSeedAndTheCampaignGoesOn) {
  const fs::path dir = fresh_directory("crash");
  const CampaignItems items = testing::test_items({.bundled = 2,
                                                   .segfault_seeds = {2},
                                                   .abort_seeds = {3},
                                                   .throw_seeds = {4},
                                                   .fail_seeds = {5}});
  core::Result<CampaignResult> result =
      run_campaign({.out_dir = dir, .jobs = 2, .swarm_seeds = 8}, items,
                   {.to_file_text = testing::test_scenario_text});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_EQ(result->status.state, CampaignState::kFinished);
  const std::map<std::uint64_t, RunRecord> runs = by_index(read_runs(dir));
  ASSERT_EQ(runs.size(), 10u);  // 2 bundled, seeds 1..8 at indices 2..9
  const RunRecord& segfault = runs.at(3);
  EXPECT_EQ(segfault.verdict, Verdict::kError);
  EXPECT_EQ(segfault.cause, "worker_died");
  EXPECT_TRUE(segfault.sentence.starts_with("worker died (signal 11, "));
  EXPECT_TRUE(segfault.sentence.ends_with(") while running swarm seed 2")) << segfault.sentence;
  EXPECT_TRUE(runs.at(4).sentence.starts_with("worker died (signal 6, ")) << runs.at(4).sentence;
  EXPECT_EQ(runs.at(5).cause, "threw");
  EXPECT_EQ(runs.at(5).sentence, "swarm seed 4 threw: the generator gave up");
  const RunRecord& failed = runs.at(6);
  EXPECT_EQ(failed.verdict, Verdict::kFail);
  EXPECT_EQ(failed.sentence, "expected a violation of no_lost_writes, but the run passed");
  EXPECT_EQ(failed.repro, "repro/swarm-seed-5.yaml");
  EXPECT_EQ(read_text_file(dir / failed.repro), "name: swarm-5\nseed: 5\n");
  for (std::uint64_t index : {0, 1, 2, 7, 8, 9}) {
    EXPECT_EQ(runs.at(index).verdict, Verdict::kPass) << runs.at(index).sentence;
    EXPECT_NE(runs.at(index).digest, 0u);
    EXPECT_EQ(runs.at(index).simulated_us, 45 * core::kMinute);
  }
  EXPECT_EQ(runs.at(0).item, "scenario bundled-0");
  EXPECT_EQ(runs.at(0).seed, 1000u);
  const std::string summary = read_text_file(dir / "summary.txt");
  EXPECT_NE(summary.find("status: finished"), std::string::npos) << summary;
  EXPECT_NE(summary.find("passed: 6, failed: 1, errors: 3"), std::string::npos) << summary;
  EXPECT_NE(summary.find("error: worker_died: 2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("swarm seed 2: worker died"), std::string::npos) << summary;
  EXPECT_NE(summary.find("runs/s: "), std::string::npos) << summary;
  fs::remove_all(dir);
}

TEST(Campaign, ADeadWorkersItemStillGetsItsScenarioWrittenWhenItCanBeMadeAgain) {
  const fs::path dir = fresh_directory("crash-once");
  fs::create_directories(dir / "marks");
  const CampaignItems items =
      testing::test_items({.segfault_once_seeds = {2}, .marks_dir = (dir / "marks").string()});
  core::Result<CampaignResult> result =
      run_campaign({.out_dir = dir, .jobs = 1, .swarm_seeds = 3}, items,
                   {.to_file_text = testing::test_scenario_text});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 1);
  const std::map<std::uint64_t, RunRecord> runs = by_index(read_runs(dir));
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs.at(1).cause, "worker_died");
  EXPECT_EQ(runs.at(1).repro, "repro/swarm-seed-2.yaml");
  EXPECT_EQ(read_text_file(dir / "repro/swarm-seed-2.yaml"), "name: swarm-2\nseed: 2\n");
  EXPECT_EQ(runs.at(2).verdict, Verdict::kPass);  // on a new worker
  fs::remove_all(dir);
}

TEST(Campaign, ARunPastTheWallTimeLimitIsKilledAndIsAFinding) {
  const fs::path dir = fresh_directory("hang");
  const CampaignItems items = testing::test_items({.hang_seeds = {1}});
  core::Result<CampaignResult> result = run_campaign(
      {.out_dir = dir, .jobs = 1, .swarm_seeds = 1, .run_wall_max = milliseconds(300)}, items, {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 1);
  const std::vector<RunRecord> runs = read_runs(dir);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].cause, "timed_out");
  EXPECT_EQ(runs[0].sentence, "swarm seed 1 gave no result within 300 ms; its worker was killed");
  fs::remove_all(dir);
}

TEST(Campaign, ABudgetRunsTheShardsSeedsInOrderUntilTimeRunsOut) {
  const fs::path dir = fresh_directory("budget");
  core::Result<CampaignResult> result = run_campaign(
      {.out_dir = dir, .shard = {.index = 1, .count = 2}, .jobs = 2, .budget = milliseconds(300)},
      testing::test_items({.bundled = 1, .slow_ms = 20}), {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->status.state, CampaignState::kBudgetSpent);
  // Runs in flight when time ran out finished, so what ran is a prefix of
  // the shard's items: indices 1, 3, 5, ... (swarm seeds 1, 3, 5, ...).
  const std::map<std::uint64_t, RunRecord> runs = by_index(read_runs(dir));
  ASSERT_GE(runs.size(), 2u);
  std::uint64_t expected_index = 1;
  for (const auto& [index, run] : runs) {
    EXPECT_EQ(index, expected_index);
    EXPECT_EQ(run.seed, index);
    expected_index += 2;
  }
  EXPECT_NE(read_text_file(dir / "summary.txt").find("status: finished (time budget spent)"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(Campaign, AllPassedIsExitZero) {
  const fs::path dir = fresh_directory("pass");
  core::Result<CampaignResult> result =
      run_campaign({.out_dir = dir, .jobs = 2, .swarm_seeds = 4}, testing::test_items({}), {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->report.campaign.passed, 4u);
  EXPECT_EQ(read_runs(dir).size(), 4u);
  fs::remove_all(dir);
}

TEST(Campaign, ItsReportCountsEveryRunWithCoverageAndKeepsAFailingRunsTimeline) {
  const fs::path dir = fresh_directory("report");
  core::Result<CampaignResult> result = run_campaign({.out_dir = dir, .jobs = 2, .swarm_seeds = 4},
                                                     testing::test_items({.fail_seeds = {2}}),
                                                     {.to_file_text = testing::test_scenario_text});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 1);
  const reports::Report& report = result->report;
  EXPECT_EQ(report.campaign.runs, 4u);
  EXPECT_EQ(report.campaign.failed, 1u);
  EXPECT_EQ(report.campaign.swarm_seeds,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 4}}));
  // Index 0 (swarm seed 1) was run twice and gave the same digest.
  EXPECT_EQ(report.campaign.determinism_rechecks, 1u);
  EXPECT_EQ(report.campaign.determinism_mismatches, 0u);
  ASSERT_EQ(report.failures.size(), 1u);
  const reports::RunResult& failure = report.failures[0];
  EXPECT_EQ(failure.item, "swarm seed 2");
  EXPECT_EQ(failure.repro, "repro/swarm-seed-2.yaml");
  EXPECT_EQ(failure.replay_command, "unwedge run repro/swarm-seed-2.yaml");
  ASSERT_TRUE(failure.timeline.has_value());
  EXPECT_FALSE(failure.timeline->lanes.empty());
  for (const reports::InvariantResult& invariant : report.invariants) {
    EXPECT_EQ(invariant.runs_checked, 4u) << invariant.name;
  }
  EXPECT_EQ(report.campaign.findings_by_kind,
            (std::vector<reports::NamedCount>{{.name = "expected violation missing", .count = 1}}));
  std::uint64_t provisioned = 0;
  for (const reports::MachineCoverage& machine : report.coverage.machines) {
    for (const reports::TransitionCoverage& t : machine.transitions) {
      if (machine.name == "service" && t.to == "available" && t.cause == "provisioned")
        provisioned = t.taken;
    }
  }
  EXPECT_EQ(provisioned, 4u) << "each run provisions its one service once";
  // report.json holds the same report, and reads back.
  core::Result<reports::Report> written =
      reports::parse_report(read_text_file(dir / "report.json"), "report.json");
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(*written, report);
  fs::remove_all(dir);
}

TEST(Campaign, TheCrashExplorationRunsOnceInTheFirstShardAndADivergenceIsAFinding) {
  CampaignItems items = testing::test_items({});
  items.explore_crashes = [] {
    return reports::CrashCoverage{
        .stories = 1, .crash_points = 3, .divergences = 1, .findings = {"Failover diverged"}};
  };
  const fs::path first_dir = fresh_directory("crashes-first");
  core::Result<CampaignResult> first = run_campaign(
      {.out_dir = first_dir, .shard = {.index = 0, .count = 2}, .jobs = 2, .swarm_seeds = 2}, items,
      {});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->exit_code, 1);
  EXPECT_EQ(first->report.coverage.crashes.stories, 1u);
  EXPECT_EQ(reports::verdict_of(first->report).findings, 1u);
  EXPECT_NE(read_text_file(first_dir / "summary.txt").find("crash exploration: Failover diverged"),
            std::string::npos);
  const fs::path second_dir = fresh_directory("crashes-second");
  core::Result<CampaignResult> second = run_campaign(
      {.out_dir = second_dir, .shard = {.index = 1, .count = 2}, .jobs = 2, .swarm_seeds = 2},
      items, {});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->exit_code, 0);
  EXPECT_EQ(second->report.coverage.crashes, reports::CrashCoverage{});
  fs::remove_all(first_dir);
  fs::remove_all(second_dir);
}

// ---- the canary ------------------------------------------------------------

reports::CanaryResult caught_canary() {
  return {.mutant = "wedged_in_draining",
          .caught = true,
          .invariant = "bounded_dwell",
          .seed = 1,
          .wall_ms = 70,
          .sentence = "ledger/ledger-1 has been draining since 0.0 s",
          .self_tests = {{.checker = "no_lost_writes", .flagged = true, .sentence = "w-1 lost"}}};
}

TEST(Campaign, ACaughtCanaryIsRecordedOnceInTheFirstShard) {
  CampaignItems items = testing::test_items({});
  items.canary = caught_canary;
  const fs::path first_dir = fresh_directory("canary-first");
  core::Result<CampaignResult> first = run_campaign(
      {.out_dir = first_dir, .shard = {.index = 0, .count = 2}, .jobs = 1, .swarm_seeds = 2}, items,
      {});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->exit_code, 0);
  EXPECT_EQ(first->report.canary, caught_canary());
  EXPECT_EQ(reports::verdict_of(first->report).findings, 0u);
  EXPECT_NE(
      read_text_file(first_dir / "summary.txt")
          .find("canary wedged_in_draining: caught by bounded_dwell on seed 1 in 70 ms; 1 checkers "
                "each flagged the history that breaks it"),
      std::string::npos)
      << read_text_file(first_dir / "summary.txt");
  core::Result<reports::Report> written =
      reports::parse_report(read_text_file(first_dir / "report.json"), "report.json");
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->canary, caught_canary());
  const fs::path second_dir = fresh_directory("canary-second");
  core::Result<CampaignResult> second = run_campaign(
      {.out_dir = second_dir, .shard = {.index = 1, .count = 2}, .jobs = 1, .swarm_seeds = 2},
      items, {});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->exit_code, 0);
  EXPECT_FALSE(second->report.canary.has_value());
  EXPECT_EQ(read_text_file(second_dir / "report.json").find("\"canary\""), std::string::npos);
  fs::remove_all(first_dir);
  fs::remove_all(second_dir);
}

TEST(Campaign, ACanaryNotCaughtBreaksTheHarnessOfACampaignWhoseRunsAllPassed) {
  CampaignItems items = testing::test_items({});
  items.canary = [] {
    reports::CanaryResult canary = caught_canary();
    canary.caught = false;
    canary.invariant.clear();
    canary.sentence = "the run found nothing";
    return canary;
  };
  const fs::path dir = fresh_directory("canary-missed");
  core::Result<CampaignResult> result =
      run_campaign({.out_dir = dir, .shard = {}, .jobs = 2, .swarm_seeds = 2}, items, {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->report.campaign.failed + result->report.campaign.errors, 0u)
      << "every run passed";
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(reports::verdict_of(result->report).findings, 0u) << "not a finding of the plane";
  const std::string sentence =
      "canary wedged_in_draining: NOT caught (the run found nothing); the harness missed a "
      "bug planted to be caught, so a clean campaign proves nothing";
  EXPECT_NE(read_text_file(dir / "summary.txt").find(sentence), std::string::npos);
  EXPECT_NE(read_text_file(dir / "summary.md").find("HARNESS BROKEN"), std::string::npos);
  // Markdown escapes the mutant's underscores; the verdict reads the same.
  EXPECT_NE(read_text_file(dir / "summary.md").find("NOT caught (the run found nothing)"),
            std::string::npos);
  EXPECT_NE(read_text_file(dir / "report.html").find("<p id=\"canary\" class=\"bad\">"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(Campaign, ACanaryThatCrashesBreaksTheHarness) {
  CampaignItems items = testing::test_items({});
  items.canary = []() -> reports::CanaryResult { std::abort(); };
  const fs::path dir = fresh_directory("canary-crash");
  core::Result<CampaignResult> result =
      run_campaign({.out_dir = dir, .shard = {}, .jobs = 1, .swarm_seeds = 1}, items, {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->exit_code, 3);
  ASSERT_TRUE(result->report.canary.has_value());
  EXPECT_FALSE(result->report.canary->caught);
  // Said once: the description says it gave no result, the sentence why.
  const std::string said = describe(*result->report.canary);
  EXPECT_TRUE(said.starts_with("canary gave no result: ")) << said;
  EXPECT_EQ(said.find("gave no result", 10), std::string::npos) << said;
  EXPECT_NE(said.find("signal"), std::string::npos) << said;
  fs::remove_all(dir);
}

// Stand-ins for unwedge-canary: shell scripts printing what a canary might.
fs::path stand_in(const std::string& name, const std::string& body) {
  const fs::path path = unwedge::testing::temp_path("canary-" + name + ".sh");
  {
    std::ofstream file(path);
    file << "#!/bin/sh\n" << body << "\n";
  }
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

constexpr const char* kCaughtLine =
    R"(echo '{"mutant":"promote_lagging_standby","caught":true,"invariant":"no_lost_writes",)"
    R"("seed":1,"wall_ms":70,"sentence":"write w-968 is missing"}')";

TEST(Canary, ACanaryIsCaughtOnlyWhenItSaysSoAndExitsZero) {
  reports::CanaryResult caught = run_canary(stand_in("caught", kCaughtLine));
  EXPECT_TRUE(caught.caught) << caught.sentence;
  EXPECT_EQ(caught.mutant, "promote_lagging_standby");
  EXPECT_EQ(caught.invariant, "no_lost_writes");
  reports::CanaryResult exits_one =
      run_canary(stand_in("exits-one", std::string(kCaughtLine) + "\nexit 1"));
  EXPECT_FALSE(exits_one.caught);
  EXPECT_NE(exits_one.sentence.find("exit status 1"), std::string::npos) << exits_one.sentence;
  reports::CanaryResult garbled = run_canary(stand_in("garbled", "echo caught, honest"));
  EXPECT_FALSE(garbled.caught);
  EXPECT_NE(garbled.sentence.find("gave no verdict (exit status 0)"), std::string::npos)
      << garbled.sentence;
  const fs::path nowhere = unwedge::testing::temp_path("no-such-canary");
  reports::CanaryResult missing = run_canary(nowhere);
  EXPECT_FALSE(missing.caught);
  EXPECT_EQ(missing.sentence,
            "the canary " + nowhere.string() + " is missing; build unwedge-canary beside unwedge");
}

TEST(Canary, TheTestsMayPointTheCampaignAtAStandIn) {
  const fs::path path = stand_in("pointed-at", kCaughtLine);
  ::setenv("UNWEDGE_CANARY", path.c_str(), 1);
  EXPECT_EQ(canary_executable(), path);
  ::unsetenv("UNWEDGE_CANARY");
  EXPECT_EQ(canary_executable().filename(), "unwedge-canary");
}

TEST(ReportBuilder, ADeterminismMismatchIsAFailedRunCountedInTheCampaignFigures) {
  ReportBuilder builder("postgres", nullptr);
  builder.add({.record = {.index = 0,
                          .item = "swarm seed 1",
                          .seed = 1,
                          .swarm = true,
                          .verdict = Verdict::kFail,
                          .invariant = "determinism",
                          .sentence = "the same scenario run twice gave different digests"},
               .rechecked = true,
               .mismatch = true});
  builder.add({.record = {.index = 16, .item = "swarm seed 17", .seed = 17, .swarm = true},
               .rechecked = true});
  const reports::Report report = builder.report({.state = CampaignState::kFinished});
  EXPECT_EQ(report.campaign.determinism_rechecks, 2u);
  EXPECT_EQ(report.campaign.determinism_mismatches, 1u);
  EXPECT_EQ(report.campaign.failed, 1u);
  EXPECT_EQ(report.campaign.findings_by_kind,
            (std::vector<reports::NamedCount>{{.name = "determinism", .count = 1}}));
  EXPECT_EQ(report.campaign.swarm_seeds,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 1}, {17, 17}}));
  EXPECT_EQ(report.campaign.status, "finished");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].replay_command,
            "unwedge gen --seed 1 --out swarm-seed-1.yaml && unwedge run swarm-seed-1.yaml");
}

// A campaign of two planes: each run counts in the campaign and in its
// plane; the crash exploration and the canary in the plane they are of; a
// run names its plane, and a swarm seed's replay command names it to gen.
TEST(ReportBuilder, ACampaignOfTwoPlanesKeepsEachPlanesFiguresApart) {
  ReportBuilder builder(std::vector<CampaignPlane>{
      {.name = "postgres", .model = &postgres::model(), .fault_kinds = {"host_crash"}},
      {.name = "lease", .model = nullptr}});
  builder.add({.record = {.index = 0, .item = "scenario a.yaml", .seed = 5}}, 0);
  builder.add({.record = {.index = 1,
                          .item = "swarm seed 1 (lease)",
                          .seed = 1,
                          .swarm = true,
                          .verdict = Verdict::kFail,
                          .invariant = "single_writer",
                          .sentence = "two writers"}},
              1);
  builder.add({.record = {.index = 2, .item = "swarm seed 2 (postgres)", .seed = 2, .swarm = true}},
              0);
  builder.add_crashes({.stories = 3, .divergences = 1, .findings = {"diverged"}}, 0);
  builder.set_canary({.mutant = "m", .caught = true}, 0);
  const reports::Report report = builder.report({.state = CampaignState::kFinished});
  EXPECT_EQ(report.campaign.control_plane, "postgres,lease");
  EXPECT_EQ(report.campaign.runs, 3u);
  EXPECT_EQ(report.campaign.failed, 1u);
  ASSERT_EQ(report.planes.size(), 2u);
  const reports::PlaneReport& postgres = report.planes[0];
  const reports::PlaneReport& lease = report.planes[1];
  EXPECT_EQ(postgres.campaign.control_plane, "postgres");
  EXPECT_EQ(postgres.campaign.runs, 2u);
  EXPECT_EQ(postgres.campaign.bundled_runs, 1u);
  EXPECT_EQ(postgres.campaign.swarm_seeds,
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{2, 2}}));
  EXPECT_EQ(postgres.coverage.crashes.stories, 3u);
  EXPECT_EQ(reports::verdict_of(postgres, report).findings, 1u)
      << "the crash exploration's divergence";
  ASSERT_TRUE(postgres.canary.has_value());
  EXPECT_FALSE(lease.canary.has_value());
  EXPECT_EQ(lease.campaign.runs, 1u);
  EXPECT_EQ(lease.campaign.failed, 1u);
  EXPECT_EQ(reports::verdict_of(lease, report).findings, 1u);
  EXPECT_EQ(lease.invariants[static_cast<std::size_t>(sim::Invariant::kSingleWriter)].violations,
            1u);
  // The model's universe, its fault kinds only; the whole names each part
  // by its plane.
  EXPECT_FALSE(postgres.coverage.machines.empty());
  EXPECT_EQ(postgres.coverage.faults,
            (std::vector<reports::NamedCount>{{.name = "host_crash", .count = 0}}));
  EXPECT_TRUE(lease.coverage.machines.empty());
  EXPECT_EQ(report.coverage, reports::combined_coverage(report.planes));
  EXPECT_EQ(report.coverage.machines.front().name.rfind("postgres/", 0), 0u);
  EXPECT_EQ(report.coverage.crashes.divergences, 1u);
  EXPECT_EQ(reports::verdict_of(report).findings, 2u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].control_plane, "lease");
  EXPECT_EQ(report.failures[0].replay_command,
            "unwedge gen --control-plane lease --seed 1 --out swarm-seed-1.yaml && unwedge run "
            "swarm-seed-1.yaml");
  ASSERT_EQ(report.scenarios.size(), 1u);
  EXPECT_EQ(report.scenarios[0].control_plane, "postgres");
}

// ---- the engine as separate processes ---------------------------------------

const char* const kShardVariables[] = {"TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS",
                                       "TEST_SHARD_STATUS_FILE", "JOB_COMPLETION_INDEX",
                                       "UNWEDGE_TOTAL_SHARDS"};

// Starts campaign_driver with `arguments` and `variables` added to this
// process's environment, less any sharding variables of its own.
pid_t start_driver(const std::vector<std::string>& arguments,
                   const std::vector<std::string>& variables = {}) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    bool sharding = false;
    for (const char* name : kShardVariables)
      sharding |= text.starts_with(std::string(name) + "=");
    if (!sharding) environment.push_back(text);
  }
  environment.insert(environment.end(), variables.begin(), variables.end());
  std::vector<std::string> argv_text = {CAMPAIGN_DRIVER};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  std::vector<char*> envp;
  for (std::string& text : argv_text)
    argv.push_back(text.data());
  for (std::string& text : environment)
    envp.push_back(text.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(::posix_spawn(&pid, CAMPAIGN_DRIVER, nullptr, nullptr, argv.data(), envp.data()), 0);
  return pid;
}

int exit_code_of(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

TEST(CampaignProcesses, FourShardsTogetherRunExactlyTheSeedsOfOneUnshardedRun) {
  const fs::path whole_dir = fresh_directory("whole");
  const std::vector<std::string> common = {"--seeds", "40", "--bundled", "3", "--jobs", "2"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), common.begin(), common.end());
    return more;
  };
  // Each shard by another route: the flag, the test runner's variables, an
  // Indexed Job with its count as a flag or a variable.
  std::vector<fs::path> shard_dirs;
  for (int i = 0; i < 4; ++i)
    shard_dirs.push_back(fresh_directory(fmt::format("shard{}", i)));
  std::vector<pid_t> shards = {
      start_driver(with({"--out", shard_dirs[0].string(), "--shard", "1/4"})),
      start_driver(with({"--out", shard_dirs[1].string()}),
                   {"TEST_SHARD_INDEX=1", "TEST_TOTAL_SHARDS=4"}),
      start_driver(with({"--out", shard_dirs[2].string(), "--shard-count", "4"}),
                   {"JOB_COMPLETION_INDEX=2"}),
      start_driver(with({"--out", shard_dirs[3].string()}),
                   {"JOB_COMPLETION_INDEX=3", "UNWEDGE_TOTAL_SHARDS=4"})};
  const pid_t whole = start_driver(with({"--out", whole_dir.string()}));
  for (pid_t shard : shards)
    EXPECT_EQ(exit_code_of(shard), 0);
  EXPECT_EQ(exit_code_of(whole), 0);

  const std::map<std::uint64_t, RunRecord> expected = by_index(read_runs(whole_dir));
  ASSERT_EQ(expected.size(), 43u);
  std::map<std::uint64_t, RunRecord> together;
  for (std::uint64_t shard = 0; shard < 4; ++shard) {
    for (const RunRecord& run : read_runs(shard_dirs[shard])) {
      EXPECT_EQ(run.index % 4, shard) << run.item;
      EXPECT_TRUE(together.emplace(run.index, run).second) << run.item << " ran in two shards";
    }
  }
  ASSERT_EQ(together.size(), expected.size());
  for (const auto& [index, run] : expected) {
    ASSERT_TRUE(together.contains(index)) << run.item << " ran in no shard";
    EXPECT_EQ(together.at(index).item, run.item);
    EXPECT_EQ(together.at(index).digest, run.digest) << run.item;
  }
  fs::remove_all(whole_dir);
  for (const fs::path& dir : shard_dirs)
    fs::remove_all(dir);
}

// Starts a long campaign, sends `signal_number` once three runs are written,
// and returns its exit code.
int interrupt_after_three_runs(const fs::path& dir, int signal_number,
                               std::vector<std::string> more = {}) {
  std::vector<std::string> arguments = {"--out",  dir.string(), "--seeds",   "1000",
                                        "--jobs", "2",          "--slow-ms", "40"};
  arguments.insert(arguments.end(), more.begin(), more.end());
  const pid_t pid = start_driver(arguments);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  // Bounded by give_up.
  for (;;) {
    const std::string runs = read_text_file(dir / "runs.jsonl");
    if (std::count(runs.begin(), runs.end(), '\n') >= 3) break;
    if (std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(milliseconds(10));
  }
  ::kill(pid, signal_number);
  return exit_code_of(pid);
}

// Every report in `dir` says the campaign is partial, with `why`: none
// says PASS, whatever ended the campaign.
void expect_incomplete_in_every_file(const fs::path& dir, const std::string& why) {
  const std::string txt = read_text_file(dir / "summary.txt");
  EXPECT_NE(txt.find("verdict: INCOMPLETE (0 findings)\nincomplete: " + why), std::string::npos)
      << txt;
  EXPECT_NE(txt.find("last updated at: 20"), std::string::npos) << txt;
  const std::string md = read_text_file(dir / "summary.md");
  EXPECT_NE(md.find(": INCOMPLETE\n"), std::string::npos) << md;
  EXPECT_NE(md.find("**Incomplete**: " + why), std::string::npos) << md;
  const std::string html = read_text_file(dir / "report.html");
  EXPECT_NE(html.find(": INCOMPLETE</title>"), std::string::npos);
  EXPECT_NE(html.find("<p id=\"incomplete\" class=\"bad\">Incomplete: " + why), std::string::npos);
  const std::string junit = read_text_file(dir / "junit.xml");
  EXPECT_NE(junit.find("<error message=\"incomplete: " + why), std::string::npos) << junit;
  core::Result<reports::Report> report =
      reports::parse_report(read_text_file(dir / "report.json"), "report.json");
  ASSERT_TRUE(report.ok()) << report.error().message;
  const reports::Verdict verdict = reports::verdict_of(*report);
  EXPECT_EQ(verdict.outcome, reports::Outcome::kIncomplete);
  EXPECT_TRUE(verdict.incomplete.starts_with(why)) << verdict.incomplete;
  EXPECT_FALSE(report->campaign.updated_at.empty());
  EXPECT_NE(read_text_file(dir / "report.json").find("\"outcome\": \"INCOMPLETE\""),
            std::string::npos);
}

TEST(CampaignProcesses, CtrlCKeepsTheFinishedRunsAndWritesTheSummary) {
  const fs::path dir = fresh_directory("sigint");
  // What a worker killed mid-write leaves; an interruption clears it away.
  fs::create_directories(dir / "repro");
  std::ofstream(dir / "repro" / "swarm-seed-9.yaml.partial-Ab12Cd") << "name: x\n";
  EXPECT_EQ(interrupt_after_three_runs(dir, SIGINT), 130);
  const std::vector<RunRecord> runs = read_runs(dir);
  EXPECT_GE(runs.size(), 3u);
  EXPECT_LT(runs.size(), 1000u);
  by_index(runs);
  const std::string summary = read_text_file(dir / "summary.txt");
  EXPECT_NE(summary.find("status: interrupted by signal 2"), std::string::npos) << summary;
  EXPECT_NE(summary.find(fmt::format("runs: {} ", runs.size())), std::string::npos) << summary;
  // report.json is written however the campaign ends, and says how it ended.
  core::Result<reports::Report> report =
      reports::parse_report(read_text_file(dir / "report.json"), "report.json");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->campaign.runs, runs.size());
  EXPECT_TRUE(report->campaign.interrupted);
  EXPECT_EQ(report->campaign.status, "interrupted by signal 2");
  expect_incomplete_in_every_file(dir,
                                  "the campaign was interrupted by signal 2 before its "
                                  "planned work was done");
  EXPECT_FALSE(fs::exists(dir / "repro" / "swarm-seed-9.yaml.partial-Ab12Cd"));
  fs::remove_all(dir);
}

// A closed terminal or SSH session stops the campaign as Ctrl-C does.
TEST(CampaignProcesses, AHangUpStopsTheCampaignAndEveryReportSaysSo) {
  const fs::path dir = fresh_directory("sighup");
  EXPECT_EQ(interrupt_after_three_runs(dir, SIGHUP), 128 + SIGHUP);
  expect_incomplete_in_every_file(dir,
                                  "the campaign was interrupted by signal 1 before its "
                                  "planned work was done");
  fs::remove_all(dir);
}

TEST(CampaignProcesses, AnInterruptedCampaignWithAFindingExitsOne) {
  const fs::path dir = fresh_directory("sigterm");
  EXPECT_EQ(interrupt_after_three_runs(dir, SIGTERM, {"--fail-seed", "1"}), 1);
  const std::string summary = read_text_file(dir / "summary.txt");
  EXPECT_NE(summary.find("status: interrupted by signal 15"), std::string::npos) << summary;
  EXPECT_NE(summary.find("swarm seed 1: expected a violation"), std::string::npos) << summary;
  fs::remove_all(dir);
}

// Under `nohup` a hang-up is ignored, and the campaign keeps it so: it goes
// on until something else stops it.
TEST(CampaignProcesses, ACampaignStartedWithHangUpsIgnoredGoesOnAfterOne) {
  const fs::path dir = fresh_directory("nohup");
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction before {};
  ::sigaction(SIGHUP, &ignore, &before);
  const pid_t pid =
      start_driver({"--out", dir.string(), "--seeds", "1000", "--jobs", "2", "--slow-ms", "40"});
  ::sigaction(SIGHUP, &before, nullptr);
  const auto runs_written = [&] {
    const std::string runs = read_text_file(dir / "runs.jsonl");
    return static_cast<std::size_t>(std::count(runs.begin(), runs.end(), '\n'));
  };
  const auto wait_for_runs = [&](std::size_t count) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    // Bounded by give_up.
    while (runs_written() < count && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(milliseconds(10));
  };
  wait_for_runs(3);
  ::kill(pid, SIGHUP);
  const std::size_t at_hang_up = runs_written();
  wait_for_runs(at_hang_up + 3);
  EXPECT_GE(runs_written(), at_hang_up + 3) << "the hang-up stopped the campaign";
  ::kill(pid, SIGTERM);
  EXPECT_EQ(exit_code_of(pid), 143);
  EXPECT_NE(read_text_file(dir / "summary.txt").find("status: interrupted by signal 15"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(CampaignProcesses, APlainTerminationExitsWith143AndAKilledParentLosesNoFinishedRun) {
  const fs::path term_dir = fresh_directory("sigterm-clean");
  EXPECT_EQ(interrupt_after_three_runs(term_dir, SIGTERM), 143);
  expect_incomplete_in_every_file(term_dir,
                                  "the campaign was interrupted by signal 15 before its "
                                  "planned work was done");
  fs::remove_all(term_dir);
  const fs::path dir = fresh_directory("sigkill");
  EXPECT_EQ(interrupt_after_three_runs(dir, SIGKILL), 1000 + SIGKILL);
  // Every line written is whole; none was cut by the kill.
  const std::string text = read_text_file(dir / "runs.jsonl");
  EXPECT_TRUE(text.ends_with("\n"));
  EXPECT_GE(read_runs(dir).size(), 3u);
  // The last snapshot stands, and says it was taken while running.
  expect_incomplete_in_every_file(dir,
                                  "the campaign was still running when this report was last "
                                  "written (at 20");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace unwedge::cli
