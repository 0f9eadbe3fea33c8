// The hold model: N events pending; each operation takes the earliest and
// schedules one more a random interval later, so the queue stays at N. Run
// side by side on the simulator's EventQueue and on a bare
// std::priority_queue of (time, sequence) doing the same work, at N = 1e3,
// 1e4 and 1e5. Target: EventQueue within 1.25x of the bare loop.
#include <benchmark/benchmark.h>
#include <queue>
#include <utility>
#include <vector>

#include "bench/bench_support.hpp"
#include "sim/kernel/event_queue.hpp"

namespace unwedge::bench {
namespace {

// A payload the size of a real simulator event: a kind and two operands.
struct Payload {
  std::uint32_t kind = 0;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

// Increments drawn up front, so both loops do identical work per operation.
std::vector<core::TimeUs> increments() {
  Xorshift rng(kSeed);
  std::vector<core::TimeUs> out(1 << 16);
  for (core::TimeUs& d : out)
    d = static_cast<core::TimeUs>(rng.below(1'000'000));
  return out;
}

void BM_HoldEventQueue(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  const std::vector<core::TimeUs> delta = increments();
  sim::EventQueue<Payload> queue;
  queue.reserve(pending + 1);
  std::size_t next = 0;
  for (std::size_t i = 0; i < pending; ++i)
    queue.push(delta[next++ & 0xFFFF], Payload{1, i, i});
  for (auto _ : state) {
    auto e = queue.pop();
    queue.push(e.at_us + delta[next++ & 0xFFFF], Payload{e.payload.kind, e.payload.a + 1, 0});
  }
  state.SetItemsProcessed(state.iterations());
}

struct Bare {
  core::TimeUs at_us;
  std::uint64_t seq;
  Payload payload;
  bool operator>(const Bare& other) const {
    return at_us != other.at_us ? at_us > other.at_us : seq > other.seq;
  }
};

void BM_HoldBarePriorityQueue(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  const std::vector<core::TimeUs> delta = increments();
  std::vector<Bare> storage;
  storage.reserve(pending + 1);
  std::priority_queue<Bare, std::vector<Bare>, std::greater<>> queue(std::greater<>{},
                                                                     std::move(storage));
  std::uint64_t seq = 0;
  std::size_t next = 0;
  for (std::size_t i = 0; i < pending; ++i) {
    queue.push(Bare{delta[next++ & 0xFFFF], seq++, Payload{1, i, i}});
  }
  for (auto _ : state) {
    Bare e = queue.top();
    queue.pop();
    queue.push(
        Bare{e.at_us + delta[next++ & 0xFFFF], seq++, Payload{e.payload.kind, e.payload.a + 1, 0}});
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_HoldEventQueue)->Arg(1'000)->Arg(10'000)->Arg(100'000);
BENCHMARK(BM_HoldBarePriorityQueue)->Arg(1'000)->Arg(10'000)->Arg(100'000);

}  // namespace
}  // namespace unwedge::bench
