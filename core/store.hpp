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
// Every store is serializable: the committed outcome is that of some serial
// order of the committed transactions; a failed commit leaves nothing. Most
// read the latest committed value and refuse a commit if anything read
// (present, absent, a kind's listing) changed since. A store kept in a
// database of serializable snapshot isolation may differ twice: reads see a
// snapshot taken at the transaction's first read; and a transaction whose
// reads went stale may still commit when running it before those that
// committed first is a serial order (it may also refuse a few more).
//
//   std::unique_ptr<Transaction> txn = store.begin();
//   std::optional<Service> service = txn->get<Service>("db1");
//   service->leader_server = "db1-b";
//   txn->put(*service);
//   if (Status s = txn->commit(); !s) return s;
#pragma once

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
};

}  // namespace unwedge::core
