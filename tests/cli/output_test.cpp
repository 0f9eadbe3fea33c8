// What every command does with the files it writes, when the target is not a
// file it may replace, when standard output is full and when the disk is:
// refuse or fail with exit 2, the path and the system's reason, and leave
// neither a partial file nor a damaged old one behind.
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

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
using testing::unwedge;

namespace fs = std::filesystem;

// Every file left under `dir` whose name says it is a partial one.
std::vector<std::string> partial_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".partial") != std::string::npos)
      found.push_back(entry.path().string());
  }
  return found;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = unwedge::testing::temp_path(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::string kScenario =
    "scenarios/regressions/a_clock_step_back_stretches_no_dwell_bound.yaml";

TEST(Output, ALinkAFifoOrADirectoryIsRefusedAndLeftAsItWas) {
  const fs::path dir = fresh_dir("output-targets");
  { std::ofstream(dir / "target") << "keep"; }
  fs::create_symlink(dir / "target", dir / "link");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  fs::create_directory(dir / "dir");
  const struct {
    const char* name;
    const char* kind;
  } targets[] = {{"link", "is a symbolic link"}, {"fifo", "is a FIFO"}, {"dir", "is a directory"}};
  for (const auto& target : targets) {
    const std::string path = (dir / target.name).string();
    for (const std::string& command :
         {"gen --seed 3 --out " + shell_quote(path),
          "fuzz-to-scenario " + shell_quote(source("fuzz/corpus/fleet_fuzzer/two-services")) +
              " --out " + shell_quote(path),
          "run " + shell_quote(source(kScenario)) + " --trace " + shell_quote(path)}) {
      SCOPED_TRACE(command);
      const Ran ran = unwedge(command);
      EXPECT_EQ(ran.exit_code, 2) << ran.output;
      EXPECT_NE(ran.output.find(path + ": " + target.kind), std::string::npos) << ran.output;
    }
  }
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_EQ(read_text_file(dir / "target"), "keep");
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  EXPECT_TRUE(fs::is_empty(dir / "dir"));
  EXPECT_TRUE(partial_files(dir).empty());
  // A campaign's output directory holding a link where runs.jsonl goes.
  fs::create_directory(dir / "campaign");
  fs::create_symlink(dir / "target", dir / "campaign" / "runs.jsonl");
  const Ran nightly =
      unwedge("nightly --out " + shell_quote((dir / "campaign").string()) + " --scenarios " +
              shell_quote((dir / "dir").string()) + " --seeds 1 --jobs 1");
  EXPECT_EQ(nightly.exit_code, 2) << nightly.output;
  EXPECT_NE(nightly.output.find("runs.jsonl: is a symbolic link"), std::string::npos)
      << nightly.output;
  EXPECT_EQ(read_text_file(dir / "target"), "keep");
}

// A file written again keeps its permissions: a 0600 scenario does not
// become readable by everyone.
TEST(Output, AFileWrittenAgainKeepsItsPermissions) {
  const fs::path dir = fresh_dir("output-mode");
  const fs::path path = dir / "private.yaml";
  { std::ofstream(path) << "old"; }
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  const Ran ran = unwedge("gen --seed 3 --out " + shell_quote(path.string()));
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(read_text_file(path), "old");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_TRUE(partial_files(dir).empty());
}

TEST(Output, ADashIsStandardOutputAndAFullOneIsExitTwo) {
  const fs::path dir = fresh_dir("output-dash");
  const Ran to_stdout =
      run_shell("cd " + shell_quote(dir.string()) + " && " + UNWEDGE_CLI + " gen --seed 3 --out -");
  EXPECT_EQ(to_stdout.exit_code, 0) << to_stdout.output;
  EXPECT_NE(to_stdout.output.find("name: swarm-3"), std::string::npos) << to_stdout.output;
  EXPECT_FALSE(fs::exists(dir / "-"));

  // /dev/full takes nothing: every write fails with "no space left".
  const Ran full = run_shell("{ " + std::string(UNWEDGE_CLI) + " gen --seed 3 >/dev/full; }");
  EXPECT_EQ(full.exit_code, 2) << full.output;
  EXPECT_NE(full.output.find("standard output: cannot be written: No space left on device"),
            std::string::npos)
      << full.output;
  const Ran trace = run_shell("{ " + std::string(UNWEDGE_CLI) + " run " +
                              shell_quote(source(kScenario)) + " --trace - >/dev/full; }");
  EXPECT_EQ(trace.exit_code, 2) << trace.output;
}

// `script` run in a directory that is a 48 KiB filesystem of its own,
// mounted in a mount namespace of the command's own (so nothing outside
// sees it, and it goes with the command). Empty when this machine lets no
// test mount one (neither root nor user namespaces).
std::optional<Ran> in_a_small_filesystem(const fs::path& dir, const std::string& script) {
  const std::string mount = "mount -t tmpfs -o size=48k tmpfs " + shell_quote(dir.string());
  const std::string inner = mount + " || { echo MOUNT-REFUSED; exit 99; }; cd " +
                            shell_quote(dir.string()) + " && " + script;
  Ran ran = run_shell("unshare -m --propagation private sh -c " + shell_quote(inner));
  if (ran.output.find("MOUNT-REFUSED") != std::string::npos ||
      ran.output.find("unshare:") != std::string::npos) {
    return std::nullopt;
  }
  return ran;
}

TEST(Output, OnAFullDiskEveryCommandFailsAndLeavesNoPartialFileNorADamagedOldOne) {
  const fs::path dir = fresh_dir("output-full-disk");
  const std::string u = UNWEDGE_CLI;
  // Each step prints its exit code, then what the directory holds.
  const std::string script =
      "echo old > old.yaml; mkdir none; "
      // Fill the disk to the last byte.
      "dd if=/dev/zero of=fill bs=4096 2>/dev/null; "
      "echo; " +
      u + " gen --seed 3 --out old.yaml; echo \"gen exit $?\"; " + u + " run " +
      shell_quote(source(kScenario)) +
      " --trace run.trace >/dev/null; echo \"trace exit $?\"; "
      "rm fill; " +
      u + " nightly --out campaign --scenarios none --seeds 80 --jobs 1 >/dev/null; " +
      "echo \"nightly exit $?\"; "
      "cat old.yaml; find . -name '*.partial*' | sed 's/^/left: /'; "
      "ls run.trace 2>&1 | sed 's/^/trace: /'";
  const std::optional<Ran> ran = in_a_small_filesystem(dir, script);
  if (!ran) GTEST_SKIP() << "this machine lets no test mount a small filesystem (needs root)";
  const std::string& out = ran->output;
  EXPECT_NE(out.find("gen exit 2"), std::string::npos) << out;
  EXPECT_NE(out.find("unwedge gen: old.yaml: cannot be written: No space left on device"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("\nold\n"), std::string::npos) << out;  // the old file is whole
  EXPECT_NE(out.find("trace exit 2"), std::string::npos) << out;
  EXPECT_NE(out.find("run.trace: cannot be written: No space left on device; no trace was left"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("trace: ls: cannot access 'run.trace'"), std::string::npos) << out;
  // A campaign whose runs and reports do not fit: never exit 0.
  EXPECT_NE(out.find("nightly exit 2"), std::string::npos) << out;
  EXPECT_NE(out.find("No space left on device"), std::string::npos) << out;
  EXPECT_EQ(out.find("left: "), std::string::npos) << out;
}

// A scenario file whose name is a shell command: every command line the
// reports print runs unwedge with that name as one argument, and nothing
// else; the terminal shows its control characters escaped.
TEST(Output, ACommandLineAReportPrintsIsOneWordPerArgument) {
  const fs::path dir = fresh_dir("output-quoted");
  const std::string hostile = "x\"; touch PWNED; echo \"\x1b]0;title\x07.yaml";
  fs::create_directory(dir / "scenarios");
  fs::copy_file(source(kScenario), dir / "scenarios" / hostile);
  const Ran nightly = run_shell("cd " + shell_quote(dir.string()) + " && " + UNWEDGE_CLI +
                                " nightly --out out --scenarios scenarios --seeds 0 --jobs 1");
  ASSERT_EQ(nightly.exit_code, 0) << nightly.output;
  const nlohmann::json report = nlohmann::json::parse(read_text_file(dir / "out" / "report.json"));
  std::string replay;
  for (const nlohmann::json& run : report.at("scenarios"))
    replay = run.value("replay_command", "");
  ASSERT_TRUE(replay.starts_with("unwedge run ")) << replay;
  // The command as a shell runs it, with printf standing in for unwedge.
  const Ran pasted = run_shell("cd " + shell_quote(dir.string()) + " && printf '%s|' " +
                               replay.substr(std::string("unwedge ").size()));
  EXPECT_EQ(pasted.output, "run|scenarios/" + hostile + "|");
  EXPECT_FALSE(fs::exists(dir / "PWNED"));

  // On the terminal: the escape sequence is shown, never sent.
  const Ran missing = unwedge(shell_quote((dir / hostile).string()) + " run");
  const Ran run = unwedge("run " + shell_quote((dir / "scenarios" / hostile).string()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find('\x1b'), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\\x1b]0;title\\x07.yaml"), std::string::npos) << run.output;
  EXPECT_EQ(missing.output.find('\x1b'), std::string::npos) << missing.output;
  const Ran absent = unwedge("run " + shell_quote((dir / hostile).string()));
  EXPECT_EQ(absent.exit_code, 2) << absent.output;
  EXPECT_EQ(absent.output.find('\x1b'), std::string::npos) << absent.output;
  EXPECT_NE(absent.output.find("\\x1b]0;title"), std::string::npos) << absent.output;
}

// Ctrl-C, a termination or a hang-up while `run --trace` writes leaves no
// partial file, and the old trace as it was; the process still ends by the
// signal, as a shell expects.
TEST(Output, ASignalWhileATraceIsWrittenLeavesNoPartialFileAndTheOldTrace) {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    SCOPED_TRACE(signal_number);
    const fs::path dir = fresh_dir("output-signal-" + std::to_string(signal_number));
    const fs::path trace = dir / "trace.jsonl";
    std::ofstream(trace) << "the old trace\n";
    // A day of the lease plane: seconds of work, stopped long before.
    std::string yaml = read_text_file(source("scenarios/lease/store_quorum_loss.yaml"));
    yaml.replace(yaml.find("\nduration: 60m\n"), 15, "\nduration: 24h\n");
    std::ofstream(dir / "long.yaml") << yaml;
    const std::string trace_path = trace.string();
    const std::string scenario_path = (dir / "long.yaml").string();
    // Spawned directly: a shell's `&` would start it with SIGINT ignored.
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(UNWEDGE_CLI, UNWEDGE_CLI, "run", "--trace", trace_path.c_str(), scenario_path.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Bounded: 20 s for the partial file to appear.
    for (int i = 0; i < 2000 && partial_files(dir).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(partial_files(dir).size(), 1u) << "the trace was never being written";
    ::kill(pid, signal_number);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << "status " << status;
    EXPECT_EQ(partial_files(dir), std::vector<std::string>{});
    EXPECT_TRUE(read_text_file(trace) == "the old trace\n") << "the old trace was replaced";
  }
}

}  // namespace
}  // namespace unwedge::cli
