#include <gtest/gtest.h>

#include "core/in_memory_store.hpp"
#include "tests/support/entities.hpp"

namespace unwedge::core {
namespace {

using testing::TestServer;
using testing::TestService;

void seed(InMemoryStore& store) {
  auto txn = store.begin();
  txn->put(TestService{.id = "db1", .leader = "db1-a"});
  txn->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 80});
  txn->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 88});
  ASSERT_TRUE(txn->commit().ok());
}

TEST(InMemoryStore, ReadsEntitiesByKindAndIdAfterCommit) {
  InMemoryStore store;
  seed(store);
  auto txn = store.begin();
  std::optional<TestService> service = txn->get<TestService>("db1");
  ASSERT_TRUE(service.has_value());
  EXPECT_EQ(service->leader, "db1-a");
  EXPECT_EQ(txn->get<TestServer>("db1-b")->lsn, 88u);
  EXPECT_FALSE(txn->get<TestServer>("db1").has_value());  // same id, other kind
  EXPECT_EQ(txn->ids("server"), (std::vector<std::string>{"db1-a", "db1-b"}));
  EXPECT_EQ(store.commits(), 1u);
}

TEST(InMemoryStore, TransactionSeesItsOwnWritesOthersDoNotUntilCommit) {
  InMemoryStore store;
  seed(store);
  auto writer = store.begin();
  writer->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  writer->erase<TestServer>("db1-a");
  writer->put(TestServer{.id = "db1-c", .service = "db1"});
  EXPECT_EQ(writer->get<TestService>("db1")->leader, "db1-b");
  EXPECT_EQ(writer->ids("server"), (std::vector<std::string>{"db1-b", "db1-c"}));

  auto reader = store.begin();
  EXPECT_EQ(reader->get<TestService>("db1")->leader, "db1-a");
  EXPECT_TRUE(reader->get<TestServer>("db1-a").has_value());

  ASSERT_TRUE(writer->commit().ok());
  auto after = store.begin();
  EXPECT_EQ(after->get<TestService>("db1")->generation, 1u);
  EXPECT_FALSE(after->get<TestServer>("db1-a").has_value());
}

TEST(InMemoryStore, RollbackAndDestructionDiscardWrites) {
  InMemoryStore store;
  seed(store);
  StoreSnapshot before = store.snapshot();
  {
    auto txn = store.begin();
    txn->put(TestService{.id = "db1", .leader = "nobody"});
    txn->rollback();
  }
  {
    auto txn = store.begin();
    txn->put(TestService{.id = "db2"});
  }  // destroyed without commit
  EXPECT_EQ(store.snapshot(), before);
  EXPECT_EQ(store.commits(), 1u);
}

TEST(InMemoryStore, CommitConflictsWhenAReadEntityChanged) {
  InMemoryStore store;
  seed(store);
  auto slow = store.begin();
  std::optional<TestService> seen = slow->get<TestService>("db1");
  auto fast = store.begin();
  fast->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  ASSERT_TRUE(fast->commit().ok());

  seen->leader = "db1-c";
  slow->put(*seen);
  Status status = slow->commit();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("service/db1 changed"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(store.conflicts(), 1u);
  EXPECT_EQ(store.begin()->get<TestService>("db1")->leader, "db1-b");
}

TEST(InMemoryStore, CommitConflictsWhenAListedKindGainedAnEntity) {
  InMemoryStore store;
  seed(store);
  auto lister = store.begin();
  EXPECT_EQ(lister->ids("server").size(), 2u);
  auto inserter = store.begin();
  inserter->put(TestServer{.id = "db1-c", .service = "db1"});
  ASSERT_TRUE(inserter->commit().ok());
  lister->put(TestService{.id = "db1", .leader = "db1-a", .generation = 9});
  EXPECT_FALSE(lister->commit().ok());
}

TEST(InMemoryStore, BlindWritesAndDisjointReadsDoNotConflict) {
  InMemoryStore store;
  seed(store);
  auto a = store.begin();
  auto b = store.begin();
  EXPECT_EQ(a->get<TestServer>("db1-a")->lsn, 80u);
  EXPECT_EQ(b->get<TestServer>("db1-b")->lsn, 88u);
  a->put(TestServer{.id = "db1-a", .service = "db1", .lsn = 81});
  b->put(TestServer{.id = "db1-b", .service = "db1", .lsn = 89});
  EXPECT_TRUE(a->commit().ok());
  EXPECT_TRUE(b->commit().ok());
}

// An erased entity's entry waits for every open transaction to end, then
// goes: a reader of it still sees its erasure as a conflict, and a store
// that erases an entity per finished action does not grow for ever.
TEST(InMemoryStore, AnErasedEntityIsDroppedOnceNoTransactionIsOpen) {
  InMemoryStore store;
  seed(store);
  EXPECT_EQ(store.entries(), 3u);
  auto reader = store.begin();
  ASSERT_TRUE(reader->get<TestServer>("db1-b").has_value());
  reader->put(TestService{.id = "db1", .leader = "db1-b"});
  auto eraser = store.begin();
  eraser->erase<TestServer>("db1-b");
  ASSERT_TRUE(eraser->commit().ok());
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.entries(), 3u);  // the reader is still open
  const Status late = reader->commit();
  EXPECT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("server/db1-b changed"), std::string::npos)
      << late.error().message;
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

  // An entity created after its entry went is a conflict for a transaction
  // that read it absent, as one never written is.
  auto absent = store.begin();
  EXPECT_FALSE(absent->get<TestServer>("db1-b").has_value());
  absent->put(TestService{.id = "db1", .leader = "db1-a"});
  auto creator = store.begin();
  creator->put(TestServer{.id = "db1-b", .service = "db1"});
  ASSERT_TRUE(creator->commit().ok());
  EXPECT_FALSE(absent->commit().ok());
}

TEST(StoreSnapshot, ComparesByValueAndDescribesDifferences) {
  InMemoryStore left;
  InMemoryStore right;
  seed(left);
  seed(right);
  EXPECT_EQ(left.snapshot(), right.snapshot());
  EXPECT_TRUE(left.snapshot().diff(right.snapshot()).empty());

  auto txn = right.begin();
  txn->put(TestService{.id = "db1", .leader = "db1-b", .generation = 1});
  txn->erase<TestServer>("db1-a");
  ASSERT_TRUE(txn->commit().ok());
  EXPECT_FALSE(left.snapshot() == right.snapshot());
  std::vector<std::string> diff = left.snapshot().diff(right.snapshot());
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0], "server/db1-a: only in left: server/db1-a");
  EXPECT_EQ(diff[1],
            "service/db1: service db1 leader=db1-a generation=0 != service db1 leader=db1-b "
            "generation=1");
}

}  // namespace
}  // namespace unwedge::core
