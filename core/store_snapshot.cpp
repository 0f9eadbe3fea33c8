#include "core/store_snapshot.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace unwedge::core {

bool operator==(const StoreSnapshot& a, const StoreSnapshot& b) {
  return std::equal(a.entries_.begin(), a.entries_.end(), b.entries_.begin(), b.entries_.end(),
                    [](const auto& x, const auto& y) {
                      return x.first == y.first && x.second->equals(*y.second);
                    });
}

std::vector<std::string> StoreSnapshot::diff(const StoreSnapshot& other) const {
  std::vector<std::string> lines;
  std::set<EntityKey> keys;
  for (const auto& [key, value] : entries_)
    keys.insert(key);
  for (const auto& [key, value] : other.entries_)
    keys.insert(key);
  for (const EntityKey& key : keys) {
    auto left = entries_.find(key);
    auto right = other.entries_.find(key);
    std::string name = fmt::format("{}/{}", key.first, key.second);
    if (right == other.entries_.end()) {
      lines.push_back(fmt::format("{}: only in left: {}", name, left->second->describe_value()));
    } else if (left == entries_.end()) {
      lines.push_back(fmt::format("{}: only in right: {}", name, right->second->describe_value()));
    } else if (!left->second->equals(*right->second)) {
      lines.push_back(fmt::format("{}: {} != {}", name, left->second->describe_value(),
                                  right->second->describe_value()));
    }
  }
  return lines;
}

}  // namespace unwedge::core
