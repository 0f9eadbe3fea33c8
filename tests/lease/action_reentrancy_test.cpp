// Every keeper action, interrupted at every step (a fresh agent's scheduler
// carries it on, as after a crash of the host) and crashed right after
// every consensus-store write and every local command it makes (the step
// dies before it commits, and runs again), ends with the same keeper, the
// same store contents and the same database as when it ran uninterrupted.
#include <functional>

#include <gtest/gtest.h>

#include "core/scheduler.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/keeper_actions.hpp"
#include "planes/lease/lease_keys.hpp"
#include "planes/lease/machines.hpp"
#include "tests/lease/fake_coordination.hpp"
#include "tests/lease/fake_fleet.hpp"

namespace unwedge::lease::testing {
namespace {

constexpr const char* kNode = "db1-2";

struct Bench {
  Bench() : node(fleet, kNode, 100 * core::kSecond), store(node.clock) {}
  FakeFleet fleet;
  FakeNode node;
  FakeCoordination store;

  void put_keeper(std::string_view state, std::function<void(Keeper&)> change = {}) {
    Keeper k{.id = kNode, .service = "db1", .state = {.id = *keeper_machine().find_state(state)}};
    if (change) change(k);
    std::unique_ptr<core::Transaction> txn = node.store.begin();
    txn->put(k);
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT(committed.ok());
  }
  std::uint64_t put_key(const std::string& key, const std::string& value, core::TimeUs ttl_us) {
    core::KvAnswer a = store.ask(
        "setup" + key, {.kind = core::KvKind::kPut, .key = key, .value = value, .ttl_us = ttl_us});
    UNWEDGE_ASSERT(a.holds());
    return a.revision;
  }
};

struct Outcome {
  std::optional<Keeper> keeper;
  std::map<std::string, FakeCoordination::Entry, std::less<>> keys;
  FakeDb db;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

struct Case {
  std::string action;
  std::function<void(Bench&)> setup;
};

// Drives `action` to its end. `fresh_each_step`: a new scheduler (a new
// agent) for every step.
Outcome run(const Case& c, bool fresh_each_step, std::uint32_t crash_store_write,
            std::uint32_t crash_command) {
  Bench b;
  c.setup(b);
  b.store.throw_after_apply = crash_store_write == 0 ? 0 : b.store.applied() + crash_store_write;
  b.node.local.throw_after_command = crash_command;
  const std::vector<core::ActionDef> actions = keeper_actions(Settings{}, &b.store);
  {
    core::Scheduler scheduler(b.node.env, actions);
    core::Result<bool> offered = scheduler.offer(Keeper::kKind, kNode, c.action);
    UNWEDGE_ASSERT(offered.ok() && *offered);
  }
  for (int drive = 0; drive < 200; ++drive) {
    {
      std::unique_ptr<core::Transaction> txn = b.node.store.begin();
      core::Scheduler probe(b.node.env, actions);
      if (!probe.busy(*txn, Keeper::kKind, kNode)) break;
    }
    core::Scheduler scheduler(b.node.env, actions, fresh_each_step ? 1 : 8);
    scheduler.drive_all();
  }
  Outcome out{.keeper = b.node.store.begin()->get<Keeper>(kNode),
              .keys = b.store.keys(),
              .db = b.fleet.dbs.at(kNode)};
  return out;
}

std::vector<Case> cases() {
  const Settings s;
  return {
      {"Acquire", [](Bench& b) { b.put_keeper("replica"); }},
      {"Promote",
       [s](Bench& b) {
         const std::uint64_t r = b.put_key(lease_key("db1"), kNode, s.ttl_us);
         b.put_key(optime_key("db1"), "2 0 db1-1 final", 0);
         b.fleet.dbs.at(kNode).fenced = true;
         b.put_keeper("acquiring", [&](Keeper& k) {
           k.lease_revision = r;
           k.lease_sent_us = b.node.clock.now_us();
         });
       }},
      {"Renew",
       [s](Bench& b) {
         const std::uint64_t r = b.put_key(lease_key("db1"), kNode, s.ttl_us);
         const std::uint64_t o = b.put_key(optime_key("db1"), "2 0 db1-2", 0);
         b.put_keeper("leader", [&](Keeper& k) {
           k.lease_revision = r;
           k.lease_sent_us = b.node.clock.now_us() - s.loop_wait_us;
           k.optime_revision = o;
           k.timeline = 2;
         });
       }},
      {"Demote",
       [s](Bench& b) {
         const std::uint64_t o = b.put_key(optime_key("db1"), "2 0 db1-2", 0);
         b.put_keeper("leader", [&](Keeper& k) {
           k.lease_revision = 7;
           k.lease_sent_us = b.node.clock.now_us() - s.ttl_us;
           k.optime_revision = o;
         });
       }},
      {"StepDown",
       [s](Bench& b) {
         const std::uint64_t r = b.put_key(lease_key("db1"), kNode, s.ttl_us);
         const std::uint64_t o = b.put_key(optime_key("db1"), "2 0 db1-2", 0);
         b.put_keeper("leader", [&](Keeper& k) {
           k.lease_revision = r;
           k.lease_sent_us = b.node.clock.now_us();
           k.optime_revision = o;
           k.restart_asked = true;
         });
       }},
      {"Rejoin",
       [s](Bench& b) {
         b.fleet.dbs["db1-1"] = FakeDb{.term = 2, .lsn = 5};
         b.put_key(lease_key("db1"), "db1-1", s.ttl_us);
         b.put_keeper("replica");
       }},
      {"Release",
       [s](Bench& b) {
         const std::uint64_t r = b.put_key(lease_key("db1"), kNode, s.ttl_us);
         b.put_keeper("acquiring", [&](Keeper& k) {
           k.lease_revision = r;
           k.lease_sent_us = b.node.clock.now_us();
         });
       }},
  };
}

class KeeperActionReentrancy : public ::testing::TestWithParam<Case> {};

TEST_P(KeeperActionReentrancy, InterruptedAtEveryStepEndsTheSame) {
  const Outcome whole = run(GetParam(), false, 0, 0);
  ASSERT_TRUE(whole.keeper.has_value());
  EXPECT_EQ(run(GetParam(), true, 0, 0), whole);
}

TEST_P(KeeperActionReentrancy, CrashedAfterEveryEffectEndsTheSame) {
  const Outcome whole = run(GetParam(), false, 0, 0);
  // Bounded: no keeper action makes more than a handful of effects.
  for (std::uint32_t n = 1; n <= 6; ++n) {
    EXPECT_EQ(run(GetParam(), false, n, 0), whole) << "crash after store write " << n;
    EXPECT_EQ(run(GetParam(), true, 0, n), whole) << "crash after local command " << n;
  }
}

TEST_P(KeeperActionReentrancy, RunTwiceChangesNothingMore) {
  const Outcome whole = run(GetParam(), false, 0, 0);
  Case twice = GetParam();
  const auto setup = twice.setup;
  const std::string action = twice.action;
  twice.setup = [setup, action](Bench& b) {
    setup(b);
    const std::vector<core::ActionDef> actions = keeper_actions(Settings{}, &b.store);
    core::Scheduler scheduler(b.node.env, actions);
    const core::Result<bool> offered = scheduler.offer(Keeper::kKind, kNode, action);
    UNWEDGE_ASSERT(offered.ok());
    for (int i = 0; i < 50; ++i)
      scheduler.drive_all();
  };
  const Outcome again = run(twice, false, 0, 0);
  EXPECT_EQ(again.db, whole.db);
  EXPECT_EQ(again.keeper->state, whole.keeper->state);
}

INSTANTIATE_TEST_SUITE_P(EveryAction, KeeperActionReentrancy, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& c) { return c.param.action; });

}  // namespace
}  // namespace unwedge::lease::testing
