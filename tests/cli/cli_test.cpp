// The `unwedge` command as a user runs it: the built binary, its output and
// its exit codes (0 pass, 1 a finding, 2 bad input).
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>

namespace unwedge::cli {
namespace {

struct Ran {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// `variables`: NAME=value pairs set for this command only.
Ran unwedge_with(const std::string& variables, const std::string& arguments) {
  const std::string command =
      "env " + variables + " " + std::string(UNWEDGE_CLI) + " " + arguments + " 2>&1";
  Ran ran;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return ran;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    ran.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ran;
}

Ran unwedge(const std::string& arguments) {
  return unwedge_with("", arguments);
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
  EXPECT_NE(budget.output.find("--budget 10x: expected a duration such as 90s, 10m"),
            std::string::npos)
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

}  // namespace
}  // namespace unwedge::cli
