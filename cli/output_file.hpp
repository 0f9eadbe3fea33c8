// Writes a file whole or not at all: the text goes to a temporary file beside
// the target, which is renamed over it only once completely written, so an
// interrupted run never leaves a half-written report behind.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace unwedge::cli {

core::Status write_file_atomically(const std::filesystem::path& path, const std::string& text);

// A command's output: to `path` (atomically) when one is given, else to
// stdout. False when the file could not be written, after saying why on
// stderr as "unwedge <command>: ...".
bool write_output(const char* command, const std::string& path, const std::string& text);

}  // namespace unwedge::cli
