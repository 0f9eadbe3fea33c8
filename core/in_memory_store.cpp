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

std::uint64_t InMemoryStore::entity_version(const EntityKey& key) const {
  auto it = entity_versions_.find(key);
  return it == entity_versions_.end() ? 0 : it->second;
}

std::uint64_t InMemoryStore::kind_version(std::string_view kind) const {
  auto it = kind_versions_.find(kind);
  return it == kind_versions_.end() ? 0 : it->second;
}

class InMemoryStore::Txn final : public Transaction {
 public:
  explicit Txn(InMemoryStore& store) : store_(&store) {}
  ~Txn() override = default;  // an uncommitted transaction simply vanishes

  std::shared_ptr<const StoredValue> find(std::string_view kind, std::string_view id) override {
    UNWEDGE_ASSERT_MSG(open_, "read of {}/{} after the transaction ended", kind, id);
    EntityKey key{std::string(kind), std::string(id)};
    if (auto own = writes_.find(key); own != writes_.end()) return own->second;
    reads_.try_emplace(key, store_->entity_version(key));
    auto it = store_->committed_.find(key);
    return it == store_->committed_.end() ? nullptr : it->second;
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
    listed_.try_emplace(std::string(kind), store_->kind_version(kind));
    std::set<std::string> result;
    for (auto it = store_->committed_.lower_bound(EntityKey{std::string(kind), ""});
         it != store_->committed_.end() && it->first.first == kind; ++it) {
      result.insert(it->first.second);
    }
    for (const auto& [key, value] : writes_) {
      if (key.first != kind) continue;
      if (value) {
        result.insert(key.second);
      } else {
        result.erase(key.second);
      }
    }
    return {result.begin(), result.end()};
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
  Status validate() const {
    for (const auto& [key, version] : reads_) {
      if (store_->entity_version(key) != version) {
        return Error{fmt::format("conflict: {}/{} changed since this transaction read it",
                                 key.first, key.second)};
      }
    }
    for (const auto& [kind, version] : listed_) {
      if (store_->kind_version(kind) != version) {
        return Error{
            fmt::format("conflict: the set of {} entities changed since it was listed", kind)};
      }
    }
    return Status::Ok();
  }

  void apply() {
    for (auto& [key, value] : writes_) {
      bool existed = store_->committed_.contains(key);
      store_->entity_versions_[key]++;
      if (value) {
        if (!existed) store_->kind_versions_[key.first]++;
        store_->committed_[key] = std::move(value);
      } else if (existed) {
        store_->kind_versions_[key.first]++;
        store_->committed_.erase(key);
      }
    }
    writes_.clear();
  }

  InMemoryStore* store_;
  bool open_ = true;
  std::map<EntityKey, std::shared_ptr<const StoredValue>> writes_;
  std::map<EntityKey, std::uint64_t> reads_;
  std::map<std::string, std::uint64_t, std::less<>> listed_;
};

std::unique_ptr<Transaction> InMemoryStore::begin() {
  return std::make_unique<Txn>(*this);
}

}  // namespace unwedge::core
