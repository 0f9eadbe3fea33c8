// The Store's contract (core/store.hpp), one suite run against every store:
// in memory, SQLite and PostgreSQL (skipped with the reason when the test
// has no server). Then what only one store has: InMemoryStore dropping
// erased entries, and SQLite's file (reopening it, two stores over one
// file, a schema of another version, a file that is no database, a row
// corrupted by hand).
#include <filesystem>
#include <fstream>
#include <functional>
#include <sqlite3.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/assert.hpp"
#include "core/in_memory_store.hpp"
#include "stores/open_store.hpp"
#include "stores/sqlite_store.hpp"
#include "stores/store_error.hpp"
#include "tests/support/entities.hpp"
#include "tests/support/test_stores.hpp"
#include "tests/support/text_file.hpp"

namespace unwedge::core {
namespace {

using stores::SqliteStore;
using stores::StoreError;
using testing::TestServer;
using testing::TestService;

void seed(Store& store) {
  auto txn = store.begin();
  txn->put(TestService{.id = "db1", .leader = "db1-a"});
  txn->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 80});
  txn->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 88});
  ASSERT_TRUE(txn->commit().ok());
}

// A status for a failure message: error() of an ok one is a contract error.
std::string message(const Status& status) {
  return status.ok() ? std::string("(ok)") : status.error().message;
}

bool contains(const Status& status, const std::string& text) {
  return !status.ok() && status.error().message.find(text) != std::string::npos;
}

// `base` with what `writes` writes over it: the committed state a
// transaction making those writes would leave, committed on top of `base`.
StoreSnapshot with(const StoreSnapshot& base, const std::function<void(Transaction&)>& writes) {
  InMemoryStore mirror;
  auto txn = mirror.begin();
  for (const auto& [key, value] : base.entries())
    txn->write(key.first, key.second, value);
  writes(*txn);
  EXPECT_TRUE(txn->commit().ok());
  return mirror.snapshot();
}

// What a store of serializable snapshot isolation promises of a transaction
// whose reads went stale: refused with a conflict, leaving `refused` as it
// was; or committed, leaving `first`, the state of the serial order in which
// it ran before those that committed since its snapshot.
void expect_refused_or_first(const Status& status, const DurableStore& store,
                             const StoreSnapshot& refused, const StoreSnapshot& first) {
  if (status.ok()) {
    EXPECT_EQ(store.snapshot(), first) << "committed, but not as if it had run first";
  } else {
    EXPECT_TRUE(status.error().message.starts_with("conflict:")) << message(status);
    EXPECT_EQ(store.snapshot(), refused) << "a refused commit left something";
  }
}

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::OpenedStore opened = testing::open_test_store(GetParam(), "store-contract");
    if (opened.skip) GTEST_SKIP() << *opened.skip;
    ASSERT_TRUE(opened.store.ok()) << opened.url << ": " << opened.store.error().message;
    store_ = std::move(opened.store).value();
  }

  std::uint64_t commits() const { return store_->commits(); }
  std::uint64_t conflicts() const { return store_->conflicts(); }

  // Reads as of a snapshot; a stale read may still commit (core/store.hpp).
  bool snapshot_isolated() const {
    return testing::validation_of(GetParam()) == testing::Validation::kSerializableSnapshot;
  }

  std::unique_ptr<DurableStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, testing::store_names(), testing::store_name);

TEST_P(StoreContract, AFreshStoreIsEmpty) {
  EXPECT_EQ(store_->snapshot().size(), 0u);
  auto txn = store_->begin();
  EXPECT_TRUE(txn->ids("service").empty());
  EXPECT_FALSE(txn->get<TestService>("db1").has_value());
}

TEST_P(StoreContract, ReadsEntitiesByKindAndIdAfterCommit) {
  seed(*store_);
  auto txn = store_->begin();
  std::optional<TestService> service = txn->get<TestService>("db1");
  ASSERT_TRUE(service.has_value());
  EXPECT_EQ(service->leader, "db1-a");
  EXPECT_EQ(txn->get<TestServer>("db1-b")->lsn, 88u);
  EXPECT_EQ(txn->view<TestServer>("db1-a")->lsn, 80u);
  EXPECT_FALSE(txn->get<TestServer>("db1").has_value());  // same id, other kind
  EXPECT_EQ(txn->ids("server"), (std::vector<std::string>{"db1-a", "db1-b"}));
  EXPECT_EQ(commits(), 1u);
}

TEST_P(StoreContract, ListsIdsInByteOrder) {
  auto txn = store_->begin();
  for (const char* id : {"b", "B", "a-2", "a-10", "a", "\xc3\xa9", "Z"})
    txn->put(TestServer{.id = id});
  ASSERT_TRUE(txn->commit().ok());
  EXPECT_EQ(store_->begin()->ids("server"),
            (std::vector<std::string>{"B", "Z", "a", "a-10", "a-2", "b", "\xc3\xa9"}));
}

TEST_P(StoreContract, TransactionSeesItsOwnWritesOthersDoNotUntilCommit) {
  seed(*store_);
  auto writer = store_->begin();
  writer->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  writer->erase<TestServer>("db1-a");
  writer->put(TestServer{.id = "db1-c", .service = "db1"});
  EXPECT_EQ(writer->get<TestService>("db1")->leader, "db1-b");
  EXPECT_FALSE(writer->get<TestServer>("db1-a").has_value());
  EXPECT_EQ(writer->ids("server"), (std::vector<std::string>{"db1-b", "db1-c"}));

  auto reader = store_->begin();
  EXPECT_EQ(reader->get<TestService>("db1")->leader, "db1-a");
  EXPECT_TRUE(reader->get<TestServer>("db1-a").has_value());
  EXPECT_EQ(reader->ids("server"), (std::vector<std::string>{"db1-a", "db1-b"}));

  ASSERT_TRUE(writer->commit().ok());
  auto after = store_->begin();
  EXPECT_EQ(after->get<TestService>("db1")->generation, 1u);
  EXPECT_FALSE(after->get<TestServer>("db1-a").has_value());
  EXPECT_EQ(after->ids("server"), (std::vector<std::string>{"db1-b", "db1-c"}));
}

TEST_P(StoreContract, RollbackAndDestructionDiscardWrites) {
  seed(*store_);
  StoreSnapshot before = store_->snapshot();
  {
    auto txn = store_->begin();
    txn->put(TestService{.id = "db1", .leader = "nobody"});
    txn->rollback();
  }
  {
    auto txn = store_->begin();
    txn->put(TestService{.id = "db2"});
    txn->erase<TestServer>("db1-a");
  }  // destroyed without commit
  EXPECT_EQ(store_->snapshot(), before);
  EXPECT_EQ(commits(), 1u);
}

TEST_P(StoreContract, CommitConflictsWhenAReadEntityChanged) {
  seed(*store_);
  auto slow = store_->begin();
  std::optional<TestService> seen = slow->get<TestService>("db1");
  auto fast = store_->begin();
  fast->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  ASSERT_TRUE(fast->commit().ok());

  seen->leader = "db1-c";
  slow->put(*seen);
  Status status = slow->commit();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().message.starts_with("conflict:")) << message(status);
  EXPECT_TRUE(contains(status, "service/db1 changed")) << message(status);
  EXPECT_EQ(conflicts(), 1u);
  EXPECT_EQ(commits(), 2u);
  EXPECT_EQ(store_->begin()->get<TestService>("db1")->leader, "db1-b");
}

// Written again with the value it had is still a write: versions, not
// values, are compared.
TEST_P(StoreContract, ARewriteOfTheSameValueStillConflicts) {
  seed(*store_);
  auto reader = store_->begin();
  ASSERT_TRUE(reader->get<TestService>("db1").has_value());
  auto rewriter = store_->begin();
  rewriter->put(TestService{.id = "db1", .leader = "db1-a"});
  ASSERT_TRUE(rewriter->commit().ok());
  const auto reader_writes = [](Transaction& txn) { txn.put(TestServer{.id = "db1-c"}); };
  reader_writes(*reader);
  const StoreSnapshot before = store_->snapshot();
  const Status status = reader->commit();
  if (snapshot_isolated()) {
    // What it read is what it would have read had it run first.
    expect_refused_or_first(status, *store_, before, with(before, reader_writes));
    return;
  }
  EXPECT_TRUE(contains(status, "conflict: service/db1 changed")) << message(status);
}

TEST_P(StoreContract, ReadOnlyCommitConflictsWhenWhatItReadChanged) {
  seed(*store_);
  auto reader = store_->begin();
  ASSERT_TRUE(reader->get<TestServer>("db1-a").has_value());
  auto writer = store_->begin();
  writer->put(TestServer{.id = "db1-a", .lsn = 99});
  ASSERT_TRUE(writer->commit().ok());
  const StoreSnapshot before = store_->snapshot();
  const Status status = reader->commit();
  if (snapshot_isolated()) {
    // Ordered before the writer, a reader that writes nothing changes nothing.
    expect_refused_or_first(status, *store_, before, before);
  } else {
    EXPECT_TRUE(contains(status, "conflict: server/db1-a changed")) << message(status);
  }
  auto unchanged = store_->begin();
  ASSERT_TRUE(unchanged->get<TestServer>("db1-b").has_value());
  EXPECT_TRUE(unchanged->commit().ok());
}

TEST_P(StoreContract, CommitConflictsWhenAnEntityReadAbsentIsCreated) {
  seed(*store_);
  auto absent = store_->begin();
  EXPECT_FALSE(absent->get<TestServer>("db1-c").has_value());
  const auto absent_writes = [](Transaction& txn) {
    txn.put(TestService{.id = "db1", .leader = "db1-c"});
  };
  absent_writes(*absent);
  auto creator = store_->begin();
  creator->put(TestServer{.id = "db1-c", .service = "db1"});
  ASSERT_TRUE(creator->commit().ok());
  const StoreSnapshot before = store_->snapshot();
  Status status = absent->commit();
  if (snapshot_isolated()) {
    expect_refused_or_first(status, *store_, before, with(before, absent_writes));
    return;
  }
  EXPECT_TRUE(contains(status, "conflict: server/db1-c was created")) << message(status);
  EXPECT_EQ(store_->begin()->get<TestService>("db1")->leader, "db1-a");
}

TEST_P(StoreContract, CommitConflictsWhenAListedKindGainedAnEntity) {
  seed(*store_);
  auto lister = store_->begin();
  EXPECT_EQ(lister->ids("server").size(), 2u);
  auto inserter = store_->begin();
  inserter->put(TestServer{.id = "db1-c", .service = "db1"});
  ASSERT_TRUE(inserter->commit().ok());
  const auto lister_writes = [](Transaction& txn) {
    txn.put(TestService{.id = "db1", .leader = "db1-a", .generation = 9});
  };
  lister_writes(*lister);
  const StoreSnapshot before = store_->snapshot();
  Status status = lister->commit();
  if (snapshot_isolated()) {
    expect_refused_or_first(status, *store_, before, with(before, lister_writes));
    return;
  }
  EXPECT_TRUE(contains(status, "conflict: the set of server entities changed")) << message(status);
}

TEST_P(StoreContract, CommitConflictsWhenAListedKindLostAnEntityButNotWhenOneChanged) {
  seed(*store_);
  auto lister = store_->begin();
  EXPECT_EQ(lister->ids("server").size(), 2u);
  auto changer = store_->begin();
  changer->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 81});
  ASSERT_TRUE(changer->commit().ok());
  auto other = store_->begin();
  EXPECT_EQ(other->ids("server").size(), 2u);
  other->put(TestService{.id = "db1", .leader = "db1-b"});
  EXPECT_TRUE(other->commit().ok());  // a change is not a change of the set

  auto eraser = store_->begin();
  eraser->erase<TestServer>("db1-b");
  ASSERT_TRUE(eraser->commit().ok());
  lister->put(TestService{.id = "db1", .leader = "db1-a"});
  const StoreSnapshot before = store_->snapshot();
  const Status status = lister->commit();
  if (snapshot_isolated()) {
    // It writes service/db1, which `other` wrote after its snapshot: a
    // write of a row changed since the snapshot is refused.
    EXPECT_TRUE(status.error().message.starts_with("conflict:")) << message(status);
    EXPECT_EQ(store_->snapshot(), before);
    return;
  }
  EXPECT_TRUE(contains(status, "conflict: the set of server entities changed")) << message(status);
}

TEST_P(StoreContract, ListingAKindNeverWrittenConflictsWithItsFirstEntity) {
  auto lister = store_->begin();
  EXPECT_TRUE(lister->ids("server").empty());
  const auto lister_writes = [](Transaction& txn) { txn.put(TestService{.id = "db1"}); };
  lister_writes(*lister);
  auto inserter = store_->begin();
  inserter->put(TestServer{.id = "db1-a"});
  ASSERT_TRUE(inserter->commit().ok());
  const StoreSnapshot before = store_->snapshot();
  const Status status = lister->commit();
  if (snapshot_isolated()) {
    expect_refused_or_first(status, *store_, before, with(before, lister_writes));
    return;
  }
  EXPECT_FALSE(status.ok());
}

TEST_P(StoreContract, BlindWritesAndDisjointReadsDoNotConflict) {
  seed(*store_);
  auto a = store_->begin();
  auto b = store_->begin();
  EXPECT_EQ(a->get<TestServer>("db1-a")->lsn, 80u);
  EXPECT_EQ(b->get<TestServer>("db1-b")->lsn, 88u);
  a->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 81});
  b->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 89});
  EXPECT_TRUE(a->commit().ok());
  EXPECT_TRUE(b->commit().ok());
  // Two blind writes of one entity: the last commit wins.
  auto c = store_->begin();
  auto d = store_->begin();
  c->put(TestService{.id = "db1", .leader = "c"});
  d->put(TestService{.id = "db1", .leader = "d"});
  EXPECT_TRUE(d->commit().ok());
  EXPECT_TRUE(c->commit().ok());
  EXPECT_EQ(store_->begin()->get<TestService>("db1")->leader, "c");
  EXPECT_EQ(conflicts(), 0u);
}

// An erased entity's version outlives it while a transaction may hold it:
// a reader of it sees the erasure as a conflict, one that read it absent
// sees its creation as one, however often it comes and goes meanwhile.
TEST_P(StoreContract, ErasuresConflictWithReadersOfTheEntity) {
  // A store of serializable snapshot isolation may instead commit each late
  // transaction as if it had run first: each writes only service/db1, which
  // nothing else writes meanwhile.
  const auto late_commit = [&](Transaction& late, const std::function<void(Transaction&)>& writes,
                               const std::string& changed) {
    const StoreSnapshot before = store_->snapshot();
    const Status status = late.commit();
    if (snapshot_isolated()) {
      expect_refused_or_first(status, *store_, before, with(before, writes));
    } else if (changed.empty()) {
      EXPECT_FALSE(status.ok());
    } else {
      EXPECT_TRUE(contains(status, changed)) << message(status);
    }
  };
  seed(*store_);
  auto reader = store_->begin();
  ASSERT_TRUE(reader->get<TestServer>("db1-b").has_value());
  const auto reader_writes = [](Transaction& txn) {
    txn.put(TestService{.id = "db1", .leader = "db1-b"});
  };
  reader_writes(*reader);
  auto eraser = store_->begin();
  eraser->erase<TestServer>("db1-b");
  ASSERT_TRUE(eraser->commit().ok());
  EXPECT_EQ(store_->snapshot().size(), 2u);
  late_commit(*reader, reader_writes, "server/db1-b changed");

  // Erased and created again while another transaction is open.
  auto open = store_->begin();
  ASSERT_EQ(open->get<TestServer>("db1-a")->lsn, 80u);
  auto churn = store_->begin();
  churn->erase<TestServer>("db1-a");
  ASSERT_TRUE(churn->commit().ok());
  auto again = store_->begin();
  again->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 90});
  ASSERT_TRUE(again->commit().ok());
  const auto open_writes = [](Transaction& txn) { txn.put(TestService{.id = "db1"}); };
  open_writes(*open);
  late_commit(*open, open_writes, "server/db1-a changed");
  EXPECT_EQ(store_->begin()->get<TestServer>("db1-a")->lsn, 90u);

  // Read absent, then created and erased again before it commits.
  auto absent = store_->begin();
  EXPECT_FALSE(absent->get<TestServer>("db1-b").has_value());
  const auto absent_writes = [](Transaction& txn) {
    txn.put(TestService{.id = "db1", .leader = "db1-a"});
  };
  absent_writes(*absent);
  auto creator = store_->begin();
  creator->put(TestServer{.id = "db1-b", .service = "db1"});
  ASSERT_TRUE(creator->commit().ok());
  auto remover = store_->begin();
  remover->erase<TestServer>("db1-b");
  ASSERT_TRUE(remover->commit().ok());
  late_commit(*absent, absent_writes, "");

  // An erasure of what was never there is a write all the same.
  auto never = store_->begin();
  EXPECT_FALSE(never->get<TestServer>("ghost").has_value());
  const auto never_writes = [](Transaction& txn) {
    txn.put(TestService{.id = "db1", .leader = "ghost"});
  };
  never_writes(*never);
  auto blind = store_->begin();
  blind->erase<TestServer>("ghost");
  ASSERT_TRUE(blind->commit().ok());
  late_commit(*never, never_writes, "");
  // Once no transaction is open nothing is left of the erasures.
  auto fresh = store_->begin();
  EXPECT_FALSE(fresh->get<TestServer>("ghost").has_value());
  fresh->put(TestService{.id = "db1", .leader = "db1-a", .generation = 2});
  EXPECT_TRUE(fresh->commit().ok());
}

// Reads see the latest committed value, or, in a store of serializable
// snapshot isolation, the state as of the transaction's first read.
TEST_P(StoreContract, ReadsSeeTheLatestCommitOrTheSnapshotOfTheFirstRead) {
  seed(*store_);
  auto reader = store_->begin();
  EXPECT_EQ(reader->get<TestServer>("db1-a")->lsn, 80u);  // the snapshot, if any, is taken
  auto writer = store_->begin();
  writer->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 99});
  writer->put(TestServer{.id = "db1-c", .service = "db1"});
  ASSERT_TRUE(writer->commit().ok());
  if (snapshot_isolated()) {
    EXPECT_EQ(reader->get<TestServer>("db1-b")->lsn, 88u);
    EXPECT_FALSE(reader->get<TestServer>("db1-c").has_value());
    EXPECT_EQ(reader->ids("server"), (std::vector<std::string>{"db1-a", "db1-b"}));
  } else {
    EXPECT_EQ(reader->get<TestServer>("db1-b")->lsn, 99u);
    EXPECT_TRUE(reader->get<TestServer>("db1-c").has_value());
    EXPECT_EQ(reader->ids("server"), (std::vector<std::string>{"db1-a", "db1-b", "db1-c"}));
  }
  // Its own writes over what it reads, either way.
  reader->put(TestServer{.id = "db1-d"});
  EXPECT_TRUE(reader->get<TestServer>("db1-d").has_value());
}

// Write skew: each reads both servers and writes one from their sum. Run
// one after the other, the second would see the first's write; so every
// store refuses one of them.
TEST_P(StoreContract, WriteSkewIsRefused) {
  seed(*store_);
  auto x = store_->begin();
  auto y = store_->begin();
  const auto sum = [](Transaction& txn) {
    return txn.get<TestServer>("db1-a")->lsn + txn.get<TestServer>("db1-b")->lsn;
  };
  const std::uint64_t x_sum = sum(*x);
  const std::uint64_t y_sum = sum(*y);
  x->put(TestServer{.id = "db1-a", .service = "db1", .lsn = x_sum});
  y->put(TestServer{.id = "db1-b", .service = "db1", .lsn = y_sum});
  const StoreSnapshot before = store_->snapshot();
  const Status x_status = x->commit();
  const Status y_status = y->commit();
  ASSERT_NE(x_status.ok(), y_status.ok()) << message(x_status) << "; " << message(y_status);
  const Status& refused = x_status.ok() ? y_status : x_status;
  EXPECT_TRUE(refused.error().message.starts_with("conflict:")) << message(refused);
  EXPECT_EQ(store_->snapshot(), with(before, [&](Transaction& txn) {
              if (x_status.ok()) {
                txn.put(TestServer{.id = "db1-a", .service = "db1", .lsn = 168});
              } else {
                txn.put(TestServer{.id = "db1-b", .service = "db1", .lsn = 168});
              }
            }));
}

TEST_P(StoreContract, CommitAfterTheEndIsAContractError) {
  ThrowingAssertions throwing;
  auto txn = store_->begin();
  txn->put(TestService{.id = "db1"});
  ASSERT_TRUE(txn->commit().ok());
  EXPECT_THROW(static_cast<void>(txn->commit()), AssertionFailure);
  EXPECT_THROW(static_cast<void>(txn->get<TestService>("db1")), AssertionFailure);
}

// The snapshot of any store equals an InMemoryStore's holding the same.
TEST_P(StoreContract, SnapshotComparesByValueWithAnInMemoryStore) {
  InMemoryStore reference;
  seed(reference);
  seed(*store_);
  EXPECT_EQ(store_->snapshot(), reference.snapshot());
  EXPECT_TRUE(store_->snapshot().diff(reference.snapshot()).empty());

  auto txn = store_->begin();
  txn->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  txn->erase<TestServer>("db1-a");
  ASSERT_TRUE(txn->commit().ok());
  EXPECT_FALSE(reference.snapshot() == store_->snapshot());
  std::vector<std::string> diff = reference.snapshot().diff(store_->snapshot());
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0], "server/db1-a: only in left: server/db1-a");
  EXPECT_EQ(diff[1],
            "service/db1: service db1 leader=db1-a generation=0 != service db1 leader=db1-b "
            "generation=1");
}

// An erased entity's entry waits for every open transaction to end, then
// goes: a store that erases an entity per finished action does not grow
// for ever.
TEST(InMemoryStore, AnErasedEntityIsDroppedOnceNoTransactionIsOpen) {
  InMemoryStore store;
  seed(store);
  EXPECT_EQ(store.entries(), 3u);
  auto reader = store.begin();
  ASSERT_TRUE(reader->get<TestServer>("db1-b").has_value());
  auto eraser = store.begin();
  eraser->erase<TestServer>("db1-b");
  ASSERT_TRUE(eraser->commit().ok());
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.entries(), 3u);  // the reader is still open
  reader.reset();
  EXPECT_EQ(store.entries(), 2u);

  // Erased and created again before the last transaction ends: it stays.
  auto open = store.begin();
  auto churn = store.begin();
  churn->erase<TestServer>("db1-a");
  ASSERT_TRUE(churn->commit().ok());
  auto again = store.begin();
  again->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 90});
  ASSERT_TRUE(again->commit().ok());
  open.reset();  // ended by destruction, without commit
  EXPECT_EQ(store.entries(), 2u);
  EXPECT_EQ(store.begin()->get<TestServer>("db1-a")->lsn, 90u);
}

// ---- SQLite's file ----

// Runs SQL on the file behind the store's back.
void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message);
  const std::string what = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << what;
}

std::int64_t count_rows(const std::string& path, const std::string& query) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, query.c_str(), -1, &statement, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::int64_t n = -1;
  if (sqlite3_step(statement) == SQLITE_ROW) n = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return n;
}

std::unique_ptr<DurableStore> open_sqlite(const std::string& path, bool empty = false) {
  Result<std::unique_ptr<DurableStore>> store =
      stores::open_store("sqlite:" + path, testing::test_entity_codecs(), {.empty = empty});
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

TEST(SqliteStore, ReopeningTheFileKeepsTheCommittedState) {
  const std::string path = testing::fresh_sqlite_path("reopen");
  StoreSnapshot committed;
  {
    std::unique_ptr<DurableStore> store = open_sqlite(path);
    ASSERT_NE(store, nullptr);
    seed(*store);
    auto uncommitted = store->begin();
    uncommitted->put(TestService{.id = "db2"});
    uncommitted->rollback();
    committed = store->snapshot();
  }
  ASSERT_EQ(committed.size(), 3u);
  std::unique_ptr<DurableStore> reopened = open_sqlite(path);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->snapshot(), committed);
  auto txn = reopened->begin();
  EXPECT_EQ(txn->ids("server"), (std::vector<std::string>{"db1-a", "db1-b"}));
  EXPECT_EQ(txn->get<TestService>("db1")->leader, "db1-a");
  txn.reset();
  reopened.reset();
  // Opened empty: nothing is left.
  std::unique_ptr<DurableStore> emptied = open_sqlite(path, true);
  ASSERT_NE(emptied, nullptr);
  EXPECT_EQ(emptied->snapshot().size(), 0u);
  EXPECT_TRUE(emptied->begin()->ids("server").empty());
}

// Two stores over one file (two processes, as far as SQLite knows) are two
// transactions of one store to each other.
TEST(SqliteStore, TwoStoresOverOneFileConflictAsTwoTransactionsDo) {
  const std::string path = testing::fresh_sqlite_path("two-stores");
  std::unique_ptr<DurableStore> a = open_sqlite(path);
  std::unique_ptr<DurableStore> b = open_sqlite(path);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  seed(*a);
  EXPECT_EQ(b->snapshot(), a->snapshot());

  auto slow = a->begin();
  std::optional<TestService> seen = slow->get<TestService>("db1");
  ASSERT_TRUE(seen.has_value());
  auto fast = b->begin();
  fast->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  ASSERT_TRUE(fast->commit().ok());
  slow->put(TestService{.id = "db1", .leader = "db1-c"});
  const Status status = slow->commit();
  EXPECT_TRUE(contains(status, "conflict: service/db1 changed")) << message(status);
  EXPECT_EQ(a->conflicts(), 1u);
  EXPECT_EQ(a->begin()->get<TestService>("db1")->leader, "db1-b");

  auto lister = b->begin();
  EXPECT_EQ(lister->ids("server").size(), 2u);
  lister->put(TestService{.id = "db1", .leader = "db1-a"});
  auto inserter = a->begin();
  inserter->put(TestServer{.id = "db1-c"});
  ASSERT_TRUE(inserter->commit().ok());
  EXPECT_TRUE(contains(lister->commit(), "conflict: the set of server entities changed"));

  auto x = a->begin();
  auto y = b->begin();
  ASSERT_TRUE(x->get<TestServer>("db1-a").has_value());
  ASSERT_TRUE(y->get<TestServer>("db1-b").has_value());
  x->put(TestServer{.id = "db1-a", .lsn = 1});
  y->put(TestServer{.id = "db1-b", .lsn = 2});
  EXPECT_TRUE(y->commit().ok());
  EXPECT_TRUE(x->commit().ok());
  EXPECT_EQ(a->snapshot(), b->snapshot());
}

TEST(SqliteStore, ASchemaOfAnotherVersionIsAnErrorThatSaysWhatToDo) {
  const std::string path = testing::fresh_sqlite_path("schema");
  {
    std::unique_ptr<DurableStore> store = open_sqlite(path);
    ASSERT_NE(store, nullptr);
    seed(*store);
  }
  sql(path, "UPDATE unwedge_schema SET version = 2");
  Result<std::unique_ptr<DurableStore>> store =
      stores::open_store("sqlite:" + path, testing::test_entity_codecs());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message,
            "sqlite:" + path +
                ": the store's schema is version 2, and this unwedge reads version 1: open it "
                "with the unwedge that wrote it, or name a new file");
  // Not emptied either: the file is left as it was.
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM unwedge_entities"), 3);
}

TEST(SqliteStore, AFileThatIsNoDatabaseIsAnErrorAndIsLeftAlone) {
  const std::string path = testing::fresh_sqlite_path("not-a-database");
  const std::string text = "service: db1\nthis is a YAML file, not a database\n";
  std::ofstream(path) << text;
  Result<std::unique_ptr<DurableStore>> store =
      stores::open_store("sqlite:" + path, testing::test_entity_codecs(), {.empty = true});
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(
      store.error().message.starts_with("sqlite:" + path + ": the file is not a SQLite database"))
      << store.error().message;
  EXPECT_NE(store.error().message.find("name a new file"), std::string::npos);
  EXPECT_EQ(testing::read_text_file(path), text);

  Result<std::unique_ptr<DurableStore>> nowhere =
      stores::open_store("sqlite:", testing::test_entity_codecs());
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.error().message.find("needs a file"), std::string::npos);
  Result<std::unique_ptr<DurableStore>> no_directory =
      stores::open_store("sqlite:" + path + "/no/such/directory.db", testing::test_entity_codecs());
  ASSERT_FALSE(no_directory.ok());
  EXPECT_NE(no_directory.error().message.find("cannot open the file"), std::string::npos)
      << no_directory.error().message;
}

TEST(SqliteStore, ARowCorruptedByHandIsAStoreErrorNamingKindAndId) {
  const std::string path = testing::fresh_sqlite_path("corrupt");
  std::unique_ptr<DurableStore> store = open_sqlite(path);
  ASSERT_NE(store, nullptr);
  seed(*store);
  sql(path,
      "UPDATE unwedge_entities SET body = '{\"id\": \"db1-b\", \"lsn\": ' "
      "WHERE kind = 'server' AND id = 'db1-b'");
  auto txn = store->begin();
  EXPECT_EQ(txn->get<TestServer>("db1-a")->lsn, 80u);  // the others still read
  try {
    static_cast<void>(txn->get<TestServer>("db1-b"));
    ADD_FAILURE() << "a corrupted row was read";
  } catch (const StoreError& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("sqlite:" + path + ": server/db1-b"))
        << error.what();
  }
  EXPECT_THROW(static_cast<void>(store->snapshot()), StoreError);
  // A row of a kind the codecs do not know is one too.
  sql(path,
      "UPDATE unwedge_entities SET body = '{\"id\": \"db1-b\"}', kind = 'widget' "
      "WHERE kind = 'server' AND id = 'db1-b'");
  try {
    static_cast<void>(store->snapshot());
    ADD_FAILURE() << "a row of an unknown kind was read";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("widget/db1-b"), std::string::npos) << error.what();
  }
}

TEST(SqliteStore, WritingAKindTheCodecsDoNotDeclareIsAContractError) {
  ThrowingAssertions throwing;
  EntityCodecs services_only;
  services_only.add<TestService>();
  Result<std::unique_ptr<DurableStore>> store =
      stores::open_store("sqlite:" + testing::fresh_sqlite_path("undeclared"), services_only);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto txn = (*store)->begin();
  txn->put(TestService{.id = "db1"});
  try {
    txn->put(TestServer{.id = "db1-a"});
    ADD_FAILURE() << "an undeclared kind was written";
  } catch (const AssertionFailure& failure) {
    EXPECT_NE(std::string(failure.what()).find("entities of kind server cannot be kept"),
              std::string::npos)
        << failure.what();
  }
}

// A tombstone stays while a transaction of the store is open, then goes.
TEST(SqliteStore, TombstonesAreDroppedOnceNoTransactionIsOpen) {
  const std::string path = testing::fresh_sqlite_path("tombstones");
  std::unique_ptr<DurableStore> store = open_sqlite(path);
  ASSERT_NE(store, nullptr);
  seed(*store);
  const std::string rows = "SELECT count(*) FROM unwedge_entities";
  auto reader = store->begin();
  ASSERT_TRUE(reader->get<TestServer>("db1-b").has_value());
  auto eraser = store->begin();
  eraser->erase<TestServer>("db1-b");
  ASSERT_TRUE(eraser->commit().ok());
  EXPECT_EQ(count_rows(path, rows), 3);
  reader.reset();
  EXPECT_EQ(count_rows(path, rows), 2);
  // The only transaction open drops them in its own commit.
  auto alone = store->begin();
  alone->erase<TestServer>("db1-a");
  alone->erase<TestServer>("never-there");
  ASSERT_TRUE(alone->commit().ok());
  EXPECT_EQ(count_rows(path, rows), 1);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM unwedge_entities WHERE body IS NULL"), 0);
}

}  // namespace
}  // namespace unwedge::core
