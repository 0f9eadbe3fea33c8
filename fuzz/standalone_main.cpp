// A main() for fuzz targets built without libFuzzer: runs the target once on
// each file named on the command line (or each file in a named directory),
// so a crash input replays under any compiler and in plain ctest.
//
//   build/default/fuzz/model_check_fuzzer_replay crash-0123abcd
//   build/default/fuzz/model_check_fuzzer_replay fuzz/corpus/model_check_fuzzer
//
// A failed UNWEDGE_ASSERT is caught per input, reported with the file's name,
// and the remaining inputs still run; the exit status is 1 if any input
// failed, 2 if an input could not be read or none was given, else 0. (Under
// libFuzzer the same assertion aborts, which libFuzzer reports as a crash.)
// Sanitizer reports and signals end the process as usual.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional, as under libFuzzer: called once before the first input.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

enum class Outcome { kPassed, kFailed, kUnreadable };

Outcome run_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "%s: cannot be read; pass a file or a directory of inputs\n",
                 path.c_str());
    return Outcome::kUnreadable;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  try {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  } catch (const unwedge::core::AssertionFailure& failure) {
    std::fprintf(stderr, "FAILED %s (%zu bytes): %s\n", path.c_str(), bytes.size(), failure.what());
    return Outcome::kFailed;
  }
  return Outcome::kPassed;
}

// The inputs an argument names: the file itself, or the regular files of a
// directory in name order (so a corpus replays in the same order everywhere).
std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_directory(path, error)) return {path};
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  unwedge::core::set_assertion_handler(&unwedge::core::throwing_assertion_handler);
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  int ran = 0;
  int failed = 0;
  for (int i = 1; i < argc; ++i) {
    for (const std::filesystem::path& input : inputs_of(argv[i])) {
      const Outcome outcome = run_file(input);
      if (outcome == Outcome::kUnreadable) return 2;
      if (outcome == Outcome::kFailed) ++failed;
      ++ran;
    }
  }
  if (ran == 0) {
    std::fprintf(stderr, "no inputs; usage: %s FILE_OR_DIRECTORY...\n",
                 argc > 0 ? argv[0] : "replay");
    return 2;
  }
  std::printf("ran %d inputs, %d failed\n", ran, failed);
  return failed == 0 ? 0 : 1;
}
