// Every bundled plane's entities survive a database: for each plane that
// declares its codecs (PlaneInfo::entities), each crash story brings a
// FleetWorld to its end (setup, trigger, settle), and every entity of the
// Store is encoded and decoded back to an equal value, its text stable, and
// the whole Store written to a SqliteStore reads back as the same snapshot.
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/entity_codec.hpp"
#include "seam/registry.hpp"
#include "sim/crash_exploration.hpp"
#include "sim/fleet_world.hpp"
#include "sim/scenario.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/simulation.hpp"
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

// Every entity of `snapshot` encodes, decodes to an equal value and encodes
// again to the same text; the whole snapshot reads back from a SqliteStore.
void expect_round_trip(const core::StoreSnapshot& snapshot, const core::EntityCodecs& codecs,
                       const std::string& what, std::set<std::string>& kinds_seen,
                       bool through_a_database = true) {
  for (const auto& [key, value] : snapshot.entries()) {
    const std::string entity = fmt::format("{}: {}/{}", what, key.first, key.second);
    kinds_seen.insert(key.first);
    core::Result<std::string> text = codecs.encode(*value);
    ASSERT_TRUE(text.ok()) << entity << ": " << text.error().message;
    core::Result<std::shared_ptr<const core::StoredValue>> decoded =
        codecs.decode(key.first, key.second, *text);
    ASSERT_TRUE(decoded.ok()) << entity << ": " << decoded.error().message;
    EXPECT_TRUE((*decoded)->equals(*value))
        << entity << ": " << value->describe_value() << " came back as "
        << (*decoded)->describe_value() << " from " << *text;
    core::Result<std::string> again = codecs.encode(**decoded);
    ASSERT_TRUE(again.ok()) << entity;
    EXPECT_EQ(*again, *text) << entity;
  }
  if (!through_a_database) return;
  const core::StoreSnapshot stored = through_sqlite(snapshot, codecs, "round-trip");
  EXPECT_EQ(stored, snapshot) << what << ":\n"
                              << fmt::format("{}", fmt::join(stored.diff(snapshot), "\n"));
}

// A plane without crash stories: its Store every five simulated seconds of a
// fleet's provisioning (so the records of actions still running are seen:
// a finished one is erased), in the simulator.
void round_trip_provisioning(const seam::PlaneInfo& plane, const core::EntityCodecs& codecs,
                             std::set<std::string>& kinds_seen) {
  core::Result<Scenario> scenario =
      scenario_from_bytes(random_scenario_bytes(1, 2), "round trip", plane.name);
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  Simulation simulation(scenario->config);
  const core::TimeUs end_us = std::max<core::TimeUs>(scenario->provisioning_us, 10 * core::kMinute);
  for (core::TimeUs at_us = 5 * core::kSecond; at_us <= end_us; at_us += 5 * core::kSecond) {
    static_cast<void>(simulation.run_until(at_us));
    const std::size_t known = kinds_seen.size();
    expect_round_trip(simulation.durable_store().snapshot(), codecs,
                      fmt::format("{}, provisioning at {} s", plane.name, at_us / core::kSecond),
                      kinds_seen, kinds_seen.size() != known || at_us + 5 * core::kSecond > end_us);
  }
}

// The Store after the setup, after every tick (so the records of actions
// still running are seen: a finished one is erased) and once settled.
TEST(EntityRoundTrip, EveryBundledPlanesEntitiesDecodeToWhatWasEncoded) {
  std::set<std::string> planes_checked;
  for (const seam::PlaneInfo* plane : seam::planes()) {
    if (plane->entities == nullptr) continue;
    core::Result<core::EntityCodecs> codecs = seam::entity_codecs(*plane);
    ASSERT_TRUE(codecs.ok()) << codecs.error().message;
    std::set<std::string> kinds_seen;
    round_trip_provisioning(*plane, *codecs, kinds_seen);
    for (const Story& story : stories_of(*plane)) {
      const std::string what = fmt::format("{}, story {}", plane->name, story.name);
      FleetWorld world;
      world.control_plane = plane->name;
      story.setup(world);
      expect_round_trip(world.durable.snapshot(), *codecs, what + ", set up", kinds_seen);
      story.trigger(world);
      int tick = 0;
      const core::EntityCodecs& plane_codecs = *codecs;
      world.after_tick = [&world, &plane_codecs, &what, &kinds_seen, &tick] {
        // Through SQLite too when the tick brought a kind not met before.
        const std::size_t known = kinds_seen.size();
        const core::StoreSnapshot snapshot = world.durable.snapshot();
        std::set<std::string> kinds_now;
        for (const auto& entry : snapshot.entries())
          kinds_now.insert(entry.first.first);
        kinds_now.insert(kinds_seen.begin(), kinds_seen.end());
        expect_round_trip(snapshot, plane_codecs, fmt::format("{}, tick {}", what, ++tick),
                          kinds_seen, kinds_now.size() != known);
      };
      ASSERT_TRUE(world.settle(300)) << what << ": " << world.activity();
      world.after_tick = nullptr;
      expect_round_trip(world.durable.snapshot(), *codecs, what + ", settled", kinds_seen);
    }
    // Every kind the plane declares was met, the framework's own included,
    // but a node's keeper: the lease and goal planes keep it in the node's
    // own Store, which the simulator does not show (not checked here).
    for (const std::string& kind : codecs->kinds()) {
      if (kind == "keeper") continue;
      EXPECT_TRUE(kinds_seen.contains(kind)) << plane->name << " never held an entity of " << kind;
    }
    planes_checked.insert(plane->name);
  }
  for (const char* plane : {"postgres", "lease", "goal"})
    EXPECT_TRUE(planes_checked.contains(plane)) << plane << " declares no entities or no stories";
}

}  // namespace
}  // namespace unwedge::sim
