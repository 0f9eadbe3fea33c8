// SignalSet and StateSet: small bitsets over a table's signals and a
// machine's states.
//
// A decision table has a fixed catalogue of at most 16 signals, so every
// (state, signal subset) cell can be enumerated exhaustively; a machine has at
// most kMaxStates (4096) states. Both are plain values, compared by members;
// a StateSet of states below 64 is one word and copies without allocating.
//
//   SignalSet s = SignalSet::of({missed_checkin, standby_lagging});
//   if (s.contains(missed_checkin)) ...
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <span>
#include <vector>

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

// A set of a machine's states. The first 64 states live in one word held
// inline, so Rule::matches and decide() on a machine of up to 64 states read
// one word and never allocate; states from 64 on (a machine built as the
// product of several entities' machines) live in words on the heap.
//
//   StateSet in = StateSet{}.with(following).with(promoted);
//   for (StateId s : in) ...  // ascending
class StateSet {
 public:
  class Iterator;

  StateSet() = default;
  // States 0..63 from a mask: bit i is state i.
  static StateSet from_bits(std::uint64_t bits) {
    StateSet set;
    set.first_ = bits;
    return set;
  }
  // States from 64-state words: bit j of word i is state 64 * i + j.
  static StateSet from_words(std::span<const std::uint64_t> words) {
    UNWEDGE_ASSERT_LE(words.size(), kWordsMax);
    StateSet set;
    if (words.empty()) return set;
    set.first_ = words.front();
    set.rest_.assign(words.begin() + 1, words.end());
    set.trim();
    return set;
  }
  // Every state of a machine with `state_count` states.
  static StateSet all(std::size_t state_count) {
    UNWEDGE_ASSERT_LE(state_count, kMaxStates);
    StateSet set;
    set.first_ = low_bits(std::min(state_count, kWordBits));
    for (std::size_t from = kWordBits; from < state_count; from += kWordBits) {
      set.rest_.push_back(low_bits(std::min(state_count - from, kWordBits)));
    }
    return set;
  }

  // The set as one mask, for sets known to hold only states below 64 (tests
  // of small machines); asserted, never truncated. words() or iteration
  // serve any set.
  std::uint64_t bits() const {
    UNWEDGE_ASSERT_MSG(rest_.empty(),
                       "a state set of {} words read as one 64-bit mask; use words() or iterate",
                       word_count());
    return first_;
  }
  // The members as 64-state words (bit j of word i is state 64 * i + j), up
  // to the word of the highest member: none for the empty set.
  std::vector<std::uint64_t> words() const {
    if (empty()) return {};
    std::vector<std::uint64_t> words{first_};
    words.insert(words.end(), rest_.begin(), rest_.end());
    return words;
  }
  std::size_t word_count() const {
    return rest_.empty() ? (first_ != 0 ? 1 : 0) : 1 + rest_.size();
  }
  // Word `index`; zero past the last.
  std::uint64_t word(std::size_t index) const {
    if (index == 0) return first_;
    return index - 1 < rest_.size() ? rest_[index - 1] : 0;
  }

  bool empty() const { return first_ == 0 && rest_.empty(); }
  int size() const {
    int count = std::popcount(first_);
    for (std::uint64_t w : rest_)
      count += std::popcount(w);
    return count;
  }
  // The hot path of Rule::matches: one compare and one shift below 64.
  bool contains(StateId s) const {
    if (s < kWordBits) return ((first_ >> s) & 1U) != 0;
    const std::size_t index = s / kWordBits - 1;
    return index < rest_.size() && ((rest_[index] >> (s % kWordBits)) & 1U) != 0;
  }
  // Every member of `other` is a member of this set.
  bool contains_all(const StateSet& other) const {
    if ((first_ & other.first_) != other.first_) return false;
    if (other.rest_.size() > rest_.size()) return false;  // other's last word is not zero
    for (std::size_t i = 0; i < other.rest_.size(); ++i) {
      if ((rest_[i] & other.rest_[i]) != other.rest_[i]) return false;
    }
    return true;
  }

  void insert(StateId s) {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(s), kMaxStates);
    if (s < kWordBits) {
      first_ |= std::uint64_t{1} << s;
      return;
    }
    const std::size_t index = s / kWordBits - 1;
    if (index >= rest_.size()) rest_.resize(index + 1, 0);
    rest_[index] |= std::uint64_t{1} << (s % kWordBits);
  }
  StateSet with(StateId s) const& {
    StateSet set = *this;
    set.insert(s);
    return set;
  }
  StateSet with(StateId s) && {
    insert(s);
    return std::move(*this);
  }

  Iterator begin() const;
  Iterator end() const;

  // Equal members, equal representation: rest_ never ends in a zero word.
  friend bool operator==(const StateSet&, const StateSet&) = default;

 private:
  static constexpr std::size_t kWordBits = 64;
  static constexpr std::size_t kWordsMax = (kMaxStates + kWordBits - 1) / kWordBits;

  static std::uint64_t low_bits(std::size_t count) {
    UNWEDGE_ASSERT_LE(count, kWordBits);
    return count == kWordBits ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
  }
  void trim() {
    while (!rest_.empty() && rest_.back() == 0)
      rest_.pop_back();
  }

  std::uint64_t first_ = 0;          // states 0..63
  std::vector<std::uint64_t> rest_;  // states 64.. by word; empty or ending in a non-zero word
};

// Visits the members in ascending order.
class StateSet::Iterator {
 public:
  using value_type = StateId;
  using difference_type = std::ptrdiff_t;
  using iterator_category = std::forward_iterator_tag;

  Iterator() = default;
  Iterator(const StateSet* set, std::size_t word) : set_(set), word_(word) {
    UNWEDGE_ASSERT(set != nullptr);
    UNWEDGE_ASSERT_LE(word, set->word_count());
    remaining_ = set->word(word);
    skip_empty_words();
  }

  StateId operator*() const {
    UNWEDGE_ASSERT(remaining_ != 0);
    return static_cast<StateId>(word_ * kWordBits +
                                static_cast<std::size_t>(std::countr_zero(remaining_)));
  }
  Iterator& operator++() {
    UNWEDGE_ASSERT(remaining_ != 0);
    remaining_ &= remaining_ - 1;
    skip_empty_words();
    return *this;
  }
  Iterator operator++(int) {
    Iterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const Iterator&, const Iterator&) = default;

 private:
  void skip_empty_words() {
    const std::size_t words = set_->word_count();
    while (remaining_ == 0 && word_ < words) {
      ++word_;
      remaining_ = set_->word(word_);
    }
  }

  const StateSet* set_ = nullptr;
  std::size_t word_ = 0;
  std::uint64_t remaining_ = 0;  // the members of word_ not yet visited
};

inline StateSet::Iterator StateSet::begin() const {
  return Iterator(this, 0);
}
inline StateSet::Iterator StateSet::end() const {
  return Iterator(this, word_count());
}

}  // namespace unwedge::core
