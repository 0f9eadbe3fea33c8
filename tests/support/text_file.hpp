// A file's whole text, for tests that check what a command wrote; empty
// when there is no such file.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace unwedge::testing {

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace unwedge::testing
