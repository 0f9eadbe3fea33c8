#include "sim/sim_store.hpp"

#include "core/assert.hpp"

namespace unwedge::sim {

class SimStore::Txn final : public core::Transaction {
 public:
  Txn(SimStore& owner, std::unique_ptr<core::Transaction> inner, std::uint64_t number,
      std::optional<Armed> crash)
      : owner_(owner), inner_(std::move(inner)), number_(number), crash_(crash) {}
  ~Txn() override {
    if (owner_.counting_) owner_.statements_[number_] = statements_;
    // An after-commit crash on a transaction that never committed passes to
    // the next one when asked to.
    if (crash_ && crash_->point == CrashPoint::kAfterCommit && crash_->or_later && !owner_.armed_) {
      owner_.armed_ = Armed{owner_.begun_, CrashPoint::kAfterCommit, true, 0};
    }
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  std::shared_ptr<const core::StoredValue> find(std::string_view kind,
                                                std::string_view id) override {
    crash_mid_transaction();
    ++statements_;
    return inner_->find(kind, id);
  }
  void write(std::string kind, std::string id,
             std::shared_ptr<const core::StoredValue> value) override {
    crash_mid_transaction();
    ++statements_;
    inner_->write(std::move(kind), std::move(id), std::move(value));
  }
  std::vector<std::string> ids(std::string_view kind) override {
    crash_mid_transaction();
    ++statements_;
    return inner_->ids(kind);
  }
  // Unwinding from a crash may still roll back what is already gone.
  void rollback() override {
    if (inner_) inner_->rollback();
  }

  core::Status commit() override {
    crash_mid_transaction();
    if (crash_ && crash_->point == CrashPoint::kAtCommit) die();
    core::Status status = inner_->commit();
    if (crash_ && crash_->point == CrashPoint::kAfterCommit) {
      crash_.reset();
      throw ProcessCrash{number_, CrashPoint::kAfterCommit};
    }
    return status;
  }

 private:
  // Dies before the statement or commit about to be made once the armed
  // number of statements is made (at the first, or at commit if there is
  // none, when armed with 0): whatever it did is rolled back.
  void crash_mid_transaction() {
    UNWEDGE_ASSERT_MSG(inner_ != nullptr, "transaction {} used after its process crashed", number_);
    if (!crash_ || crash_->point != CrashPoint::kMidTransaction) return;
    if (statements_ < crash_->statements) return;
    die();
  }
  // As a dead process: its transaction rolled back and gone, so a database
  // releases whatever the transaction held before the next process begins.
  [[noreturn]] void die() {
    const CrashPoint point = crash_->point;
    crash_.reset();
    inner_->rollback();
    inner_.reset();
    throw ProcessCrash{number_, point};
  }

  SimStore& owner_;
  std::unique_ptr<core::Transaction> inner_;
  std::uint64_t number_;
  std::optional<Armed> crash_;
  std::uint32_t statements_ = 0;
};

std::unique_ptr<core::Transaction> SimStore::begin() {
  // The harness looking on: the inner store's own transaction, uncounted
  // and never crashed, so the run goes on as if it had not looked.
  if (looking_on_) return inner_->begin();
  std::uint64_t number = begun_++;
  std::optional<Armed> crash;
  if (armed_ && armed_->transaction == number) {
    crash = armed_;
    armed_.reset();
  }
  if (crash && crash->point == CrashPoint::kBeforeBegin) {
    throw ProcessCrash{number, CrashPoint::kBeforeBegin};
  }
  return std::make_unique<Txn>(*this, inner_->begin(), number, crash);
}

}  // namespace unwedge::sim
