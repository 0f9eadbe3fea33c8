#include "sim/kernel/event_queue.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

namespace unwedge::sim {
namespace {

TEST(EventQueue, RunsEventsInTimeOrderAndTiesInSchedulingOrder) {
  EventQueue<std::string> queue;
  queue.push(30, "c");
  queue.push(10, "a1");
  queue.push(20, "b");
  queue.push(10, "a2");
  queue.push(10, "a3");
  std::vector<std::string> order;
  std::vector<core::TimeUs> times;
  while (!queue.empty()) {
    auto e = queue.pop();
    order.push_back(e.payload);
    times.push_back(queue.now_us());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "a2", "a3", "b", "c"}));
  EXPECT_EQ(times, (std::vector<core::TimeUs>{10, 10, 10, 20, 30}));
}

TEST(EventQueue, EventsScheduledWhileRunningKeepTheOrder) {
  EventQueue<int> queue;
  queue.push(5, 1);
  auto first = queue.pop();
  EXPECT_EQ(first.payload, 1);
  queue.push(5, 2);  // same instant as now: allowed, runs next
  queue.push(6, 3);
  EXPECT_EQ(queue.pop().payload, 2);
  EXPECT_EQ(queue.pop().payload, 3);
  EXPECT_EQ(queue.now_us(), 6);
}

TEST(EventQueue, SchedulingIntoThePastIsAContractBreach) {
  core::AssertionHandler previous = core::set_assertion_handler(&core::throwing_assertion_handler);
  EventQueue<int> queue;
  queue.push(100, 1);
  queue.pop();
  EXPECT_THROW(queue.push(99, 2), core::AssertionFailure);
  core::set_assertion_handler(previous);
}

RC_GTEST_PROP(EventQueueProperty, PopsInTheOrderOfAStableSortByTime,
              (const std::vector<std::uint16_t>& times)) {
  EventQueue<std::size_t> queue;
  for (std::size_t i = 0; i < times.size(); ++i)
    queue.push(times[i], i);
  std::vector<std::size_t> expected(times.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    expected[i] = i;
  std::stable_sort(expected.begin(), expected.end(),
                   [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
  std::vector<std::size_t> popped;
  while (!queue.empty())
    popped.push_back(queue.pop().payload);
  RC_ASSERT(popped == expected);
}

}  // namespace
}  // namespace unwedge::sim
