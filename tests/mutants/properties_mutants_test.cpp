// The invariant properties (tests/properties) hunting the planted bugs: each
// mutant in turn, every property for up to kCases cases with fixed seeds,
// until one catches it. Which ones they catch, and how soon, is printed for
// docs/HARNESS_POWER.md; the ones measured to be caught must stay caught.
#include <fmt/format.h>
#include <string>

#include <gtest/gtest.h>

#include "tests/properties/invariant_property.hpp"

namespace unwedge::mutants {
namespace {

using postgres::Mutant;

constexpr std::size_t kCases = 100;

TEST(MutantsProperties, ThePropertiesCatchThePlantedBugs) {
  // Every mutant must be caught. Measured: within 100 cases of some
  // property (most by the first, valid_transitions, within 60 cases;
  // retry_without_idempotency_key by idempotent_effects after about 450 in
  // all, age_from_receive_time by no_needless_disruption after about 680).
  for (std::uint8_t m = 1; m < postgres::kMutants; ++m) {
    const auto mutant = static_cast<Mutant>(m);
    const properties::HuntResult hunt = properties::hunt(mutant, kCases);
    fmt::print("| `{}` | {} | {} | {:.2f} s | {} | {} |\n", to_string(mutant),
               hunt.caught ? sim::to_string(hunt.property) : "not caught", hunt.cases, hunt.wall_s,
               hunt.finding ? sim::to_string(hunt.finding->invariant) : "-",
               hunt.finding ? hunt.finding->what.substr(0, 160) : "");
    EXPECT_TRUE(hunt.caught) << to_string(mutant) << " escaped the properties";
  }
}

}  // namespace
}  // namespace unwedge::mutants
