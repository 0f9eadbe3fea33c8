// The deployment files in deploy/ run the campaign as they are written: the
// Kubernetes Indexed Job and its merge Job, and the GitHub Actions matrix and
// its merge job. Each test reads the file, checks that its shard counts agree
// everywhere, then runs the very commands it holds as separate processes
// (only the time budget replaced by a fixed number of seeds, so the work is
// known, and paths moved into a temporary directory) and checks that the
// merged report covers exactly what one unsharded run of the same seeds does.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include "tests/cli/command_runner.hpp"
#include "tests/support/temp_path.hpp"

namespace unwedge::cli {
namespace {

namespace fs = std::filesystem;
using testing::Ran;
using testing::run_shell;
using testing::shell_quote;
using testing::source;

constexpr int kSeeds = 6;

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

// The value after `flag` in an argument list; empty when absent.
std::string value_after(const std::vector<std::string>& arguments, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == flag) return arguments[i + 1];
  }
  return "";
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

// A fresh directory for one test.
fs::path scratch(const std::string& name) {
  const fs::path dir = unwedge::testing::temp_path("deploy-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The bundled scenarios less the fleet-sized ones (scenarios/fleet/, a
// minute and more apiece, run by FleetScenario.*): what these campaigns
// run, a few times each, to show that shards merge into the whole.
std::string campaign_scenarios() {
  static const std::string dir = [] {
    const fs::path out = unwedge::testing::temp_path("deploy-scenarios");
    fs::remove_all(out);
    fs::create_directories(out);
    for (const auto& entry : fs::directory_iterator(source("scenarios"))) {
      if (entry.path().filename() != "fleet")
        fs::create_symlink(entry.path(), out / entry.path().filename());
    }
    return out.string();
  }();
  return dir;
}

// The report of one unsharded campaign of the same seeds, for comparison.
nlohmann::json unsharded_report(const fs::path& dir) {
  const fs::path out = dir / "unsharded";
  const Ran ran = run_shell(std::string(UNWEDGE_CLI) + " nightly --scenarios " +
                            shell_quote(campaign_scenarios()) + " --seeds " +
                            std::to_string(kSeeds) + " --jobs 2 --out " + shell_quote(out));
  EXPECT_LE(ran.exit_code, 1) << ran.output;
  return read_json(out / "report.json");
}

// What must agree between a merged report and an unsharded one: everything
// but wall time and the number of shards.
void expect_same_campaign(const nlohmann::json& merged, const nlohmann::json& whole) {
  ASSERT_FALSE(merged.is_discarded()) << "the merged report.json is missing or unreadable";
  ASSERT_FALSE(whole.is_discarded()) << "the unsharded report.json is missing or unreadable";
  EXPECT_EQ(merged["coverage"], whole["coverage"]);
  EXPECT_EQ(merged["invariants"], whole["invariants"]);
  EXPECT_EQ(merged["scenarios"].size(), whole["scenarios"].size());
  for (const char* figure : {"runs", "passed", "failed", "errors", "bundled_runs", "swarm_runs",
                             "swarm_seeds", "simulated_us", "events"}) {
    EXPECT_EQ(merged["campaign"][figure], whole["campaign"][figure]) << figure;
  }
  EXPECT_EQ(whole["campaign"]["swarm_runs"], kSeeds);
  // The canary ran in the first shard, as in the whole campaign, and was caught.
  EXPECT_EQ(merged["canary"]["mutant"], whole["canary"]["mutant"]);
  EXPECT_EQ(merged["canary"]["caught"], true) << merged["canary"];
  EXPECT_EQ(whole["canary"]["caught"], true) << whole["canary"];
}

TEST(Deploy, TheKubernetesIndexedJobAndItsMergeJobRunAsWritten) {
  const YAML::Node shards = YAML::LoadFile(source("deploy/kubernetes/nightly-shards.yaml"));
  const YAML::Node merge = YAML::LoadFile(source("deploy/kubernetes/nightly-merge.yaml"));
  ASSERT_EQ(shards["kind"].as<std::string>(), "Job");
  ASSERT_EQ(shards["spec"]["completionMode"].as<std::string>(), "Indexed");
  const int count = shards["spec"]["completions"].as<int>();
  ASSERT_GE(count, 2);
  EXPECT_EQ(shards["spec"]["parallelism"].as<int>(), count);
  EXPECT_EQ(shards["spec"]["maxFailedIndexes"].as<int>(), count);

  const YAML::Node shard_container = shards["spec"]["template"]["spec"]["containers"][0];
  const auto shard_command = shard_container["command"].as<std::vector<std::string>>();
  ASSERT_GE(shard_command.size(), 2u);
  EXPECT_EQ(shard_command[0], "unwedge");
  EXPECT_EQ(shard_command[1], "nightly");
  EXPECT_EQ(value_after(shard_command, "--shard-count"), std::to_string(count));
  EXPECT_EQ(shard_container["env"][0]["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(),
            "metadata.annotations['batch.kubernetes.io/job-completion-index']");

  const auto merge_command =
      merge["spec"]["template"]["spec"]["containers"][0]["command"].as<std::vector<std::string>>();
  std::vector<std::string> expected_merge = {"unwedge", "merge"};
  for (int i = 0; i < count; ++i)
    expected_merge.push_back("/reports/shard-" + std::to_string(i));
  expected_merge.insert(expected_merge.end(), {"--out", "/reports/merged"});
  EXPECT_EQ(merge_command, expected_merge);

  // Run each pod's command as the Job would, index by index.
  const fs::path dir = scratch("kubernetes");
  // as_run: the argument list made into a shell command here.
  const auto as_run = [&](std::vector<std::string> arguments, int index) {
    std::string command = std::string(UNWEDGE_CLI);
    for (std::size_t i = 1; i < arguments.size(); ++i) {
      std::string argument = arguments[i];
      if (i > 0 && arguments[i - 1] == "--budget") {
        command += " --seeds " + std::to_string(kSeeds);
        continue;
      }
      if (argument == "--budget") continue;
      replace_all(argument, "$(SHARD_INDEX)", std::to_string(index));
      replace_all(argument, "/opt/unwedge/scenarios", campaign_scenarios());
      replace_all(argument, "/reports", (dir / "reports").string());
      command += " " + shell_quote(argument);
    }
    return command;
  };
  for (int index = 0; index < count; ++index) {
    const Ran ran = run_shell("env JOB_COMPLETION_INDEX=" + std::to_string(index) + " " +
                              as_run(shard_command, index));
    EXPECT_LE(ran.exit_code, 1) << "shard index " << index << ": " << ran.output;
    EXPECT_TRUE(fs::exists(dir / "reports" / ("shard-" + std::to_string(index)) / "report.json"))
        << ran.output;
  }
  const Ran merged = run_shell(as_run(merge_command, 0));
  ASSERT_LE(merged.exit_code, 1) << merged.output;
  const nlohmann::json report = read_json(dir / "reports" / "merged" / "report.json");
  EXPECT_EQ(report["campaign"]["shards"], count);
  expect_same_campaign(report, unsharded_report(dir));
}

TEST(Deploy, TheGithubActionsMatrixAndItsMergeJobRunAsWritten) {
  const YAML::Node workflow = YAML::LoadFile(source("deploy/github/nightly.yml"));
  const YAML::Node shard_job = workflow["jobs"]["shard"];
  const YAML::Node merge_job = workflow["jobs"]["merge"];
  ASSERT_TRUE(shard_job.IsMap());
  ASSERT_TRUE(merge_job.IsMap());
  EXPECT_EQ(merge_job["needs"].as<std::string>(), "shard");
  EXPECT_EQ(merge_job["if"].as<std::string>(), "always()");
  const auto matrix = shard_job["strategy"]["matrix"]["shard"].as<std::vector<int>>();
  const int count = static_cast<int>(matrix.size());
  ASSERT_GE(count, 2);
  for (int i = 0; i < count; ++i)
    EXPECT_EQ(matrix[i], i + 1);

  // The steps that run unwedge, found by what they run.
  const auto step_running = [](const YAML::Node& job, const std::string& what) {
    for (const YAML::Node& step : job["steps"]) {
      if (!step["run"]) continue;
      const std::string run = step["run"].as<std::string>();
      if (run.find(what) != std::string::npos) return run;
    }
    return std::string();
  };
  std::string campaign = step_running(shard_job, "unwedge nightly");
  std::string merge = step_running(merge_job, "unwedge merge");
  ASSERT_FALSE(campaign.empty());
  ASSERT_FALSE(merge.empty());
  const std::string shard_flag = "--shard ${{ matrix.shard }}/" + std::to_string(count);
  EXPECT_NE(campaign.find(shard_flag), std::string::npos) << campaign;
  for (int i = 1; i <= count; ++i) {
    EXPECT_NE(merge.find("shards/shard-" + std::to_string(i) + " "), std::string::npos) << merge;
  }

  // The runner's checkout is the working directory; uploading out/shard-i
  // and downloading every artifact into shards/ moves it to shards/shard-i.
  const fs::path dir = scratch("github");
  fs::create_directories(dir / "build" / "default" / "cli");
  fs::create_symlink(UNWEDGE_CLI, dir / "build" / "default" / "cli" / "unwedge");
  fs::create_symlink(campaign_scenarios(), dir / "scenarios");
  fs::create_symlink("out", dir / "shards");
  const std::string budget = "--budget ${{ inputs.budget || '40m' }}";
  ASSERT_NE(campaign.find(budget), std::string::npos) << campaign;
  replace_all(campaign, budget, "--seeds " + std::to_string(kSeeds));
  for (int shard = 1; shard <= count; ++shard) {
    std::string command = campaign;
    replace_all(command, "${{ matrix.shard }}", std::to_string(shard));
    const Ran ran = run_shell("cd " + shell_quote(dir) + " && " + command);
    EXPECT_LE(ran.exit_code, 1) << "shard " << shard << ": " << ran.output;
  }
  const Ran merged = run_shell("cd " + shell_quote(dir) + " && " + merge);
  ASSERT_LE(merged.exit_code, 1) << merged.output;
  EXPECT_TRUE(fs::exists(dir / "out" / "merged" / "summary.md"));
  const nlohmann::json report = read_json(dir / "out" / "merged" / "report.json");
  EXPECT_EQ(report["campaign"]["shards"], count);
  expect_same_campaign(report, unsharded_report(dir));
}

}  // namespace
}  // namespace unwedge::cli
