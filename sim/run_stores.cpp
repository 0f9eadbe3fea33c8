#include "sim/run_stores.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <system_error>
#include <utility>

#include "core/in_memory_store.hpp"
#include "stores/open_store.hpp"
#include "stores/sqlite_store.hpp"

namespace unwedge::sim {
namespace {

// One run's SQLite file: removed (with its WAL and shared-memory files)
// once the store is closed, so an exploration of thousands of runs leaves
// no more than one file behind at a time.
class FileStore final : public core::DurableStore {
 public:
  FileStore(std::unique_ptr<core::DurableStore> inner, std::filesystem::path path)
      : inner_(std::move(inner)), path_(std::move(path)) {}
  ~FileStore() override {
    inner_.reset();
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_.string() + suffix, ignored);
    }
  }
  FileStore(const FileStore&) = delete;
  FileStore& operator=(const FileStore&) = delete;

  std::unique_ptr<core::Transaction> begin() override { return inner_->begin(); }
  core::StoreSnapshot snapshot() const override { return inner_->snapshot(); }
  std::uint64_t commits() const override { return inner_->commits(); }
  std::uint64_t conflicts() const override { return inner_->conflicts(); }

 private:
  std::unique_ptr<core::DurableStore> inner_;
  std::filesystem::path path_;
};

// A new directory of our own inside `parent`, as mkdtemp makes it.
core::Result<std::filesystem::path> make_directory(const std::filesystem::path& parent) {
  std::string pattern = (parent / "unwedge-explore-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return core::Error{
        fmt::format("cannot make a directory in {}: {}", parent.string(), std::strerror(errno))};
  }
  return std::filesystem::path(pattern);
}

}  // namespace

core::Result<std::unique_ptr<RunStores>> RunStores::open(std::string_view store,
                                                         const core::EntityCodecs* codecs) {
  std::unique_ptr<RunStores> stores(new RunStores());
  stores->codecs_ = codecs;
  if (store == "memory" || store.empty()) {
    stores->kind_ = "memory";
    stores->description_ = "memory (an InMemoryStore per run)";
    return stores;
  }
  if (codecs == nullptr) {
    return core::Error{
        fmt::format("store '{}' keeps entities in a database and needs their codecs", store)};
  }
  if (store == "sqlite" || store.starts_with("sqlite:")) {
    std::filesystem::path parent = store == "sqlite" ? std::filesystem::temp_directory_path()
                                                     : std::filesystem::path(store.substr(7));
    std::error_code error;
    if (!std::filesystem::is_directory(parent, error)) {
      return core::Error{fmt::format(
          "store '{}': {} is not a directory; sqlite:DIR names an existing directory to make "
          "each run's database file in (plain sqlite uses the system's temporary directory)",
          store, parent.string())};
    }
    core::Result<std::filesystem::path> made = make_directory(parent);
    if (!made) return core::Error{fmt::format("store '{}': {}", store, made.error().message)};
    stores->kind_ = "sqlite";
    stores->directory_ = *made;
    stores->description_ =
        fmt::format("sqlite (a fresh file per run in {})", stores->directory_.string());
    return stores;
  }
  core::Result<std::string> kind = stores::store_kind(store);
  if (!kind) return kind.error();
  stores->kind_ = *kind;
  stores->url_ = std::string(store);
  // Reached once now, so a server that cannot be reached is said before
  // any run.
  core::Result<std::unique_ptr<core::DurableStore>> first = stores->fresh();
  if (!first) return first.error();
  stores->description_ = fmt::format("{} ({}, emptied at the start of every run)", *kind, store);
  return stores;
}

RunStores::~RunStores() {
  if (directory_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

core::Result<std::unique_ptr<core::DurableStore>> RunStores::fresh() {
  const std::uint64_t run = opened_++;
  if (kind_ == "memory")
    return std::unique_ptr<core::DurableStore>(std::make_unique<core::InMemoryStore>());
  if (kind_ == "sqlite") {
    const std::filesystem::path path = directory_ / fmt::format("run-{}.sqlite", run);
    // WAL's NORMAL sync: a commit survives the process dying, which is the
    // crash explored; a power cut is not, and a run's file is thrown away.
    // FULL would spend most of an exploration waiting on fsync.
    core::Result<std::unique_ptr<stores::SqliteStore>> opened = stores::SqliteStore::open(
        path.string(), *codecs_,
        {.empty = true, .synchronous = stores::SqliteStore::Synchronous::kNormal});
    if (!opened) return opened.error();
    return std::unique_ptr<core::DurableStore>(
        std::make_unique<FileStore>(std::move(*opened), path));
  }
  return stores::open_store(url_, *codecs_, {.empty = true});
}

}  // namespace unwedge::sim
