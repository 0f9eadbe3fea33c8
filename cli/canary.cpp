#include "cli/canary.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#include "cli/shell_quote.hpp"
#include "reports/report_json.hpp"

namespace unwedge::cli {
namespace {

// Output past this is not a canary's one line; reading stops there.
constexpr std::size_t kOutputMax = 64 * 1024;

std::string last_line(const std::string& output) {
  std::string_view rest = output;
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r'))
    rest.remove_suffix(1);
  const std::size_t newline = rest.rfind('\n');
  return std::string(newline == std::string_view::npos ? rest : rest.substr(newline + 1));
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
  return fmt::format("wait status {}", status);
}

}  // namespace

std::filesystem::path canary_executable(std::string_view program) {
  if (const char* path = std::getenv("UNWEDGE_CANARY"); path != nullptr && *path != '\0') {
    return path;
  }
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return (error ? std::filesystem::path() : self.parent_path()) / program;
}

reports::CanaryResult run_canary(const std::filesystem::path& executable) {
  std::error_code error;
  if (!std::filesystem::exists(executable, error)) {
    return {.sentence = fmt::format("the canary {} is missing; build unwedge-canary beside unwedge",
                                    executable.string()),
            .missing = true};
  }
  if (!std::filesystem::is_regular_file(executable, error)) {
    return {.sentence = fmt::format("the canary {} is not a program file; point UNWEDGE_CANARY at "
                                    "unwedge-canary, or build it beside unwedge",
                                    executable.string()),
            .missing = true};
  }
  if (::access(executable.c_str(), X_OK) != 0) {
    return {.sentence = fmt::format("the canary {} cannot be run ({}); make it executable",
                                    executable.string(), std::strerror(errno)),
            .missing = true};
  }
  std::FILE* pipe = ::popen(shell_quote(executable.string()).c_str(), "r");
  if (pipe == nullptr) {
    return {.sentence = fmt::format("the canary {} could not be started", executable.string())};
  }
  std::string output;
  char buffer[4096];
  for (std::size_t n;
       output.size() < kOutputMax && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  const std::string line = last_line(output);
  if (line.empty()) {
    return {.sentence = fmt::format("the canary {} printed nothing ({})", executable.string(),
                                    exit_text(status))};
  }
  core::Result<reports::CanaryResult> canary = reports::parse_canary(line, "the canary's output");
  if (!canary) {
    return {.sentence = fmt::format("the canary {} gave no verdict ({}): {}", executable.string(),
                                    exit_text(status), canary.error().message)};
  }
  // Its exit status is the verdict; a line claiming a catch is not enough.
  const bool passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!passed && canary->caught) {
    canary->caught = false;
    canary->sentence = fmt::format("{} ({})", canary->sentence, exit_text(status));
  }
  return *canary;
}

}  // namespace unwedge::cli
