// SqliteStore: a Store kept in one SQLite file, with InMemoryStore's
// optimistic serializable transactions, so one process (or several on one
// machine) keeps the control plane's state across restarts.
//
// Schema (version 1, created on first open):
//   unwedge_schema(version)                  one row: 1
//   unwedge_entities(kind, id, body, version) PRIMARY KEY(kind, id); body is
//       the entity's JSON (core/entity_codec.hpp), NULL for a tombstone: an
//       entity erased while a transaction may still hold its version
//   unwedge_kinds(kind, version)             changed when an entity of the
//       kind is created or erased, so a listing conflicts with an insert
//   unwedge_commits(last)                    one row: the last commit number
// Every version is the number of the commit that last wrote the row, taken
// from unwedge_commits: versions only grow, never come back, so a
// tombstone may be dropped (and the entity created afresh) without a reader
// of an older version ever mistaking the new row for the one it read.
//
// A transaction reads with plain SELECTs, outside any SQLite transaction,
// remembering the version of every entity it read (0: no row) and of every
// kind it listed; writes wait in the transaction. commit() takes the write
// lock (BEGIN IMMEDIATE), checks every remembered version, applies the
// writes and commits, or rolls back with a "conflict: ..." error. So any
// number of transactions may be open at once on the one connection, as the
// planes keep them, and two processes on one file conflict with each other
// exactly as two transactions of one store do.
//
// The file is in WAL mode (readers never wait for the writer) with
// synchronous=FULL by default: a commit() that returned ok survives a power
// cut, since a step may have acted on the fleet right after it. busy_timeout
// makes two processes wait for each other's commit rather than fail.
//
// Not thread-safe: one thread uses the store and its transactions, which
// must end before the store does.
//
//   core::Result<std::unique_ptr<SqliteStore>> store =
//       SqliteStore::open("/var/lib/unwedge/state.db", codecs);
//   if (!store) return store.error();
//   auto txn = (*store)->begin();
//   txn->put(Service{.id = "db1"});
//   if (Status s = txn->commit(); !s) return s;
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/entity_codec.hpp"
#include "core/result.hpp"
#include "core/store.hpp"
#include "core/store_snapshot.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace unwedge::stores {

class SqliteStore final : public core::DurableStore {
 public:
  // The schema version this build reads and writes.
  static constexpr int kSchemaVersion = 1;

  enum class Synchronous : std::uint8_t {
    // Every commit is on disk when commit() returns: the default.
    kFull,
    // WAL's NORMAL: a commit survives the process crashing but the last few
    // may be lost to a power cut (the file stays consistent). Benchmarks.
    kNormal,
  };
  struct Options {
    // Erase every entity on opening: a throwaway run's store.
    bool empty = false;
    Synchronous synchronous = Synchronous::kFull;
  };

  // Opens `path`, creating the file and its schema if there is none. A file
  // that is not a SQLite database, or holds a schema of another version, is
  // an error naming the file and what to do.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                         const core::EntityCodecs& codecs,
                                                         const Options& options);
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                         const core::EntityCodecs& codecs) {
    return open(path, codecs, Options{});
  }

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override;

  // Reads throw StoreError when a row does not decode or the database fails.
  std::unique_ptr<core::Transaction> begin() override;
  // Every live row, decoded; throws StoreError as reads do.
  core::StoreSnapshot snapshot() const override;

  // Commits and conflicts of this store object (not of the file).
  std::uint64_t commits() const override { return commits_; }
  std::uint64_t conflicts() const override { return conflicts_; }
  const std::string& path() const { return path_; }

 private:
  class Txn;
  class Statement;

  // The statements, prepared once when the store opens.
  enum Sql : std::uint8_t {
    kRead,         // body, version of (kind, id)
    kList,         // the kind's version, then its live ids in order
    kKindVersion,  // version of a kind
    kUpsert,       // writes (kind, id) with body (NULL: erased) and version
    kBumpKind,     // sets a kind's version
    kNextCommit,   // takes the next commit number
    kPrune,        // drops every tombstone
    kSnapshot,     // kind, id, body of every live row
    kBegin,
    kBeginImmediate,
    kCommit,
    kRollback,
    kSqlCount,
  };

  SqliteStore(std::string path, const core::EntityCodecs& codecs, sqlite3* db);

  sqlite3_stmt* statement(Sql sql) const { return statements_[sql]; }
  // Runs a statement that returns no rows; throws StoreError.
  void run(Sql sql) const;
  // `sqlite:PATH: what` for messages.
  std::string where() const;
  // A transaction ended: the last one open drops the tombstones.
  void ended();

  std::string path_;
  core::EntityCodecs codecs_;
  sqlite3* db_;
  std::array<sqlite3_stmt*, kSqlCount> statements_{};
  std::uint64_t commits_ = 0;
  std::uint64_t conflicts_ = 0;
  // Transactions begun and not yet ended.
  std::uint32_t open_ = 0;
  // A commit of this store left tombstones that no open transaction of it
  // may need any more once none is open.
  bool tombstones_ = false;
};

}  // namespace unwedge::stores
