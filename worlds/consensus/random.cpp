// SeededRandom (random.hpp): SplitMix64 and an unbiased range draw.
#include "worlds/consensus/random.hpp"

#include "core/assert.hpp"

namespace unwedge::consensus {

std::uint64_t SeededRandom::next_u64() {
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SeededRandom::below(std::uint64_t bound) {
  UNWEDGE_ASSERT_LT(0u, bound);
  // Values below `threshold` would make some results one draw likelier
  // than others; each draw is rejected with probability under 1/2, so 64
  // rejections in a row (2^-64) end the loop with a negligible bias.
  const std::uint64_t threshold = (0 - bound) % bound;
  constexpr int kDrawsMax = 64;
  std::uint64_t draw = next_u64();
  for (int attempt = 1; attempt < kDrawsMax && draw < threshold; ++attempt) {
    draw = next_u64();
  }
  return draw % bound;
}

std::uint64_t SeededRandom::between(std::uint64_t low, std::uint64_t high) {
  UNWEDGE_ASSERT_LE(low, high);
  const std::uint64_t span = high - low;
  if (span == UINT64_MAX) return next_u64();
  return low + below(span + 1);
}

}  // namespace unwedge::consensus
