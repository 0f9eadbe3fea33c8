#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/assert.hpp"
#include "core/signal_set.hpp"

namespace unwedge::core {
namespace {

std::vector<StateId> members(const StateSet& set) {
  return {set.begin(), set.end()};
}

TEST(StateSet, StatesBelowSixtyFourAreOneWord) {
  const StateSet set = StateSet{}.with(0).with(5).with(63);
  EXPECT_EQ(set.bits(), (std::uint64_t{1} << 63) | 0b100001u);
  EXPECT_EQ(set.words(), (std::vector<std::uint64_t>{set.bits()}));
  EXPECT_EQ(set.word_count(), 1u);
  EXPECT_EQ(set, StateSet::from_bits(set.bits()));
  EXPECT_EQ(members(set), (std::vector<StateId>{0, 5, 63}));
  EXPECT_EQ(StateSet::all(64).bits(), ~std::uint64_t{0});
  EXPECT_EQ(StateSet::all(3).bits(), 0b111u);
  EXPECT_TRUE(StateSet{}.empty());
  EXPECT_EQ(StateSet{}.word_count(), 0u);
  EXPECT_TRUE(members(StateSet{}).empty());
}

TEST(StateSet, HoldsStatesBeyondSixtyFourWithoutAliasing) {
  const StateSet set = StateSet{}.with(285).with(3);
  EXPECT_TRUE(set.contains(285));
  EXPECT_TRUE(set.contains(3));
  // 285 = 4 * 64 + 29: neither its bit in the first word nor its neighbours.
  EXPECT_FALSE(set.contains(29));
  EXPECT_FALSE(set.contains(221));
  EXPECT_FALSE(set.contains(284));
  EXPECT_FALSE(set.contains(286));
  EXPECT_FALSE(set.contains(4095));
  EXPECT_EQ(set.size(), 2);
  EXPECT_EQ(set.word_count(), 5u);
  EXPECT_EQ(set.words(), (std::vector<std::uint64_t>{0b1000, 0, 0, 0, std::uint64_t{1} << 29}));
  EXPECT_EQ(members(set), (std::vector<StateId>{3, 285}));
  EXPECT_EQ(set, StateSet::from_words(set.words()));
}

TEST(StateSet, AllStatesOfALargeMachine) {
  const StateSet all = StateSet::all(300);
  EXPECT_EQ(all.size(), 300);
  EXPECT_TRUE(all.contains(299));
  EXPECT_FALSE(all.contains(300));
  EXPECT_EQ(all.words(),
            (std::vector<std::uint64_t>{~std::uint64_t{0}, ~std::uint64_t{0}, ~std::uint64_t{0},
                                        ~std::uint64_t{0}, (std::uint64_t{1} << 44) - 1}));
  EXPECT_EQ(StateSet::all(kMaxStates).size(), static_cast<int>(kMaxStates));
  EXPECT_TRUE(all.contains_all(StateSet{}.with(0).with(299)));
  EXPECT_FALSE(all.contains_all(StateSet{}.with(0).with(300)));
  EXPECT_FALSE(StateSet::all(64).contains_all(StateSet{}.with(64)));
}

TEST(StateSet, EqualMembersAreEqualWhateverTheOrderOrTrailingZeroWords) {
  EXPECT_EQ(StateSet{}.with(700).with(1), StateSet{}.with(1).with(700));
  EXPECT_EQ(StateSet::from_words(std::vector<std::uint64_t>{0b10, 0, 0}),
            StateSet::from_bits(0b10));
  EXPECT_EQ(StateSet::from_words(std::vector<std::uint64_t>{0, 0}), StateSet{});
  EXPECT_TRUE(StateSet::from_words(std::vector<std::uint64_t>{0, 0}).empty());
  EXPECT_NE(StateSet{}.with(64), StateSet{}.with(0));
}

TEST(StateSet, ReadingALargeSetAsOneMaskIsRefusedNotTruncated) {
  const ThrowingAssertions throwing;
  EXPECT_THROW((void)StateSet{}.with(64).bits(), AssertionFailure);
  EXPECT_THROW((void)StateSet{}.with(static_cast<StateId>(kMaxStates)), AssertionFailure);
  EXPECT_THROW((void)StateSet::all(kMaxStates + 1), AssertionFailure);
}

RC_GTEST_PROP(StateSetProperty, AgreesWithAnOrderedSet, ()) {
  const auto inserted = *rc::gen::container<std::vector<StateId>>(
      rc::gen::oneOf(rc::gen::inRange<StateId>(0, 128),
                     rc::gen::inRange<StateId>(0, static_cast<StateId>(kMaxStates))));
  StateSet set;
  std::set<StateId> reference;
  for (StateId s : inserted) {
    set.insert(s);
    reference.insert(s);
  }
  RC_ASSERT(members(set) == std::vector<StateId>(reference.begin(), reference.end()));
  RC_ASSERT(set.size() == static_cast<int>(reference.size()));
  RC_ASSERT(set.empty() == reference.empty());
  const auto probe = *rc::gen::inRange<StateId>(0, static_cast<StateId>(kMaxStates));
  RC_ASSERT(set.contains(probe) == (reference.count(probe) == 1));
  RC_ASSERT(set == StateSet::from_words(set.words()));
  RC_ASSERT(StateSet::all(kMaxStates).contains_all(set));
  if (!reference.empty()) {
    RC_ASSERT(set.word_count() == static_cast<std::size_t>(*reference.rbegin() / 64 + 1));
  }
}

}  // namespace
}  // namespace unwedge::core
