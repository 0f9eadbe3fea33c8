// What docs/STORES.md's blocks assume: the stores layer, and a file of their
// own to keep a SQLite store in.
#pragma once

#include <filesystem>
#include <string>

#include "core/entity_codec.hpp"
#include "stores/open_store.hpp"

namespace stores = unwedge::stores;

// A fresh path under the temporary directory, for a block's SQLite file.
inline std::string fresh_store_path(const std::string& name) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove(path);
  return path.string();
}
