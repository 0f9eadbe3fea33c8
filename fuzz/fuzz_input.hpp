// FuzzInput: reads typed values from a fuzzer's byte string.
//
// Every read succeeds: once the bytes run out, reads return the low end of
// the requested range, so a truncated input is just a smaller case and never
// an error. The shared helper of every target in fuzz/.
//
//   FuzzInput in(data, size);
//   std::size_t states = in.range(1, 12);
//   bool healthy = in.boolean();
#pragma once

#include <cstddef>
#include <cstdint>

namespace unwedge::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool empty() const { return offset_ >= size_; }

  std::uint8_t byte() { return empty() ? 0 : data_[offset_++]; }
  bool boolean() { return (byte() & 1U) != 0; }

  // A value in [low, high], both inclusive.
  std::uint64_t range(std::uint64_t low, std::uint64_t high) {
    if (high <= low) return low;
    const std::uint64_t span = high - low;
    // Read only as many bytes as the span needs, so small ranges cost one.
    std::uint64_t value = 0;
    std::uint64_t covered = 0;
    while (covered < span && !empty()) {
      value = (value << 8) | byte();
      covered = (covered << 8) | 0xFF;
    }
    return low + (span == UINT64_MAX ? value : value % (span + 1));
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

}  // namespace unwedge::fuzz
