// InMemoryStore: a Store held in memory, with serializable transactions.
//
// Used by unit tests, by the simulator (wrapped with crash points) and by a
// production deployment small enough to keep its state in one process.
// Transactions are optimistic: each remembers the version of every entity it
// read and of every kind it listed, and commit() fails with a conflict if any
// of them changed since, so interleaved transactions behave as if run one
// after another.
//
//   InMemoryStore store;
//   auto txn = store.begin();
//   txn->put(Service{.id = "db1"});
//   const Status committed = txn->commit();
//   ASSERT(committed.ok());
//   StoreSnapshot before = store.snapshot();
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/store.hpp"
#include "core/store_snapshot.hpp"

namespace unwedge::core {

class InMemoryStore final : public DurableStore {
 public:
  InMemoryStore() = default;
  // Transactions and the lookup index point into the store.
  InMemoryStore(const InMemoryStore&) = delete;
  InMemoryStore& operator=(const InMemoryStore&) = delete;

  // The transaction must end (commit, roll back or be destroyed) before the
  // store does: ending it tells the store, which drops erased entries once
  // none is open.
  std::unique_ptr<Transaction> begin() override;

  // Takes `other`'s contents, versions and counts, into a store never
  // written: a copy that goes its own way from here (a simulation restored
  // from a snapshot). Values are immutable, so the two share them.
  void copy_from(const InMemoryStore& other);

  StoreSnapshot snapshot() const override;
  std::uint64_t commits() const override { return commits_; }
  std::uint64_t conflicts() const override { return conflicts_; }
  // Entities held now (erased ones not counted).
  std::size_t size() const;
  // Entries kept, erased ones waiting for open transactions included.
  std::size_t entries() const;

 private:
  class Txn;

  // One entity's committed value (null once erased) and a version bumped on
  // every committed write of it, erasures included. An erased entity's entry
  // stays while any transaction is open, so a transaction may keep a pointer
  // to the entries it read; it is dropped once none is (a store that runs
  // for a simulated year erases millions of finished actions).
  struct Entry {
    std::shared_ptr<const StoredValue> value;
    std::uint64_t version = 0;
  };
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  // One kind's entities by id: hashed for lookups (by a string_view, without
  // building a key), and the live ids kept sorted for listings, so nothing
  // ever depends on hash order. The version is bumped when an entity of the
  // kind is created or erased, so a listing (ids) conflicts with a
  // concurrent insert.
  struct Table {
    Table() = default;
    // The live ids are views of the keys: a copy points them at its own.
    Table(const Table& other);
    Table& operator=(const Table&) = delete;

    std::uint64_t version = 0;
    std::unordered_map<std::string, Entry, IdHash, std::equal_to<>> entries;
    std::set<std::string_view> live;  // keys of `entries`, whose nodes never move
  };

  // The table of `kind`, or null if nothing of it was ever written.
  const Table* table(std::string_view kind) const;
  Table& table_to_write(const std::string& kind);

  std::map<std::string, Table, std::less<>> tables_;  // by kind, for ordered snapshots
  // The same tables in creation order, for lookups: a store holds a handful
  // of kinds, and a scan comparing lengths first beats the map's string
  // comparisons on every read. Map nodes never move, so the pointers hold.
  std::vector<std::pair<std::string_view, Table*>> by_kind_;
  std::uint64_t commits_ = 0;
  std::uint64_t conflicts_ = 0;
  // Transactions begun and not yet ended; erased entries wait for none.
  std::uint32_t open_ = 0;
  // The keys (in their tables' nodes) of entries erased while a transaction
  // was open, to drop when none is. Perhaps recreated since, or listed twice.
  std::vector<std::pair<Table*, const std::string*>> erased_;

  // A transaction ended: the last one open drops the erased entries.
  void ended();
};

}  // namespace unwedge::core
