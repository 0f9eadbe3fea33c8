// A path for a test's files that no other test process shares.
//
// Test suites run side by side on one machine (a plain build and a
// sanitizer build, or two checkouts), and gtest's temporary directory is the
// same for all of them: a test that clears its directory before it starts
// would clear another's mid-run. Each process gets a directory of its own.
//
//   const std::filesystem::path dir = testing::temp_path("nightly-guided");
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include <gtest/gtest.h>

namespace unwedge::testing {

inline std::filesystem::path temp_path(std::string_view name) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("unwedge-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace unwedge::testing
