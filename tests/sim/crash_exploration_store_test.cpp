// Crash exploration on a real database: the reference plane's stories end
// as if never interrupted when every run keeps its state in a fresh SQLite
// file (or a PostgreSQL database), and a planted divergence is found there
// exactly as it is in memory, in the same words. The PostgreSQL cases skip,
// saying why, when the test run has no server (tests/support/test_postgres.hpp).
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "sim/crash_exploration.hpp"
#include "sim/run_stores.hpp"
#include "tests/sim/election_story.hpp"
#include "tests/support/temp_path.hpp"
#include "tests/support/test_postgres.hpp"

namespace unwedge::sim {
namespace {

using namespace election_story;  // NOLINT(google-build-using-namespace)

std::vector<std::string> sentences(const StoryReport& report) {
  std::vector<std::string> out;
  for (const Divergence& d : report.divergences)
    out.push_back(fmt::format("{}: {}", to_string(d.check), d.what));
  return out;
}

// The same story explored in memory and on `store` crashes at the same
// points, fires as many crashes and finds the same divergences; what it
// found on `store`.
StoryReport expect_same_as_in_memory(const Story& story, const std::string& store) {
  const StoryReport memory = explore_story(story, {});
  const StoryReport there = explore_story(story, {.store = store});
  EXPECT_EQ(sentences(there), sentences(memory)) << summarize({.stories = {there}});
  EXPECT_EQ(there.transactions, memory.transactions);
  EXPECT_EQ(there.statements, memory.statements);
  EXPECT_EQ(there.crash_points, memory.crash_points);
  EXPECT_EQ(there.crashes, memory.crashes);
  EXPECT_EQ(there.statement_crash_points, memory.statement_crash_points);
  EXPECT_EQ(there.commit_crash_points, memory.commit_crash_points);
  return there;
}

TEST(CrashExplorationOnSqlite, TheReferenceStoriesEndAsIfNeverInterrupted) {
  // Two stories, each crashed in its first transactions: the whole set runs
  // in `unwedge explore-crashes --store sqlite`.
  core::Result<CrashExploration> explored = explore_crashes(
      {.stories = {"Unfollow", "Failover"}, .transactions_max = 4, .store = "sqlite"});
  ASSERT_TRUE(explored.ok()) << explored.error().message;
  EXPECT_EQ(explored->divergences(), 0u) << summarize(*explored);
  EXPECT_EQ(explored->store.rfind("sqlite (a fresh file per run in ", 0), 0u) << explored->store;
  for (const StoryReport& story : explored->stories) {
    EXPECT_GT(story.crash_points, 0u) << story.story;
    EXPECT_GT(story.statement_crash_points, 0u) << story.story;
    EXPECT_GT(story.commit_crash_points, 0u) << story.story;
  }
  EXPECT_EQ(summarize(*explored).rfind("store: sqlite (", 0), 0u) << summarize(*explored);
}

TEST(CrashExplorationOnSqlite, CrashPointsFireAsInMemory) {
  expect_same_as_in_memory(election(Bug::kNone), "sqlite");
}

TEST(CrashExplorationOnSqlite, FindsAStepThatCommitsHalfItsWorkAloneAsInMemory) {
  const StoryReport report = expect_same_as_in_memory(election(Bug::kSideTransaction), "sqlite");
  EXPECT_FALSE(report.divergences.empty());
}

TEST(CrashExplorationOnSqlite, FindsAStepThatDoesNotCheckWhatItDidAsInMemory) {
  const StoryReport report = expect_same_as_in_memory(election(Bug::kUncheckedCount), "sqlite");
  EXPECT_FALSE(report.divergences.empty());
}

TEST(CrashExplorationOnSqlite, EachRunHasAFreshFileAndTheDirectoryGoesAtTheEnd) {
  core::EntityCodecs codecs;
  core::add_framework_entities(codecs);
  const std::filesystem::path parent = testing::temp_path("explore-stores");
  std::filesystem::create_directories(parent);
  std::filesystem::path made;
  {
    core::Result<std::unique_ptr<RunStores>> stores =
        RunStores::open("sqlite:" + parent.string(), &codecs);
    ASSERT_TRUE(stores.ok()) << stores.error().message;
    EXPECT_EQ((*stores)->kind(), "sqlite");
    for (const auto& entry : std::filesystem::directory_iterator(parent))
      made = entry.path();
    ASSERT_FALSE(made.empty());
    core::Result<std::unique_ptr<core::DurableStore>> first = (*stores)->fresh();
    ASSERT_TRUE(first.ok()) << first.error().message;
    {
      auto txn = (*first)->begin();
      txn->put(core::ActionRecord{.id = "a/1", .action = "a", .subject = "s"});
      ASSERT_TRUE(txn->commit().ok());
    }
    core::Result<std::unique_ptr<core::DurableStore>> second = (*stores)->fresh();
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_TRUE((*second)->snapshot().entries().empty());
    EXPECT_EQ((*first)->snapshot().entries().size(), 1u);
  }
  EXPECT_FALSE(std::filesystem::exists(made)) << made;
}

TEST(CrashExplorationOnSqlite, RefusesADirectoryThatIsNotOne) {
  const core::Status refused =
      check_store({.store = "sqlite:" + testing::temp_path("no-such-dir").string()});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("is not a directory; sqlite:DIR names an existing "
                                         "directory"),
            std::string::npos)
      << refused.error().message;
  const core::Status unknown = check_store({.store = "mysql://x"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("names no store"), std::string::npos)
      << unknown.error().message;
}

// PostgreSQL reads as of a snapshot (core/store.hpp): a process restarted
// at another point may meet the planted bug there too. So every divergence
// found in memory is found on PostgreSQL, and any more it finds are the same
// bug's ending (the generation counted twice), never another.
TEST(CrashExplorationOnPostgres, FindsAPlantedDivergenceAsInMemory) {
  const testing::TestPostgres pg = testing::test_postgres();
  if (!pg.conninfo) GTEST_SKIP() << pg.why_absent;
  const Story story = election(Bug::kSideTransaction);
  const StoryReport memory = explore_story(story, {});
  const StoryReport report = explore_story(story, {.store = *pg.conninfo});
  ASSERT_FALSE(memory.divergences.empty());
  EXPECT_EQ(report.transactions, memory.transactions);
  EXPECT_EQ(report.crash_points, memory.crash_points);
  std::vector<std::string> found = sentences(report);
  std::vector<std::string> expected = sentences(memory);
  std::sort(found.begin(), found.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_TRUE(std::includes(found.begin(), found.end(), expected.begin(), expected.end()))
      << summarize({.stories = {report}});
  for (const std::string& sentence : found) {
    EXPECT_NE(sentence.find("service svc is service svc leader=svc-a generation=2, service svc "
                            "leader=svc-a generation=1 in the uninterrupted run"),
              std::string::npos)
        << sentence;
  }
}

TEST(CrashExplorationOnPostgres, AReferenceStoryEndsAsIfNeverInterrupted) {
  const testing::TestPostgres pg = testing::test_postgres();
  if (!pg.conninfo) GTEST_SKIP() << pg.why_absent;
  core::Result<CrashExploration> explored =
      explore_crashes({.stories = {"Unfollow"}, .transactions_max = 3, .store = *pg.conninfo});
  ASSERT_TRUE(explored.ok()) << explored.error().message;
  EXPECT_EQ(explored->divergences(), 0u) << summarize(*explored);
  EXPECT_EQ(explored->store.rfind("postgres (", 0), 0u) << explored->store;
  EXPECT_GT(explored->stories.at(0).statement_crash_points, 0u);
}

}  // namespace
}  // namespace unwedge::sim
