#include "cli/output_file.hpp"

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

}  // namespace unwedge::cli
