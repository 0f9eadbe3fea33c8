// StoreSnapshot: the committed contents of a store at one moment, held as
// immutable values and compared by value. Crash exploration compares the
// Store two runs end with; the simulator keeps one per restorable moment.
//
//   StoreSnapshot before = store.snapshot();
//   ...
//   for (const std::string& line : store.snapshot().diff(before)) fmt::print("{}\n", line);
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/entity.hpp"

namespace unwedge::core {

// An entity's address in a Store: (kind, id).
using EntityKey = std::pair<std::string, std::string>;

// The committed contents of a store at one moment, comparable by value.
class StoreSnapshot {
 public:
  using Entries = std::map<EntityKey, std::shared_ptr<const StoredValue>>;

  StoreSnapshot() = default;
  explicit StoreSnapshot(Entries entries) : entries_(std::move(entries)) {}

  const Entries& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  friend bool operator==(const StoreSnapshot& a, const StoreSnapshot& b);

  // One line per entity that differs: "action/a1: {...} != {...}", or
  // "service/db1: only in left". Empty when equal.
  std::vector<std::string> diff(const StoreSnapshot& other) const;

 private:
  Entries entries_;
};

}  // namespace unwedge::core
