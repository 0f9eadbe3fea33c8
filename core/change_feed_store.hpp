// ChangeFeedStore: a Store that remembers which entities its own
// transactions committed, for a controller that decides only what changed.
//
// It wraps the Store a process is handed; everything the process writes
// through it (its decisions' slots, its actions' steps) lands in the wrapped
// Store as before and is also listed, in commit order, until taken. Writes
// by anyone else (an operator's console, another process) are not seen:
// they reach a controller as Process::inputs_changed(), as a watch would.
// A transaction whose commit fails lists its writes all the same: it may
// or may not have landed, and a needless reconcile costs only time.
//
//   ChangeFeedStore feed(env.store);
//   ...run steps through `feed`...
//   for (const EntityKey& key : feed.take_changes()) mark_dirty(key);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/store.hpp"

namespace unwedge::core {

class ChangeFeedStore final : public Store {
 public:
  // `inner` must outlive this store and every transaction begun on it.
  explicit ChangeFeedStore(Store& inner) : inner_(inner) {}

  std::unique_ptr<Transaction> begin() override;
  // The entities written by every transaction committed (or whose commit
  // failed) since the last call, in commit order; an entity written twice
  // is listed twice.
  std::vector<EntityKey> take_changes();

 private:
  class Txn;
  Store& inner_;
  std::vector<EntityKey> changes_;
};

}  // namespace unwedge::core
