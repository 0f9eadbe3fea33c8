// Every bundled plane's entities survive a database: for each plane that
// declares its codecs (PlaneInfo::entities), each crash story brings a
// FleetWorld to its end (setup, trigger, settle), and every entity of the
// Store is encoded and decoded back to an equal value, its text stable, and
// the whole Store written to a SqliteStore reads back as the same snapshot.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/entity_codec.hpp"
#include "seam/registry.hpp"
#include "sim/crash_exploration.hpp"
#include "sim/fleet_world.hpp"
#include "stores/sqlite_store.hpp"
#include "tests/support/test_stores.hpp"

namespace unwedge::sim {
namespace {

// Writes `snapshot` into a fresh SqliteStore and reads it back.
core::StoreSnapshot through_sqlite(const core::StoreSnapshot& snapshot,
                                   const core::EntityCodecs& codecs, const std::string& name) {
  core::Result<std::unique_ptr<stores::SqliteStore>> store = stores::SqliteStore::open(
      testing::fresh_sqlite_path(name), codecs,
      {.empty = true, .synchronous = stores::SqliteStore::Synchronous::kNormal});
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return {};
  auto txn = (*store)->begin();
  for (const auto& [key, value] : snapshot.entries())
    txn->write(key.first, key.second, value);
  const core::Status committed = txn->commit();
  EXPECT_TRUE(committed.ok()) << committed.error().message;
  return (*store)->snapshot();
}

TEST(EntityRoundTrip, EveryBundledPlanesEntitiesDecodeToWhatWasEncoded) {
  std::set<std::string> planes_checked;
  for (const seam::PlaneInfo* plane : seam::planes()) {
    if (plane->entities == nullptr) continue;
    core::Result<core::EntityCodecs> codecs = seam::entity_codecs(*plane);
    ASSERT_TRUE(codecs.ok()) << codecs.error().message;
    std::set<std::string> kinds_seen;
    for (const Story& story : stories_of(*plane)) {
      const std::string what = fmt::format("{}, story {}", plane->name, story.name);
      FleetWorld world;
      world.control_plane = plane->name;
      story.setup(world);
      story.trigger(world);
      ASSERT_TRUE(world.settle(300)) << what << ": " << world.activity();
      const core::StoreSnapshot snapshot = world.durable.snapshot();
      ASSERT_GT(snapshot.size(), 0u) << what;
      for (const auto& [key, value] : snapshot.entries()) {
        const std::string entity = fmt::format("{}: {}/{}", what, key.first, key.second);
        kinds_seen.insert(key.first);
        core::Result<std::string> text = codecs->encode(*value);
        ASSERT_TRUE(text.ok()) << entity << ": " << text.error().message;
        core::Result<std::shared_ptr<const core::StoredValue>> decoded =
            codecs->decode(key.first, key.second, *text);
        ASSERT_TRUE(decoded.ok()) << entity << ": " << decoded.error().message;
        EXPECT_TRUE((*decoded)->equals(*value))
            << entity << ": " << value->describe_value() << " came back as "
            << (*decoded)->describe_value() << " from " << *text;
        core::Result<std::string> again = codecs->encode(**decoded);
        ASSERT_TRUE(again.ok()) << entity;
        EXPECT_EQ(*again, *text) << entity;
      }
      const core::StoreSnapshot stored = through_sqlite(snapshot, *codecs, plane->name);
      EXPECT_EQ(stored, snapshot) << what << ":\n"
                                  << fmt::format("{}", fmt::join(stored.diff(snapshot), "\n"));
    }
    // Stories that never ran an action would leave the framework's own
    // kinds unchecked.
    EXPECT_TRUE(kinds_seen.contains("action")) << plane->name;
    planes_checked.insert(plane->name);
  }
  for (const char* plane : {"postgres", "lease", "goal"})
    EXPECT_TRUE(planes_checked.contains(plane)) << plane << " declares no entities or no stories";
}

}  // namespace
}  // namespace unwedge::sim
