// Every action of the reference control plane, interrupted at every Store
// transaction and at each crash point (before begin, mid-transaction, after
// commit before the caller hears), then carried on by a fresh controller,
// ends with the same Store and the same Infra effects as an uninterrupted
// run; and a settled fleet stays settled when the loop runs again.
#include <functional>

#include <gtest/gtest.h>

#include "tests/postgres/fleet_world.hpp"

namespace unwedge::postgres {
namespace {

using sim::CrashPoint;
using testing::FleetWorld;
using testing::ServicePlan;

struct Story {
  std::string name;
  std::function<void(FleetWorld&)> setup;    // brings the fleet to the moment before
  std::function<void(FleetWorld&)> trigger;  // what makes the action happen
};

void PrintTo(const Story& story, std::ostream* out) {
  *out << story.name;
}

struct Ending {
  core::StoreSnapshot store;
  testing::FakeInfra::Effects effects;
  std::uint64_t first_transaction = 0;
  std::uint64_t last_transaction = 0;
  int crashed = 0;
};

void provisioned(FleetWorld& world, ServicePlan plan = {}) {
  world.add_service("db1", plan);
  UNWEDGE_ASSERT(world.settle());
}

std::vector<Story> stories() {
  return {
      {"Provision", [](FleetWorld&) {},
       [](FleetWorld& w) { w.add_service("db1", {.standbys = 1}); }},
      {"Failover", [](FleetWorld& w) { provisioned(w); },
       [](FleetWorld& w) {
         w.silence("db1-1");
         w.clock.advance(2 * core::kMinute);
       }},
      {"PlannedAsyncFailover", [](FleetWorld& w) { provisioned(w, {.synchronous = false}); },
       [](FleetWorld& w) {
         w.update<Service>("db1", [](Service& s) { s.failover_requested = true; });
       }},
      {"Promote",
       [](FleetWorld& w) {
         provisioned(w);
         w.add_follower("db1");
       },
       [](FleetWorld& w) {
         w.update<ReplicaLink>("db1-3", [](ReplicaLink& l) { l.promote_requested = true; });
       }},
      {"Unfollow",
       [](FleetWorld& w) {
         provisioned(w);
         w.add_follower("db1");
       },
       [](FleetWorld& w) {
         w.update<ReplicaLink>("db1-3", [](ReplicaLink& l) { l.unfollow_requested = true; });
       }},
      {"ReplaceServer", [](FleetWorld& w) { provisioned(w); },
       [](FleetWorld& w) {
         w.update<Server>("db1-2", [](Server& s) { s.replace_requested = true; });
       }},
      {"RotateCertificate", [](FleetWorld& w) { provisioned(w); },
       [](FleetWorld& w) {
         w.clock.set(w.get<Certificate>("db1-cert")->not_after_us - core::kHour);
       }},
      {"Deprovision", [](FleetWorld& w) { provisioned(w); },
       [](FleetWorld& w) {
         w.update<Service>("db1", [](Service& s) { s.deprovision_requested = true; });
       }},
  };
}

// Runs the story, arming one crash at transaction `crash_at` (counted from
// the trigger) if given.
Ending run(const Story& story, std::optional<std::pair<std::uint64_t, CrashPoint>> crash) {
  FleetWorld world;
  story.setup(world);
  story.trigger(world);
  Ending ending;
  ending.first_transaction = world.store.transactions_begun();
  if (crash) world.store.crash_at(ending.first_transaction + crash->first, crash->second);
  EXPECT_TRUE(world.settle()) << story.name << "\n" << world.activity();
  ending.last_transaction = world.store.transactions_begun();
  ending.store = world.durable.snapshot();
  ending.effects = world.infra.effects();
  ending.crashed = world.crashes;
  return ending;
}

class ActionReentrancy : public ::testing::TestWithParam<Story> {};

TEST_P(ActionReentrancy, EndsAsIfNeverInterrupted) {
  const Story& story = GetParam();
  Ending clean = run(story, std::nullopt);
  const std::uint64_t transactions = clean.last_transaction - clean.first_transaction;
  ASSERT_GT(transactions, 0u);
  int crashed = 0;
  for (std::uint64_t k = 0; k < transactions; ++k) {
    for (CrashPoint point :
         {CrashPoint::kBeforeBegin, CrashPoint::kMidTransaction, CrashPoint::kAfterCommit}) {
      Ending interrupted = run(story, std::pair{k, point});
      std::vector<std::string> diff = interrupted.store.diff(clean.store);
      ASSERT_TRUE(diff.empty()) << story.name << ": crash at transaction " << k << " point "
                                << static_cast<int>(point) << ":\n"
                                << fmt::format("{}", fmt::join(diff, "\n"));
      ASSERT_EQ(interrupted.effects, clean.effects)
          << story.name << ": crash at transaction " << k << " point " << static_cast<int>(point);
      ASSERT_LE(interrupted.crashed, 1);
      crashed += interrupted.crashed;
    }
  }
  // Every transaction can die before it begins and at its first read; the
  // ones that commit can also die after.
  EXPECT_GE(crashed, static_cast<int>(2 * transactions)) << story.name;
  ::testing::Test::RecordProperty("crashes_explored", crashed);
}

TEST_P(ActionReentrancy, ASettledFleetStaysSettled) {
  const Story& story = GetParam();
  FleetWorld world;
  story.setup(world);
  story.trigger(world);
  ASSERT_TRUE(world.settle());
  core::StoreSnapshot settled = world.durable.snapshot();
  testing::FakeInfra::Effects effects = world.infra.effects();
  ASSERT_TRUE(world.settle());
  EXPECT_EQ(world.durable.snapshot(), settled);
  EXPECT_EQ(world.infra.effects(), effects);
}

INSTANTIATE_TEST_SUITE_P(EveryAction, ActionReentrancy, ::testing::ValuesIn(stories()),
                         [](const ::testing::TestParamInfo<Story>& story) {
                           return story.param.name;
                         });

}  // namespace
}  // namespace unwedge::postgres
