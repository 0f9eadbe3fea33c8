#include "stores/open_store.hpp"

#include <fmt/format.h>

#include "core/in_memory_store.hpp"
#include "stores/postgres_store.hpp"
#include "stores/sqlite_store.hpp"

namespace unwedge::stores {

core::Result<std::string> store_kind(std::string_view url) {
  if (url == "memory") return std::string("memory");
  if (url.starts_with("sqlite:")) return std::string("sqlite");
  if (url.starts_with("postgres://") || url.starts_with("postgresql://") ||
      url.find('=') != std::string_view::npos) {
    return std::string("postgres");
  }
  return core::Error{
      fmt::format("store '{}' names no store unwedge knows; use memory, sqlite:PATH or "
                  "postgres://USER@HOST/DATABASE",
                  url)};
}

core::Result<std::unique_ptr<core::DurableStore>> open_store(std::string_view url,
                                                             const core::EntityCodecs& codecs,
                                                             const StoreOptions& options) {
  core::Result<std::string> kind = store_kind(url);
  if (!kind) return kind.error();
  if (*kind == "memory") {
    return std::unique_ptr<core::DurableStore>(std::make_unique<core::InMemoryStore>());
  }
  if (*kind == "sqlite") {
    core::Result<std::unique_ptr<SqliteStore>> store =
        SqliteStore::open(std::string(url.substr(std::string_view("sqlite:").size())), codecs,
                          SqliteStore::Options{.empty = options.empty,
                                               .synchronous = SqliteStore::Synchronous::kFull});
    if (!store) return store.error();
    return std::unique_ptr<core::DurableStore>(std::move(store).value());
  }
  if (*kind == "postgres") {
    core::Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(url, codecs, options);
    // The error names the server as its description does, not the URL,
    // which may carry a password.
    if (!store) return store.error();
    return std::unique_ptr<core::DurableStore>(std::move(*store));
  }
  return core::Error{fmt::format("store '{}': no store of kind {}", url, *kind)};
}

}  // namespace unwedge::stores
