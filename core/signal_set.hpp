// SignalSet and StateSet: small bitsets over a table's signals and a
// machine's states.
//
// A decision table has a fixed catalogue of at most 16 signals, so every
// (state, signal subset) cell can be enumerated exhaustively; a machine has at
// most 64 states. Both are plain values, cheap to copy and compare.
//
//   SignalSet s = SignalSet::of({missed_checkin, standby_lagging});
//   if (s.contains(missed_checkin)) ...
#pragma once

#include <bit>
#include <cstdint>
#include <initializer_list>

#include "core/assert.hpp"
#include "core/machine.hpp"

namespace unwedge::core {

using SignalId = std::uint8_t;
// A DecisionTable's limit: its analysis enumerates every signal subset.
inline constexpr std::size_t kMaxSignals = 16;
// What a SignalSet holds: a GroupTable's signals (group_table.hpp) go beyond
// a DecisionTable's.
inline constexpr std::size_t kSignalSetCapacity = 32;

class SignalSet {
 public:
  constexpr SignalSet() = default;
  static constexpr SignalSet from_bits(std::uint32_t bits) {
    SignalSet set;
    set.bits_ = bits;
    return set;
  }
  static SignalSet of(std::initializer_list<SignalId> signals) {
    SignalSet set;
    for (SignalId s : signals)
      set = set.with(s);
    return set;
  }

  std::uint32_t bits() const { return bits_; }
  bool empty() const { return bits_ == 0; }
  int size() const { return std::popcount(bits_); }
  bool contains(SignalId s) const { return (bits_ >> s) & 1U; }
  bool contains_all(SignalSet other) const { return (bits_ & other.bits_) == other.bits_; }
  bool intersects(SignalSet other) const { return (bits_ & other.bits_) != 0; }

  SignalSet with(SignalId s) const {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(s), kSignalSetCapacity);
    return from_bits(bits_ | (std::uint32_t{1} << s));
  }
  SignalSet without(SignalId s) const {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(s), kSignalSetCapacity);
    return from_bits(bits_ & ~(std::uint32_t{1} << s));
  }
  SignalSet operator|(SignalSet other) const { return from_bits(bits_ | other.bits_); }
  SignalSet operator&(SignalSet other) const { return from_bits(bits_ & other.bits_); }
  friend bool operator==(SignalSet, SignalSet) = default;

 private:
  std::uint32_t bits_ = 0;
};

class StateSet {
 public:
  constexpr StateSet() = default;
  static constexpr StateSet from_bits(std::uint64_t bits) {
    StateSet set;
    set.bits_ = bits;
    return set;
  }
  // Every state of a machine with `state_count` states.
  static StateSet all(std::size_t state_count) {
    UNWEDGE_ASSERT_LE(state_count, kMaxStates);
    return from_bits(state_count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << state_count) - 1);
  }

  std::uint64_t bits() const { return bits_; }
  bool empty() const { return bits_ == 0; }
  int size() const { return std::popcount(bits_); }
  bool contains(StateId s) const { return s < 64 && ((bits_ >> s) & 1U); }
  StateSet with(StateId s) const {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(s), kMaxStates);
    return from_bits(bits_ | (std::uint64_t{1} << s));
  }
  friend bool operator==(StateSet, StateSet) = default;

 private:
  std::uint64_t bits_ = 0;
};

}  // namespace unwedge::core
