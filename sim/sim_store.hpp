// SimStore: the control plane's Store in simulation. It keeps the committed
// state in an InMemoryStore (which survives the process) and kills the
// control-plane process at a chosen transaction and crash point, the way a
// real process dies: before a transaction begins, in the middle of one (all
// of it rolls back), or after its commit but before the caller hears back.
//
// The crash is a thrown ProcessCrash, deliberately not a std::exception, so
// no production catch block can swallow it; the simulator catches it, drops
// the process and starts a new one over the same durable store.
// Transactions are counted from 0 in the order they begin.
//
//   SimStore store(durable);
//   store.crash_at(store.transactions_begun() + 3, CrashPoint::kAfterCommit);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "core/in_memory_store.hpp"

namespace unwedge::sim {

enum class CrashPoint : std::uint8_t {
  kBeforeBegin,     // dies before the transaction starts
  kMidTransaction,  // dies before commit: everything rolls back
  kAfterCommit,     // commits, then dies before the caller hears back
};

struct ProcessCrash {
  std::uint64_t transaction;
  CrashPoint point;
};

class SimStore final : public core::Store {
 public:
  explicit SimStore(core::InMemoryStore& inner) : inner_(&inner) {}
  // A copy of `other`'s count and armed crash over `inner` (a copied
  // simulation's store); never while a transaction is open.
  SimStore(const SimStore& other, core::InMemoryStore& inner) : SimStore(other) { inner_ = &inner; }

  // Arms one crash; it fires once and disarms. A read-only transaction never
  // commits, so an after-commit crash armed on one would never fire; with
  // `or_later` it moves on to the next transaction until one commits (how a
  // fault "N transactions from now" is meant).
  void crash_at(std::uint64_t transaction, CrashPoint point, bool or_later = false) {
    armed_ = Armed{transaction, point, or_later};
  }
  void disarm() { armed_.reset(); }
  // While one lives, transactions are the harness's own, reading through
  // the process's code (Process::audit): they neither count toward a crash
  // point nor crash.
  class LookingOn {
   public:
    explicit LookingOn(SimStore& store) : store_(store) { store_.looking_on_ = true; }
    ~LookingOn() { store_.looking_on_ = false; }
    LookingOn(const LookingOn&) = delete;
    LookingOn& operator=(const LookingOn&) = delete;

   private:
    SimStore& store_;
  };
  std::uint64_t transactions_begun() const { return begun_; }

  std::unique_ptr<core::Transaction> begin() override;

 private:
  struct Armed {
    std::uint64_t transaction;
    CrashPoint point;
    bool or_later;
  };
  class Txn;

  core::InMemoryStore* inner_;
  std::optional<Armed> armed_;
  std::uint64_t begun_ = 0;
  bool looking_on_ = false;
};

}  // namespace unwedge::sim
