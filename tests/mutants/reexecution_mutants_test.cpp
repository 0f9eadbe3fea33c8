// Planted bugs against the re-execution checks of sim/crash_exploration:
// the shipped control plane passes them, and a bug that breaks re-execution
// is caught with a sentence that names the effect it doubled.
#include <gtest/gtest.h>

#include "planes/postgres/settings.hpp"
#include "sim/crash_exploration.hpp"

namespace unwedge::mutants {
namespace {

using postgres::Mutant;
using sim::Check;

std::vector<sim::Divergence> found(const sim::CrashExploration& exploration, Check check) {
  std::vector<sim::Divergence> result;
  for (const sim::StoryReport& story : exploration.stories) {
    for (const sim::Divergence& d : story.divergences) {
      if (d.check == check) result.push_back(d);
    }
  }
  return result;
}

sim::CrashExploration explore(const std::string& story, Mutant mutant, bool reentrancy) {
  sim::ExploreOptions options{.stories = {story}, .reentrancy = reentrancy};
  options.plane_settings["mutant"] = postgres::to_string(mutant);
  core::Result<sim::CrashExploration> exploration = sim::explore_crashes(options);
  UNWEDGE_ASSERT(exploration.ok());
  return std::move(exploration).value();
}

// A host creation whose reply was lost is retried under a new key: with the
// first reply to every call lost, the story creates each host twice.
TEST(ReexecutionMutants, ARetryWithoutItsIdempotencyKeyFailsInfraRedelivery) {
  sim::CrashExploration shipped = explore("Provision", Mutant::kNone, false);
  EXPECT_TRUE(found(shipped, Check::kInfraRedelivery).empty()) << sim::summarize(shipped);

  sim::CrashExploration mutant = explore("Provision", Mutant::kRetryWithoutIdempotencyKey, false);
  std::vector<sim::Divergence> divergences = found(mutant, Check::kInfraRedelivery);
  ASSERT_EQ(divergences.size(), 1u) << sim::summarize(mutant);
  const std::string& what = divergences[0].what;
  EXPECT_EQ(what.rfind("Provision with the first reply to every fleet API call lost", 0), 0u)
      << what;
  EXPECT_NE(what.find("create_host db1-1 -> db1 asked 2 times, 1 in the uninterrupted run"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("create_host db1-2 -> db1 asked 2 times, 1 in the uninterrupted run"),
            std::string::npos)
      << what;
}

// A promotion that skips fencing asks its machine for a move it lacks; the
// failed assertion ends the story's run with a finding, not the exploration.
TEST(ReexecutionMutants, ATransitionShortcutIsAFindingOfTheStoryNotAnAbort) {
  sim::CrashExploration shipped = explore("Promote", Mutant::kNone, false);
  EXPECT_TRUE(found(shipped, Check::kSettles).empty()) << sim::summarize(shipped);

  sim::CrashExploration mutant = explore("Promote", Mutant::kTransitionShortcut, false);
  std::vector<sim::Divergence> divergences = found(mutant, Check::kSettles);
  ASSERT_EQ(divergences.size(), 1u) << sim::summarize(mutant);
  EXPECT_NE(divergences[0].what.find("Promote, uninterrupted, breaks an internal contract"),
            std::string::npos)
      << divergences[0].what;
}

}  // namespace
}  // namespace unwedge::mutants
