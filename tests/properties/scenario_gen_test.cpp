// The scenario generators: what they draw is a valid scenario file within
// the slant's bounds, every fault kind and request is reachable, and a
// failing case shrinks to the smallest scenario that still fails.
#include <set>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "tests/properties/slants.hpp"

namespace unwedge::properties {
namespace {

using sim::FaultKind;
using sim::Invariant;

RC_GTEST_PROP(ScenarioGen, DrawsScenarioFilesThatReadBackEqual, ()) {
  const auto invariant = *rc::gen::inRange<std::size_t>(0, sim::kInvariants).as("invariant index");
  const sim::Scenario drawn = *scenario_gen(slant_for(static_cast<Invariant>(invariant)));
  core::Result<sim::Scenario> read = sim::parse_scenario(sim::to_yaml(drawn), drawn.source);
  RC_ASSERT(read.ok());
  RC_ASSERT(*read == drawn);
}

RC_GTEST_PROP(ScenarioGen, StaysWithinItsSlant, ()) {
  const Slant slant =
      slant_for(static_cast<Invariant>(*rc::gen::inRange<std::size_t>(0, sim::kInvariants)));
  const sim::Scenario s = *scenario_gen(slant);
  RC_ASSERT(s.config.services.size() >= 1u);
  RC_ASSERT(s.config.services.size() <= 2u);
  RC_ASSERT(s.duration_us >= slant.duration_min_us);
  RC_ASSERT(s.duration_us <= slant.duration_max_us);
  RC_ASSERT(s.recovery_us >= slant.recovery_min_us);
  RC_ASSERT(s.recovery_us <= slant.recovery_max_us);
  RC_ASSERT(s.faults.size() <= slant.faults_max);
  RC_ASSERT(s.operators.size() <= slant.operators_max);
  for (const sim::ServiceSpec& service : s.config.services) {
    RC_ASSERT(service.standbys >= slant.standbys_min);
    if (slant.asynchronous) RC_ASSERT(!service.synchronous);
  }
  for (const sim::ScheduledFault& f : s.faults) {
    RC_ASSERT(f.at_us < s.duration_us);
    RC_ASSERT(f.spec.duration_us <= slant.fault_max_us);
    RC_ASSERT(std::any_of(slant.faults.begin(), slant.faults.end(),
                          [&](const auto& weighted) { return weighted.second == f.spec.kind; }));
  }
  for (const sim::ScheduledOperator& o : s.operators)
    RC_ASSERT(o.at_us < s.duration_us);
}

TEST(ScenarioGen, EveryFaultKindAndRequestIsReachable) {
  std::set<FaultKind> faults;
  std::set<sim::OperatorKind> requests;
  const rc::Gen<sim::Scenario> gen = scenario_gen(slant_for(Invariant::kAssertion));
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const sim::Scenario s = gen(rc::Random(seed), 50).value();
    for (const sim::ScheduledFault& f : s.faults)
      faults.insert(f.spec.kind);
    for (const sim::ScheduledOperator& o : s.operators)
      requests.insert(o.request.kind);
  }
  EXPECT_EQ(faults.size(), sim::fault_kinds_for(/*has_store=*/false).size());
  EXPECT_EQ(requests.size(), sim::operator_kinds().size());
}

// A property that fails whenever a host crashes shrinks to one crash at the
// start of the shortest scenario on the smallest fleet.
TEST(ScenarioGen, ShrinksToTheSmallestFailingScenario) {
  const Slant slant = slant_for(Invariant::kNoLostWrites);
  const rc::Gen<sim::Scenario> gen = scenario_gen(slant);
  std::optional<sim::Scenario> last_failing;
  rc::detail::TestParams params;
  params.seed = 7;
  const rc::detail::TestResult result = rc::detail::checkTestable(
      [&] {
        const sim::Scenario s = *gen;
        const bool crashes = std::any_of(s.faults.begin(), s.faults.end(), [](const auto& f) {
          return f.spec.kind == FaultKind::kHostCrash;
        });
        if (crashes) last_failing = s;
        RC_ASSERT(!crashes);
      },
      rc::detail::TestMetadata{}, params);
  ASSERT_TRUE(result.template is<rc::detail::FailureResult>());
  ASSERT_TRUE(last_failing.has_value());
  const sim::Scenario& s = *last_failing;
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].spec.kind, FaultKind::kHostCrash);
  EXPECT_EQ(s.faults[0].at_us, 0);
  EXPECT_EQ(s.faults[0].spec.duration_us, 10 * kSecond);
  EXPECT_EQ(s.faults[0].spec.targets, std::vector<std::string>{"leader:db1"});
  EXPECT_TRUE(s.operators.empty());
  ASSERT_EQ(s.config.services.size(), 1u);
  EXPECT_EQ(s.config.services[0].standbys, slant.standbys_min);
  EXPECT_EQ(s.config.services[0].followers, 0u);
  EXPECT_EQ(s.config.clients_per_service, 1u);
  EXPECT_EQ(s.duration_us, slant.duration_min_us);
  EXPECT_EQ(s.recovery_us, slant.recovery_min_us);
}

}  // namespace
}  // namespace unwedge::properties
