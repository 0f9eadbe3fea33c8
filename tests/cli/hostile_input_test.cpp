// Every command against the inputs a hostile but realistic user gives it:
// a file that is missing, a directory, empty, binary, not UTF-8, 3 GiB,
// endless (/dev/zero), a FIFO nobody writes, nested a million deep, an
// alias bomb, cut in half, a loop of symbolic links; and flags it does not
// know. Each is refused with exit 2 and a message naming the input, within
// seconds and a bounded amount of output, with no crash, no internal error
// and nothing written. (Outputs that cannot be written, full disks and
// signals have their own tests: output_test, campaign_test.)
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli/command_runner.hpp"
#include "tests/support/temp_path.hpp"
#include "tests/support/text_file.hpp"

namespace unwedge::cli {
namespace {

using unwedge::testing::read_text_file;

using testing::Ran;
using testing::run_shell;
using testing::shell_quote;
using testing::source;

namespace fs = std::filesystem;

// A hostile input: made in `dir`, named by its path.
struct Input {
  std::string name;
  std::function<fs::path(const fs::path& dir)> make;
};

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const std::vector<Input>& hostile_inputs() {
  static const std::vector<Input> inputs = {
      {"missing", [](const fs::path& dir) { return dir / "missing.yaml"; }},
      {"directory",
       [](const fs::path& dir) {
         fs::create_directories(dir / "a-directory.yaml");
         return dir / "a-directory.yaml";
       }},
      {"empty",
       [](const fs::path& dir) {
         write(dir / "empty.yaml", "");
         return dir / "empty.yaml";
       }},
      {"binary",
       [](const fs::path& dir) {
         std::string bytes;
         for (int i = 0; i < 4096; ++i)
           bytes += static_cast<char>((i * 7919) % 256);
         write(dir / "binary.yaml", bytes);
         return dir / "binary.yaml";
       }},
      {"not-utf8",
       [](const fs::path& dir) {
         write(dir / "latin1.yaml", "name: caf\xe9\nseed: 1\n");
         return dir / "latin1.yaml";
       }},
      {"nul-byte",
       [](const fs::path& dir) {
         write(dir / "nul.yaml", std::string("name: a\0b\nseed: 1\n", 18));
         return dir / "nul.yaml";
       }},
      {"three-gib",
       [](const fs::path& dir) {
         write(dir / "huge.yaml", "");
         fs::resize_file(dir / "huge.yaml", std::uintmax_t{3} << 30);  // sparse
         return dir / "huge.yaml";
       }},
      {"dev-zero", [](const fs::path&) { return fs::path("/dev/zero"); }},
      {"fifo",
       [](const fs::path& dir) {
         ::mkfifo((dir / "fifo.yaml").c_str(), 0600);
         return dir / "fifo.yaml";
       }},
      {"deep",
       [](const fs::path& dir) {
         write(dir / "deep.yaml",
               "name: " + std::string(1'000'000, '[') + std::string(1'000'000, ']') + "\n");
         return dir / "deep.yaml";
       }},
      {"alias-bomb",
       [](const fs::path& dir) {
         std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n";
         for (char c = 'b'; c <= 'j'; ++c) {
           const char before = static_cast<char>(c - 1);
           yaml += fmt::format("{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n", c,
                               before);
         }
         write(dir / "bomb.yaml", yaml);
         return dir / "bomb.yaml";
       }},
      {"cut-in-half",
       [](const fs::path& dir) {
         const std::string whole = read_text_file(source("scenarios/lease/store_quorum_loss.yaml"));
         write(dir / "half.yaml", whole.substr(0, whole.size() / 2));
         return dir / "half.yaml";
       }},
      {"link-loop",
       [](const fs::path& dir) {
         fs::create_symlink(dir / "loop-b.yaml", dir / "loop-a.yaml");
         fs::create_symlink(dir / "loop-a.yaml", dir / "loop-b.yaml");
         return dir / "loop-a.yaml";
       }},
  };
  return inputs;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = unwedge::testing::temp_path("hostile-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// `command` refused the input as bad input: exit 2, the input named, no
// crash or internal error, in bounded time and output.
void expect_refused(const Ran& ran, const std::string& named) {
  EXPECT_EQ(ran.exit_code, 2) << ran.output.substr(0, 2000);
  EXPECT_NE(ran.output.find(named), std::string::npos) << ran.output.substr(0, 2000);
  EXPECT_LT(ran.output.size(), 16u * 1024) << "a flood of output";
  for (const char* crash : {"internal error", "terminate called", "Assertion", "Sanitizer",
                            "Segmentation", "core dumped"}) {
    EXPECT_EQ(ran.output.find(crash), std::string::npos) << ran.output.substr(0, 2000);
  }
}

// Runs unwedge with a time limit: a hang is exit 124, never a stuck test.
Ran unwedge_within(const std::string& arguments, int seconds = 20) {
  return run_shell(fmt::format("timeout -s KILL {} {} {}", seconds, UNWEDGE_CLI, arguments));
}

// The commands that read a scenario file, and fuzz-to-scenario's input.
TEST(HostileInput, EveryCommandThatReadsAFileRefusesEachHostileOneNamingIt) {
  for (const char* command : {"run", "replay", "shrink", "fuzz-to-scenario"}) {
    for (const Input& input : hostile_inputs()) {
      SCOPED_TRACE(std::string(command) + " " + input.name);
      const fs::path dir = fresh_dir(input.name);
      const fs::path path = input.make(dir);
      const std::string out = (dir / "out.yaml").string();
      const bool writes = std::string(command) == "shrink" || command[0] == 'f';
      const Ran ran = unwedge_within(fmt::format("{} {}{}", command, shell_quote(path.string()),
                                                 writes ? " --out " + shell_quote(out) : ""));
      expect_refused(ran, path.filename().string());
      EXPECT_FALSE(fs::exists(out)) << "an output was written";
      fs::remove_all(dir);
    }
  }
}

// merge reads report.json and runs.jsonl from each DIR: each hostile one is
// refused, naming the file, and nothing is merged.
TEST(HostileInput, MergeRefusesEachHostileReportOrRunsFileNamingIt) {
  // One real shard, copied for each case.
  const fs::path base = fresh_dir("merge-base");
  fs::create_directories(base / "none");
  const Ran campaign = run_shell(
      fmt::format("{} nightly --seeds 1 --jobs 1 --scenarios {} --out {}", UNWEDGE_CLI,
                  shell_quote((base / "none").string()), shell_quote((base / "shard").string())));
  ASSERT_EQ(campaign.exit_code, 0) << campaign.output;
  for (const char* file : {"report.json", "runs.jsonl"}) {
    for (const Input& input : hostile_inputs()) {
      SCOPED_TRACE(std::string(file) + " " + input.name);
      const fs::path dir = fresh_dir("merge-" + input.name);
      const fs::path shard = dir / "shard";
      fs::copy(base / "shard", shard, fs::copy_options::recursive);
      const fs::path made = input.make(dir);
      fs::remove(shard / file);
      if (input.name == "link-loop" || input.name == "dev-zero") {
        fs::create_symlink(made, shard / file);
      } else if (input.name == "fifo") {
        ::mkfifo((shard / file).c_str(), 0600);
      } else if (input.name != "missing") {
        fs::rename(made, shard / file);
      }
      const Ran ran = unwedge_within(fmt::format("merge {} --out {}", shell_quote(shard.string()),
                                                 shell_quote((dir / "merged").string())));
      expect_refused(ran, (shard / file).string());
      EXPECT_FALSE(fs::exists(dir / "merged" / "report.json")) << "a merge was written";
      fs::remove_all(dir);
    }
  }
  fs::remove_all(base);
}

// A flag no command knows, a command that does not exist, and a command
// missing what it needs: refused with exit 2, saying what is wrong.
TEST(HostileInput, EveryCommandRefusesAFlagItDoesNotKnow) {
  for (const char* command : {"check-model", "explore-crashes", "run", "replay", "gen", "shrink",
                              "nightly", "merge", "fuzz-to-scenario"}) {
    SCOPED_TRACE(command);
    const Ran unknown = unwedge_within(fmt::format("{} --frobnicate", command));
    expect_refused(unknown, "--frobnicate");
    const Ran help = unwedge_within(fmt::format("{} --help", command));
    EXPECT_EQ(help.exit_code, 0) << help.output;
    EXPECT_NE(help.output.find("Usage:"), std::string::npos) << help.output;
  }
  expect_refused(unwedge_within("frobnicate"), "frobnicate");
  expect_refused(unwedge_within("run --trce t.jsonl x.yaml"),
                 "'--trce' is no flag of `unwedge run`; did you mean '--trace'?");
  for (const char* command : {"run", "replay", "shrink", "merge", "fuzz-to-scenario"}) {
    SCOPED_TRACE(command);
    const Ran nothing = unwedge_within(command);
    EXPECT_EQ(nothing.exit_code, 2) << nothing.output;
    EXPECT_NE(nothing.output.find("required"), std::string::npos) << nothing.output;
  }
}

// A bundled scenarios directory with a hostile file in it: the campaign
// never says PASS, and names the file.
TEST(HostileInput, ACampaignOverAHostileScenarioNamesItAndNeverPasses) {
  for (const Input& input : hostile_inputs()) {
    // Not in a directory; a directory named *.yaml is only a directory.
    if (input.name == "missing" || input.name == "dev-zero" || input.name == "directory") continue;
    SCOPED_TRACE(input.name);
    const fs::path dir = fresh_dir("nightly-" + input.name);
    fs::create_directories(dir / "scenarios");
    const fs::path made = input.make(dir);
    const fs::path placed = dir / "scenarios" / ("hostile-" + input.name + ".yaml");
    if (input.name == "link-loop") {
      fs::create_symlink(made, placed);
    } else if (input.name == "fifo") {
      ::mkfifo(placed.c_str(), 0600);
    } else {
      fs::rename(made, placed);
    }
    const Ran ran = unwedge_within(
        fmt::format("nightly --seeds 0 --jobs 1 --scenarios {} --out {}",
                    shell_quote((dir / "scenarios").string()), shell_quote((dir / "out").string())),
        60);
    EXPECT_TRUE(ran.exit_code == 1 || ran.exit_code == 2) << ran.output.substr(0, 2000);
    const std::string said = ran.output + read_text_file(dir / "out" / "summary.txt");
    EXPECT_NE(said.find(placed.filename().string()), std::string::npos) << said.substr(0, 3000);
    EXPECT_EQ(said.find("verdict: PASS"), std::string::npos) << said.substr(0, 3000);
    EXPECT_EQ(said.find("internal error"), std::string::npos) << said.substr(0, 3000);
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace unwedge::cli
