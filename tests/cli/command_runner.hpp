// Running the built `unwedge` (or any shell command) the way a user does, for
// the tests of the command: its output and its exit code. UNWEDGE_CLI and
// UNWEDGE_SOURCE_DIR are set by tests/CMakeLists.txt.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "cli/shell_quote.hpp"

namespace unwedge::cli::testing {

struct Ran {
  int exit_code = -1;  // -1: killed by a signal, or could not start
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh.
inline Ran run_shell(const std::string& command) {
  Ran ran;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return ran;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    ran.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ran;
}

// `variables`: NAME=value pairs set for this command only.
inline Ran unwedge_with(const std::string& variables, const std::string& arguments) {
  return run_shell("env " + variables + " " + std::string(UNWEDGE_CLI) + " " + arguments);
}

inline Ran unwedge(const std::string& arguments) {
  return unwedge_with("", arguments);
}

// A path in the source tree.
inline std::string source(const std::string& path) {
  return std::string(UNWEDGE_SOURCE_DIR) + "/" + path;
}

using cli::shell_quote;

}  // namespace unwedge::cli::testing
