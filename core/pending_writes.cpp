#include "core/pending_writes.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"
#include "core/entity_codec.hpp"

namespace unwedge::core {

void PendingWrites::write(std::string kind, std::string id,
                          std::shared_ptr<const StoredValue> value) {
  PendingWrite w{.value = std::move(value), .body = {}};
  if (w.value) {
    UNWEDGE_ASSERT_EQ(w.value->kind(), std::string_view(kind));
    UNWEDGE_ASSERT_EQ(w.value->id(), id);
    if (codecs_ != nullptr) {
      Result<std::string> body = codecs_->encode(*w.value);
      UNWEDGE_ASSERT_MSG(body.ok(), "{}", body.ok() ? std::string() : body.error().message);
      w.body = std::move(body).value();
    }
  }
  writes_[EntityKey{std::move(kind), std::move(id)}] = std::move(w);
}

const PendingWrite* PendingWrites::find(std::string_view kind, std::string_view id) const {
  // Most transactions read far more than they write, and most write nothing:
  // no key is built for them.
  if (writes_.empty()) return nullptr;
  auto w = writes_.find(EntityKey{std::string(kind), std::string(id)});
  return w == writes_.end() ? nullptr : &w->second;
}

void PendingWrites::merge_into(std::string_view kind, std::vector<std::string>& ids) const {
  for (auto it = writes_.lower_bound(EntityKey{std::string(kind), std::string()});
       it != writes_.end() && it->first.first == kind; ++it) {
    const auto& [key, w] = *it;
    auto at = std::lower_bound(ids.begin(), ids.end(), key.second);
    const bool present = at != ids.end() && *at == key.second;
    if (w.value && !present) ids.insert(at, key.second);
    if (!w.value && present) ids.erase(at);
  }
}

}  // namespace unwedge::core
