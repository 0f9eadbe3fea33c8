// The `unwedge` command as a user runs it: the built binary, its output and
// its exit codes (0 pass, 1 a finding, 2 bad input).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/command_runner.hpp"

namespace unwedge::cli {
namespace {

using testing::Ran;
using testing::source;
using testing::unwedge;
using testing::unwedge_with;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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

TEST(Cli, ExploreCrashesPassesAStoryThatEndsAsIfNeverInterrupted) {
  Ran ran = unwedge("explore-crashes --story Unfollow");
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("Unfollow: "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("0 divergences"), std::string::npos) << ran.output;
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

// The canary is looked for beside unwedge; UNWEDGE_CANARY points a campaign
// at another one, which is how this test makes it go missing.
TEST(Cli, NightlyRunsTheCanaryBesideItAndAMissingCanaryIsAFinding) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "nightly-canary";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "no-scenarios");
  const std::string flags = "--seeds 1 --scenarios " + (dir / "no-scenarios").string();
  Ran ran = unwedge("nightly --out " + (dir / "found").string() + " " + flags);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(read_file(dir / "found" / "summary.txt")
                .find("canary promote_lagging_standby: caught by no_lost_writes on seed 1"),
            std::string::npos)
      << read_file(dir / "found" / "summary.txt");
  Ran missing = unwedge_with("UNWEDGE_CANARY=" + (dir / "no-canary").string(),
                             "nightly --out " + (dir / "missing").string() + " " + flags);
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(read_file(dir / "missing" / "summary.txt")
                .find("canary: NOT caught (the canary " + (dir / "no-canary").string() +
                      " is missing; build unwedge-canary beside unwedge)"),
            std::string::npos)
      << read_file(dir / "missing" / "summary.txt");
  std::filesystem::remove_all(dir);
}

TEST(Cli, RunPassesEveryBundledScenarioAndPrintsDigests) {
  Ran ran = unwedge("run " + source("scenarios/flapping_checkins.yaml") + " " +
                    source("scenarios/regressions/leader_cut_from_one_monitor.yaml"));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("PASS "), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("  digest "), std::string::npos) << ran.output;
}

TEST(Cli, EveryBundledScenarioGivesItsExpectedVerdict) {
  std::string files;
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(source("scenarios"))) {
    if (entry.path().extension() != ".yaml") continue;
    files += " " + entry.path().string();
    ++count;
  }
  EXPECT_GE(count, 12 + 10);
  Ran ran = unwedge("run" + files);
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
}

TEST(Cli, RunGivesExitOneWhenAScenarioMissesItsVerdict) {
  // A scenario that expects a lost write the shipped control plane never
  // loses.
  const std::string path = ::testing::TempDir() + "expects_a_loss.yaml";
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
  const std::string path = ::testing::TempDir() + "swarm_7.yaml";
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
  const std::string path = ::testing::TempDir() + "two_services.yaml";
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
  Ran other = unwedge("fuzz-to-scenario " + source("fuzz/corpus/fleet_fuzzer/version-2"));
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("encoding version 2 is not one this build reads"), std::string::npos)
      << other.output;
  Ran missing = unwedge("fuzz-to-scenario /nonexistent/crash-1");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/crash-1 cannot be read"), std::string::npos)
      << missing.output;
}

}  // namespace
}  // namespace unwedge::cli
