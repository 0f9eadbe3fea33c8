// A database of its own for each PostgreSQL test, on the test server
// (tests/support/test_postgres.hpp): ctest runs tests of several programs at
// once against one cluster, and a store opened with `empty` erases every
// entity of its database. Created afresh in SetUp, dropped in TearDown; a
// test skips, saying why, when there is no server.
//
//   class MyTest : public testing::PostgresDatabaseTest {};
//   TEST_F(MyTest, Works) {
//     auto store = open();  // a PostgresStore on this test's database
//     exec("UPDATE unwedge_schema SET version = 2");  // behind the store's back
//   }
#pragma once

#include <cctype>
#include <libpq-fe.h>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/entity_codec.hpp"
#include "core/scheduler.hpp"
#include "stores/postgres_store.hpp"
#include "tests/support/test_postgres.hpp"

namespace unwedge::testing {

// A test entity: a counter, read, bumped and written back.
struct Counter {
  static constexpr std::string_view kKind = "counter";
  std::string id;
  std::int64_t count = 0;
  friend bool operator==(const Counter&, const Counter&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Counter, id, count)

inline core::EntityCodecs test_codecs() {
  core::EntityCodecs codecs;
  core::add_framework_entities(codecs);
  codecs.add<Counter>();
  return codecs;
}

struct PgConnDeleter {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

// `conninfo` with its dbname replaced, as libpq key=value words (it may
// have been a URI).
inline std::string with_database(const std::string& conninfo, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = error == nullptr ? "out of memory" : error;
    PQfreemem(error);
    ADD_FAILURE() << "not a connection string: " << conninfo << ": " << why;
    return conninfo;
  }
  std::string words;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    const std::string keyword = option->keyword;
    std::string value = keyword == "dbname" ? dbname : option->val == nullptr ? "" : option->val;
    if (value.empty()) continue;
    std::string quoted;
    for (char c : value) {
      if (c == '\\' || c == '\'') quoted += '\\';
      quoted += c;
    }
    words += keyword + "='" + quoted + "' ";
  }
  PQconninfoFree(options);
  return words;
}

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestPostgres pg = test_postgres();
    if (!pg.conninfo) GTEST_SKIP() << pg.why_absent;
    server_ = *pg.conninfo;
    admin_.reset(PQconnectdb(server_.c_str()));
    ASSERT_EQ(PQstatus(admin_.get()), CONNECTION_OK) << PQerrorMessage(admin_.get());
    PQsetNoticeProcessor(
        admin_.get(), [](void*, const char*) {}, nullptr);
    // The test's own name, as an identifier: letters, digits and _ only.
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    database_ = "unwedge_t_";
    for (char c : std::string(test->test_suite_name()) + "_" + test->name()) {
      database_ +=
          std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    }
    database_.resize(std::min<std::size_t>(database_.size(), 63));
    admin_exec("DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
    admin_exec("CREATE DATABASE \"" + database_ + "\"");
    conninfo_ = with_database(server_, database_);
    db_.reset(PQconnectdb(conninfo_.c_str()));
    ASSERT_EQ(PQstatus(db_.get()), CONNECTION_OK) << PQerrorMessage(db_.get());
    PQsetNoticeProcessor(
        db_.get(), [](void*, const char*) {}, nullptr);
  }

  void TearDown() override {
    db_.reset();
    if (admin_ && !database_.empty()) {
      admin_exec("DROP DATABASE IF EXISTS \"" + database_ + "\" WITH (FORCE)");
    }
  }

  std::unique_ptr<stores::PostgresStore> open(stores::StoreOptions options = {}) {
    core::Result<std::unique_ptr<stores::PostgresStore>> store =
        stores::PostgresStore::open(conninfo_, codecs_, options);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  // Runs `sql` on this test's database, over a connection of the test's
  // own (not the store's); returns the first value of the first row, if any.
  std::string exec(const std::string& sql) { return run(db_.get(), sql); }
  void admin_exec(const std::string& sql) { run(admin_.get(), sql); }

  // Ends every other connection to this test's database, as an
  // administrator (or a failover) would: the store's connections die.
  void terminate_store_connections() {
    exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        "current_database() AND pid <> pg_backend_pid()");
  }

  std::string conninfo_;
  std::string database_;  // this test's database
  core::EntityCodecs codecs_ = test_codecs();

 private:
  static std::string run(PGconn* connection, const std::string& sql) {
    PGresult* result = PQexec(connection, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        << sql << ": " << PQresultErrorMessage(result);
    std::string value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0 && PQnfields(result) > 0) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
    return value;
  }

  std::string server_;
  PgConnPtr admin_;
  PgConnPtr db_;
};

}  // namespace unwedge::testing
