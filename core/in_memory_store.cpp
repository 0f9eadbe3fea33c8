#include "core/in_memory_store.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace unwedge::core {

bool operator==(const StoreSnapshot& a, const StoreSnapshot& b) {
  return std::equal(a.entries_.begin(), a.entries_.end(), b.entries_.begin(), b.entries_.end(),
                    [](const auto& x, const auto& y) {
                      return x.first == y.first && x.second->equals(*y.second);
                    });
}

std::vector<std::string> StoreSnapshot::diff(const StoreSnapshot& other) const {
  std::vector<std::string> lines;
  std::set<EntityKey> keys;
  for (const auto& [key, value] : entries_)
    keys.insert(key);
  for (const auto& [key, value] : other.entries_)
    keys.insert(key);
  for (const EntityKey& key : keys) {
    auto left = entries_.find(key);
    auto right = other.entries_.find(key);
    std::string name = fmt::format("{}/{}", key.first, key.second);
    if (right == other.entries_.end()) {
      lines.push_back(fmt::format("{}: only in left: {}", name, left->second->describe_value()));
    } else if (left == entries_.end()) {
      lines.push_back(fmt::format("{}: only in right: {}", name, right->second->describe_value()));
    } else if (!left->second->equals(*right->second)) {
      lines.push_back(fmt::format("{}: {} != {}", name, left->second->describe_value(),
                                  right->second->describe_value()));
    }
  }
  return lines;
}

StoreSnapshot InMemoryStore::snapshot() const {
  StoreSnapshot::Entries entries;
  for (const auto& [kind, table] : tables_) {
    for (const std::string& id : table.live) {
      entries.emplace(EntityKey{kind, id}, table.entries.find(id)->second.value);
    }
  }
  return StoreSnapshot(std::move(entries));
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
  explicit Txn(InMemoryStore& store) : store_(&store) {
    reads_.reserve(16);  // a step reads a handful of entities; grow once at most
  }
  ~Txn() override = default;  // an uncommitted transaction simply vanishes

  std::shared_ptr<const StoredValue> find(std::string_view kind, std::string_view id) override {
    UNWEDGE_ASSERT_MSG(open_, "read of {}/{} after the transaction ended", kind, id);
    if (!writes_.empty()) {
      if (auto w = writes_.find(EntityKey{std::string(kind), std::string(id)});
          w != writes_.end()) {
        return w->second;
      }
    }
    if (auto t = store_->tables_.find(kind); t != store_->tables_.end()) {
      if (auto e = t->second.entries.find(id); e != t->second.entries.end()) {
        // Nodes of the hashed map never move, so the read may point at them.
        reads_.push_back(Read{.entry = &e->second,
                              .entry_kind = t->first,
                              .entry_id = e->first,
                              .version = e->second.version});
        return e->second.value;
      }
    }
    // An entity read while absent is remembered by name, so its creation by
    // another transaction before this one commits is a conflict.
    reads_.push_back(Read{.kind = std::string(kind), .id = std::string(id)});
    return nullptr;
  }

  void write(std::string kind, std::string id, std::shared_ptr<const StoredValue> value) override {
    UNWEDGE_ASSERT_MSG(open_, "write of {}/{} after the transaction ended", kind, id);
    if (value) {
      UNWEDGE_ASSERT_EQ(value->kind(), std::string_view(kind));
      UNWEDGE_ASSERT_EQ(value->id(), id);
    }
    writes_[EntityKey{std::move(kind), std::move(id)}] = std::move(value);
  }

  std::vector<std::string> ids(std::string_view kind) override {
    UNWEDGE_ASSERT(open_);
    auto t = store_->tables_.find(kind);
    listed_.emplace_back(std::string(kind), t == store_->tables_.end() ? 0 : t->second.version);
    std::vector<std::string> result;
    if (t != store_->tables_.end()) result.assign(t->second.live.begin(), t->second.live.end());
    for (const auto& [key, value] : writes_) {
      if (key.first != kind) continue;
      auto at = std::lower_bound(result.begin(), result.end(), key.second);
      const bool present = at != result.end() && *at == key.second;
      if (value && !present) result.insert(at, key.second);
      if (!value && present) result.erase(at);
    }
    return result;
  }

  Status commit() override {
    UNWEDGE_ASSERT_MSG(open_, "commit of a transaction that already ended");
    open_ = false;
    if (Status fresh = validate(); !fresh) {
      store_->conflicts_++;
      return fresh;
    }
    apply();
    store_->commits_++;
    return Status::Ok();
  }

  void rollback() override {
    open_ = false;
    writes_.clear();
  }

 private:
  struct Read {
    const Entry* entry = nullptr;  // null: the entity was absent, named by kind and id
    std::string_view entry_kind;
    std::string_view entry_id;
    std::string kind;
    std::string id;
    std::uint64_t version = 0;

    std::string name() const {
      return entry ? fmt::format("{}/{}", entry_kind, entry_id) : fmt::format("{}/{}", kind, id);
    }
  };

  std::uint64_t current_version(const Read& read) const {
    if (read.entry) return read.entry->version;
    auto t = store_->tables_.find(read.kind);
    if (t == store_->tables_.end()) return 0;
    auto e = t->second.entries.find(read.id);
    return e == t->second.entries.end() ? 0 : e->second.version;
  }

  Status validate() const {
    for (const Read& read : reads_) {
      if (current_version(read) != read.version) {
        return Error{
            fmt::format("conflict: {} changed since this transaction read it", read.name())};
      }
    }
    for (const auto& [kind, version] : listed_) {
      auto t = store_->tables_.find(kind);
      if ((t == store_->tables_.end() ? 0 : t->second.version) != version) {
        return Error{
            fmt::format("conflict: the set of {} entities changed since it was listed", kind)};
      }
    }
    return Status::Ok();
  }

  void apply() {
    for (auto& [key, value] : writes_) {
      Table& table = store_->tables_[key.first];
      Entry& entry = table.entries[key.second];
      const bool existed = entry.value != nullptr;
      entry.version++;
      if (existed != (value != nullptr)) {
        table.version++;
        if (existed) {
          table.live.erase(key.second);
        } else {
          table.live.insert(key.second);
        }
      }
      entry.value = std::move(value);
    }
    writes_.clear();
  }

  InMemoryStore* store_;
  bool open_ = true;
  std::map<EntityKey, std::shared_ptr<const StoredValue>> writes_;
  std::vector<Read> reads_;
  std::vector<std::pair<std::string, std::uint64_t>> listed_;
};

std::unique_ptr<Transaction> InMemoryStore::begin() {
  return std::make_unique<Txn>(*this);
}

}  // namespace unwedge::core
