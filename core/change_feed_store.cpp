#include "core/change_feed_store.hpp"

#include <utility>

namespace unwedge::core {

class ChangeFeedStore::Txn final : public Transaction {
 public:
  Txn(ChangeFeedStore& store, std::unique_ptr<Transaction> inner)
      : store_(store), inner_(std::move(inner)) {}

  std::vector<std::string> ids(std::string_view kind) override { return inner_->ids(kind); }
  std::shared_ptr<const StoredValue> find(std::string_view kind, std::string_view id) override {
    return inner_->find(kind, id);
  }
  void write(std::string kind, std::string id, std::shared_ptr<const StoredValue> value) override {
    written_.push_back(EntityKey{kind, id});
    inner_->write(std::move(kind), std::move(id), std::move(value));
  }
  Status commit() override {
    Status status = inner_->commit();
    // A commit that failed may still have landed: listed all the same.
    for (EntityKey& key : written_)
      store_.changes_.push_back(std::move(key));
    written_.clear();
    return status;
  }
  void rollback() override {
    written_.clear();
    inner_->rollback();
  }

 private:
  ChangeFeedStore& store_;
  std::unique_ptr<Transaction> inner_;
  std::vector<EntityKey> written_;
};

std::unique_ptr<Transaction> ChangeFeedStore::begin() {
  return std::make_unique<Txn>(*this, inner_.begin());
}

std::vector<EntityKey> ChangeFeedStore::take_changes() {
  return std::exchange(changes_, {});
}

}  // namespace unwedge::core
