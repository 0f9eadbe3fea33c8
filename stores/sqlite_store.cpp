#include "stores/sqlite_store.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <sqlite3.h>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "core/pending_writes.hpp"
#include "stores/store_error.hpp"

namespace unwedge::stores {
namespace {

// How long one process waits for another's commit before its own fails.
constexpr int kBusyTimeoutMs = 5000;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE unwedge_schema(version INTEGER NOT NULL);
INSERT INTO unwedge_schema(version) VALUES (1);
CREATE TABLE unwedge_entities(
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT,
  version INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX unwedge_tombstones ON unwedge_entities(kind, id) WHERE body IS NULL;
CREATE TABLE unwedge_kinds(kind TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE unwedge_commits(last INTEGER NOT NULL);
INSERT INTO unwedge_commits(last) VALUES (0);
)sql";

// The text of each SqliteStore::Sql, in its order.
constexpr std::array<std::string_view, 12> kSqliteStatements = {
    // kRead
    "SELECT body, version FROM unwedge_entities WHERE kind = ?1 AND id = ?2",
    // kList: one statement, so the version and the ids are of one moment.
    // The version's row (id NULL) sorts first; ids sort bytewise, as
    // std::string does.
    "SELECT NULL, version FROM unwedge_kinds WHERE kind = ?1 "
    "UNION ALL SELECT id, NULL FROM unwedge_entities WHERE kind = ?1 AND body IS NOT NULL "
    "ORDER BY 1",
    // kKindVersion
    "SELECT version FROM unwedge_kinds WHERE kind = ?1",
    // kUpsert
    "INSERT INTO unwedge_entities(kind, id, body, version) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(kind, id) DO UPDATE SET body = excluded.body, version = excluded.version",
    // kBumpKind
    "INSERT INTO unwedge_kinds(kind, version) VALUES (?1, ?2) "
    "ON CONFLICT(kind) DO UPDATE SET version = excluded.version",
    // kNextCommit
    "UPDATE unwedge_commits SET last = last + 1 RETURNING last",
    // kPrune
    "DELETE FROM unwedge_entities WHERE body IS NULL",
    // kSnapshot
    "SELECT kind, id, body FROM unwedge_entities WHERE body IS NOT NULL ORDER BY kind, id",
    // kBegin: a read-only commit validates in one snapshot, without the lock.
    "BEGIN",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
};

std::string_view column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  const int size = sqlite3_column_bytes(statement, column);
  return text == nullptr ? std::string_view() : std::string_view(text, static_cast<size_t>(size));
}

// Closes a connection that never became a store.
struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// Runs SQL with no parameters while opening; the error names the file.
core::Status exec(sqlite3* db, std::string_view sql, const std::string& path) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return core::Status::Ok();
  std::string what = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  if ((rc & 0xff) == SQLITE_NOTADB) {
    return core::Error{fmt::format(
        "sqlite:{}: the file is not a SQLite database ({}); name a new file, or move this one "
        "away if it is not needed",
        path, what)};
  }
  return core::Error{fmt::format("sqlite:{}: {}", path, what)};
}

// One integer from a query of one row, while opening; nullopt: no row.
core::Result<std::optional<std::int64_t>> query_integer(sqlite3* db, const char* sql,
                                                        const std::string& path) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    return core::Error{fmt::format("sqlite:{}: {}", path, sqlite3_errmsg(db))};
  }
  std::optional<std::int64_t> value;
  const int rc = sqlite3_step(statement);
  if (rc == SQLITE_ROW) value = sqlite3_column_int64(statement, 0);
  const bool failed = rc != SQLITE_ROW && rc != SQLITE_DONE;
  std::string what = failed ? sqlite3_errmsg(db) : "";
  sqlite3_finalize(statement);
  if (failed) return core::Error{fmt::format("sqlite:{}: {}", path, what)};
  return value;
}

// Creates the schema in a file that has none, or checks the one it has.
core::Status prepare_schema(sqlite3* db, const std::string& path) {
  core::Result<std::optional<std::int64_t>> ours = query_integer(
      db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'unwedge\\_%' ESCAPE '\\'", path);
  if (!ours) return ours.error();
  if (**ours == 0) return exec(db, kSchema, path);
  core::Result<std::optional<std::int64_t>> schema = query_integer(
      db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'unwedge_schema'",
      path);
  if (!schema) return schema.error();
  if (**schema == 0) {
    return core::Error{fmt::format(
        "sqlite:{}: the file holds unwedge tables but no unwedge_schema table: not a store this "
        "unwedge wrote; name another file",
        path)};
  }
  core::Result<std::optional<std::int64_t>> version =
      query_integer(db, "SELECT max(version) FROM unwedge_schema", path);
  if (!version) return version.error();
  if (!*version || **version != SqliteStore::kSchemaVersion) {
    return core::Error{fmt::format(
        "sqlite:{}: the store's schema is version {}, and this unwedge reads version {}: open it "
        "with the unwedge that wrote it, or name a new file",
        path, *version ? fmt::format("{}", **version) : std::string("(none)"),
        SqliteStore::kSchemaVersion)};
  }
  return core::Status::Ok();
}

}  // namespace

// One use of a prepared statement: binds, steps, and resets it on the way
// out, so the cached statement is ready for the next use whatever happened.
// Bound text is not copied: it must outlive the Statement.
class SqliteStore::Statement {
 public:
  Statement(const SqliteStore& store, Sql sql) : store_(store), statement_(store.statement(sql)) {
    UNWEDGE_ASSERT(statement_ != nullptr);
  }
  ~Statement() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void text(int index, std::string_view value) {
    check(sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_STATIC));
  }
  void null(int index) { check(sqlite3_bind_null(statement_, index)); }
  void integer(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
  }
  // True with a row to read, false when done.
  bool step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(rc);
  }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  std::string_view text(int column) const { return column_text(statement_, column); }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(rc);
  }
  [[noreturn]] void fail(int rc) const {
    throw StoreError(store_.where() + ": " + sqlite3_errstr(rc) + ": " +
                     sqlite3_errmsg(store_.db_) + " (in: " + sqlite3_sql(statement_) + ")");
  }

  const SqliteStore& store_;
  sqlite3_stmt* statement_;
};

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                             const core::EntityCodecs& codecs,
                                                             const Options& options) {
  if (path.empty()) {
    return core::Error{
        "sqlite: the store needs a file: sqlite:PATH, as sqlite:/var/lib/unwedge.db"};
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Connection db(raw);  // closed on every early return, even when open failed
  if (rc != SQLITE_OK) {
    return core::Error{fmt::format("sqlite:{}: cannot open the file: {}", path,
                                   raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  // The first statement reads the file's header: a file that is not a
  // database fails here (SQLITE_NOTADB), before anything is written to it.
  if (core::Status s = exec(db.get(), "PRAGMA journal_mode = WAL", path); !s) return s.error();
  {
    // WAL cannot be had on some file systems; the rollback journal would
    // still be correct, but readers would then wait for the writer.
    core::Result<std::optional<std::int64_t>> probe = query_integer(
        db.get(), "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'", path);
    if (!probe) return probe.error();
    if (**probe != 1) {
      return core::Error{fmt::format(
          "sqlite:{}: the file cannot be put in WAL mode (a network file system?); keep it on a "
          "local disk",
          path)};
    }
  }
  const char* synchronous = options.synchronous == Synchronous::kFull
                                ? "PRAGMA synchronous = FULL"
                                : "PRAGMA synchronous = NORMAL";
  if (core::Status s = exec(db.get(), synchronous, path); !s) return s.error();
  // Created or checked, and emptied, under the write lock: two processes
  // opening a new file at once do not both create the schema.
  if (core::Status s = exec(db.get(), "BEGIN IMMEDIATE", path); !s) return s.error();
  core::Status ready = prepare_schema(db.get(), path);
  if (ready && options.empty) {
    // The commit counter stays: versions never come back, even for another
    // process still holding a transaction over the old contents.
    ready = exec(db.get(), "DELETE FROM unwedge_entities; DELETE FROM unwedge_kinds;", path);
  }
  if (!ready) {
    static_cast<void>(exec(db.get(), "ROLLBACK", path));
    return ready.error();
  }
  if (core::Status s = exec(db.get(), "COMMIT", path); !s) return s.error();

  std::unique_ptr<SqliteStore> store(new SqliteStore(path, codecs, db.release()));
  for (std::size_t i = 0; i < kSqliteStatements.size(); ++i) {
    const std::string_view sql = kSqliteStatements[i];
    if (sqlite3_prepare_v3(store->db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &store->statements_[i],
                           nullptr) != SQLITE_OK) {
      return core::Error{
          fmt::format("sqlite:{}: {} (in: {})", path, sqlite3_errmsg(store->db_), sql)};
    }
  }
  return store;
}

SqliteStore::SqliteStore(std::string path, const core::EntityCodecs& codecs, sqlite3* db)
    : path_(std::move(path)), codecs_(codecs), db_(db) {
  static_assert(kSqliteStatements.size() == kSqlCount);
  UNWEDGE_ASSERT(db_ != nullptr);
}

SqliteStore::~SqliteStore() {
  // A transaction keeps a pointer to its store.
  UNWEDGE_ASSERT_MSG(open_ == 0, "sqlite:{} closed with {} transactions open", path_, open_);
  for (sqlite3_stmt* statement : statements_)
    sqlite3_finalize(statement);  // null is harmless
  sqlite3_close_v2(db_);
}

std::string SqliteStore::where() const {
  return "sqlite:" + path_;
}

void SqliteStore::run(Sql sql) const {
  Statement statement(*this, sql);
  while (statement.step()) {
  }
}

void SqliteStore::ended() {
  UNWEDGE_ASSERT(open_ > 0);
  if (--open_ > 0 || !tombstones_) return;
  // No transaction of this store needs a tombstone's version any more. One
  // of another process might: it then sees no row, version 0, and conflicts
  // if it had read the tombstone (never a missed conflict, since versions
  // never come back). A failure (the file busy) leaves them for next time.
  try {
    run(kPrune);
    tombstones_ = false;
  } catch (const StoreError&) {
  }
}

core::StoreSnapshot SqliteStore::snapshot() const {
  core::StoreSnapshot::Entries entries;
  Statement rows(*this, kSnapshot);
  while (rows.step()) {
    const std::string_view kind = rows.text(0);
    const std::string_view id = rows.text(1);
    core::Result<std::shared_ptr<const core::StoredValue>> value =
        codecs_.decode(kind, id, rows.text(2));
    if (!value) throw StoreError(fmt::format("{}: {}", where(), value.error().message));
    entries.emplace(core::EntityKey{std::string(kind), std::string(id)}, std::move(value).value());
  }
  return core::StoreSnapshot(std::move(entries));
}

class SqliteStore::Txn final : public core::Transaction {
 public:
  explicit Txn(SqliteStore& store) : store_(&store), writes_(&store.codecs_) { store_->open_++; }
  // An uncommitted transaction simply vanishes: nothing of it reached the file.
  ~Txn() override {
    if (open_) end();
  }

  std::shared_ptr<const core::StoredValue> find(std::string_view kind,
                                                std::string_view id) override {
    UNWEDGE_ASSERT_MSG(open_, "read of {}/{} after the transaction ended", kind, id);
    if (const core::PendingWrite* w = writes_.find(kind, id)) return w->value;
    Statement row(*store_, kRead);
    row.text(1, kind);
    row.text(2, id);
    if (!row.step()) {
      // Read absent, as version 0: its creation before this transaction
      // commits is a conflict.
      reads_.push_back(Read{.kind = std::string(kind), .id = std::string(id), .version = 0});
      return nullptr;
    }
    const std::int64_t version = row.integer(1);
    UNWEDGE_ASSERT_MSG(version > 0, "{}: {}/{} has version {}", store_->where(), kind, id, version);
    std::shared_ptr<const core::StoredValue> value;
    if (!row.is_null(0)) {
      core::Result<std::shared_ptr<const core::StoredValue>> decoded =
          store_->codecs_.decode(kind, id, row.text(0));
      if (!decoded) {
        throw StoreError(fmt::format("{}: {}", store_->where(), decoded.error().message));
      }
      value = std::move(decoded).value();
    }
    reads_.push_back(Read{.kind = std::string(kind), .id = std::string(id), .version = version});
    return value;
  }

  void write(std::string kind, std::string id,
             std::shared_ptr<const core::StoredValue> value) override {
    UNWEDGE_ASSERT_MSG(open_, "write of {}/{} after the transaction ended", kind, id);
    writes_.write(std::move(kind), std::move(id), std::move(value));
  }

  std::vector<std::string> ids(std::string_view kind) override {
    UNWEDGE_ASSERT(open_);
    std::vector<std::string> result;
    std::int64_t version = 0;  // a kind never written
    {
      Statement rows(*store_, kList);
      rows.text(1, kind);
      while (rows.step()) {
        if (rows.is_null(0)) {
          UNWEDGE_ASSERT_MSG(result.empty(), "{}: the version of {} sorted after its ids",
                             store_->where(), kind);
          version = rows.integer(1);
        } else {
          result.emplace_back(rows.text(0));
        }
      }
    }
    UNWEDGE_ASSERT(std::is_sorted(result.begin(), result.end()));
    listed_.emplace_back(std::string(kind), version);
    writes_.merge_into(kind, result);
    return result;
  }

  core::Status commit() override {
    UNWEDGE_ASSERT_MSG(open_, "commit of a transaction that already ended");
    core::Status done = commit_to_file();
    end();
    return done;
  }

  void rollback() override {
    if (open_) end();
    writes_.clear();
  }

 private:
  struct Read {
    std::string kind;
    std::string id;
    std::int64_t version;  // 0: no row
  };
  core::Status commit_to_file() {
    if (reads_.empty() && listed_.empty() && writes_.empty()) {
      store_->commits_++;
      return core::Status::Ok();
    }
    try {
      // A read-only transaction needs one consistent moment to check its
      // reads in, not the lock.
      store_->run(writes_.empty() ? kBegin : kBeginImmediate);
    } catch (const StoreError& error) {
      // The file busy past the timeout, most likely: the step is not done.
      return core::Error{error.what()};
    }
    // Whatever ends the commit early (an error, a conflict, a contract
    // error thrown by an assertion), the SQLite transaction does not stay
    // open on the store's connection.
    struct RollbackUnlessCommitted {
      SqliteStore& store;
      ~RollbackUnlessCommitted() {
        if (sqlite3_get_autocommit(store.db_) != 0) return;  // committed, or closed by a failure
        try {
          store.run(kRollback);
        } catch (const StoreError&) {
        }
      }
    } rollback_unless_committed{*store_};
    try {
      core::Status fresh = validate();
      if (!fresh) {
        store_->conflicts_++;
        return fresh;
      }
      if (!writes_.empty()) apply();
      store_->run(kCommit);
    } catch (const StoreError& error) {
      return core::Error{error.what()};
    }
    if (pruned_) {
      store_->tombstones_ = false;
    } else if (erased_) {
      store_->tombstones_ = true;
    }
    store_->commits_++;
    writes_.clear();
    return core::Status::Ok();
  }

  // The version (kind, id) has now: 0 without a row.
  std::int64_t version_of(const std::string& kind, const std::string& id, bool* live) const {
    Statement row(*store_, kRead);
    row.text(1, kind);
    row.text(2, id);
    if (!row.step()) {
      *live = false;
      return 0;
    }
    *live = !row.is_null(0);
    return row.integer(1);
  }

  core::Status validate() const {
    for (const Read& read : reads_) {
      bool live = false;
      if (version_of(read.kind, read.id, &live) == read.version) continue;
      if (read.version == 0 && live) {
        return core::Error{fmt::format("conflict: {}/{} was created since this transaction read it",
                                       read.kind, read.id)};
      }
      return core::Error{fmt::format("conflict: {}/{} changed since this transaction read it",
                                     read.kind, read.id)};
    }
    for (const auto& [kind, version] : listed_) {
      Statement row(*store_, kKindVersion);
      row.text(1, kind);
      const std::int64_t now = row.step() ? row.integer(0) : 0;
      if (now != version) {
        return core::Error{
            fmt::format("conflict: the set of {} entities changed since it was listed", kind)};
      }
    }
    return core::Status::Ok();
  }

  // Under the write lock, after validation: every write gets this commit's
  // number as its version.
  void apply() {
    std::int64_t number = 0;
    {
      Statement next(*store_, kNextCommit);
      const bool row = next.step();
      UNWEDGE_ASSERT_MSG(row, "{}: unwedge_commits has no row", store_->where());
      number = next.integer(0);
    }
    for (const auto& [key, w] : writes_) {
      bool existed = false;
      const std::int64_t before = version_of(key.first, key.second, &existed);
      UNWEDGE_ASSERT_MSG(before < number, "{}: {}/{} has version {} beyond commit {}",
                         store_->where(), key.first, key.second, before, number);
      {
        Statement upsert(*store_, kUpsert);
        upsert.text(1, key.first);
        upsert.text(2, key.second);
        if (w.value) {
          upsert.text(3, w.body);
        } else {
          upsert.null(3);
        }
        upsert.integer(4, number);
        const bool row = upsert.step();
        UNWEDGE_ASSERT(!row);
      }
      // Created or erased: listings of the kind are out of date.
      if (existed != (w.value != nullptr)) {
        Statement bump(*store_, kBumpKind);
        bump.text(1, key.first);
        bump.integer(2, number);
        const bool row = bump.step();
        UNWEDGE_ASSERT(!row);
      }
      erased_ = erased_ || w.value == nullptr;
    }
    if (store_->open_ == 1 && (erased_ || store_->tombstones_)) {
      // This is the store's only open transaction: the tombstones go in the
      // same commit, as InMemoryStore drops erased entries when the last
      // transaction ends.
      store_->run(kPrune);
      pruned_ = true;
    }
  }

  void end() {
    UNWEDGE_ASSERT(open_);
    open_ = false;
    store_->ended();
  }

  SqliteStore* store_;
  bool open_ = true;
  // What apply() did, for the store to know once the commit is done.
  bool erased_ = false;
  bool pruned_ = false;
  core::PendingWrites writes_;
  std::vector<Read> reads_;
  std::vector<std::pair<std::string, std::int64_t>> listed_;
};

std::unique_ptr<core::Transaction> SqliteStore::begin() {
  return std::make_unique<Txn>(*this);
}

}  // namespace unwedge::stores
