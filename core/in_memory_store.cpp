#include "core/in_memory_store.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <fmt/format.h>
#include <set>

#include "core/assert.hpp"
#include "core/pending_writes.hpp"

namespace unwedge::core {

void InMemoryStore::copy_from(const InMemoryStore& other) {
  UNWEDGE_ASSERT_MSG(tables_.empty() && commits_ == 0, "copy_from into a store already written");
  UNWEDGE_ASSERT_MSG(other.open_ == 0, "copy_from a store with a transaction open");
  for (const auto& [kind, table] : other.tables_)
    tables_.emplace_hint(tables_.end(), kind, table);
  // The same kinds in the same creation order, pointing at the copies.
  for (const auto& [kind, table] : other.by_kind_) {
    auto copied = tables_.find(kind);
    UNWEDGE_ASSERT(copied != tables_.end());
    by_kind_.emplace_back(copied->first, &copied->second);
  }
  commits_ = other.commits_;
  conflicts_ = other.conflicts_;
}

StoreSnapshot InMemoryStore::snapshot() const {
  StoreSnapshot::Entries entries;
  for (const auto& [kind, table] : tables_) {
    for (std::string_view id : table.live) {
      entries.emplace(EntityKey{kind, id}, table.entries.find(id)->second.value);
    }
  }
  return StoreSnapshot(std::move(entries));
}

InMemoryStore::Table::Table(const Table& other) : version(other.version), entries(other.entries) {
  for (std::string_view id : other.live)
    live.insert(live.end(), entries.find(id)->first);
}

std::size_t InMemoryStore::entries() const {
  std::size_t n = 0;
  for (const auto& [kind, table] : tables_)
    n += table.entries.size();
  return n;
}

void InMemoryStore::ended() {
  UNWEDGE_ASSERT(open_ > 0);
  if (--open_ > 0 || erased_.empty()) return;
  // Sorted by node, so an entry erased twice is looked at once.
  std::sort(erased_.begin(), erased_.end());
  erased_.erase(std::unique(erased_.begin(), erased_.end()), erased_.end());
  for (const auto& [table, id] : erased_) {
    auto entry = table->entries.find(*id);
    UNWEDGE_ASSERT(entry != table->entries.end());
    // Recreated since it was erased: it stays.
    if (entry->second.value == nullptr) table->entries.erase(entry);
  }
  erased_.clear();
}

std::size_t InMemoryStore::size() const {
  std::size_t n = 0;
  for (const auto& [kind, table] : tables_) {
    for (const auto& [id, entry] : table.entries)
      n += entry.value ? 1 : 0;
  }
  return n;
}

class InMemoryStore::Txn final : public Transaction {
 public:
  explicit Txn(InMemoryStore& store) : store_(&store) { store_->open_++; }
  // An uncommitted transaction simply vanishes.
  ~Txn() override {
    if (open_) end();
  }

  std::shared_ptr<const StoredValue> find(std::string_view kind, std::string_view id) override {
    UNWEDGE_ASSERT_MSG(open_, "read of {}/{} after the transaction ended", kind, id);
    if (const PendingWrite* w = writes_.find(kind, id)) return w->value;
    if (const Table* table = store_->table(kind)) {
      if (auto e = table->entries.find(id); e != table->entries.end()) {
        // Nodes of the hashed map never move, so the read may point at them.
        reads_.push_back(Read{.entry = &e->second, .version = e->second.version});
        return e->second.value;
      }
    }
    // An entity read while absent is remembered by name, so its creation by
    // another transaction before this one commits is a conflict.
    absent_.emplace_back(std::string(kind), std::string(id));
    return nullptr;
  }

  void write(std::string kind, std::string id, std::shared_ptr<const StoredValue> value) override {
    UNWEDGE_ASSERT_MSG(open_, "write of {}/{} after the transaction ended", kind, id);
    writes_.write(std::move(kind), std::move(id), std::move(value));
  }

  std::vector<std::string> ids(std::string_view kind) override {
    UNWEDGE_ASSERT(open_);
    const Table* table = store_->table(kind);
    listed_.emplace_back(std::string(kind), table == nullptr ? 0 : table->version);
    std::vector<std::string> result;
    if (table != nullptr) result.assign(table->live.begin(), table->live.end());
    writes_.merge_into(kind, result);
    return result;
  }

  Status commit() override {
    UNWEDGE_ASSERT_MSG(open_, "commit of a transaction that already ended");
    Status fresh = validate();
    if (fresh) {
      apply();
      store_->commits_++;
    } else {
      store_->conflicts_++;
    }
    end();
    return fresh;
  }

  void rollback() override {
    if (open_) end();
    writes_.clear();
  }

 private:
  // An entity read while present, and the version it had. Read-only
  // transactions (every decision of every pass) never validate, so a read
  // costs a pointer and a version; names are looked up only for a conflict.
  struct Read {
    const Entry* entry;
    std::uint64_t version;
  };

  // An erased entry stays while a transaction is open, so every entry an
  // open transaction's read points at is still in its table.
  std::string name_of(const Entry* entry) const {
    for (const auto& [kind, table] : store_->tables_) {
      for (const auto& [id, e] : table.entries) {
        if (&e == entry) return fmt::format("{}/{}", kind, id);
      }
    }
    UNWEDGE_ASSERT_MSG(false, "a transaction read an entry its store does not hold");
    return {};
  }

  Status validate() const {
    for (const Read& read : reads_) {
      if (read.entry->version != read.version) {
        return Error{fmt::format("conflict: {} changed since this transaction read it",
                                 name_of(read.entry))};
      }
    }
    for (const EntityKey& key : absent_) {
      const Table* table = store_->table(key.first);
      if (table != nullptr && table->entries.contains(key.second)) {
        return Error{fmt::format("conflict: {}/{} was created since this transaction read it",
                                 key.first, key.second)};
      }
    }
    for (const auto& [kind, version] : listed_) {
      const Table* table = store_->table(kind);
      if ((table == nullptr ? 0 : table->version) != version) {
        return Error{
            fmt::format("conflict: the set of {} entities changed since it was listed", kind)};
      }
    }
    return Status::Ok();
  }

  void apply() {
    for (auto& [key, w] : writes_) {
      std::shared_ptr<const StoredValue>& value = w.value;
      Table& table = store_->table_to_write(key.first);
      auto at = table.entries.try_emplace(key.second).first;
      Entry& entry = at->second;
      const bool existed = entry.value != nullptr;
      entry.version++;
      if (existed != (value != nullptr)) {
        table.version++;
        if (existed) {
          table.live.erase(at->first);
        } else {
          table.live.insert(at->first);
        }
      }
      // Erased: dropped when no transaction is open (this one included).
      if (value == nullptr) store_->erased_.emplace_back(&table, &at->first);
      entry.value = std::move(value);
    }
    writes_.clear();
  }

  void end() {
    UNWEDGE_ASSERT(open_);
    open_ = false;
    store_->ended();
  }

  InMemoryStore* store_;
  bool open_ = true;
  PendingWrites writes_;
  // A step or a decision reads a handful of entities: held inline, a
  // transaction that reads no more than that allocates nothing for them.
  boost::container::small_vector<Read, 8> reads_;
  std::vector<EntityKey> absent_;
  std::vector<std::pair<std::string, std::uint64_t>> listed_;
};

const InMemoryStore::Table* InMemoryStore::table(std::string_view kind) const {
  for (const auto& [name, table] : by_kind_) {
    if (name == kind) return table;
  }
  return nullptr;
}

InMemoryStore::Table& InMemoryStore::table_to_write(const std::string& kind) {
  auto [at, created] = tables_.try_emplace(kind);
  if (created) by_kind_.emplace_back(at->first, &at->second);
  return at->second;
}

std::unique_ptr<Transaction> InMemoryStore::begin() {
  return std::make_unique<Txn>(*this);
}

}  // namespace unwedge::core
