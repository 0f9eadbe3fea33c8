#include "stores/postgres_store.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <map>
#include <optional>
#include <utility>

#include "core/assert.hpp"
#include "core/pending_writes.hpp"

namespace unwedge::stores {
namespace {

// The advisory lock taken while the schema is checked and created, so two
// stores opening one empty database at once do not both create it (the
// second CREATE TABLE would fail on the catalog's unique index). Any number
// unlikely to be another program's: "unwedge" in ASCII.
constexpr const char* kSchemaLockSql = "SELECT pg_advisory_xact_lock(33055896183351653)";

// Columns compared as bytes (COLLATE "C"), so ORDER BY id lists ids in the
// order std::string sorts them, as InMemoryStore does, whatever the
// database's locale.
constexpr const char* kCreateEntitiesSql =
    "CREATE TABLE unwedge_entities ("
    "kind text COLLATE \"C\" NOT NULL, "
    "id text COLLATE \"C\" NOT NULL, "
    "body text NOT NULL, "
    "version bigint NOT NULL, "
    "PRIMARY KEY (kind, id))";

// Prepared on every connection: values only ever travel as parameters.
struct Statement {
  const char* name;
  const char* sql;
  int parameters;
};
constexpr const char* kFind = "unwedge_find";
constexpr const char* kIds = "unwedge_ids";
constexpr const char* kUpsert = "unwedge_upsert";
constexpr const char* kErase = "unwedge_erase";
constexpr Statement kPostgresStatements[] = {
    {kFind, "SELECT body FROM unwedge_entities WHERE kind = $1 AND id = $2", 2},
    {kIds, "SELECT id FROM unwedge_entities WHERE kind = $1 ORDER BY id", 1},
    {kUpsert,
     "INSERT INTO unwedge_entities (kind, id, body, version) VALUES ($1, $2, $3, 1) "
     "ON CONFLICT (kind, id) DO UPDATE SET body = EXCLUDED.body, "
     "version = unwedge_entities.version + 1",
     3},
    {kErase, "DELETE FROM unwedge_entities WHERE kind = $1 AND id = $2", 2},
};

// Idle connections kept for the next transactions; more are closed as they
// come back (a pass may open several at once, then none for a while).
constexpr std::size_t kIdleMax = 4;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

enum class Failure : std::uint8_t {
  kNone,
  kConflict,  // serialization failure or deadlock: run the transaction again
  kLost,      // the connection is gone
  kOther,     // the server refused the statement
};

// What became of one statement.
struct Answer {
  ResultPtr result;
  Failure failure = Failure::kNone;
  std::string message;  // the server's or libpq's words, when it failed

  explicit operator bool() const { return failure == Failure::kNone; }
};

std::string trimmed(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  // libpq's messages run over lines; one line reads better in a log.
  for (char& c : out) {
    if (c == '\n') c = ' ';
  }
  return out;
}

Answer answer(PGconn& connection, PGresult* raw) {
  Answer out{.result = ResultPtr(raw)};
  const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return out;
  out.message = trimmed(raw == nullptr ? PQerrorMessage(&connection) : PQresultErrorMessage(raw));
  if (out.message.empty()) out.message = trimmed(PQerrorMessage(&connection));
  const char* state = raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  const std::string_view sqlstate = state == nullptr ? "" : state;
  if (PQstatus(&connection) == CONNECTION_BAD || sqlstate.starts_with("08") ||
      sqlstate.starts_with("57P0")) {
    out.failure = Failure::kLost;
  } else if (sqlstate == "40001" || sqlstate == "40P01") {
    out.failure = Failure::kConflict;
  } else {
    out.failure = Failure::kOther;
  }
  return out;
}

Answer run(PGconn& connection, const char* sql) {
  return answer(connection, PQexec(&connection, sql));
}

// Text parameters, which libpq reads as NUL-terminated strings.
Answer run_prepared(PGconn& connection, const char* name,
                    std::initializer_list<const std::string*> parameters) {
  const char* values[3] = {};
  UNWEDGE_ASSERT_LE(parameters.size(), std::size(values));
  int n = 0;
  for (const std::string* parameter : parameters) {
    // PostgreSQL's text holds no NUL: one would silently cut the value short.
    UNWEDGE_ASSERT_MSG(parameter->find('\0') == std::string::npos,
                       "a value sent to PostgreSQL holds a NUL byte: '{}'", *parameter);
    values[n++] = parameter->c_str();
  }
  return answer(connection,
                PQexecPrepared(&connection, name, n, values, nullptr, nullptr, /*text*/ 0));
}

// "PostgreSQL at host=... port=... dbname=... user=...": the server a
// connection string names, without its password, for every message.
core::Result<std::string> describe_server(std::string_view conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(conninfo).c_str(), &error);
  if (options == nullptr) {
    std::string why = error == nullptr ? "out of memory" : trimmed(error);
    PQfreemem(error);
    return core::Error{fmt::format("not a PostgreSQL connection string: {}", why)};
  }
  std::string words;
  for (const char* key : {"host", "hostaddr", "port", "dbname", "user"}) {
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      if (std::strcmp(option->keyword, key) == 0 && option->val != nullptr && *option->val) {
        words += fmt::format("{}{}={}", words.empty() ? "" : " ", key, option->val);
      }
    }
  }
  PQconninfoFree(options);
  return words.empty() ? std::string("PostgreSQL at libpq's defaults")
                       : fmt::format("PostgreSQL at {}", words);
}

// CREATE TABLE and friends speak NOTICEs that libpq would print to stderr.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

const char* begin_sql(Isolation isolation) {
  switch (isolation) {
    case Isolation::kSerializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
    case Isolation::kReadCommitted:
      return "BEGIN ISOLATION LEVEL READ COMMITTED";
  }
  UNWEDGE_ASSERT_MSG(false, "isolation level {} unknown", static_cast<int>(isolation));
  return nullptr;
}

}  // namespace

void PostgresStore::ConnectionDeleter::operator()(pg_conn* connection) const {
  PQfinish(connection);
}

PostgresStore::PostgresStore(std::string conninfo, std::string server,
                             const core::EntityCodecs& codecs, Isolation isolation)
    : conninfo_(std::move(conninfo)),
      server_(std::move(server)),
      codecs_(codecs),
      isolation_(isolation) {}

PostgresStore::~PostgresStore() {
  // A transaction outliving its store would hand its connection back to a
  // pool that is gone.
  UNWEDGE_ASSERT_MSG(open_ == 0, "a PostgresStore destroyed with {} transactions open", open_);
}

core::Result<std::unique_ptr<PostgresStore>> PostgresStore::open(std::string_view conninfo,
                                                                 const core::EntityCodecs& codecs,
                                                                 const StoreOptions& options) {
  core::Result<std::string> server = describe_server(conninfo);
  if (!server) return server.error();
  std::unique_ptr<PostgresStore> store(
      new PostgresStore(std::string(conninfo), std::move(*server), codecs, options.isolation));
  core::Result<ConnectionPtr> connection = store->connect();
  if (!connection) return connection.error();
  if (core::Status created = store->create_schema(**connection, options.empty); !created) {
    return created.error();
  }
  if (core::Status prepared = store->prepare(**connection); !prepared) return prepared.error();
  store->idle_.push_back(std::move(*connection));
  return store;
}

core::Result<PostgresStore::ConnectionPtr> PostgresStore::connect() const {
  ConnectionPtr connection(PQconnectdb(conninfo_.c_str()));
  if (connection == nullptr) return core::Error{fmt::format("{}: out of memory", server_)};
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return core::Error{fmt::format("cannot connect to {}: {}", server_,
                                   trimmed(PQerrorMessage(connection.get())))};
  }
  PQsetNoticeProcessor(connection.get(), ignore_notice, nullptr);
  // Bodies are JSON, written as UTF-8 whatever the server's default.
  if (PQsetClientEncoding(connection.get(), "UTF8") != 0) {
    return core::Error{fmt::format("{} does not take UTF-8: {}", server_,
                                   trimmed(PQerrorMessage(connection.get())))};
  }
  connections_opened_++;
  return connection;
}

core::Status PostgresStore::prepare(pg_conn& connection) const {
  for (const Statement& statement : kPostgresStatements) {
    Answer prepared = answer(connection, PQprepare(&connection, statement.name, statement.sql,
                                                   statement.parameters, nullptr));
    if (!prepared) {
      return core::Error{
          fmt::format("{}: cannot prepare {}: {}", server_, statement.name, prepared.message)};
    }
  }
  return core::Status::Ok();
}

core::Status PostgresStore::create_schema(pg_conn& connection, bool empty) const {
  auto failed = [&](std::string_view doing, const Answer& answer) {
    if (answer.failure != Failure::kLost) static_cast<void>(run(connection, "ROLLBACK"));
    return core::Error{fmt::format("{}: cannot {}: {}", server_, doing, answer.message)};
  };
  if (Answer a = run(connection, "BEGIN"); !a) return failed("begin a transaction", a);
  if (Answer a = run(connection, kSchemaLockSql); !a) return failed("lock the schema", a);
  Answer found = run(connection,
                     "SELECT to_regclass('unwedge_schema') IS NOT NULL, "
                     "to_regclass('unwedge_entities') IS NOT NULL");
  if (!found) return failed("look for the schema", found);
  const bool has_schema = std::string_view(PQgetvalue(found.result.get(), 0, 0)) == "t";
  const bool has_entities = std::string_view(PQgetvalue(found.result.get(), 0, 1)) == "t";
  if (!has_schema) {
    if (Answer a = run(connection, "CREATE TABLE unwedge_schema (version integer NOT NULL)"); !a) {
      return failed("create the table unwedge_schema", a);
    }
  }
  Answer versions = run(connection, "SELECT version FROM unwedge_schema");
  if (!versions) return failed("read the schema version", versions);
  const int rows = PQntuples(versions.result.get());
  if (rows == 0) {
    if (Answer a = run(connection, fmt::format("INSERT INTO unwedge_schema (version) VALUES ({})",
                                               kSchemaVersion)
                                       .c_str());
        !a) {
      return failed("write the schema version", a);
    }
  } else {
    const std::string version = PQgetvalue(versions.result.get(), 0, 0);
    if (rows > 1 || version != std::to_string(kSchemaVersion)) {
      static_cast<void>(run(connection, "ROLLBACK"));
      return core::Error{fmt::format(
          "{} holds unwedge's schema version {} and this unwedge reads version {}: open it with "
          "the unwedge that wrote it, or name another database (dropping the tables "
          "unwedge_schema and unwedge_entities starts this one afresh, losing its state)",
          server_, rows > 1 ? fmt::format("{} ({} rows)", version, rows) : version,
          kSchemaVersion)};
    }
  }
  if (!has_entities) {
    if (Answer a = run(connection, kCreateEntitiesSql); !a) {
      return failed("create the table unwedge_entities", a);
    }
  }
  if (empty) {
    if (Answer a = run(connection, "DELETE FROM unwedge_entities"); !a) {
      return failed("erase every entity", a);
    }
  }
  if (Answer a = run(connection, "COMMIT"); !a) return failed("commit the schema", a);
  return core::Status::Ok();
}

PostgresStore::ConnectionPtr PostgresStore::take(const char* begin) const {
  // An idle connection may have died while it waited (the server restarted,
  // an administrator ended it): it fails at BEGIN, before anything of the
  // transaction, so the next one is tried.
  while (!idle_.empty()) {
    ConnectionPtr connection = std::move(idle_.back());
    idle_.pop_back();
    Answer begun = run(*connection, begin);
    if (begun) return connection;
    if (begun.failure != Failure::kLost) {
      throw StoreError(fmt::format("{}: cannot begin a transaction: {}", server_, begun.message));
    }
  }
  core::Result<ConnectionPtr> connection = connect();
  if (!connection) throw StoreError(connection.error().message);
  if (core::Status prepared = prepare(**connection); !prepared) {
    throw StoreError(prepared.error().message);
  }
  Answer begun = run(**connection, begin);
  if (!begun) {
    throw StoreError(fmt::format("{}: cannot begin a transaction: {}", server_, begun.message));
  }
  return std::move(*connection);
}

void PostgresStore::give_back(ConnectionPtr connection) const {
  // Only a connection outside any transaction goes back: the next one
  // begins afresh on it.
  if (PQstatus(connection.get()) != CONNECTION_OK ||
      PQtransactionStatus(connection.get()) != PQTRANS_IDLE || idle_.size() >= kIdleMax) {
    return;  // closed as it goes out of scope
  }
  idle_.push_back(std::move(connection));
}

class PostgresStore::Txn final : public core::Transaction {
 public:
  Txn(PostgresStore& store, ConnectionPtr connection)
      : store_(&store), connection_(std::move(connection)), writes_(&store.codecs_) {
    store_->open_++;
  }
  // Destroyed without commit: rolled back, like every Store's transaction.
  ~Txn() override {
    if (open_) end();
  }

  std::shared_ptr<const core::StoredValue> find(std::string_view kind,
                                                std::string_view id) override {
    UNWEDGE_ASSERT_MSG(open_, "read of {}/{} after the transaction ended", kind, id);
    core::EntityKey key{std::string(kind), std::string(id)};
    // Its own writes first, then what it read before: a transaction sees
    // one value of each entity (at SERIALIZABLE the server's snapshot
    // would give the same; at READ COMMITTED this spares a round trip).
    if (const core::PendingWrite* w = writes_.find(kind, id)) return w->value;
    if (auto r = reads_.find(key); r != reads_.end()) return r->second;
    refuse_if_failed(fmt::format("{}/{}", kind, id));
    Answer found = run_prepared(*connection_, kFind, {&key.first, &key.second});
    if (!found) fail(found, fmt::format("reading {}/{}", kind, id));
    std::shared_ptr<const core::StoredValue> value;
    if (PQntuples(found.result.get()) > 0) {
      UNWEDGE_ASSERT_EQ(PQntuples(found.result.get()), 1);  // the primary key
      const std::string_view body(PQgetvalue(found.result.get(), 0, 0),
                                  static_cast<std::size_t>(PQgetlength(found.result.get(), 0, 0)));
      core::Result<std::shared_ptr<const core::StoredValue>> decoded =
          store_->codecs_.decode(kind, id, body);
      if (!decoded) {
        throw StoreError(fmt::format("{}: {}", store_->server_, decoded.error().message));
      }
      value = std::move(*decoded);
    }
    reads_.emplace(std::move(key), value);
    return value;
  }

  void write(std::string kind, std::string id,
             std::shared_ptr<const core::StoredValue> value) override {
    UNWEDGE_ASSERT_MSG(open_, "write of {}/{} after the transaction ended", kind, id);
    writes_.write(std::move(kind), std::move(id), std::move(value));
  }

  std::vector<std::string> ids(std::string_view kind) override {
    UNWEDGE_ASSERT_MSG(open_, "listing of {} after the transaction ended", kind);
    refuse_if_failed(fmt::format("the {} entities", kind));
    const std::string kind_text(kind);
    Answer listed = run_prepared(*connection_, kIds, {&kind_text});
    if (!listed) fail(listed, fmt::format("listing the {} entities", kind));
    std::vector<std::string> result;
    const int rows = PQntuples(listed.result.get());
    result.reserve(static_cast<std::size_t>(rows));
    for (int row = 0; row < rows; ++row) {
      result.emplace_back(PQgetvalue(listed.result.get(), row, 0),
                          static_cast<std::size_t>(PQgetlength(listed.result.get(), row, 0)));
    }
    // Sorted as std::string sorts, because the column compares bytes.
    UNWEDGE_ASSERT(std::is_sorted(result.begin(), result.end()));
    writes_.merge_into(kind, result);
    return result;
  }

  core::Status commit() override {
    UNWEDGE_ASSERT_MSG(open_, "commit of a transaction that already ended");
    if (failure_) return finish(std::move(*failure_));
    for (const auto& [key, pending] : writes_) {
      Answer written =
          pending.value
              ? run_prepared(*connection_, kUpsert, {&key.first, &key.second, &pending.body})
              : run_prepared(*connection_, kErase, {&key.first, &key.second});
      if (!written) {
        // The row written was changed by a transaction that committed since
        // this one's snapshot: said as InMemoryStore says it.
        if (written.failure == Failure::kConflict &&
            written.message.find("concurrent update") != std::string::npos) {
          return finish({.error = core::Error{fmt::format(
                             "conflict: {}/{} changed since this transaction began reading ({}: "
                             "{}), nothing was committed",
                             key.first, key.second, store_->server_, written.message)},
                         .conflict = true});
        }
        return finish(failed(written, fmt::format("writing {}/{}", key.first, key.second),
                             "nothing was committed"));
      }
    }
    Answer committed = run(*connection_, "COMMIT");
    if (!committed) {
      if (committed.failure == Failure::kLost) {
        // COMMIT went out and no answer came back: the server may have
        // committed before the connection died, or not. Only reading the
        // state again can tell; a re-entrant step does exactly that.
        return finish({.error = core::Error{fmt::format(
                           "outcome unknown: the connection to {} was lost after COMMIT was sent, "
                           "so this transaction may or may not have committed: {}",
                           store_->server_, committed.message)},
                       .conflict = false});
      }
      return finish(failed(committed, "committing", "nothing was committed"));
    }
    // A transaction the server had aborted answers COMMIT with ROLLBACK; every
    // failed statement ended this one before it got here.
    UNWEDGE_ASSERT_EQ(std::string_view(PQcmdStatus(committed.result.get())),
                      std::string_view("COMMIT"));
    store_->commits_++;
    end();
    return core::Status::Ok();
  }

  void rollback() override {
    if (open_) end();
    writes_.clear();
    reads_.clear();
  }

 private:
  struct Failed {
    core::Error error;
    bool conflict = false;
  };

  // The error commit() returns for a failed statement.
  Failed failed(const Answer& answer, std::string_view doing, std::string_view consequence) const {
    switch (answer.failure) {
      case Failure::kConflict:
        return {.error = core::Error{fmt::format(
                    "conflict: {} could not serialize this transaction with another ({}), {}: {}",
                    store_->server_, doing, consequence, answer.message)},
                .conflict = true};
      case Failure::kLost:
        return {
            .error = core::Error{fmt::format("lost the connection to {} ({}), {}: {}",
                                             store_->server_, doing, consequence, answer.message)},
            .conflict = false};
      case Failure::kOther:
      case Failure::kNone:
        break;
    }
    return {.error = core::Error{fmt::format("{} refused this transaction ({}), {}: {}",
                                             store_->server_, doing, consequence, answer.message)},
            .conflict = false};
  }

  // A read failed: the server's transaction is over (aborted or its
  // connection gone), so the whole core::Transaction is. Remembered for
  // commit(); thrown to the reader, who cannot go on without the value.
  [[noreturn]] void fail(const Answer& answer, const std::string& doing) {
    UNWEDGE_ASSERT(!answer);
    failure_ = failed(answer, doing, "the transaction must be retried");
    if (answer.failure == Failure::kConflict) {
      throw StoreError(
          fmt::format("{}: this transaction conflicts with another and must be "
                      "retried: {}",
                      doing, answer.message));
    }
    throw StoreError(failure_->error.message);
  }

  // A read after one failed: the transaction cannot read any more.
  void refuse_if_failed(const std::string& what) const {
    if (!failure_) return;
    throw StoreError(
        fmt::format("cannot read {}: this transaction already failed and must be "
                    "retried ({})",
                    what, failure_->error.message));
  }

  core::Status finish(Failed failed) {
    if (failed.conflict) store_->conflicts_++;
    end();
    return std::move(failed.error);
  }

  // Ends the server's transaction if it is still open, and gives the
  // connection back (the pool keeps it only if it is healthy and idle).
  void end() {
    UNWEDGE_ASSERT(open_);
    open_ = false;
    store_->open_--;
    const PGTransactionStatusType status = PQtransactionStatus(connection_.get());
    if (PQstatus(connection_.get()) == CONNECTION_OK &&
        (status == PQTRANS_INTRANS || status == PQTRANS_INERROR)) {
      static_cast<void>(run(*connection_, "ROLLBACK"));
    }
    store_->give_back(std::move(connection_));
  }

  PostgresStore* store_;
  ConnectionPtr connection_;
  bool open_ = true;
  core::PendingWrites writes_;
  std::map<core::EntityKey, std::shared_ptr<const core::StoredValue>> reads_;
  std::optional<Failed> failure_;
};

std::unique_ptr<core::Transaction> PostgresStore::begin() {
  ConnectionPtr connection = take(begin_sql(isolation_));
  return std::make_unique<Txn>(*this, std::move(connection));
}

core::StoreSnapshot PostgresStore::snapshot() const {
  // One consistent read of every row, whatever the store's isolation.
  ConnectionPtr connection = take("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  Answer rows = run(*connection, "SELECT kind, id, body FROM unwedge_entities ORDER BY kind, id");
  if (!rows) {
    if (rows.failure != Failure::kLost) static_cast<void>(run(*connection, "ROLLBACK"));
    give_back(std::move(connection));
    throw StoreError(fmt::format("{}: cannot read every entity: {}", server_, rows.message));
  }
  static_cast<void>(run(*connection, "COMMIT"));
  give_back(std::move(connection));
  core::StoreSnapshot::Entries entries;
  const int n = PQntuples(rows.result.get());
  for (int row = 0; row < n; ++row) {
    auto text = [&](int column) {
      return std::string_view(
          PQgetvalue(rows.result.get(), row, column),
          static_cast<std::size_t>(PQgetlength(rows.result.get(), row, column)));
    };
    core::Result<std::shared_ptr<const core::StoredValue>> value =
        codecs_.decode(text(0), text(1), text(2));
    if (!value) throw StoreError(fmt::format("{}: {}", server_, value.error().message));
    entries.emplace(core::EntityKey{std::string(text(0)), std::string(text(1))}, std::move(*value));
  }
  return core::StoreSnapshot(std::move(entries));
}

}  // namespace unwedge::stores
