// Every store (in memory, SQLite, PostgreSQL: tests/support/test_stores.hpp)
// against one model, with rc::state: several transactions open at once, reading, writing, erasing,
// listing, committing and rolling back in any order. The model is the Store's contract: a
// transaction sees its own writes over what was committed when it reads; a commit fails if an
// entity it read from the store has been written by a commit since, or a
// kind it listed has gained or lost an entity since; blind writes never
// conflict; a rolled-back or failed transaction leaves nothing behind.
// A store of serializable snapshot isolation (PostgreSQL) is held to the
// snapshot model instead (SnapshotModel): reads as of the transaction's first
// read, a commit that may be refused, but never when nothing committed since.
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "stores/store_error.hpp"
#include "tests/support/entities.hpp"
#include "tests/support/test_stores.hpp"

namespace unwedge::core {
namespace {

using testing::TestServer;
using testing::TestService;
using Key = std::pair<std::string, std::string>;  // (kind, id)
using Value = std::optional<std::string>;         // nullopt: absent or erased

constexpr std::size_t kOpenMax = 4;

struct TxnModel {
  bool open = true;
  std::map<Key, Value> writes;
  std::vector<std::pair<Key, std::uint64_t>> reads;  // each read from the store, with its version
  std::vector<std::pair<std::string, std::uint64_t>> listed;
};

struct StoreModel {
  std::map<Key, std::string> committed;
  // Committed writes of each entity, erasures included, and entities
  // created or erased in each kind: what a later commit is checked against.
  std::map<Key, std::uint64_t> writes_of;
  std::map<std::string, std::uint64_t> membership_of;
  std::vector<TxnModel> txns;

  Value seen_by(std::size_t t, const Key& key) const {
    if (auto w = txns[t].writes.find(key); w != txns[t].writes.end()) return w->second;
    if (auto c = committed.find(key); c != committed.end()) return c->second;
    return std::nullopt;
  }
  std::uint64_t version(const Key& key) const {
    auto v = writes_of.find(key);
    return v == writes_of.end() ? 0 : v->second;
  }
  std::uint64_t membership(const std::string& kind) const {
    auto v = membership_of.find(kind);
    return v == membership_of.end() ? 0 : v->second;
  }
  bool commits(std::size_t t) const {
    for (const auto& [key, at] : txns[t].reads) {
      if (version(key) != at) return false;
    }
    for (const auto& [kind, at] : txns[t].listed) {
      if (membership(kind) != at) return false;
    }
    return true;
  }
  std::size_t open() const {
    return static_cast<std::size_t>(
        std::count_if(txns.begin(), txns.end(), [](const TxnModel& t) { return t.open; }));
  }
};

// The snapshot model, kept beside the store under test because whether a
// commit goes through is the store's choice: each transaction reads the
// committed state as of its first read from the store, under its own writes;
// a commit either applies its writes to the committed state of the moment or
// is refused with "conflict:" and leaves nothing, and is never refused when
// no other transaction committed since its snapshot.
struct SnapshotTxn {
  std::optional<std::map<Key, std::string>> snapshot;  // taken at the first read
  std::uint64_t taken_at = 0;                          // commits before it
  std::map<Key, Value> writes;
  bool doomed = false;  // a read was refused: the commit will be
};

struct SnapshotModel {
  std::map<Key, std::string> committed;
  std::uint64_t commits = 0;
  std::vector<SnapshotTxn> txns;

  // The snapshot of transaction t, taken now if it has none yet.
  const std::map<Key, std::string>& snapshot(std::size_t t) {
    SnapshotTxn& txn = txns[t];
    if (!txn.snapshot) {
      txn.snapshot = committed;
      txn.taken_at = commits;
    }
    return *txn.snapshot;
  }
};

struct StoreSut {
  std::unique_ptr<DurableStore> store;
  testing::Validation validation = testing::Validation::kStaleReadsConflict;
  SnapshotModel snapshots;                         // only for kSerializableSnapshot
  std::vector<std::unique_ptr<Transaction>> txns;  // destroyed first: they end before the store

  testing::StoreCounts counts() const { return testing::counts(*store); }
  bool snapshot_isolated() const {
    return validation == testing::Validation::kSerializableSnapshot;
  }
};

// A read the store refused: only a conflict may be, and the transaction is
// then doomed.
void refused(SnapshotTxn& txn, const std::exception& error) {
  RC_ASSERT(std::string(error.what()).find("conflict") != std::string::npos);
  txn.doomed = true;
}

using StoreCommand = rc::state::Command<StoreModel, StoreSut>;

// Services carry their leader, servers their LSN: two kinds, three ids each.
void put(Transaction& txn, const Key& key, const std::string& value) {
  if (key.first == TestService::kKind) {
    txn.put(TestService{.id = key.second, .leader = value});
  } else {
    txn.put(TestServer{.id = key.second, .lsn = std::stoull(value)});
  }
}

Value get(Transaction& txn, const Key& key) {
  if (key.first == TestService::kKind) {
    std::optional<TestService> s = txn.get<TestService>(key.second);
    return s ? Value(s->leader) : std::nullopt;
  }
  std::optional<TestServer> s = txn.get<TestServer>(key.second);
  return s ? Value(std::to_string(s->lsn)) : std::nullopt;
}

rc::Gen<std::string> kinds() {
  return rc::gen::element(std::string(TestService::kKind), std::string(TestServer::kKind));
}

Key any_key() {
  return {*kinds(), *rc::gen::element<std::string>("a", "b", "c")};
}

// An open transaction of the model, or none (the command is then dropped).
std::optional<std::size_t> any_open(const StoreModel& m) {
  std::vector<std::size_t> open;
  for (std::size_t t = 0; t < m.txns.size(); ++t) {
    if (m.txns[t].open) open.push_back(t);
  }
  if (open.empty()) return std::nullopt;
  return *rc::gen::elementOf(open);
}

struct OnOpenTxn : StoreCommand {
  std::optional<std::size_t> t;
  explicit OnOpenTxn(const StoreModel& m) : t(any_open(m)) {}
  void checkPreconditions(const StoreModel& m) const override {
    // One value: RC_PRE's captured && would not short-circuit.
    const bool valid = t.has_value() && *t < m.txns.size() && m.txns[*t].open;
    RC_PRE(valid);
  }
};

struct Begin : StoreCommand {
  void checkPreconditions(const StoreModel& m) const override { RC_PRE(m.open() < kOpenMax); }
  void apply(StoreModel& m) const override { m.txns.emplace_back(); }
  void run(const StoreModel&, StoreSut& sut) const override {
    sut.txns.push_back(sut.store->begin());
    sut.snapshots.txns.emplace_back();
  }
  void show(std::ostream& os) const override { os << "begin"; }
};

struct Get : OnOpenTxn {
  Key key = any_key();
  using OnOpenTxn::OnOpenTxn;
  void apply(StoreModel& m) const override {
    TxnModel& txn = m.txns[*t];
    if (!txn.writes.contains(key)) txn.reads.emplace_back(key, m.version(key));
  }
  void run(const StoreModel& m, StoreSut& sut) const override {
    if (!sut.snapshot_isolated()) {
      RC_ASSERT(get(*sut.txns[*t], key) == m.seen_by(*t, key));
      return;
    }
    SnapshotTxn& txn = sut.snapshots.txns[*t];
    if (txn.doomed) return;
    Value expected;
    if (auto w = txn.writes.find(key); w != txn.writes.end()) {
      expected = w->second;
    } else {
      const std::map<Key, std::string>& snapshot = sut.snapshots.snapshot(*t);
      if (auto c = snapshot.find(key); c != snapshot.end()) expected = c->second;
    }
    try {
      RC_ASSERT(get(*sut.txns[*t], key) == expected);
    } catch (const stores::StoreError& error) {
      refused(txn, error);
    }
  }
  void show(std::ostream& os) const override {
    os << "txn " << *t << ": get " << key.first << "/" << key.second;
  }
};

struct Put : OnOpenTxn {
  Key key = any_key();
  std::string value = key.first == TestService::kKind
                          ? *rc::gen::element<std::string>("x", "y", "z")
                          : std::to_string(*rc::gen::inRange(0, 4));
  using OnOpenTxn::OnOpenTxn;
  void apply(StoreModel& m) const override { m.txns[*t].writes[key] = value; }
  void run(const StoreModel&, StoreSut& sut) const override {
    put(*sut.txns[*t], key, value);
    sut.snapshots.txns[*t].writes[key] = value;
  }
  void show(std::ostream& os) const override {
    os << "txn " << *t << ": put " << key.first << "/" << key.second << " = " << value;
  }
};

struct Erase : OnOpenTxn {
  Key key = any_key();
  using OnOpenTxn::OnOpenTxn;
  void apply(StoreModel& m) const override { m.txns[*t].writes[key] = std::nullopt; }
  void run(const StoreModel&, StoreSut& sut) const override {
    if (key.first == TestService::kKind) {
      sut.txns[*t]->erase<TestService>(key.second);
    } else {
      sut.txns[*t]->erase<TestServer>(key.second);
    }
    sut.snapshots.txns[*t].writes[key] = std::nullopt;
  }
  void show(std::ostream& os) const override {
    os << "txn " << *t << ": erase " << key.first << "/" << key.second;
  }
};

struct List : OnOpenTxn {
  std::string kind = *kinds();
  using OnOpenTxn::OnOpenTxn;
  void apply(StoreModel& m) const override {
    m.txns[*t].listed.emplace_back(kind, m.membership(kind));
  }
  void run(const StoreModel& m, StoreSut& sut) const override {
    std::vector<std::string> expected;
    if (!sut.snapshot_isolated()) {
      for (const std::string id : {"a", "b", "c"}) {
        if (m.seen_by(*t, {kind, id})) expected.push_back(id);
      }
      RC_ASSERT(sut.txns[*t]->ids(kind) == expected);
      return;
    }
    SnapshotTxn& txn = sut.snapshots.txns[*t];
    if (txn.doomed) return;
    const std::map<Key, std::string>& snapshot = sut.snapshots.snapshot(*t);
    for (const std::string id : {"a", "b", "c"}) {
      const Key key{kind, id};
      auto w = txn.writes.find(key);
      if (w != txn.writes.end() ? w->second.has_value() : snapshot.contains(key)) {
        expected.push_back(id);
      }
    }
    try {
      RC_ASSERT(sut.txns[*t]->ids(kind) == expected);
    } catch (const stores::StoreError& error) {
      refused(txn, error);
    }
  }
  void show(std::ostream& os) const override { os << "txn " << *t << ": list " << kind; }
};

// What every transaction begun now would read: the committed contents.
std::map<Key, std::string> committed(Store& store) {
  std::map<Key, std::string> contents;
  std::unique_ptr<Transaction> reader = store.begin();
  for (const std::string_view kind : {TestService::kKind, TestServer::kKind}) {
    for (const std::string& id : reader->ids(kind))
      contents[{std::string(kind), id}] = *get(*reader, {std::string(kind), id});
  }
  return contents;
}

struct Commit : OnOpenTxn {
  using OnOpenTxn::OnOpenTxn;
  void apply(StoreModel& m) const override {
    TxnModel& txn = m.txns[*t];
    txn.open = false;
    if (!m.commits(*t)) return;
    for (const auto& [key, value] : txn.writes) {
      m.writes_of[key]++;
      const bool existed = m.committed.contains(key);
      if (existed != value.has_value()) m.membership_of[key.first]++;
      if (value) {
        m.committed[key] = *value;
      } else {
        m.committed.erase(key);
      }
    }
  }
  static void run_snapshot(std::size_t t, StoreSut& sut) {
    const testing::StoreCounts before = sut.counts();
    SnapshotModel& model = sut.snapshots;
    SnapshotTxn& txn = model.txns[t];
    // With no commit since its snapshot (or no read at all: the snapshot is
    // taken by the commit), nothing can have invalidated what it read.
    const bool must_commit = !txn.doomed && (!txn.snapshot || txn.taken_at == model.commits);
    const Status status = sut.txns[t]->commit();
    const testing::StoreCounts now = sut.counts();
    if (status.ok()) {
      RC_ASSERT(!txn.doomed);
      RC_ASSERT(now.commits == before.commits + 1);
      model.commits++;
      for (const auto& [key, value] : txn.writes) {
        if (value) {
          model.committed[key] = *value;
        } else {
          model.committed.erase(key);
        }
      }
    } else {
      RC_ASSERT(status.error().message.starts_with("conflict:"));
      RC_ASSERT(!must_commit);
      RC_ASSERT(now.conflicts == before.conflicts + 1);
    }
    RC_ASSERT(committed(*sut.store) == model.committed);
  }
  void run(const StoreModel& m, StoreSut& sut) const override {
    if (sut.snapshot_isolated()) {
      run_snapshot(*t, sut);
      return;
    }
    const testing::StoreCounts before = sut.counts();
    const bool expected = m.commits(*t);
    RC_ASSERT(sut.txns[*t]->commit().ok() == expected);
    const testing::StoreCounts now = sut.counts();
    RC_ASSERT(now.commits == before.commits + (expected ? 1 : 0));
    RC_ASSERT(now.conflicts == before.conflicts + (expected ? 0 : 1));
    StoreModel after = m;
    apply(after);
    RC_ASSERT(committed(*sut.store) == after.committed);
  }
  void show(std::ostream& os) const override { os << "txn " << *t << ": commit"; }
};

struct Rollback : OnOpenTxn {
  using OnOpenTxn::OnOpenTxn;
  void apply(StoreModel& m) const override { m.txns[*t].open = false; }
  void run(const StoreModel& m, StoreSut& sut) const override {
    sut.txns[*t]->rollback();
    RC_ASSERT(committed(*sut.store) ==
              (sut.snapshot_isolated() ? sut.snapshots.committed : m.committed));
  }
  void show(std::ostream& os) const override { os << "txn " << *t << ": rollback"; }
};

class StoreModelTest : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Stores, StoreModelTest, testing::store_names(), testing::store_name);

TEST_P(StoreModelTest, InterleavedTransactionsBehaveAsTheModelSays) {
  if (testing::OpenedStore probe = testing::open_test_store(GetParam(), "store-model");
      probe.skip) {
    GTEST_SKIP() << *probe.skip;
  }
  const std::string which = GetParam();
  // Each case on a fresh, empty store: a file of its own for SQLite, the
  // database emptied for PostgreSQL.
  const bool held = rc::check("the store behaves as the model says", [which] {
    testing::OpenedStore opened = testing::open_test_store(which, "store-model");
    // The case's files go when it ends, passed or failed (RC_ASSERT throws).
    const std::unique_ptr<const std::string, void (*)(const std::string*)> files(
        &opened.url, [](const std::string* url) { testing::remove_store_files(*url); });
    if (!opened.store.ok()) RC_FAIL(opened.url + ": " + opened.store.error().message);
    StoreSut sut{.store = std::move(opened.store).value(),
                 .validation = testing::validation_of(which),
                 .snapshots = {},
                 .txns = {}};
    rc::state::check(
        StoreModel{}, sut,
        rc::state::gen::execOneOfWithArgs<Begin, Get, Put, Erase, List, Commit, Rollback>());
  });
  EXPECT_TRUE(held);
}

}  // namespace
}  // namespace unwedge::core
