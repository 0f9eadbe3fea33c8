// PendingWrites: what a transaction wrote and has not committed yet, as
// every Store's transaction keeps it. An entity's last write wins; a null
// value erases. The transaction reads its own writes first (find), lists a
// kind as it will be once committed (merge_into), and hands the writes to
// its store at commit (the iteration, in kind and id order).
//
// A store that keeps its state outside the process passes its EntityCodecs:
// each value is then encoded as it is written, so a kind the plane never
// declared, or a codec that loses a field, fails at the write that names
// it, not at a commit far away.
//
//   PendingWrites writes(&codecs);
//   writes.write("service", "db1", make_stored(Service{.id = "db1"}));
//   for (const auto& [key, w] : writes) upsert(key.first, key.second, w.body);
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/entity.hpp"
#include "core/entity_codec_fwd.hpp"
#include "core/store_snapshot.hpp"

namespace unwedge::core {

struct PendingWrite {
  std::shared_ptr<const StoredValue> value;  // null: erase
  std::string body;                          // the value encoded; empty without codecs or to erase
};

class PendingWrites {
 public:
  using Map = std::map<EntityKey, PendingWrite>;

  // Without codecs the values are kept as they are (InMemoryStore); the
  // codecs must outlive this.
  explicit PendingWrites(const EntityCodecs* codecs = nullptr) : codecs_(codecs) {}

  // The value must be of `kind` and carry `id`.
  void write(std::string kind, std::string id, std::shared_ptr<const StoredValue> value);

  // This transaction's write of (kind, id), or null when it wrote none.
  const PendingWrite* find(std::string_view kind, std::string_view id) const;

  // `ids`, the sorted ids of `kind` the store holds, made what this
  // transaction sees: ids it created added, ids it erased taken out. The
  // caller asserts `ids` sorted where it can come out otherwise (a
  // database's listing); InMemoryStore's comes from a sorted set.
  void merge_into(std::string_view kind, std::vector<std::string>& ids) const;

  bool empty() const { return writes_.empty(); }
  void clear() { writes_.clear(); }
  Map::iterator begin() { return writes_.begin(); }
  Map::iterator end() { return writes_.end(); }
  Map::const_iterator begin() const { return writes_.begin(); }
  Map::const_iterator end() const { return writes_.end(); }

 private:
  const EntityCodecs* codecs_;
  Map writes_;
};

}  // namespace unwedge::core
