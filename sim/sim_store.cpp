#include "sim/sim_store.hpp"

namespace unwedge::sim {

class SimStore::Txn final : public core::Transaction {
 public:
  Txn(SimStore& owner, std::unique_ptr<core::Transaction> inner, std::uint64_t number,
      std::optional<CrashPoint> crash, bool carry)
      : owner_(owner), inner_(std::move(inner)), number_(number), crash_(crash), carry_(carry) {}
  ~Txn() override {
    // An after-commit crash on a transaction that never committed passes to
    // the next one when asked to.
    if (crash_ == CrashPoint::kAfterCommit && carry_ && !owner_.armed_) {
      owner_.armed_ = Armed{owner_.begun_, CrashPoint::kAfterCommit, true};
    }
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  std::shared_ptr<const core::StoredValue> find(std::string_view kind,
                                                std::string_view id) override {
    crash_mid_transaction();
    return inner_->find(kind, id);
  }
  void write(std::string kind, std::string id,
             std::shared_ptr<const core::StoredValue> value) override {
    crash_mid_transaction();
    inner_->write(std::move(kind), std::move(id), std::move(value));
  }
  std::vector<std::string> ids(std::string_view kind) override {
    crash_mid_transaction();
    return inner_->ids(kind);
  }
  void rollback() override { inner_->rollback(); }

  core::Status commit() override {
    crash_mid_transaction();
    core::Status status = inner_->commit();
    if (crash_ == CrashPoint::kAfterCommit) {
      crash_.reset();
      throw ProcessCrash{number_, CrashPoint::kAfterCommit};
    }
    return status;
  }

 private:
  // Dies at the transaction's first read or write (or at its commit if it
  // has none): whatever it did is rolled back.
  void crash_mid_transaction() {
    if (crash_ != CrashPoint::kMidTransaction) return;
    crash_.reset();
    inner_->rollback();
    throw ProcessCrash{number_, CrashPoint::kMidTransaction};
  }

  SimStore& owner_;
  std::unique_ptr<core::Transaction> inner_;
  std::uint64_t number_;
  std::optional<CrashPoint> crash_;
  bool carry_;
};

std::unique_ptr<core::Transaction> SimStore::begin() {
  // The harness looking on: the inner store's own transaction, uncounted
  // and never crashed, so the run goes on as if it had not looked.
  if (looking_on_) return inner_->begin();
  std::uint64_t number = begun_++;
  std::optional<CrashPoint> crash;
  bool carry = false;
  if (armed_ && armed_->transaction == number) {
    crash = armed_->point;
    carry = armed_->or_later;
    armed_.reset();
  }
  if (crash == CrashPoint::kBeforeBegin) throw ProcessCrash{number, CrashPoint::kBeforeBegin};
  return std::make_unique<Txn>(*this, inner_->begin(), number, crash, carry);
}

}  // namespace unwedge::sim
