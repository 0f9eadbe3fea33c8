// SimStore: the control plane's Store in simulation. It keeps the committed
// state in another Store (which survives the process: an InMemoryStore in
// the simulator, any DurableStore in crash exploration, a database
// included) and kills the control-plane process at a chosen transaction and
// crash point, the way a real process dies: before a transaction begins,
// between two of its statements (all of it rolls back), as it sends the
// COMMIT (nothing commits), or after its commit but before the caller hears
// back (a lost acknowledgement).
//
// A statement is one find, ids or write call of the transaction (one SQL
// statement's worth of work); the harness may count them per transaction
// (count_statements) to arm a crash after each.
//
// The crash is a thrown ProcessCrash, deliberately not a std::exception, so
// no production catch block can swallow it; the simulator catches it, drops
// the process and starts a new one over the same durable store. A crash
// inside a transaction destroys the inner store's transaction at once, as a
// dead process's connection does: a database rolls it back and releases
// whatever it held before the next process begins.
// Transactions are counted from 0 in the order they begin.
//
//   SimStore store(durable);
//   store.crash_at(store.transactions_begun() + 3, CrashPoint::kAfterCommit);
//   store.crash_between_statements(store.transactions_begun() + 1, 2);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "core/store.hpp"

namespace unwedge::sim {

// The first three are the ones scenarios name (kCrashPointNames, in this
// order); at-commit is crash exploration's.
enum class CrashPoint : std::uint8_t {
  kBeforeBegin,     // dies before the transaction starts
  kMidTransaction,  // dies before a statement (the first, unless armed later) or
                    // its commit: everything rolls back
  kAfterCommit,     // commits, then dies before the caller hears back
  kAtCommit,        // dies as it sends COMMIT, after its last statement: nothing commits
};

struct ProcessCrash {
  std::uint64_t transaction;
  CrashPoint point;
};

class SimStore final : public core::Store {
 public:
  explicit SimStore(core::Store& inner) : inner_(&inner) {}
  // A copy of `other`'s count and armed crash over `inner` (a copied
  // simulation's store); never while a transaction is open.
  SimStore(const SimStore& other, core::Store& inner) : SimStore(other) { inner_ = &inner; }

  // Arms one crash; it fires once and disarms. A read-only transaction never
  // commits, so an after-commit crash armed on one would never fire; with
  // `or_later` it moves on to the next transaction until one commits (how a
  // fault "N transactions from now" is meant).
  void crash_at(std::uint64_t transaction, CrashPoint point, bool or_later = false) {
    armed_ = Armed{transaction, point, or_later, 0};
  }
  // Arms a crash in `transaction` once it has made `statements` statements,
  // before whatever it does next (another statement, or its commit):
  // everything rolls back. 0 is crash_at(transaction, kMidTransaction).
  void crash_between_statements(std::uint64_t transaction, std::uint32_t statements) {
    armed_ = Armed{transaction, CrashPoint::kMidTransaction, false, statements};
  }
  void disarm() { armed_.reset(); }
  // While on, remembers how many statements each transaction made (for a
  // story's few hundred; the simulator leaves it off).
  void count_statements(bool on) { counting_ = on; }
  // The statements `transaction` made, once it ended; 0 if not counted.
  std::uint32_t statements_of(std::uint64_t transaction) const {
    auto found = statements_.find(transaction);
    return found == statements_.end() ? 0 : found->second;
  }

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
    std::uint32_t statements;  // mid-transaction: after this many
  };
  class Txn;

  core::Store* inner_;
  std::optional<Armed> armed_;
  std::uint64_t begun_ = 0;
  bool looking_on_ = false;
  bool counting_ = false;
  std::map<std::uint64_t, std::uint32_t> statements_;  // while counting
};

}  // namespace unwedge::sim
