// The stores one contract suite runs against, by name: "Memory", "Sqlite"
// and "Postgres", each opened fresh and empty through stores::open_store,
// with codecs for the test entities (tests/support/entities.hpp).
//
//   class StoreContract : public ::testing::TestWithParam<std::string> {
//     void SetUp() override {
//       OpenedStore opened = open_test_store(GetParam(), "my-test");
//       if (opened.skip) GTEST_SKIP() << *opened.skip;
//       ASSERT_TRUE(opened.store.ok()) << opened.store.error().message;
//     }
//   };
//   INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, store_names(), store_name);
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/entity_codec.hpp"
#include "core/in_memory_store.hpp"
#include "core/store.hpp"
#include "stores/open_store.hpp"
#include "stores/postgres_store.hpp"
#include "stores/sqlite_store.hpp"
#include "tests/support/entities.hpp"
#include "tests/support/temp_path.hpp"
#include "tests/support/test_postgres.hpp"

namespace unwedge::testing {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TestService, id, leader, generation)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TestServer, id, service, lsn, fenced)

inline core::EntityCodecs test_entity_codecs() {
  core::EntityCodecs codecs;
  core::add_framework_entities(codecs);
  codecs.add<TestService>();
  codecs.add<TestServer>();
  return codecs;
}

inline auto store_names() {
  return ::testing::Values("Memory", "Sqlite", "Postgres");
}
inline std::string store_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

// How the store under test keeps transactions serializable (core/store.hpp).
// kStaleReadsConflict: reads see the latest committed value and commit()
// refuses a transaction if anything it read (present, absent, a listing)
// changed since. kSerializableSnapshot: reads see a snapshot taken at the
// transaction's first statement, and a transaction whose reads went stale
// may still commit when running it before those that committed since is a
// serial order; it may also conflict where the other would not.
enum class Validation { kStaleReadsConflict, kSerializableSnapshot };

inline Validation validation_of(const std::string& which) {
  return which == "Postgres" ? Validation::kSerializableSnapshot : Validation::kStaleReadsConflict;
}

// A SQLite file no other test (or earlier run) has used, with its WAL and
// shared-memory files removed.
inline std::string fresh_sqlite_path(const std::string& name) {
  static std::atomic<std::uint64_t> serial = 0;
  const std::filesystem::path path = temp_path(name + "-" + std::to_string(serial++) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// Removes the files of a SQLite store the test opened; nothing for another.
inline void remove_store_files(const std::string& url) {
  if (!url.starts_with("sqlite:")) return;
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(url.substr(7) + suffix);
}

struct OpenedStore {
  core::Result<std::unique_ptr<core::DurableStore>> store = core::Error{"not opened"};
  std::optional<std::string> skip;  // why the store cannot be had here
  std::string url;
};

// A fresh, empty store of the kind `which` names. Postgres is skipped with
// the reason when the test has no server; given one, a failure to open is
// the test's failure.
inline OpenedStore open_test_store(const std::string& which, const std::string& name,
                                   const core::EntityCodecs& codecs = test_entity_codecs()) {
  OpenedStore opened;
  if (which == "Memory") {
    opened.url = "memory";
  } else if (which == "Sqlite") {
    opened.url = "sqlite:" + fresh_sqlite_path(name);
  } else if (which == "Postgres") {
    TestPostgres pg = test_postgres();
    if (!pg.conninfo) {
      opened.skip = pg.why_absent;
      return opened;
    }
    opened.url = *pg.conninfo;
  } else {
    opened.store = core::Error{"no test store named " + which};
    return opened;
  }
  opened.store = stores::open_store(opened.url, codecs, {.empty = true});
  return opened;
}

struct StoreCounts {
  std::uint64_t commits = 0;
  std::uint64_t conflicts = 0;
};

inline StoreCounts counts(const core::DurableStore& store) {
  return StoreCounts{store.commits(), store.conflicts()};
}

}  // namespace unwedge::testing
