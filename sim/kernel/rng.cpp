#include "sim/kernel/rng.hpp"

#include <cmath>

#include "core/assert.hpp"

namespace unwedge::sim {
namespace {

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// gcc and clang both have 128-bit integers on 64-bit targets; -Wpedantic
// wants the extension named.
__extension__ using Wide = unsigned __int128;

}  // namespace

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t basis) {
  std::uint64_t hash = basis;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Rng::Rng(std::uint64_t seed) {
  SplitMix64 mix(seed);
  for (std::uint64_t& word : s_)
    word = mix.next();
  // xoshiro's one forbidden state; SplitMix64 cannot produce four zeros, but
  // the contract is worth stating.
  UNWEDGE_ASSERT((s_[0] | s_[1] | s_[2] | s_[3]) != 0);
}

Rng Rng::from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3) {
  Rng rng;
  rng.s_[0] = s0;
  rng.s_[1] = s1;
  rng.s_[2] = s2;
  rng.s_[3] = s3;
  UNWEDGE_ASSERT((s0 | s1 | s2 | s3) != 0);
  return rng;
}

Rng Rng::stream(std::uint64_t seed, std::string_view name) {
  SplitMix64 mix(seed ^ fnv1a(name));
  return Rng(mix.next());
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::below(std::uint64_t bound) {
  UNWEDGE_ASSERT(bound > 0);
  // Lemire: the high word of x * bound is uniform once the low word is past
  // the biased zone.
  Wide product = static_cast<Wide>(next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<Wide>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t Rng::between(std::uint64_t low, std::uint64_t high) {
  UNWEDGE_ASSERT_LE(low, high);
  if (low == 0 && high == UINT64_MAX) return next_u64();
  return low + below(high - low + 1);
}

bool Rng::chance(std::uint32_t parts_per_million) {
  UNWEDGE_ASSERT_LE(parts_per_million, 1'000'000u);
  return below(1'000'000) < parts_per_million;
}

core::TimeUs Rng::exponential(core::TimeUs mean_us) {
  UNWEDGE_ASSERT(mean_us >= 0);
  // 53 random bits give u in (0, 1]; -ln(u) is Exp(1). glibc's log is the
  // same under gcc and clang, and the result is pinned by tests.
  const double u = static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53;
  const double draw = -std::log(u) * static_cast<double>(mean_us);
  return static_cast<core::TimeUs>(std::llround(draw));
}

std::size_t Rng::weighted(std::span<const std::uint32_t> weights) {
  std::uint64_t total = 0;
  for (std::uint32_t w : weights)
    total += w;
  UNWEDGE_ASSERT_MSG(total > 0, "weighted choice over {} weights that are all zero",
                     weights.size());
  std::uint64_t pick = below(total);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (pick < weights[i]) return i;
    pick -= weights[i];
  }
  UNWEDGE_ASSERT_MSG(false, "weighted choice fell off the end");
  return weights.size() - 1;
}

}  // namespace unwedge::sim
