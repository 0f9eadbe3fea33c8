// Partial files a signal must not leave behind. While a PartialFile lives,
// SIGINT, SIGTERM or SIGHUP first removes the file, then ends the process
// as the signal would have. So Ctrl-C during `unwedge run --trace t.jsonl`
// leaves neither t.jsonl.partial-XXXXXX nor a half trace, and an old
// t.jsonl stays as it was. (SIGKILL cannot be caught; what it leaves is a
// partial file beside an untouched target, never a damaged target.)
//
// Where a handler is already in place (a campaign's, cli/campaign.cpp) it
// is left alone: the campaign stops cleanly and finishes every file it is
// writing whole.
//
//   PartialFile guard(partial_path);  // removed if a signal comes now
//   ... write, fsync, rename ...
//   // the guard's end forgets it
#pragma once

#include <cstddef>
#include <filesystem>

namespace unwedge::cli {

class PartialFile {
 public:
  explicit PartialFile(const std::filesystem::path& partial);
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

 private:
  std::ptrdiff_t slot_ = -1;  // -1: not tracked (no slot free, or the path too long)
};

}  // namespace unwedge::cli
