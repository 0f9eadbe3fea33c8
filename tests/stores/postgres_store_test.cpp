// PostgresStore itself, on the test cluster: what it keeps, its schema and
// its version, conflicts between transactions, and what becomes of a
// transaction whose connection dies (before COMMIT, and after COMMIT was
// sent). The Store's contract, shared with every store, is tested by the
// contract suite (tests/core/store_test.cpp).
#include "stores/postgres_store.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "stores/open_store.hpp"
#include "tests/stores/postgres_database.hpp"

namespace unwedge::testing {
namespace {

using stores::StoreError;

struct Undeclared {
  static constexpr std::string_view kKind = "undeclared";
  std::string id;
  friend bool operator==(const Undeclared&, const Undeclared&) = default;
};

class PostgresStoreTest : public PostgresDatabaseTest {
 protected:
  static Counter counter(core::Transaction& txn, std::string_view id) {
    return txn.get<Counter>(id).value_or(Counter{.id = std::string(id)});
  }
};

TEST_F(PostgresStoreTest, KeepsWhatCommitsAndListsIdsAsStdStringSortsThem) {
  auto store = open();
  ASSERT_TRUE(store);
  {
    auto txn = store->begin();
    // Upper case before lower, '_' between, bytes past ASCII last: the
    // order std::string sorts in, whatever the database's locale.
    for (const char* id : {"b", "B", "a_1", "a", "\xc3\xa9t\xc3\xa9"})
      txn->put(Counter{.id = id, .count = 1});
    EXPECT_EQ(txn->ids("counter"),
              (std::vector<std::string>{"B", "a", "a_1", "b", "\xc3\xa9t\xc3\xa9"}));
    ASSERT_TRUE(txn->commit().ok());
  }
  {
    auto txn = store->begin();
    EXPECT_EQ(txn->ids("counter"),
              (std::vector<std::string>{"B", "a", "a_1", "b", "\xc3\xa9t\xc3\xa9"}));
    EXPECT_EQ(txn->get<Counter>("b"), (Counter{.id = "b", .count = 1}));
    txn->erase<Counter>("b");
    txn->put(Counter{.id = "c", .count = 2});
    // Its own writes, merged into what the server lists.
    EXPECT_EQ(txn->ids("counter"),
              (std::vector<std::string>{"B", "a", "a_1", "c", "\xc3\xa9t\xc3\xa9"}));
    EXPECT_EQ(txn->get<Counter>("b"), std::nullopt);
    ASSERT_TRUE(txn->commit().ok());
  }
  core::StoreSnapshot snapshot = store->snapshot();
  EXPECT_EQ(snapshot.size(), 5u);
  EXPECT_EQ(snapshot.entries().count({"counter", "c"}), 1u);
  EXPECT_EQ(store->commits(), 2u);
  // Every write bumped its row's version: c written once, a never since.
  EXPECT_EQ(exec("SELECT version FROM unwedge_entities WHERE id = 'c'"), "1");
}

TEST_F(PostgresStoreTest, ATransactionDestroyedUncommittedLeavesNothing) {
  auto store = open();
  {
    auto txn = store->begin();
    txn->put(Counter{.id = "x", .count = 1});
    EXPECT_EQ(counter(*txn, "x").count, 1);  // its own write
  }
  {
    auto txn = store->begin();
    txn->put(Counter{.id = "y", .count = 1});
    txn->rollback();
  }
  EXPECT_EQ(store->snapshot().size(), 0u);
  EXPECT_EQ(exec("SELECT count(*) FROM unwedge_entities"), "0");
  // Both connections went back to the pool, outside any transaction.
  EXPECT_GE(store->idle_connections(), 1u);
}

TEST_F(PostgresStoreTest, SeveralTransactionsOpenAtOnceEachHaveAConnection) {
  auto store = open();
  auto first = store->begin();
  auto second = store->begin();
  auto third = store->begin();
  EXPECT_EQ(store->connections_opened(), 3u);
  first->put(Counter{.id = "one"});
  EXPECT_TRUE(first->commit().ok());
  second.reset();
  third.reset();
  // Back in the pool: the next transactions open none.
  auto again = store->begin();
  auto and_again = store->begin();
  EXPECT_EQ(store->connections_opened(), 3u);
}

TEST_F(PostgresStoreTest, ConcurrentReadModifyWritesConflictAndTheRetrySeesTheOther) {
  auto store = open();
  auto first = store->begin();
  auto second = store->begin();
  Counter a = counter(*first, "c");
  Counter b = counter(*second, "c");
  ++b.count;
  second->put(b);
  ASSERT_TRUE(second->commit().ok());
  ++a.count;
  first->put(a);
  core::Status committed = first->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_TRUE(committed.error().message.starts_with("conflict:")) << committed.error().message;
  EXPECT_EQ(store->conflicts(), 1u);
  auto retry = store->begin();
  Counter c = counter(*retry, "c");
  EXPECT_EQ(c.count, 1);
  ++c.count;
  retry->put(c);
  ASSERT_TRUE(retry->commit().ok());
  EXPECT_EQ(counter(*store->begin(), "c").count, 2);
}

TEST_F(PostgresStoreTest, CreatingWhatAnotherCreatedMeanwhileConflicts) {
  auto store = open();
  auto first = store->begin();
  auto second = store->begin();
  EXPECT_EQ(first->get<Counter>("new"), std::nullopt);
  EXPECT_EQ(second->get<Counter>("new"), std::nullopt);
  second->put(Counter{.id = "new", .count = 2});
  ASSERT_TRUE(second->commit().ok());
  first->put(Counter{.id = "new", .count = 1});
  core::Status committed = first->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_TRUE(committed.error().message.starts_with("conflict:")) << committed.error().message;
}

TEST_F(PostgresStoreTest, CreatesItsSchemaOnceAndRefusesAnotherVersion) {
  {
    auto store = open();
    auto txn = store->begin();
    txn->put(Counter{.id = "kept", .count = 7});
    ASSERT_TRUE(txn->commit().ok());
  }
  EXPECT_EQ(exec("SELECT version FROM unwedge_schema"), "1");
  // Opened again: the schema is there, the state kept.
  EXPECT_EQ(open()->snapshot().size(), 1u);
  EXPECT_EQ(exec("SELECT count(*) FROM unwedge_schema"), "1");
  // `empty`: a throwaway run's store starts with nothing.
  EXPECT_EQ(open({.empty = true})->snapshot().size(), 0u);

  exec("UPDATE unwedge_schema SET version = 2");
  core::Result<std::unique_ptr<stores::PostgresStore>> refused =
      stores::PostgresStore::open(conninfo_, codecs_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("schema version 2"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("reads version 1"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("another database"), std::string::npos)
      << refused.error().message;
  // The same through open_store, by URL.
  core::Result<std::unique_ptr<core::DurableStore>> by_url = stores::open_store(conninfo_, codecs_);
  ASSERT_FALSE(by_url.ok());
  EXPECT_NE(by_url.error().message.find("schema version 2"), std::string::npos);
}

TEST_F(PostgresStoreTest, TwoStoresOpeningAnEmptyDatabaseAtOnceBothSucceed) {
  // Each in a thread of its own, as two processes would; the advisory lock
  // makes one wait for the other's CREATE TABLE.
  for (int round = 0; round < 3; ++round) {
    if (round > 0) exec("DROP TABLE unwedge_entities, unwedge_schema");
    std::string errors[2];
    std::thread openers[2];
    for (int i = 0; i < 2; ++i) {
      openers[i] = std::thread([&, i] {
        auto store = stores::PostgresStore::open(conninfo_, codecs_);
        if (!store) errors[i] = store.error().message;
      });
    }
    for (std::thread& opener : openers)
      opener.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    EXPECT_EQ(exec("SELECT count(*) FROM unwedge_schema"), "1");
  }
}

TEST_F(PostgresStoreTest, OpenStoreNamesTheServerItCannotReach) {
  core::Result<std::unique_ptr<core::DurableStore>> store = stores::open_store(
      "host=/nonexistent/unwedge port=1 dbname=nothing user=nobody password=secret", codecs_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("cannot connect to PostgreSQL at host=/nonexistent/unwedge"),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(store.error().message.find("secret"), std::string::npos) << store.error().message;
}

TEST_F(PostgresStoreTest, ALostConnectionFailsTheReadAndTheCommitAndTheNextBeginReconnects) {
  auto store = open();
  {
    auto txn = store->begin();
    txn->put(Counter{.id = "a", .count = 1});
    txn->put(Counter{.id = "b", .count = 1});
    ASSERT_TRUE(txn->commit().ok());
  }
  auto txn = store->begin();
  EXPECT_EQ(counter(*txn, "a").count, 1);
  terminate_store_connections();
  try {
    static_cast<void>(txn->get<Counter>("b"));
    ADD_FAILURE() << "a read over a dead connection returned";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("lost the connection to PostgreSQL at host="),
              std::string::npos)
        << error.what();
  }
  // Every later read is refused, and the commit fails: nothing committed.
  EXPECT_THROW(static_cast<void>(txn->get<Counter>("c")), StoreError);
  txn->put(Counter{.id = "a", .count = 2});
  core::Status committed = txn->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_FALSE(committed.error().message.starts_with("conflict:"));
  EXPECT_NE(committed.error().message.find("lost the connection"), std::string::npos);
  // The dead connection was dropped; the next transaction has a new one.
  const std::uint64_t opened = store->connections_opened();
  auto next = store->begin();
  EXPECT_EQ(counter(*next, "a").count, 1);
  EXPECT_EQ(counter(*next, "b").count, 1);
  EXPECT_TRUE(next->commit().ok());
  EXPECT_GT(store->connections_opened(), opened);
}

// A read the server refuses (here: a lock it waited for too long) ends the
// server's transaction, so the core::Transaction is over: the read and every
// later one throw, commit() returns the error, and the connection, still
// healthy, goes back to the pool.
TEST_F(PostgresStoreTest, ARefusedReadFailsTheTransactionAndTheConnectionIsKept) {
  exec("ALTER DATABASE \"" + database_ + "\" SET lock_timeout = '200ms'");
  auto store = open();
  exec("BEGIN; LOCK TABLE unwedge_entities IN ACCESS EXCLUSIVE MODE");
  auto txn = store->begin();
  try {
    static_cast<void>(txn->get<Counter>("a"));
    ADD_FAILURE() << "a read of a locked table returned";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("lock timeout"), std::string::npos) << error.what();
  }
  EXPECT_THROW(static_cast<void>(txn->ids("counter")), StoreError);
  core::Status committed = txn->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_FALSE(committed.error().message.starts_with("conflict:")) << committed.error().message;
  EXPECT_NE(committed.error().message.find("refused this transaction (reading counter/a)"),
            std::string::npos)
      << committed.error().message;
  exec("COMMIT");
  auto next = store->begin();
  next->put(Counter{.id = "a", .count = 1});
  EXPECT_TRUE(next->commit().ok());
  EXPECT_EQ(store->connections_opened(), 1u);
}

TEST_F(PostgresStoreTest, AnIdleConnectionThatDiedInThePoolIsReplacedAtBegin) {
  auto store = open();
  ASSERT_EQ(store->idle_connections(), 1u);
  terminate_store_connections();
  auto txn = store->begin();
  txn->put(Counter{.id = "a", .count = 1});
  EXPECT_TRUE(txn->commit().ok());
  EXPECT_EQ(store->connections_opened(), 2u);
}

// The case every action step must tolerate: COMMIT went out, the answer
// never came. A deferred trigger ends its own backend during COMMIT, so
// the client sees the connection die after sending it.
TEST_F(PostgresStoreTest, AConnectionLostAfterCommitWasSentLeavesTheOutcomeUnknown) {
  auto store = open();
  exec(R"sql(
    CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_terminate_backend(pg_backend_pid());
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON unwedge_entities
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
      WHEN (NEW.id = 'doomed') EXECUTE FUNCTION die_at_commit();
  )sql");
  auto txn = store->begin();
  txn->put(Counter{.id = "doomed", .count = 1});
  core::Status committed = txn->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_TRUE(committed.error().message.starts_with("outcome unknown:"))
      << committed.error().message;
  EXPECT_NE(committed.error().message.find("may or may not have committed"), std::string::npos);
  EXPECT_EQ(store->conflicts(), 0u);
  // The store goes on, on a new connection.
  auto next = store->begin();
  next->put(Counter{.id = "fine", .count = 1});
  EXPECT_TRUE(next->commit().ok());
}

TEST_F(PostgresStoreTest, AKindNeverDeclaredIsNamedWhereItIsWritten) {
  auto store = open();
  auto txn = store->begin();
  try {
    txn->put(core::ActionSlot{.id = "fine"});  // declared by the framework
    txn->put(Undeclared{.id = "u"});
    ADD_FAILURE() << "an undeclared kind was written";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("undeclared"), std::string::npos) << error.what();
  }
}

TEST_F(PostgresStoreTest, ARowThatNoLongerDecodesIsAnErrorNamingIt) {
  auto store = open();
  exec(
      "INSERT INTO unwedge_entities VALUES ('counter', 'bad', '{\"id\": \"bad\", \"count\": "
      "\"many\"}', 1)");
  auto txn = store->begin();
  EXPECT_THROW(static_cast<void>(txn->get<Counter>("bad")), StoreError);
  EXPECT_THROW(static_cast<void>(store->snapshot()), StoreError);
}

}  // namespace
}  // namespace unwedge::testing
