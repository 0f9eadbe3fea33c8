// Every file a command writes goes through here, whole or not at all.
//
// The text goes to `<path>.partial-XXXXXX` beside the target (a name of its
// own, so two writers of one target never share it), is flushed to the
// disk, and only then renamed over the target, whose permissions it keeps; any failure (a full
// disk, a directory that cannot be made) removes the partial file and says which path failed and
// the system's reason, so an interrupted or failing run never leaves a half-written file behind nor
// replaces a good one. SIGINT, SIGTERM or SIGHUP while a file is written
// removes its partial file too (cli/partial_files.hpp).
//
// Only a regular file or a new path is ever a target. A symbolic link, a
// directory, a device, a FIFO or a socket is refused before anything is
// written: `--out /dev/stdout` as root would otherwise replace the link
// itself. Standard output is named `-`.
//
//   if (core::Status s = write_file_atomically("out/report.json", text); !s) ...
//
//   OutputStream trace;
//   if (core::Status s = trace.open("run.trace"); !s) ...
//   std::fputs("...", trace.file());
//   if (core::Status s = trace.finish(); !s) ...  // else the destructor removes it
#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/partial_files.hpp"
#include "core/result.hpp"

namespace unwedge::cli {

// Standard output, where a command takes a path.
inline constexpr const char* kStandardOutput = "-";

// Ok when `path` is a regular file or names nothing yet; else why it may
// not be written ("... is a symbolic link; ..."), naming the path.
core::Status check_output_path(const std::filesystem::path& path);

core::Status write_file_atomically(const std::filesystem::path& path, const std::string& text);

// A command's output: to `path` (atomically) when one is given, to standard
// output when it is empty or "-". False when it could not be written, after
// saying why on stderr as "unwedge <command>: ...".
bool write_output(const char* command, const std::string& path, const std::string& text);

// True for the name of a partial file this layer makes ("x.yaml.partial-a1B2c3").
bool is_partial_file_name(const std::string& name);
// Removes the partial files left in `dir` (not below it) by writers that
// were killed: a campaign's workers, stopped mid-write by an interruption.
void remove_partial_files(const std::filesystem::path& dir);

// A file written as it goes (a trace), put in place only once finished.
class OutputStream {
 public:
  OutputStream() = default;
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;
  // Unfinished: the partial file is removed and the target left as it was.
  ~OutputStream();

  // Opens `<path>.partial-XXXXXX` (standard output for "-").
  core::Status open(const std::filesystem::path& path);
  std::FILE* file() const { return file_; }
  // Checks every write, flushes to the disk and renames into place.
  core::Status finish();

 private:
  void abandon();

  std::filesystem::path path_;
  std::filesystem::path partial_;
  std::optional<PartialFile> guard_;  // removes the partial file on a signal
  std::FILE* file_ = nullptr;
  bool standard_output_ = false;
};

}  // namespace unwedge::cli
