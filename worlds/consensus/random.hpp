// The consensus store's own randomness: a small seeded generator for
// election timeouts, so a member draws the same timeouts from the same seed
// under every compiler and standard library (no std:: distributions).
//
// The caller derives each member's seed from its run's seed; the store
// never reads the wall clock or any global source.
//
//   SeededRandom random(seed);
//   TimeUs timeout_us = static_cast<TimeUs>(random.between(150'000, 300'000));
#pragma once

#include <cstdint>

namespace unwedge::consensus {

// SplitMix64: a full-period 64-bit generator, small and well mixed; the
// store needs a few draws per election, not cryptographic quality.
class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next_u64();
  // Uniform in [0, bound); bound must be positive. Rejection sampling
  // removes the modulo bias.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [low, high], both inclusive.
  std::uint64_t between(std::uint64_t low, std::uint64_t high);

 private:
  std::uint64_t state_;
};

}  // namespace unwedge::consensus
