// The simulator's randomness: one seed, split into named streams.
//
// Every random choice in a run comes from a stream derived from the run's
// seed and the stream's name ("network", "faults/partition", "workload/db1"),
// never from the state of another stream, so adding a draw to one component
// shifts no other component's draws. The generator is xoshiro256**, seeded
// through SplitMix64; the distributions are our own, integer wherever
// possible, so their outputs are pinned by tests and identical under gcc and
// clang (std::uniform_int_distribution and friends differ across standard
// libraries).
//
//   Rng faults = Rng::stream(seed, "faults");
//   if (faults.chance(50'000)) ...              // 5%
//   TimeUs gap_us = faults.exponential(30 * kSecond);
//   std::size_t kind = faults.weighted(weights);
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/time.hpp"

namespace unwedge::sim {

// SplitMix64: turns any 64-bit value into a well-mixed sequence; used to
// seed xoshiro and to derive stream seeds.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t state) : state_(state) {}
  std::uint64_t next();

 private:
  std::uint64_t state_;
};

// FNV-1a over the bytes of `text`: names streams and hashes trace strings.
std::uint64_t fnv1a(std::string_view text, std::uint64_t basis = 0xcbf29ce484222325ULL);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  // A generator in exactly this state, for checking against the published
  // xoshiro256** reference outputs.
  static Rng from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3);
  // The stream `name` of the run seeded with `seed`.
  static Rng stream(std::uint64_t seed, std::string_view name);

  std::uint64_t next_u64();
  // Uniform in [0, bound), without modulo bias (Lemire's multiply-shift with
  // rejection). bound must be positive.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [low, high], both inclusive.
  std::uint64_t between(std::uint64_t low, std::uint64_t high);
  // True with probability parts_per_million / 1e6.
  bool chance(std::uint32_t parts_per_million);
  // Exponentially distributed with the given mean, rounded to whole
  // microseconds; at least 0.
  core::TimeUs exponential(core::TimeUs mean_us);
  // An index drawn with probability proportional to its weight; at least one
  // weight must be positive.
  std::size_t weighted(std::span<const std::uint32_t> weights);

 private:
  Rng() = default;
  std::uint64_t s_[4] = {};
};

}  // namespace unwedge::sim
