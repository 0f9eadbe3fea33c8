// Helpers shared by the benchmark programs: a fixed-seed PRNG and the heap
// allocation counter.
//
// Inputs are drawn from xorshift64 with a fixed seed, never from
// std::uniform_*_distribution, so every build benchmarks the same inputs.
// allocation_count() is maintained by alloc_counter.cpp, which every program
// links; a benchmark reads it around its timed loop.
//
//   Xorshift rng(kSeed);
//   std::size_t i = rng.below(12);
//   std::uint64_t before = allocation_count();
#pragma once

#include <benchmark/benchmark.h>
#include <cstddef>
#include <cstdint>

#include "core/assert.hpp"

namespace unwedge::bench {

inline constexpr std::uint64_t kSeed = 0x9E3779B97F4A7C15ULL;

// Marsaglia's xorshift64 (13, 7, 17). Good enough to scatter benchmark inputs.
class Xorshift {
 public:
  explicit Xorshift(std::uint64_t seed) : state_(seed) { UNWEDGE_ASSERT(seed != 0); }

  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  // In [0, bound). The modulo bias is irrelevant for benchmark inputs.
  std::size_t below(std::size_t bound) {
    UNWEDGE_ASSERT(bound > 0);
    return static_cast<std::size_t>(next() % bound);
  }
  // True with probability 1 / `one_in`.
  bool one_in(std::size_t one_in) { return below(one_in) == 0; }

 private:
  std::uint64_t state_;
};

// Heap allocations made by this program so far (single-threaded benchmarks).
std::uint64_t allocation_count();

// Sets the "allocs/op" counter from the count taken before the timed loop.
inline void report_allocations(benchmark::State& state, std::uint64_t before) {
  const auto allocations = static_cast<double>(allocation_count() - before);
  state.counters["allocs/op"] = benchmark::Counter(allocations, benchmark::Counter::kAvgIterations);
}

}  // namespace unwedge::bench
