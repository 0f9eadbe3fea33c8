// EventQueue: pending simulation events in (virtual time, sequence) order.
//
// Two events at the same microsecond run in the order they were scheduled,
// so a run never depends on how a heap happens to break ties. Time never
// goes back: an event may not be scheduled before the event being run.
//
//   EventQueue<Event> queue;
//   queue.push(now_us + 10 * kSecond, Event{.kind = kCheckin, .host = 3});
//   while (!queue.empty()) { auto e = queue.pop(); run(e.at_us, e.payload); }
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/assert.hpp"
#include "core/time.hpp"

namespace unwedge::sim {

template <class Payload>
class EventQueue {
 public:
  struct Entry {
    core::TimeUs at_us;
    std::uint64_t seq;
    Payload payload;
  };

  // Schedules `payload` at `at_us` (not before now) and returns its sequence
  // number.
  std::uint64_t push(core::TimeUs at_us, Payload payload) {
    UNWEDGE_ASSERT_LE(now_us_, at_us);
    const std::uint64_t seq = next_seq_++;
    heap_.push_back(Entry{at_us, seq, std::move(payload)});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
    return seq;
  }

  // Removes and returns the earliest event, advancing now to its time.
  Entry pop() {
    UNWEDGE_ASSERT(!heap_.empty());
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Entry entry = std::move(heap_.back());
    heap_.pop_back();
    UNWEDGE_ASSERT_LE(now_us_, entry.at_us);
    now_us_ = entry.at_us;
    return entry;
  }

  const Entry& top() const {
    UNWEDGE_ASSERT(!heap_.empty());
    return heap_.front();
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  core::TimeUs now_us() const { return now_us_; }
  void reserve(std::size_t events) { heap_.reserve(events); }

 private:
  // The heap keeps the "largest" element first; an event is larger when it
  // is due earlier, so the earliest sits at the front.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.at_us != b.at_us) return a.at_us > b.at_us;
      return a.seq > b.seq;
    }
  };

  std::vector<Entry> heap_;
  std::uint64_t next_seq_ = 0;
  core::TimeUs now_us_ = 0;
};

}  // namespace unwedge::sim
