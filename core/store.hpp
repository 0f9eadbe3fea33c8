// Store: the control plane's transactional state.
//
// Every change the control plane makes to its own state happens inside a
// Transaction: read entities by kind and id, write or erase them, then commit
// or roll back. Reads see the transaction's own writes. A transaction that is
// destroyed without commit() rolls back, so an exception or an early return
// never leaves half a step behind. commit() may fail (a conflict, or in
// simulation an injected fault): the caller must then treat the step as not
// done and run it again later.
//
//   std::unique_ptr<Transaction> txn = store.begin();
//   std::optional<Service> service = txn->get<Service>("db1");
//   service->leader_server = "db1-b";
//   txn->put(*service);
//   if (Status s = txn->commit(); !s) return s;
//
// Every store keeps this contract, in memory or in a database (stores/; one
// suite, tests/core/store_test.cpp and tests/properties/store_state_test.cpp,
// runs against each; docs/STORES.md). Every store is serializable: the
// committed outcome is that of some serial order of the committed
// transactions; a commit that cannot be placed in one fails with an error
// starting "conflict:" and leaves nothing. Blind writes never conflict; the
// last commit wins. InMemoryStore and the SQLite store read the latest
// committed value and refuse a commit if anything read (present, absent, a
// kind's listing) was written since, rewrites of the same value included.
// A store over a database's own serializable snapshot isolation may differ
// twice: reads see a snapshot taken at the transaction's first read; and a
// transaction whose reads went stale may still commit when running it before
// those that committed first is a serial order (it may also refuse a few
// more). Where the stores may differ, a caller must not depend on it:
//  - A database store decodes every read afresh: two reads of one entity
//    give equal values, not one shared object.
//  - A database store's reads (find, ids, and snapshot()) throw
//    stores::StoreError when a row does not decode or the database fails,
//    since they return no error; its commit() may also fail without a
//    conflict (the database busy past its timeout, a lost connection, an
//    answer lost after COMMIT: "outcome unknown"). A step treats every
//    failed commit alike: not done, to run again.
//  - ids() sorts bytewise (as std::string compares) in every store.
//  - Two processes over one SQLite file conflict with each other as two
//    transactions of one store do, but for erasures: the file keeps an
//    erased entity's version only until the erasing store has no
//    transaction open. So a transaction of another process that read the
//    erased entity may conflict although nothing changed since, and one that
//    read an entity absent does not conflict when others created and erased
//    it meanwhile: what it read still holds at its commit, so it is still
//    serializable.
//  - Commit and conflict counts, where a store keeps them, are of the store
//    object, not of the database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "core/entity.hpp"
#include "core/result.hpp"
#include "core/store_snapshot.hpp"

namespace unwedge::core {

class Transaction {
 public:
  virtual ~Transaction() = default;

  template <Entity T>
  std::optional<T> get(std::string_view id) {
    std::shared_ptr<const StoredValue> stored = find(T::kKind, id);
    if (!stored) return std::nullopt;
    UNWEDGE_ASSERT_MSG(stored->type() == typeid(T), "{}/{} is stored with another type", T::kKind,
                       id);
    return static_cast<const StoredEntity<T>&>(*stored).value();
  }

  // The stored entity itself, shared and read-only: no copy. For the hot
  // read paths (deciding every entity on every pass); get() when the caller
  // will change what it read.
  template <Entity T>
  std::shared_ptr<const T> view(std::string_view id) {
    std::shared_ptr<const StoredValue> stored = find(T::kKind, id);
    if (!stored) return nullptr;
    UNWEDGE_ASSERT_MSG(stored->type() == typeid(T), "{}/{} is stored with another type", T::kKind,
                       id);
    const T* value = &static_cast<const StoredEntity<T>&>(*stored).value();
    return std::shared_ptr<const T>(std::move(stored), value);
  }

  template <Entity T>
  void put(T value) {
    UNWEDGE_ASSERT_MSG(!value.id.empty(), "an entity of kind {} has an empty id", T::kKind);
    std::string id = value.id;
    write(std::string(T::kKind), std::move(id), make_stored(std::move(value)));
  }

  template <Entity T>
  void erase(std::string_view id) {
    write(std::string(T::kKind), std::string(id), nullptr);
  }

  // The ids of every entity of `kind`, sorted, as this transaction sees them.
  virtual std::vector<std::string> ids(std::string_view kind) = 0;

  virtual Status commit() = 0;
  virtual void rollback() = 0;

  // Type-erased access, for stores that wrap other stores.
  virtual std::shared_ptr<const StoredValue> find(std::string_view kind, std::string_view id) = 0;
  // A null value erases.
  virtual void write(std::string kind, std::string id,
                     std::shared_ptr<const StoredValue> value) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<Transaction> begin() = 0;
};

// A Store that keeps the committed state itself, rather than wrapping
// another: in memory, or in a database (stores/). The harness reads it whole
// to compare the Store two runs end with.
class DurableStore : public Store {
 public:
  // Every committed entity, decoded afresh.
  virtual StoreSnapshot snapshot() const = 0;
  // How many of this store object's transactions committed, and how many
  // were refused for a conflict (what the runner retries), for tests and
  // benchmarks to see that a conflict was what failed.
  virtual std::uint64_t commits() const = 0;
  virtual std::uint64_t conflicts() const = 0;
};

}  // namespace unwedge::core
