#include "core/work_queue.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace unwedge::core {

void WorkQueue::add(std::string_view key, TimeUs due_us) {
  auto it = due_by_key_.find(key);
  if (it != due_by_key_.end()) {
    if (it->second <= due_us) return;
    by_due_.erase({it->second, it->first});
    it->second = due_us;
  } else {
    it = due_by_key_.emplace(std::string(key), due_us).first;
  }
  by_due_.emplace(due_us, it->first);
  UNWEDGE_ASSERT_EQ(by_due_.size(), due_by_key_.size());
}

std::vector<std::string> WorkQueue::take_due(TimeUs now_us) {
  std::vector<std::string> due;
  while (!by_due_.empty() && by_due_.begin()->first <= now_us) {
    auto node = by_due_.extract(by_due_.begin());
    const std::size_t erased = due_by_key_.erase(node.value().second);
    UNWEDGE_ASSERT_EQ(erased, 1u);
    due.push_back(std::move(node.value().second));
  }
  std::sort(due.begin(), due.end());
  UNWEDGE_ASSERT_EQ(by_due_.size(), due_by_key_.size());
  return due;
}

std::optional<TimeUs> WorkQueue::due_of(std::string_view key) const {
  auto it = due_by_key_.find(key);
  if (it == due_by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<TimeUs> WorkQueue::next_due_us() const {
  if (by_due_.empty()) return std::nullopt;
  return by_due_.begin()->first;
}

void WorkQueue::clear() {
  due_by_key_.clear();
  by_due_.clear();
}

}  // namespace unwedge::core
