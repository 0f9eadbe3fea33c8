#include "cli/output_file.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <system_error>

namespace unwedge::cli {

core::Status write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    return core::Error{fmt::format("{}: cannot create the directory: {}",
                                   path.parent_path().string(), error.message())};
  }
  std::filesystem::path temporary = path;
  temporary += ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      return core::Error{
          fmt::format("{}: cannot be written; check the path and free space", temporary.string())};
    }
  }
  std::filesystem::rename(temporary, path, error);
  if (error) {
    return core::Error{
        fmt::format("{}: cannot be renamed into place: {}", path.string(), error.message())};
  }
  return core::Status::Ok();
}

bool write_output(const char* command, const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return true;
  }
  if (core::Status written = write_file_atomically(path, text); !written) {
    std::fprintf(stderr, "unwedge %s: %s\n", command, written.error().message.c_str());
    return false;
  }
  return true;
}

}  // namespace unwedge::cli
