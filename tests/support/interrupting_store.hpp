// InterruptingStore: wraps an InMemoryStore and kills the caller at a chosen
// transaction and crash point, the way a control-plane process dies.
//
// The crash is a thrown SimulatedCrash, deliberately not a std::exception, so
// no production catch block can swallow it. Transactions are counted from 0
// in the order they begin.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "core/in_memory_store.hpp"

namespace unwedge::testing {

enum class CrashPoint : std::uint8_t {
  kBeforeBegin,     // dies before the transaction starts
  kMidTransaction,  // dies before commit: everything rolls back
  kAfterCommit,     // commits, then dies before the caller hears back
};

struct SimulatedCrash {
  std::uint64_t transaction;
  CrashPoint point;
};

class InterruptingStore final : public core::Store {
 public:
  explicit InterruptingStore(core::InMemoryStore& inner) : inner_(inner) {}

  // Arms one crash; it fires once and disarms.
  void crash_at(std::uint64_t transaction, CrashPoint point) { armed_ = Armed{transaction, point}; }
  std::uint64_t transactions_begun() const { return begun_; }

  std::unique_ptr<core::Transaction> begin() override;

 private:
  struct Armed {
    std::uint64_t transaction;
    CrashPoint point;
  };
  class Txn;

  core::InMemoryStore& inner_;
  std::optional<Armed> armed_;
  std::uint64_t begun_ = 0;
};

}  // namespace unwedge::testing
