// The fleet_fuzzer's inputs hunting the planted bugs (fuzz_hunt.hpp): the
// shipped control plane passes every input tried, and each mutant measured
// to be caught within kInputs inputs stays caught. What each one took is
// printed for docs/HARNESS_POWER.md.
#include <fmt/format.h>

#include <gtest/gtest.h>

#include "tests/mutants/fuzz_hunt.hpp"

namespace unwedge::mutants {
namespace {

using postgres::Mutant;

// The shipped control plane's inputs, and each mutant's cap.
constexpr std::size_t kShippedInputs = 300;
constexpr std::size_t kInputs = 1'000;

TEST(MutantsFuzz, TheShippedControlPlanePassesTheInputsTheHuntTries) {
  const FuzzHunt shipped = fuzz_hunt(Mutant::kNone, kShippedInputs);
  EXPECT_FALSE(shipped.caught_by.has_value())
      << "input " << *shipped.caught_by << ": " << shipped.finding->what;
  EXPECT_EQ(shipped.inputs_run, kShippedInputs);
}

TEST(MutantsFuzz, TheFleetFuzzerInputsCatchThePlantedBugs) {
  // Every mutant must be caught. Measured: between input 1
  // (install_retried_under_same_key) and 465 (transition_shortcut), in under
  // 2 s each.
  for (std::uint8_t m = 1; m < postgres::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    const FuzzHunt hunt = fuzz_hunt(mutant, kInputs);
    fmt::print("| `{}` | {} | {:.2f} s | {} | {} |\n", to_string(mutant),
               hunt.caught_by ? fmt::format("input {}", *hunt.caught_by) : "not caught",
               hunt.wall_s, hunt.finding ? sim::to_string(hunt.finding->invariant) : "-",
               hunt.finding ? hunt.finding->what.substr(0, 160) : "");
    EXPECT_TRUE(hunt.caught_by.has_value()) << to_string(mutant) << " escaped the fuzzer's inputs";
  }
}

}  // namespace
}  // namespace unwedge::mutants
