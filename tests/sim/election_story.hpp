// A stand-in control plane for tests of crash exploration itself: a small
// loop over TestService that runs one action, Elect, with one deliberately
// broken variant per bug, and the one story that sets it off. Its entities
// carry JSON codecs (Story::entities), so the same story runs over a
// database store too.
//
//   StoryReport report = explore_story(election(Bug::kUncheckedCount), {.store = "sqlite"});
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/entity_codec.hpp"
#include "core/scheduler.hpp"
#include "sim/crash_exploration.hpp"
#include "tests/support/entities.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::testing {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TestService, id, leader, generation)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TestServer, id, service, lsn, fenced)

}  // namespace unwedge::testing

namespace unwedge::sim::election_story {

using core::StepContext;
using core::StepResult;
using testing::TestServer;
using testing::TestService;

enum class Bug : std::uint8_t {
  kNone,
  kSideTransaction,    // counts the election in a transaction of its own
  kUncheckedCount,     // counts the election again on every run of the step
  kAssertsLeaderless,  // asserts that the service has no leader yet
};

// Elect: promote the service's first server and make it the leader; the
// service's generation counts elections.
inline core::ActionDef elect(Bug bug, core::Store& store) {
  auto count = [bug, &store](StepContext& ctx) {
    if (bug != Bug::kSideTransaction) return StepResult::next();
    std::unique_ptr<core::Transaction> side = store.begin();
    std::optional<TestService> service = side->get<TestService>(ctx.subject());
    service->generation++;
    side->put(*service);
    const core::Status committed = side->commit();
    UNWEDGE_ASSERT(committed.ok());
    return StepResult::next();
  };
  auto promote = [bug](StepContext& ctx) {
    std::optional<TestService> service = ctx.txn().get<TestService>(ctx.subject());
    if (bug == Bug::kAssertsLeaderless) UNWEDGE_ASSERT_EQ(service->leader, "");
    std::string chosen;
    for (const std::string& id : ctx.txn().ids(TestServer::kKind)) {
      if (ctx.txn().get<TestServer>(id)->service == service->id) chosen = id;
    }
    core::Operation op = ctx.call(pgworld::kPromote, chosen);
    if (!op.done()) return StepResult::wait("promoting " + chosen);
    if (bug != Bug::kUncheckedCount && service->leader == chosen) return StepResult::next();
    service->leader = chosen;
    if (bug != Bug::kSideTransaction) service->generation++;
    ctx.txn().put(*service);
    return StepResult::next();
  };
  return core::ActionDef{.name = "Elect", .steps = {{"count", count}, {"promote", promote}}};
}

// Starts Elect on every leaderless service that has a server.
class ElectionLoop final : public seam::Process {
 public:
  ElectionLoop(const core::Environment& env, Bug bug)
      : env_(env), actions_{elect(bug, env.store)}, scheduler_(env, actions_) {}

  bool tick() override {
    std::uint32_t started = 0;
    for (const std::string& id : env_.store.begin()->ids(TestService::kKind)) {
      if (!leaderless_with_server(id)) continue;
      core::Result<bool> offered = scheduler_.offer(TestService::kKind, id, "Elect");
      if (offered.ok() && *offered) started++;
    }
    return started == 0 && scheduler_.drive_all().driven == 0;
  }
  const std::vector<core::ActionDef>& actions() const override { return actions_; }

 private:
  bool leaderless_with_server(const std::string& id) {
    std::unique_ptr<core::Transaction> txn = env_.store.begin();
    std::optional<TestService> service = txn->get<TestService>(id);
    if (!service || !service->leader.empty()) return false;
    if (scheduler_.busy(*txn, TestService::kKind, id)) return false;
    for (const std::string& server : txn->ids(TestServer::kKind)) {
      if (txn->get<TestServer>(server)->service == id) return true;
    }
    return false;
  }

  core::Environment env_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;
};

inline Story election(Bug bug) {
  return Story{
      .name = "Election",
      .setup =
          [bug](FleetWorld& w) {
            w.process_factory = [bug](const core::Environment& env) {
              return std::make_unique<ElectionLoop>(env, bug);
            };
            auto txn = w.durable.begin();
            txn->put(TestService{.id = "svc"});
            const core::Status committed = txn->commit();
            UNWEDGE_ASSERT(committed.ok());
          },
      .trigger =
          [](FleetWorld& w) {
            auto txn = w.durable.begin();
            txn->put(TestServer{.id = "svc-a", .service = "svc"});
            const core::Status committed = txn->commit();
            UNWEDGE_ASSERT(committed.ok());
          },
      .entities =
          [](core::EntityCodecs& codecs) {
            codecs.add<TestService>();
            codecs.add<TestServer>();
          },
  };
}

}  // namespace unwedge::sim::election_story
