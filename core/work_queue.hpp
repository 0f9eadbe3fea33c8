// WorkQueue: the keys a controller must reconcile, each at most once, each
// with the instant it falls due.
//
// A controller that decides only what changed keeps one: a change of input
// adds its key due now, a time-based input that can next flip at t adds it
// due at t (Kubernetes' requeue-after), and a key added twice keeps the
// earlier instant, so a burst of changes costs one reconcile. take_due()
// hands out, in key order, every key due by then and forgets it. Keys are
// plain strings and everything is ordered, so two runs hand out the same
// keys in the same order.
//
//   WorkQueue queue;
//   queue.add("db1", now_us);                        // its inputs changed
//   queue.add("db2", now_us + 30 * kSecond);         // a check-in goes stale then
//   for (const std::string& key : queue.take_due(now_us)) reconcile(key);
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace unwedge::core {

class WorkQueue {
 public:
  // Queues `key` due at `due_us`; a key already queued keeps the earlier of
  // its two instants.
  void add(std::string_view key, TimeUs due_us);
  // Every key due at or before `now_us`, sorted, each removed from the queue.
  std::vector<std::string> take_due(TimeUs now_us);
  // When `key` is due; nothing if it is not queued.
  std::optional<TimeUs> due_of(std::string_view key) const;
  // The earliest instant any key is due; nothing when the queue is empty.
  std::optional<TimeUs> next_due_us() const;
  std::size_t size() const { return due_by_key_.size(); }
  bool empty() const { return due_by_key_.empty(); }
  void clear();

 private:
  std::map<std::string, TimeUs, std::less<>> due_by_key_;
  // The same entries ordered by instant, for take_due().
  std::set<std::pair<TimeUs, std::string>, std::less<>> by_due_;
};

}  // namespace unwedge::core
