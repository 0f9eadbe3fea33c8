// The `unwedge` command as a user runs it: the built binary, its output and
// its exit codes (0 clean, 1 findings, 2 bad input, 3 the harness is broken).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "core/control_plane_check.hpp"
#include "reports/check_model_json.hpp"
#include "tests/cli/command_runner.hpp"
#include "tests/support/temp_path.hpp"
#include "tests/support/text_file.hpp"

namespace unwedge::cli {
namespace {

using unwedge::testing::read_text_file;

using testing::Ran;
using testing::source;
using testing::unwedge;
using testing::unwedge_with;

TEST(Cli, AnUnknownCommandOrFlagIsBadInput) {
  Ran command = unwedge("frobnicate");
  EXPECT_EQ(command.exit_code, 2) << command.output;
  EXPECT_NE(command.output.find("unwedge --help"), std::string::npos) << command.output;
  Ran flag = unwedge("explore-crashes --frobnicate");
  EXPECT_EQ(flag.exit_code, 2) << flag.output;
  EXPECT_NE(flag.output.find("--frobnicate"), std::string::npos) << flag.output;
}

TEST(Cli, ExploreCrashesNamesAnUnknownStoryAndTheKnownOnes) {
  Ran ran = unwedge("explore-crashes --story Nope");
  EXPECT_EQ(ran.exit_code, 2) << ran.output;
  EXPECT_NE(ran.output.find("no story named Nope; the stories are Provision, Failover"),
            std::string::npos)
      << ran.output;
}

TEST(Cli, ExploreCrashesRefusesToCheckNothing) {
  Ran ran = unwedge("explore-crashes --no-reentrancy --no-redelivery");
  EXPECT_EQ(ran.exit_code, 2) << ran.output;
  EXPECT_NE(ran.output.find("leave nothing to check"), std::string::npos) << ran.output;
}

TEST(Cli, ExploreCrashesRefusesAStoreItCannotUseAndSaysWhatItTakes) {
  Ran unknown = unwedge("explore-crashes --store mysql://db");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("--store"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("use memory, sqlite, sqlite:DIR"), std::string::npos)
      << unknown.output;
  Ran no_dir = unwedge("explore-crashes --story Unfollow --store sqlite:/nonexistent/unwedge");
  EXPECT_EQ(no_dir.exit_code, 2) << no_dir.output;
  EXPECT_NE(no_dir.output.find("--store sqlite:/nonexistent/unwedge: "), std::string::npos)
      << no_dir.output;
  EXPECT_NE(no_dir.output.find("is not a directory"), std::string::npos) << no_dir.output;
}

TEST(Cli, ExploreCrashesPassesAStoryThatEndsAsIfNeverInterrupted) {
  Ran ran = unwedge("explore-crashes --story Unfollow");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("Unfollow: "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("0 divergences"), std::string::npos) << ran.output;
  EXPECT_EQ(ran.output.rfind("store: memory", 0), 0u) << ran.output;
}

TEST(Cli, NightlyRefusesABadShardBudgetOrJobCountAndSaysWhy) {
  Ran shard = unwedge("nightly --out nightly-out --seeds 10 --shard 3/2");
  EXPECT_EQ(shard.exit_code, 2) << shard.output;
  EXPECT_NE(shard.output.find("--shard 3/2: there is no shard 3 of 2"), std::string::npos)
      << shard.output;
  Ran budget = unwedge("nightly --out nightly-out --budget 10x");
  EXPECT_EQ(budget.exit_code, 2) << budget.output;
  EXPECT_NE(budget.output.find("--budget 10x: \"10x\": unknown unit \"x\""), std::string::npos)
      << budget.output;
  Ran jobs = unwedge("nightly --out nightly-out --seeds 10 --jobs 0");
  EXPECT_EQ(jobs.exit_code, 2) << jobs.output;
  EXPECT_NE(jobs.output.find("--jobs 0: expected 1 to 1024"), std::string::npos) << jobs.output;
  Ran no_out = unwedge("nightly --seeds 10");
  EXPECT_EQ(no_out.exit_code, 2) << no_out.output;
  EXPECT_NE(no_out.output.find("--out"), std::string::npos) << no_out.output;
}

TEST(Cli, NightlyNeedsAShardCountWithAnIndexedJobIndex) {
  Ran ran = unwedge_with("JOB_COMPLETION_INDEX=1", "nightly --out nightly-out --seeds 10");
  EXPECT_EQ(ran.exit_code, 2) << ran.output;
  EXPECT_NE(ran.output.find("pass --shard-count N or set UNWEDGE_TOTAL_SHARDS"), std::string::npos)
      << ran.output;
}

// The guided search runs its inputs as items of the campaign, keeps what
// reached something new in --corpus, and the next campaign starts by
// replaying that corpus; every guided run is in runs.jsonl and the figures
// in every summary.
TEST(Cli, TheGuidedSearchKeepsItsCorpusForTheNextCampaign) {
  const std::filesystem::path dir = unwedge::testing::temp_path("nightly-guided");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "no-scenarios");
  const std::string flags = "--seeds 3 --guided-runs 6 --jobs 1 --scenarios " +
                            (dir / "no-scenarios").string() + " --corpus " +
                            (dir / "corpus").string();
  Ran first = unwedge("nightly --out " + (dir / "first").string() + " " + flags);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  std::size_t guided_lines = 0;
  std::istringstream runs(read_text_file(dir / "first" / "runs.jsonl"));
  for (std::string line; std::getline(runs, line);) {
    const nlohmann::json run = nlohmann::json::parse(line);
    if (run["guided"].get<bool>()) {
      ++guided_lines;
      EXPECT_EQ(run["item"].get<std::string>().rfind("guided input ", 0), 0u) << line;
    }
  }
  EXPECT_EQ(guided_lines, 6u);
  const nlohmann::json report =
      nlohmann::json::parse(read_text_file(dir / "first" / "report.json"));
  EXPECT_EQ(report["guided"]["runs"], 6);
  EXPECT_EQ(report["campaign"]["runs"], 9);
  EXPECT_EQ(report["campaign"]["bundled_runs"], 0);
  const std::uint64_t kept = report["guided"]["corpus"].get<std::uint64_t>();
  EXPECT_GE(kept, 1u);  // the first swarm seed's run reached something
  const auto corpus_files = [&] {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "corpus")) {
      if (entry.path().extension() == ".yaml") names.insert(entry.path().filename().string());
    }
    return names;
  };
  // Pruned at the end to the runs still holding a feature: at most every
  // run kept.
  const std::set<std::string> first_files = corpus_files();
  EXPECT_GE(first_files.size(), 1u);
  EXPECT_LE(first_files.size(), kept);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "first" / "guided" / "inputs"));
  for (const char* file : {"summary.txt", "summary.md", "report.html"}) {
    EXPECT_NE(read_text_file(dir / "first" / file).find("guided search: 6 runs"), std::string::npos)
        << file;
  }
  // A second campaign that only replays the corpus (and runs the same swarm
  // seeds) writes nothing new: a replayed scenario is the same file, not a
  // copy under another name.
  const std::string replay_only =
      "--seeds 3 --jobs 1 --guided-runs " + std::to_string(first_files.size()) + " --scenarios " +
      (dir / "no-scenarios").string() + " --corpus " + (dir / "corpus").string();
  Ran second = unwedge("nightly --out " + (dir / "second").string() + " " + replay_only);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  const nlohmann::json again =
      nlohmann::json::parse(read_text_file(dir / "second" / "report.json"));
  EXPECT_EQ(again["guided"]["replayed"], first_files.size());
  const std::set<std::string> second_files = corpus_files();
  EXPECT_FALSE(second_files.empty());
  for (const std::string& name : second_files)
    EXPECT_TRUE(first_files.contains(name)) << name << " was written by the replaying campaign";
  std::filesystem::remove_all(dir);
}

TEST(Cli, TheGuidedSearchsFlagsAreCheckedAndABrokenCorpusIsNamed) {
  const std::filesystem::path dir = unwedge::testing::temp_path("guided-flags");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "corpus");
  std::filesystem::create_directories(dir / "no-scenarios");
  Ran share = unwedge("nightly --out " + (dir / "out").string() + " --budget 1m --guided 95");
  EXPECT_EQ(share.exit_code, 2) << share.output;
  EXPECT_NE(share.output.find("--guided 95: expected a percentage from 0 to 90"), std::string::npos)
      << share.output;
  Ran fixed = unwedge("nightly --out " + (dir / "out").string() + " --seeds 2 --guided 20");
  EXPECT_EQ(fixed.exit_code, 2) << fixed.output;
  EXPECT_NE(fixed.output.find("with --seeds give --guided-runs N instead"), std::string::npos)
      << fixed.output;
  Ran empty = unwedge("nightly --out " + (dir / "out").string() + " --seeds 2 --corpus ''");
  EXPECT_EQ(empty.exit_code, 2) << empty.output;
  EXPECT_NE(empty.output.find("--corpus: an empty value names nothing"), std::string::npos)
      << empty.output;
  std::ofstream(dir / "corpus" / "broken.yaml") << "name: [unclosed\n";
  Ran broken =
      unwedge("nightly --out " + (dir / "out").string() + " --seeds 1 --guided-runs 1 --corpus " +
              (dir / "corpus").string() + " --scenarios " + (dir / "no-scenarios").string());
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find("broken.yaml"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("remove the file"), std::string::npos) << broken.output;
  std::filesystem::remove_all(dir);
}

// The canary is looked for beside unwedge; UNWEDGE_CANARY points a campaign
// at another one, which is how this test makes it go missing. A missing
// canary is said to be missing, and the harness broken (exit 3), in every
// report; so is its merge.
TEST(Cli, NightlyRunsTheCanaryBesideItAndAMissingCanaryBreaksTheHarness) {
  const std::filesystem::path dir = unwedge::testing::temp_path("nightly-canary");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "no-scenarios");
  const std::string flags = "--seeds 1 --scenarios " + (dir / "no-scenarios").string();
  Ran ran = unwedge("nightly --out " + (dir / "found").string() + " " + flags);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(read_text_file(dir / "found" / "summary.txt")
                .find("canary wedged_in_draining: caught by bounded_dwell on seed 1"),
            std::string::npos)
      << read_text_file(dir / "found" / "summary.txt");
  Ran missing = unwedge_with("UNWEDGE_CANARY=" + (dir / "no-canary").string(),
                             "nightly --out " + (dir / "missing").string() + " " + flags);
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  const std::string said = "canary missing: the canary " + (dir / "no-canary").string() +
                           " is missing; build unwedge-canary beside unwedge";
  for (const char* file : {"summary.txt", "summary.md", "report.html", "junit.xml"}) {
    const std::string text = read_text_file(dir / "missing" / file);
    EXPECT_NE(text.find(said), std::string::npos) << file << ":\n" << text;
    EXPECT_EQ(text.find("NOT caught"), std::string::npos) << file << ":\n" << text;
  }
  EXPECT_NE(read_text_file(dir / "missing" / "summary.md").find(": HARNESS BROKEN"),
            std::string::npos);
  EXPECT_NE(read_text_file(dir / "missing" / "report.json").find("\"outcome\": \"HARNESS BROKEN\""),
            std::string::npos);
  Ran merged =
      unwedge("merge " + (dir / "missing").string() + " --out " + (dir / "merged").string());
  EXPECT_EQ(merged.exit_code, 3) << merged.output;
  std::filesystem::remove_all(dir);
}

// A canary that cannot run, or runs and says nothing, proves nothing: the
// reports say so, and never that the harness missed its bug.
TEST(Cli, ACanaryThatCannotRunOrSaysNothingIsNamedSoNotCalledNotCaught) {
  const std::filesystem::path dir = unwedge::testing::temp_path("canary-broken");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "no-scenarios");
  const std::filesystem::path not_executable = dir / "not-executable";
  std::ofstream(not_executable) << "#!/bin/sh\nexit 0\n";
  const std::filesystem::path silent = dir / "silent.sh";
  std::ofstream(silent) << "#!/bin/sh\nexit 0\n";
  std::filesystem::permissions(silent, std::filesystem::perms::owner_all);
  struct Case {
    std::filesystem::path canary;
    std::string said;
  };
  const std::vector<Case> cases = {
      {not_executable, "canary missing: the canary " + not_executable.string() +
                           " cannot be run (Permission denied); make it executable"},
      {dir / "no-scenarios",
       "canary missing: the canary " + (dir / "no-scenarios").string() + " is not a program file"},
      {silent, "canary gave no result: the canary " + silent.string() +
                   " printed nothing (exit status 0); the harness could not be checked"},
  };
  for (const Case& c : cases) {
    const std::filesystem::path out = dir / "out";
    std::filesystem::remove_all(out);
    Ran ran = unwedge_with("UNWEDGE_CANARY=" + c.canary.string(),
                           "nightly --seeds 1 --scenarios " + (dir / "no-scenarios").string() +
                               " --out " + out.string());
    EXPECT_EQ(ran.exit_code, 3) << ran.output;
    EXPECT_EQ(ran.output.find("Permission denied\n"), std::string::npos)
        << "the shell's own complaint leaks: " << ran.output;
    for (const char* file : {"summary.txt", "summary.md", "report.html", "junit.xml"}) {
      const std::string text = read_text_file(out / file);
      EXPECT_NE(text.find(c.said), std::string::npos) << file << ":\n" << text;
      EXPECT_EQ(text.find("NOT caught"), std::string::npos) << file << ":\n" << text;
    }
  }
  std::filesystem::remove_all(dir);
}

// A canary that runs but misses is the harness broken too, never a finding.
TEST(Cli, ACanaryNotCaughtExitsThreeAndIsNotCountedAsAFinding) {
  const std::filesystem::path dir = unwedge::testing::temp_path("canary-missed");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "no-scenarios");
  const std::filesystem::path script = dir / "blind-canary.sh";
  {
    std::ofstream out(script);
    out << "#!/bin/sh\necho '{\"mutant\":\"wedged_in_draining\",\"caught\":false,"
           "\"invariant\":\"\",\"seed\":1,\"wall_ms\":3,\"sentence\":\"the run found "
           "nothing\"}'\nexit 3\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  Ran ran = unwedge_with("UNWEDGE_CANARY=" + script.string(),
                         "nightly --seeds 1 --scenarios " + (dir / "no-scenarios").string() +
                             " --out " + (dir / "out").string());
  EXPECT_EQ(ran.exit_code, 3) << ran.output;
  const std::string summary = read_text_file(dir / "out" / "summary.txt");
  EXPECT_NE(summary.find("verdict: HARNESS BROKEN (0 findings)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("harness broken: canary wedged_in_draining: NOT caught (the run found "
                         "nothing)"),
            std::string::npos)
      << summary;
  const std::string junit = read_text_file(dir / "out" / "junit.xml");
  EXPECT_NE(junit.find("<testcase name=\"canary\" classname=\"harness\" time=\"0.003\">\n"
                       "      <error "),
            std::string::npos)
      << junit;
  std::filesystem::remove_all(dir);
}

// A bug only crash exploration sees (a crash story of a team's own plane
// that is not a pure function of itself) fails the campaign in every report
// and in the exit code alike.
TEST(Cli, ACrashExplorationDivergenceFailsEveryReportAndTheExitCode) {
  const std::filesystem::path dir = unwedge::testing::temp_path("diverging");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "no-scenarios");
  Ran ran =
      testing::run_shell(std::string(PLANTED_DIVERGENCE_CLI) +
                         " nightly --control-plane diverging --seeds 1 --jobs 2 "
                         "--scenarios " +
                         (dir / "no-scenarios").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  const std::filesystem::path out = dir / "out";
  const std::string md = read_text_file(out / "summary.md");
  EXPECT_NE(md.find("## unwedge nightly (diverging): FAIL"), std::string::npos) << md;
  EXPECT_NE(md.find("| crash\\_exploration | "), std::string::npos) << md;
  const std::string txt = read_text_file(out / "summary.txt");
  EXPECT_NE(txt.find("verdict: FAIL ("), std::string::npos) << txt;
  EXPECT_NE(txt.find("crash_exploration (crash-exploration divergence): "), std::string::npos)
      << txt;
  const std::string junit = read_text_file(out / "junit.xml");
  EXPECT_NE(junit.find("<testcase name=\"crash_exploration\" classname=\"checks\">\n"
                       "      <failure message=\"Provision"),
            std::string::npos)
      << junit;
  const std::string html = read_text_file(out / "report.html");
  EXPECT_NE(html.find("<title>unwedge nightly diverging: FAIL</title>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td><code>crash_exploration</code></td>"), std::string::npos) << html;
  const std::string json = read_text_file(out / "report.json");
  EXPECT_NE(json.find("\"outcome\": \"FAIL\""), std::string::npos) << json.substr(0, 400);
  std::filesystem::remove_all(dir);
}

TEST(Cli, HelpStatesTheExitCodeRule) {
  Ran ran = unwedge("--help");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("Exit codes, for every command: 0 clean; 1 findings of any kind; 2 "
                            "bad input"),
            std::string::npos)
      << ran.output;
}

TEST(Cli, RunPassesEveryBundledScenarioAndPrintsDigests) {
  Ran ran = unwedge("run " + source("scenarios/flapping_checkins.yaml") + " " +
                    source("scenarios/regressions/leader_cut_from_one_monitor.yaml"));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("PASS "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("  digest "), std::string::npos) << ran.output;
}

// A run against a fleet API that throttles says how much it was held back.
TEST(Cli, RunTellsWhatAThrottlingFleetApiTurnedAway) {
  const std::filesystem::path dir = unwedge::testing::temp_path("run-throttled");
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "throttled.yaml";
  std::ofstream(file) << "name: throttled\ndescription: x\nseed: 3\nduration: 1h\nrecovery: 0s\n"
                         "fleet:\n  services:\n    - {id: db, count: 12}\n"
                         "  api: {rate: 1, burst: 2, host_quota: 23}\n"
                         "expect: {violation: bounded_dwell}\n";
  // The server past the quota waits in `creating` past its bound: a finding
  // the scenario expects.
  Ran ran = unwedge("run " + file.string());
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("fleet API: "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find(" requests throttled, "), std::string::npos) << ran.output;
  EXPECT_EQ(ran.output.find("throttled, 0 host creations refused"), std::string::npos)
      << "24 hosts against a quota of 23: one creation is refused\n"
      << ran.output;
  std::filesystem::remove_all(dir);
}

TEST(Cli, EveryBundledScenarioGivesItsExpectedVerdict) {
  std::string files;
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(source("scenarios"))) {
    if (entry.path().extension() != ".yaml") continue;
    // The fleet-sized ones run one test each (FleetScenario.*), so ctest
    // spreads them and the sanitizer build can leave them out.
    if (entry.path().parent_path().filename() == "fleet") continue;
    files += " " + entry.path().string();
    ++count;
  }
  EXPECT_GE(count, 12 + 10);
  Ran ran = unwedge("run" + files);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
}

// The race as deprovision_racing_failover.yaml first told it: the
// deprovision lands a minute before any failover, so the race it requires
// never runs. Vacuous: a finding in `unwedge run` and in every report.
constexpr const char* kVacuousRace =
    "name: vacuous-race\ndescription: x\nseed: 110\nduration: 90m\n"
    "fleet:\n  services:\n    - id: db1\n"
    "timeline:\n"
    "  - {at: 30m, fault: partition_complete, targets: [leader:db1], duration: 15m}\n"
    "  - {at: 31m, operator: deprovision, target: db1}\n"
    "requires:\n  - {request: deprovision, during: {action: Failover}}\n";

TEST(Cli, AVacuousScenarioIsAFindingInEveryReport) {
  const std::filesystem::path dir = unwedge::testing::temp_path("vacuous");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "scenarios");
  std::ofstream(dir / "scenarios" / "vacuous_race.yaml") << kVacuousRace;
  Ran ran = unwedge("run " + (dir / "scenarios" / "vacuous_race.yaml").string());
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_NE(ran.output.find("FAIL "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("vacuous (expected pass)"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("the run is vacuous: requires[0] never held: a deprovision request "
                            "arrives while a Failover runs, on the same service (0 of 1 times)"),
            std::string::npos)
      << ran.output;

  Ran nightly = unwedge("nightly --seeds 3 --jobs 1 --scenarios " + (dir / "scenarios").string() +
                        " --out " + (dir / "out").string());
  EXPECT_EQ(nightly.exit_code, 1) << nightly.output;
  for (const char* file :
       {"summary.txt", "summary.md", "junit.xml", "report.html", "report.json", "runs.jsonl"}) {
    EXPECT_NE(read_text_file(dir / "out" / file).find("vacuous"), std::string::npos) << file;
  }
  // The swarm's seeds state no requirement; the report says what they reached.
  const nlohmann::json report = nlohmann::json::parse(read_text_file(dir / "out" / "report.json"));
  EXPECT_FALSE(report.at("coverage").at("sometimes").empty()) << report.at("coverage").dump();
  EXPECT_NE(read_text_file(dir / "out" / "summary.md").find("### What the swarm reached"),
            std::string::npos);
  EXPECT_NE(read_text_file(dir / "out" / "report.html").find("id=\"sometimes\""),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Cli, RunGivesExitOneWhenAScenarioMissesItsVerdict) {
  // A scenario that expects a lost write the shipped control plane never
  // loses.
  const std::string path = unwedge::testing::temp_path("expects_a_loss.yaml").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(
        "name: expects-a-loss\ndescription: x\nduration: 30m\nrecovery: 5m\n"
        "fleet:\n  services:\n    - id: db1\n"
        "expect: {violation: no_lost_writes}\n",
        f);
    std::fclose(f);
  }
  Ran ran = unwedge("run " + path);
  EXPECT_EQ(ran.exit_code, 1) << ran.output;
  EXPECT_NE(ran.output.find("FAIL "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("expected a violation of no_lost_writes, but the run passed"),
            std::string::npos)
      << ran.output;
}

TEST(Cli, EveryMalformedScenarioIsBadInputNamingTheFileAndLine) {
  // The exact messages are the parser's tests; here, what a user sees.
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(source("tests/scenarios/malformed"))) {
    const std::string path = entry.path().string();
    ++files;
    Ran ran = unwedge("run " + path);
    EXPECT_EQ(ran.exit_code, 2) << path << ": " << ran.output;
    EXPECT_NE(ran.output.find("unwedge run: " + path), std::string::npos)
        << path << ": " << ran.output;
  }
  EXPECT_GE(files, 10);
  Ran missing = unwedge("run /nonexistent/scenario.yaml");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/scenario.yaml"), std::string::npos) << missing.output;
}

TEST(Cli, AGeneratedScenarioFileReplaysItsSeedExactly) {
  const std::string path = unwedge::testing::temp_path("swarm_7.yaml").string();
  Ran gen = unwedge("gen --seed 7 --out " + path);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  Ran first = unwedge("run " + path);
  Ran second = unwedge("run " + path);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  const std::size_t at = first.output.find("digest ");
  ASSERT_NE(at, std::string::npos) << first.output;
  const std::string digest = first.output.substr(at, 23);
  EXPECT_NE(second.output.find(digest), std::string::npos) << second.output;
}

TEST(Cli, ReplayPrintsTheWindowAndRefusesABackwardsOne) {
  Ran ran = unwedge("replay " + source("scenarios/flapping_checkins.yaml") +
                    " --from 20m --to 21m --entity db1");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("  0:20:00.000  fault"), std::string::npos) << ran.output;
  EXPECT_EQ(ran.output.find("  0:22:"), std::string::npos) << ran.output;
  Ran backwards =
      unwedge("replay " + source("scenarios/flapping_checkins.yaml") + " --from 2h --to 1h");
  EXPECT_EQ(backwards.exit_code, 2) << backwards.output;
  EXPECT_NE(backwards.output.find("is before --from"), std::string::npos) << backwards.output;
  Ran no_unit = unwedge("replay " + source("scenarios/flapping_checkins.yaml") + " --from 20");
  EXPECT_EQ(no_unit.exit_code, 2) << no_unit.output;
}

TEST(Cli, ShrinkHasNothingToDoWithAPassingScenario) {
  Ran ran = unwedge("shrink " + source("scenarios/flapping_checkins.yaml"));
  EXPECT_EQ(ran.exit_code, 2) << ran.output;
  EXPECT_NE(ran.output.find("there is no violation to shrink towards"), std::string::npos)
      << ran.output;
}

TEST(Cli, AFleetFuzzerInputBecomesTheScenarioFileItStandsFor) {
  const std::string input = source("fuzz/corpus/fleet_fuzzer/two-services");
  const std::string path = unwedge::testing::temp_path("two_services.yaml").string();
  Ran converted = unwedge("fuzz-to-scenario " + input + " --out " + path);
  ASSERT_EQ(converted.exit_code, 0) << converted.output;
  Ran shown = unwedge("fuzz-to-scenario " + input);
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  // Named after the input, described by what it decoded to.
  EXPECT_NE(shown.output.find("name: two-services"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("encoding version 1"), std::string::npos) << shown.output;
  // The written file runs like any other, and passes: the input is a seed
  // the fuzzer starts from, not a finding.
  Ran ran = unwedge("run " + path);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  Ran named = unwedge("fuzz-to-scenario " + input + " --name 'Not A Name'");
  EXPECT_EQ(named.exit_code, 2) << named.output;
  EXPECT_NE(named.output.find("is not a scenario name"), std::string::npos) << named.output;
}

TEST(Cli, FuzzToScenarioRefusesAnotherVersionOrAMissingFile) {
  Ran other = unwedge("fuzz-to-scenario " + source("fuzz/corpus/fleet_fuzzer/version-3"));
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("encoding version 3 is not one this build reads"), std::string::npos)
      << other.output;
  Ran missing = unwedge("fuzz-to-scenario /nonexistent/crash-1");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/crash-1: cannot be read: no such file"),
            std::string::npos)
      << missing.output;
}

// Files that are no input: each refused in words, quickly, with exit 2.
TEST(Cli, AnInputThatIsNoFileOrTooLargeIsNamedForWhatItIs) {
  const std::filesystem::path dir = unwedge::testing::temp_path("inputs");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // 50 MiB without writing them: a sparse file has its size all the same.
  std::filesystem::resize_file((std::ofstream(dir / "huge.yaml"), dir / "huge.yaml"), 52428800);
  std::filesystem::create_symlink(dir / "loop-a", dir / "loop-b");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  std::filesystem::create_symlink(dir / "loop-b", dir / "loop-a");
  const struct {
    std::string command;
    std::string says;
  } cases[] = {
      {"run " + (dir / "huge.yaml").string(), "the file is 52,428,800 bytes (50.0 MiB)"},
      {"run " + (dir / "loop-a").string(), "loop-a: cannot read the scenario: a loop of symbolic"},
      {"run " + dir.string(), "a directory, not a file"},
      {"fuzz-to-scenario " + dir.string(), "a directory, not a file"},
      {"fuzz-to-scenario " + (dir / "huge.yaml").string(), "the file is 52,428,800 bytes"},
      {"fuzz-to-scenario /dev/zero", "more than 1,048,576 bytes (1.0 MiB) came from it"},
      // A FIFO nobody writes to reads as empty: no wait for a writer.
      {"fuzz-to-scenario " + (dir / "fifo").string(), "fifo: empty"},
      {"shrink " + (dir / "loop-b").string(), "a loop of symbolic links"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.command);
    const Ran ran = unwedge(c.command);
    EXPECT_EQ(ran.exit_code, 2) << ran.output;
    EXPECT_NE(ran.output.find(c.says), std::string::npos) << ran.output;
    EXPECT_EQ(ran.output.find("internal error"), std::string::npos) << ran.output;
  }
}

// Numbers are digits within their range and no value is empty: CLI11 alone
// reads -1 into an unsigned seed as 2^64-1.
// A run that would go on for weeks stops at its event limit with no verdict
// and exit 2, saying how far it came; a long one says so as it goes.
TEST(Cli, ARunStopsAtItsEventLimitAndALongOneShowsItsProgress) {
  const std::string scenario = source("scenarios/lease/store_quorum_loss.yaml");
  const Ran stopped = unwedge("run --max-events 100000 " + scenario);
  EXPECT_EQ(stopped.exit_code, 2) << stopped.output;
  EXPECT_NE(stopped.output.find("the run stopped at its limit of 100000 events"), std::string::npos)
      << stopped.output;
  EXPECT_NE(stopped.output.find("no verdict; raise --max-events (100000 now)"), std::string::npos)
      << stopped.output;
  EXPECT_EQ(stopped.output.find("PASS"), std::string::npos) << stopped.output;
  EXPECT_EQ(unwedge("run --max-events 0 " + scenario).exit_code, 2);
  // Reached while the fleet is provisioned, the limit holds for the rest.
  const std::string provisioned = unwedge::testing::temp_path("late-quiet.yaml").string();
  ASSERT_EQ(unwedge("fuzz-to-scenario " + source("fuzz/corpus/fleet_fuzzer/late-quiet") +
                    " --out " + provisioned)
                .exit_code,
            0);
  const Ran early = unwedge("run --max-events 100 " + provisioned);
  EXPECT_EQ(early.exit_code, 2) << early.output;
  EXPECT_NE(early.output.find("limit of 100 events, 0.0"), std::string::npos) << early.output;
  // No line before the wait is up (an hour here: a slow build must not print one).
  const Ran unlimited = unwedge_with("UNWEDGE_PROGRESS_EVERY_MS=3600000", "run " + scenario);
  EXPECT_EQ(unlimited.exit_code, 0) << unlimited.output;
  EXPECT_EQ(unlimited.output.find("M events"), std::string::npos) << unlimited.output;
  const Ran shown = unwedge_with("UNWEDGE_PROGRESS_EVERY_MS=0", "run " + scenario);
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("store_quorum_loss.yaml: 0."), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find(" h of 1.33 h simulated, 0.1 M events"), std::string::npos)
      << shown.output;
}

TEST(Cli, OptionValuesAreCheckedBeforeTheyAreUsed) {
  const std::string scenario =
      source("scenarios/regressions/a_clock_step_back_stretches_no_dwell_bound.yaml");
  const struct {
    std::string arguments;
    std::string says;
  } refused[] = {
      {"run --seed -1 " + scenario,
       "--seed: '-1' is not a whole number from 0 to 9223372036854775807"},
      {"run --seed 18446744073709551616 " + scenario, "--seed: 18446744073709551616 is too large"},
      {"gen --seed 9223372036854775808", "--seed: 9223372036854775808 is too large"},
      {"gen --seed ''", "--seed: '' is not a whole number"},
      {"gen --seed 1e3", "--seed: '1e3' is not a whole number"},
      {"nightly --out /nonexistent/o --seeds -1", "--seeds: '-1' is not a whole number"},
      {"nightly --out '' --seeds 1", "--out: an empty value names nothing"},
      {"nightly --out /nonexistent/o --seeds 1 --shard ''", "--shard: an empty value"},
      {"explore-crashes --transactions-max -1", "--transactions-max: '-1' is not a whole number"},
      {"frobnicate", "'frobnicate' is not a command; the commands are check-model, "},
      {"", "give a command: check-model, explore-crashes, run"},
  };
  for (const auto& r : refused) {
    SCOPED_TRACE(r.arguments);
    const Ran ran = unwedge(r.arguments);
    EXPECT_EQ(ran.exit_code, 2) << ran.output;
    EXPECT_NE(ran.output.find(r.says), std::string::npos) << ran.output;
    EXPECT_EQ(ran.output.find("18446744073709551615"), std::string::npos) << ran.output;
  }
  // The largest seed `gen` writes is one `run` reads.
  const std::string path = unwedge::testing::temp_path("largest-seed.yaml").string();
  const Ran generated = unwedge("gen --seed 9223372036854775807 --out " + path);
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  const Ran ran = unwedge("run " + path);
  EXPECT_NE(ran.exit_code, 2) << ran.output;
  EXPECT_NE(ran.output.find("seed 9223372036854775807"), std::string::npos) << ran.output;
}

nlohmann::json parsed_check(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(json.is_discarded()) << text;
  return json;
}

TEST(CheckModel, JsonGivesTheWholeCheckOfTheReferencePlaneAndExitsZero) {
  Ran ran = unwedge("check-model --json");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  const nlohmann::json json = parsed_check(ran.output);
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_EQ(json["control_plane"], "postgres");
  EXPECT_EQ(json["verdict"], "ok");
  EXPECT_EQ(json["problem_count"], 0);
  EXPECT_EQ(json["errors"], nlohmann::json::array());
  EXPECT_EQ(json["cross_checks"], nlohmann::json::array());
  ASSERT_EQ(json["machines"].size(), 4u);
  for (const nlohmann::json& machine : json["machines"]) {
    EXPECT_EQ(machine["ok"], true) << machine.dump();
    // Every state of a clean machine is reachable, so each has a witness
    // that starts at the initial state and ends at it.
    ASSERT_EQ(machine["witness"].size(), machine["states"].size()) << machine.dump();
    for (const nlohmann::json& state : machine["states"]) {
      const nlohmann::json& path = machine["witness"][state["name"].get<std::string>()];
      EXPECT_EQ(path.front(), machine["initial"]);
      EXPECT_EQ(path.back(), state["name"]);
    }
  }
  ASSERT_EQ(json["tables"].size(), 4u);
  for (const nlohmann::json& table : json["tables"]) {
    EXPECT_EQ(table["ok"], true) << table.dump();
    EXPECT_GT(table["cells_checked"], 0) << table.dump();
  }
  // The same claims as the text, each proved.
  Ran text = unwedge("check-model");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("claims: " + std::to_string(json["claims"].size()) + "\n"),
            std::string::npos)
      << text.output;
  for (const nlohmann::json& claim : json["claims"]) {
    EXPECT_EQ(claim["verdict"], "holds") << claim.dump();
    EXPECT_TRUE(claim["counterexample"].is_null()) << claim.dump();
  }
}

TEST(CheckModel, HelpDocumentsTheJsonKeysAndTheExitStatus) {
  Ran ran = unwedge("check-model --help");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  for (const char* part : {"--json", "schema_version", "\"model-error\"", "cross_checks[]",
                           "scheduled_by[] (table, rule, state, signals[], cells)",
                           "counterexample (null, {path[], paths[][]} or {state, signals[], got})",
                           "2 bad input or a model error"}) {
    EXPECT_NE(ran.output.find(part), std::string::npos) << part << " in " << ran.output;
  }
}

TEST(CheckModel, APlaneDeclaredWronglyIsAModelErrorWithExitTwoNotARefutedClaim) {
  for (const char* format : {"", " --json"}) {
    const Ran ran = testing::run_shell(std::string(MISWRITTEN_PLANE_CLI) +
                                       " check-model --control-plane miswritten" + format);
    EXPECT_EQ(ran.exit_code, 2) << format << ": " << ran.output;
    EXPECT_NE(ran.output.find("runing"), std::string::npos) << ran.output;
    EXPECT_NE(ran.output.find("did you mean"), std::string::npos) << ran.output;
    EXPECT_EQ(ran.output.find("[FAILS]"), std::string::npos)
        << "not a refuted claim: " << ran.output;
  }
}

TEST(Nightly, ACampaignRunsOnlyTheScenariosOfItsPlane) {
  const std::filesystem::path out = unwedge::testing::temp_path("nightly-other-plane");
  std::filesystem::remove_all(out);
  // From the source tree, whose scenarios/ are the reference plane's.
  const Ran ran = testing::run_shell(
      "cd " + shell_quote(UNWEDGE_SOURCE_DIR) + " && " + std::string(MISWRITTEN_PLANE_CLI) +
      " nightly --control-plane miswritten --seeds 0 --jobs 1 --out " + shell_quote(out.string()));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("scenarios in scenarios are for other control planes and not run"),
            std::string::npos)
      << ran.output;
  EXPECT_NE(ran.output.find("0 bundled scenarios"), std::string::npos) << ran.output;
  // A directory passed by hand is filtered the same way.
  const Ran named = testing::run_shell(
      "cd " + shell_quote(UNWEDGE_SOURCE_DIR) + " && " + std::string(MISWRITTEN_PLANE_CLI) +
      " nightly --control-plane miswritten --scenarios scenarios --seeds 0 --jobs 1 --out " +
      shell_quote((out / "named").string()));
  EXPECT_EQ(named.exit_code, 0) << named.output;
  EXPECT_NE(named.output.find("0 bundled scenarios"), std::string::npos) << named.output;
}

// `nightly --control-plane a,b`: every name a registered plane, none twice;
// otherwise bad input naming the flag and the planes there are, before
// anything runs. Other commands run one plane.
TEST(Nightly, AListOfControlPlanesNamesEachRegisteredPlaneOnce) {
  const struct {
    const char* list;
    const char* expected;
  } cases[] = {
      {"postgres,nosuch",
       "--control-plane: no control plane named 'nosuch'; known: goal, lease, postgres"},
      {"nosuch,lease",
       "--control-plane: no control plane named 'nosuch'; known: goal, lease, postgres"},
      {"lease,postgres,lease",
       "--control-plane: the control plane 'lease' is named twice; name each once (known: goal, "
       "lease, "
       "postgres)"},
      {"postgres,", "--control-plane: no control plane named ''; known: goal, lease, postgres"},
      // "reference" is the bundled reference plane's other name.
      {"reference,lease,postgres",
       "--control-plane: the control plane 'postgres' is named twice; name each once (known: "
       "goal, lease, postgres)"},
  };
  const std::filesystem::path out = unwedge::testing::temp_path("nightly-list");
  std::filesystem::remove_all(out);
  for (const auto& bad : cases) {
    const Ran ran = unwedge(std::string("nightly --seeds 1 --jobs 1 --out ") +
                            shell_quote(out.string()) + " --control-plane " + bad.list);
    EXPECT_EQ(ran.exit_code, 2) << bad.list << ": " << ran.output;
    EXPECT_NE(ran.output.find(bad.expected), std::string::npos) << bad.list << ": " << ran.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << bad.list << ": nothing ran";
  }
  const Ran run =
      unwedge("run --control-plane postgres,lease " + source("scenarios/flapping_checkins.yaml"));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("no control plane named 'postgres,lease'"), std::string::npos)
      << run.output;
}

TEST(CheckModel, AnUnknownControlPlaneIsBadInputNamingTheKnownOnes) {
  for (const char* command : {"check-model", "run", "replay", "gen", "shrink", "nightly", "merge",
                              "explore-crashes", "fuzz-to-scenario"}) {
    const Ran ran = unwedge(std::string(command) + " --control-plane nosuch");
    EXPECT_EQ(ran.exit_code, 2) << command << ": " << ran.output;
    EXPECT_NE(ran.output.find("no control plane named 'nosuch'; known: goal, lease, postgres"),
              std::string::npos)
        << command << ": " << ran.output;
  }
}

TEST(CheckModel, OutWritesTheTextTheJsonAndAGraphPerMachine) {
  const std::filesystem::path dir = unwedge::testing::temp_path("check-model");
  std::filesystem::remove_all(dir);
  Ran ran = unwedge("check-model --out " + dir.string());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(read_text_file(dir / "check-model.txt"), ran.output);
  EXPECT_EQ(parsed_check(read_text_file(dir / "check-model.json"))["verdict"], "ok");
  EXPECT_TRUE(
      read_text_file(dir / "machines" / "service.dot").starts_with("digraph \"service\" {"));
  std::filesystem::remove_all(dir);
}

core::StepResult drains(core::StepContext&) {
  return core::StepResult::next();
}

// A server machine that can hang while draining, a table that drains on
// request, and a Drain action that finishes under a cause the machine does
// not know: something for every section of the JSON to say.
class CheckModelJson : public ::testing::Test {
 protected:
  CheckModelJson()
      : server_(*core::MachineDef::Builder("server")
                     .state("running", {.healthy = true, .stable = true})
                     .state("draining", {.dwell_max_us = 10 * core::kMinute})
                     .state("stuck")
                     .state("stopped", {.stable = true})
                     .transition("running", "draining", "drain")
                     .transition("draining", "stopped", "drained")
                     .transition("draining", "stuck", "hung")
                     .initial("running")
                     .terminal("stopped")
                     .build()),
        table_(*core::DecisionTable::Builder("server", server_)
                    .signals({"NeedsDrain"})
                    .actions({"Drain"})
                    .rule({.name = "drain",
                           .when = {"NeedsDrain"},
                           .in = {"running"},
                           .action = "Drain",
                           .priority = 10})
                    .rule({.name = "idle"})
                    .build()),
        drain_{.name = "Drain",
               .steps = {{"all", drains}},
               .transitions = {{"server", "running", "draining", "drain"},
                               {"server", "draining", "stopped", "done"}}} {}

  core::ControlPlaneModel model() const {
    return core::ControlPlaneModel{
        .name = "servers",
        .machines = {&server_},
        .tables = {&table_},
        .actions = {&drain_},
        .path_claims = {{.statement = "a server gets stuck only after stopping",
                         .machine = "server",
                         .source = "running",
                         .target = "stuck",
                         .waypoint = "stopped"}},
        .decision_claims = {{.statement = "a drain request always drains",
                             .kind = core::DecisionClaim::Kind::kAlways,
                             .table = "server",
                             .given = {"NeedsDrain"},
                             .action = "Drain"}}};
  }

  core::MachineDef server_;
  core::DecisionTable table_;
  core::ActionDef drain_;
};

// A goal-driven pair whose old primary cannot rejoin: the wedge, its kind,
// pairs and shortest ways, the group table's analysis and the unreachable
// pairs all reach the JSON, and the wedge counts as a problem.
TEST(CheckModelJsonGoals, AGoalPairWedgeReachesTheJsonWithItsPairsAndWays) {
  const core::MachineDef node = *core::MachineDef::Builder("node")
                                     .state("primary", {.healthy = true, .stable = true})
                                     .state("secondary", {.healthy = true, .stable = true})
                                     .state("demoted")
                                     .transition("secondary", "primary", "goal")
                                     .transition("primary", "demoted", "goal")
                                     .initial("secondary")
                                     .build();
  const core::GroupTable monitor = *core::GroupTable::Builder("monitor", node)
                                        .members({"a", "b"})
                                        .symmetric()
                                        .signals({"a.Unhealthy", "b.Unhealthy"})
                                        .rule({.name = "failover",
                                               .in = {{"a", {"primary"}}, {"b", {"secondary"}}},
                                               .when = {"a.Unhealthy"},
                                               .assign = {{"a", "demoted"}, {"b", "primary"}},
                                               .priority = 50})
                                        .rule({.name = "rejoin",
                                               .in = {{"a", {"demoted"}}, {"b", {"primary"}}},
                                               .assign = {{"a", "secondary"}},
                                               .priority = 10})
                                        .rule({.name = "steady"})
                                        .build();
  const core::GoalDrivenDef pair{.name = "node",
                                 .machine = &node,
                                 .assignment = &monitor,
                                 .walk = core::direct_walk(node),
                                 .initial = {{"a", "primary"}, {"b", "secondary"}}};
  const core::ControlPlaneCheck check = core::check_control_plane(core::ControlPlaneModel{
      .name = "pair", .machines = {&node}, .group_tables = {&monitor}, .goal_driven = {&pair}});
  const nlohmann::json json = parsed_check(reports::check_model_json(check));
  EXPECT_EQ(json["verdict"], "fail");
  ASSERT_EQ(json["group_tables"].size(), 1U);
  EXPECT_EQ(json["group_tables"][0]["cells_checked"], 3 * 3 * 4);  // states^2 * 2^signals
  EXPECT_EQ(json["group_tables"][0]["members"], nlohmann::json({"a", "b"}));
  ASSERT_EQ(json["goal_driven"].size(), 1U);
  const nlohmann::json& goal = json["goal_driven"][0];
  EXPECT_EQ(goal["ok"], false);
  ASSERT_GE(goal["wedges"].size(), 1U);
  const nlohmann::json& wedge = goal["wedges"][0];
  EXPECT_EQ(wedge["kind"], "missing-edge");
  EXPECT_EQ(
      wedge["pairs"][0],
      nlohmann::json(
          {{"member", "a"}, {"reported", "demoted"}, {"goal", "secondary"}, {"stale", nullptr}}));
  ASSERT_GE(wedge["paths"].size(), 1U);
  EXPECT_NE(wedge["paths"][0].dump().find("rule rejoin"), std::string::npos) << wedge.dump(2);
  EXPECT_GE(json["problem_count"].get<std::size_t>(), goal["wedges"].size());
  EXPECT_FALSE(goal["unreachable_pairs"].empty());
  EXPECT_NE(check.describe().find("missing-edge wedge at a (reported demoted, goal secondary)"),
            std::string::npos)
      << check.describe();
}

TEST_F(CheckModelJson, NamesEveryFindingWithItsKindStatesAndPaths) {
  const core::ControlPlaneCheck check = core::check_control_plane(model());
  const nlohmann::json json = parsed_check(reports::check_model_json(check));
  EXPECT_EQ(json["verdict"], "fail");
  EXPECT_EQ(json["problem_count"], 6);

  const nlohmann::json& findings = json["machines"][0]["findings"];
  ASSERT_EQ(findings.size(), 3u) << findings.dump();
  EXPECT_EQ(findings[0]["kind"], "wedge");
  EXPECT_EQ(findings[0]["states"], nlohmann::json({"stuck"}));
  EXPECT_EQ(findings[0]["path"], nlohmann::json({"running", "draining", "stuck"}));
  EXPECT_EQ(findings[1]["kind"], "unstable-without-exit");
  EXPECT_EQ(findings[2]["kind"], "undeclared-terminal");

  ASSERT_EQ(json["cross_checks"].size(), 1u);
  const nlohmann::json& cross = json["cross_checks"][0];
  EXPECT_EQ(cross["kind"], "missing-transition");
  EXPECT_EQ(cross["from"], "draining");
  EXPECT_EQ(cross["to"], "stopped");
  EXPECT_EQ(cross["cause"], "done");
  EXPECT_EQ(cross["table_causes"], nlohmann::json({"drained"}));
  const nlohmann::json scheduled_by = nlohmann::json::parse(R"json([
      {"table": "server", "rule": "drain", "state": "running", "signals": ["NeedsDrain"],
       "cells": 1}])json");
  EXPECT_EQ(cross["scheduled_by"], scheduled_by);

  const nlohmann::json& claims = json["claims"];
  ASSERT_EQ(claims.size(), 2u);
  EXPECT_EQ(claims[0]["kind"], "path");
  EXPECT_EQ(claims[0]["verdict"], "refuted");
  EXPECT_EQ(claims[0]["counterexample"]["path"], nlohmann::json({"running", "draining", "stuck"}));
  EXPECT_EQ(claims[0]["counterexample"]["paths"],
            nlohmann::json::array({nlohmann::json({"running", "draining", "stuck"})}));
  EXPECT_EQ(claims[1]["kind"], "always");
  const nlohmann::json cell = nlohmann::json::parse(R"json(
      {"state": "draining", "signals": ["NeedsDrain"], "got": "do nothing (rule idle)"})json");
  EXPECT_EQ(claims[1]["counterexample"], cell);

  // The machine's graph shows the edge Drain would be refused.
  EXPECT_NE(core::to_dot(server_, check.cross)
                .find("1->3 [label=\"done (refused: Drain)\", style=dotted, color=darkorange"),
            std::string::npos);
}

TEST_F(CheckModelJson, ARefutedPathClaimListsEveryShortestCounterexample) {
  // A pause that can hang too: a second way to get stuck without stopping,
  // as short as the first.
  server_ = *core::MachineDef::Builder("server")
                 .state("running", {.healthy = true, .stable = true})
                 .state("draining", {.dwell_max_us = 10 * core::kMinute})
                 .state("stuck")
                 .state("stopped", {.stable = true})
                 .state("paused", {.dwell_max_us = core::kMinute})
                 .transition("running", "draining", "drain")
                 .transition("draining", "stopped", "drained")
                 .transition("draining", "stuck", "hung")
                 .transition("running", "paused", "pause")
                 .transition("paused", "stuck", "hung")
                 .initial("running")
                 .terminal("stopped")
                 .build();
  const core::ControlPlaneCheck check = core::check_control_plane(model());
  const nlohmann::json json = parsed_check(reports::check_model_json(check));
  const nlohmann::json& claim = json["claims"][0];
  EXPECT_EQ(claim["verdict"], "refuted");
  EXPECT_EQ(claim["counterexample"]["path"], nlohmann::json({"running", "draining", "stuck"}));
  EXPECT_EQ(claim["counterexample"]["paths"],
            nlohmann::json::parse(
                R"json([["running", "draining", "stuck"], ["running", "paused", "stuck"]])json"));
  EXPECT_EQ(claim["detail"],
            "2 shortest counterexamples: running -> draining -> stuck; running -> paused -> stuck");
}

TEST_F(CheckModelJson, AModelDeclaredWronglyIsAnErrorNotARefutedClaim) {
  core::ControlPlaneModel m = model();
  m.decision_claims[0].given = {"NeedDrain"};
  const core::ControlPlaneCheck check = core::check_control_plane(m);
  const nlohmann::json json = parsed_check(reports::check_model_json(check));
  EXPECT_EQ(json["verdict"], "model-error");
  ASSERT_EQ(json["errors"].size(), 1u);
  EXPECT_EQ(json["errors"][0]["where"], "claim 'a drain request always drains'");
  EXPECT_EQ(json["errors"][0]["message"],
            "it names signal 'NeedDrain' among its given signals, but table server has no signal "
            "'NeedDrain'; did you mean 'NeedsDrain'?");
  EXPECT_EQ(json["errors"][0]["fix"], "name one of the signals of table server: NeedsDrain");
  // The claim is not judged at all: only the path claim is listed.
  ASSERT_EQ(json["claims"].size(), 1u);
  EXPECT_EQ(json["claims"][0]["kind"], "path");
}

}  // namespace
}  // namespace unwedge::cli
