// The consensus store in the simulated fleet: a plane whose agents race for
// a lease in the store (compare-and-set with a time to live, then renewals)
// runs on three hosts beside a three-member store. Its asks are answered in
// a healthy fleet, fail after the client's timeout when cut off or when the
// store has lost its quorum, resume once healed; the store's faults do what
// they say; and the store is checked, not trusted: its whole history must be
// linearizable, and a store with a planted bug is caught.
#include <algorithm>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "reports/coverage_collector.hpp"
#include "seam/registry.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/simulation.hpp"
#include "sim/swarm.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {
namespace racer {
namespace {

using core::kMinute;
using core::kSecond;

constexpr std::string_view kLease = "/db1/leader";
constexpr core::TimeUs kLeaseTtlUs = 10 * kSecond;

// One finished ask, by its node's clock (the world's, unless a test skews it).
struct Finished {
  std::string node;
  core::KvKind kind = core::KvKind::kGet;
  core::TimeUs asked_us = 0;
  core::TimeUs done_us = 0;
  core::KvAnswer answer;
};

struct RacerLog {
  core::TimeUs agent_interval_us = 2 * kSecond;
  std::vector<Finished> finished;
  std::vector<std::pair<core::TimeUs, std::string>> acquired;  // a node took the lease
  // Requests delivered to agents (Agent::request): node, kind, its clock.
  std::vector<std::tuple<std::string, std::string, core::TimeUs>> delivered;
  // The node whose agent's check() reports a violation; empty: none does.
  std::string violating;
};

RacerLog& racer_log() {
  static RacerLog instance;
  return instance;
}

// Creates db1-1..db1-3, then only watches.
class RacerProcess final : public seam::Process {
 public:
  explicit RacerProcess(const core::Environment& env) : env_(env) {}
  bool tick() override {
    for (int n = 1; n <= 3; ++n) {
      const std::string node = fmt::format("db1-{}", n);
      env_.infra.request({.verb = pgworld::kCreateHost,
                          .target = node,
                          .argument = "db1",
                          .idempotency_key = "create " + node});
    }
    return true;
  }
  const std::vector<core::ActionDef>& actions() const override { return actions_; }

 private:
  core::Environment env_;
  std::vector<core::ActionDef> actions_;
};

// Every pass: if its ask has come back, notes it and asks the next thing: a
// read of the lease every third ask, else a take of the lease when it holds
// none (created only if absent) or a renewal of the revision it holds.
class RacerAgent final : public seam::Agent {
 public:
  explicit RacerAgent(const seam::AgentContext& context)
      : node_(context.node), clock_(context.env.clock), store_(*context.coordination) {
    next();
  }

  seam::RequestOutcome request(std::string_view kind, core::TimeUs now_us) override {
    racer_log().delivered.emplace_back(node_, std::string(kind), now_us);
    return {.raised = true};
  }

  std::optional<seam::PlaneViolation> check() const override {
    if (racer_log().violating != node_) return std::nullopt;
    return seam::PlaneViolation{.entity = node_, .message = node_ + " judged itself wrong"};
  }

  void tick() override {
    const core::KvAnswer answer = store_.ask(fmt::format("{}-{}", node_, asks_), request_);
    if (answer.state == core::KvState::kPending) return;
    const core::TimeUs now_us = clock_.now_us();
    racer_log().finished.push_back({.node = node_,
                                    .kind = request_.kind,
                                    .asked_us = asked_us_,
                                    .done_us = now_us,
                                    .answer = answer});
    if (request_.kind == core::KvKind::kCompareAndSet && answer.state == core::KvState::kAnswered) {
      if (answer.succeeded && held_ == 0) racer_log().acquired.emplace_back(now_us, node_);
      held_ = answer.succeeded ? answer.revision : 0;
    }
    ++asks_;
    next();
    store_.ask(fmt::format("{}-{}", node_, asks_), request_);
  }

 private:
  void next() {
    asked_us_ = clock_.now_us();
    if (asks_ % 3 == 2) {
      request_ = {.kind = core::KvKind::kGet, .key = std::string(kLease)};
      return;
    }
    request_ = {.kind = core::KvKind::kCompareAndSet,
                .key = std::string(kLease),
                .value = node_,
                .expected_revision = held_,
                .ttl_us = kLeaseTtlUs};
  }

  std::string node_;
  const core::Clock& clock_;
  core::Coordination& store_;
  core::KvRequest request_;
  core::TimeUs asked_us_ = 0;
  std::uint64_t asks_ = 0;
  std::uint64_t held_ = 0;  // the lease's revision while it holds it
};

class RacerPlane final : public seam::ControlPlane {
 public:
  const core::ControlPlaneModel& model() const override {
    static const core::ControlPlaneModel model{.name = "racer"};
    return model;
  }
  seam::FleetConfiguration fleet() const override { return {.coordination_members = 3}; }
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override {
    return std::make_unique<RacerProcess>(env);
  }
  core::TimeUs agent_interval_us() const override { return racer_log().agent_interval_us; }
  std::unique_ptr<seam::Agent> start_agent(const seam::AgentContext& context) const override {
    EXPECT_NE(context.coordination, nullptr) << "a plane that asks for a store gets a client";
    return std::make_unique<RacerAgent>(context);
  }
  void order_service(core::Transaction&, const seam::ServiceOrder&, core::TimeUs) const override {}
  std::string role_of(core::Transaction&, std::string_view) const override { return ""; }
  std::vector<std::string> members(core::Transaction&, std::string_view,
                                   std::string_view) const override {
    return {};
  }
  seam::RequestOutcome request(core::Transaction&, std::string_view, std::string_view,
                               core::TimeUs) override {
    return {};
  }
  void committed_states(core::Transaction&, const StateSeen&) const override {}
  std::optional<std::string> new_writer(const core::TransitionEvent&) const override {
    return std::nullopt;
  }
  std::vector<seam::ServiceView> services(core::Transaction&) const override { return {}; }
  std::optional<seam::PlaneViolation> end_check(core::Transaction&, core::TimeUs) const override {
    return std::nullopt;
  }
};

UNWEDGE_REGISTER_CONTROL_PLANE((seam::PlaneInfo{
    .name = "racer",
    .summary = "agents racing for a lease in the consensus store",
    .model = []() -> const core::ControlPlaneModel& { return RacerPlane().model(); },
    .settings = [] { return std::vector<seam::SettingInfo>{}; },
    .create = [](const seam::SettingsText&) -> core::Result<std::unique_ptr<seam::ControlPlane>> {
      return std::unique_ptr<seam::ControlPlane>(std::make_unique<RacerPlane>());
    },
    .requests = {},
    // The swarm aims at these roles; the racer gives none, so they name nobody.
    .roles = {"standby", "follower"},
    .own_requests = {{.name = "poke",
                      .aim = seam::RequestInfo::Aim::kServer,
                      .summary = "a request the named node's agent takes",
                      .to_agent = true}}}));

SimConfig racer_config(std::uint64_t seed = 5) {
  racer_log() = RacerLog{};
  return SimConfig{
      .seed = seed, .services = {{.id = "db1", .standbys = 0}}, .control_plane = "racer"};
}

struct Tally {
  std::size_t answered = 0;
  std::size_t failed = 0;
};

// The asks of `node` (every node: empty) that finished in [from, until).
Tally tally(std::string_view node, core::TimeUs from_us, core::TimeUs until_us) {
  Tally t;
  for (const Finished& f : racer_log().finished) {
    if ((!node.empty() && f.node != node) || f.done_us < from_us || f.done_us >= until_us) continue;
    (f.answer.state == core::KvState::kAnswered ? t.answered : t.failed)++;
  }
  return t;
}

const std::vector<std::string> kNodes = {"db1-1", "db1-2", "db1-3"};

TEST(Coordination, EveryAgentsAskIsAnsweredInAHealthyFleet) {
  Simulation sim(racer_config());
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  ASSERT_NE(sim.coordination(), nullptr);
  EXPECT_EQ(sim.coordination()->size(), 3u);
  EXPECT_TRUE(sim.coordination()->leader().has_value());
  for (const std::string& node : kNodes) {
    const Tally t = tally(node, 0, 10 * kMinute);
    EXPECT_GE(t.answered, 200u) << node;
    EXPECT_EQ(t.failed, 0u) << node;
  }
  // One agent took the lease and kept it by renewing.
  ASSERT_EQ(racer_log().acquired.size(), 1u);
  EXPECT_TRUE(sim.check_end_state()) << sim.finding()->what;
  EXPECT_GE(sim.summary().store_operations, 600u);
  EXPECT_GE(sim.trace().count(TraceKind::kCoordination), 1200u) << "every ask and answer traced";
}

TEST(Coordination, AnAgentCutFromTheStoreFailsAfterTheTimeoutWhileTheOthersProceed) {
  Simulation sim(racer_config());
  sim.schedule_fault(5 * kMinute, {.kind = FaultKind::kPartitionPartial,
                                   .targets = {"db1-2"},
                                   .others = {"stores"},
                                   .duration_us = 3 * kMinute});
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  const Tally cut = tally("db1-2", 5 * kMinute + kSecond, 8 * kMinute);
  EXPECT_EQ(cut.answered, 0u);
  EXPECT_GE(cut.failed, 20u);
  for (const Finished& f : racer_log().finished) {
    if (f.node != "db1-2" || f.answer.state != core::KvState::kFailed) continue;
    EXPECT_GE(f.done_us - f.asked_us, 5 * kSecond) << "given up only after the client's timeout";
    EXPECT_NE(f.answer.detail.find("no answer within 5000 ms"), std::string::npos)
        << f.answer.detail;
  }
  for (std::string_view node : {"db1-1", "db1-3"}) {
    const Tally others = tally(node, 5 * kMinute, 8 * kMinute);
    EXPECT_GE(others.answered, 60u) << node;
    EXPECT_EQ(others.failed, 0u) << node;
  }
  EXPECT_GE(tally("db1-2", 8 * kMinute + 10 * kSecond, 10 * kMinute).answered, 40u)
      << "healed, its asks are answered again";
  EXPECT_TRUE(sim.check_end_state());
}

TEST(Coordination, LosingTheQuorumStopsAnswersAndHealingRestoresThem) {
  Simulation sim(racer_config());
  sim.schedule_fault(5 * kMinute,
                     {.kind = FaultKind::kStoreQuorumLoss, .duration_us = 2 * kMinute});
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  const Tally lost = tally("", 5 * kMinute + kSecond, 7 * kMinute);
  EXPECT_EQ(lost.answered, 0u);
  EXPECT_GE(lost.failed, 30u);
  // The members boot within 15 s of the heal and elect a leader within seconds.
  for (const std::string& node : kNodes) {
    const Tally back = tally(node, 7 * kMinute + 30 * kSecond, 10 * kMinute);
    EXPECT_GE(back.answered, 50u) << node;
    EXPECT_EQ(back.failed, 0u) << node;
  }
  EXPECT_TRUE(sim.check_end_state());
}

TEST(Coordination, AStoreLeaderChangeMovesLeadership) {
  Simulation sim(racer_config());
  ASSERT_TRUE(sim.run_until(2 * kMinute));
  const std::optional<std::uint32_t> before = sim.coordination()->leader();
  ASSERT_TRUE(before.has_value());
  const consensus::Term term = sim.coordination()->member(*before).term();
  EXPECT_NE(sim.start_fault({.kind = FaultKind::kStoreLeaderChange, .targets = {"store:leader"}}),
            0u);
  ASSERT_TRUE(sim.run_until(2 * kMinute + 10 * kSecond));
  const std::optional<std::uint32_t> after = sim.coordination()->leader();
  ASSERT_TRUE(after.has_value());
  EXPECT_NE(*after, *before);
  EXPECT_GT(sim.coordination()->member(*after).term(), term);
  // A member that does not lead has no leadership to hand on: nothing starts.
  const std::string follower = sim.coordination()->name((*after + 1) % 3);
  EXPECT_EQ(sim.start_fault({.kind = FaultKind::kStoreLeaderChange, .targets = {follower}}), 0u);
  ASSERT_TRUE(sim.run_until(5 * kMinute));
  EXPECT_EQ(tally("", 2 * kMinute, 5 * kMinute).failed, 0u) << "the change cost no ask";
}

TEST(Coordination, AStoreHostCrashLosesItsMemberAndItsBootBringsItBack) {
  Simulation sim(racer_config());
  ASSERT_TRUE(sim.run_until(2 * kMinute));
  const std::uint32_t leader = *sim.coordination()->leader();
  const std::string name = sim.coordination()->name(leader);
  ASSERT_NE(
      sim.start_fault({.kind = FaultKind::kHostCrash, .targets = {name}, .duration_us = kMinute}),
      0u);
  EXPECT_FALSE(sim.coordination()->member(leader).up());
  ASSERT_TRUE(sim.run_until(2 * kMinute + 10 * kSecond));
  ASSERT_TRUE(sim.coordination()->leader().has_value());
  EXPECT_NE(*sim.coordination()->leader(), leader) << "the others elected another";
  ASSERT_TRUE(sim.run_until(4 * kMinute));
  EXPECT_TRUE(sim.coordination()->member(leader).up());
  EXPECT_TRUE(sim.check_end_state());
}

TEST(Coordination, AWholeRunUnderStoreAndHostFaultsIsLinearizable) {
  SimConfig config = racer_config(11);
  reports::CoverageCollector coverage(RacerPlane().model());
  config.observer = &coverage;
  config.faults.mean_gap_us = kMinute;
  config.faults.kinds = {FaultKind::kStoreLeaderChange, FaultKind::kStoreSlowCommit,
                         FaultKind::kStoreQuorumLoss,   FaultKind::kHostCrash,
                         FaultKind::kPartitionPartial,  FaultKind::kPartitionComplete,
                         FaultKind::kClockJump,         FaultKind::kClockDrift};
  Simulation sim(config);
  const RunSummary run = sim.run(30 * kMinute, 5 * kMinute);
  ASSERT_FALSE(run.finding.has_value()) << run.finding->what;
  EXPECT_GE(run.store_operations, 1000u);
  EXPECT_EQ(run.store_keys_unchecked, 0u);
  std::set<FaultKind> drawn;
  for (const ScheduledFault& f : sim.drawn_faults())
    drawn.insert(f.spec.kind);
  EXPECT_TRUE(drawn.contains(FaultKind::kStoreQuorumLoss) ||
              drawn.contains(FaultKind::kStoreSlowCommit) ||
              drawn.contains(FaultKind::kStoreLeaderChange));
  EXPECT_GE(tally("", 0, 35 * kMinute).failed, 1u) << "the faults cost some asks";
  // The store's kinds are counted in the fault coverage like every other kind.
  for (const reports::NamedCount& fault : coverage.coverage().faults) {
    const std::optional<FaultKind> kind = find_fault_kind(fault.name);
    ASSERT_TRUE(kind.has_value()) << fault.name;
    const auto started = static_cast<std::uint64_t>(
        std::count_if(sim.drawn_faults().begin(), sim.drawn_faults().end(),
                      [&](const ScheduledFault& f) { return f.spec.kind == *kind; }));
    EXPECT_EQ(fault.count, started) << fault.name;
  }
}

TEST(Coordination, AStoreThatReadsFromLocalStateIsCaughtAsNotLinearizable) {
  SimConfig config = racer_config(7);
  config.store.unsafe_local_reads = true;
  // Agents that ask again soon after an answer read right after their own writes.
  racer_log().agent_interval_us = 250 * core::kMillisecond;
  Simulation sim(config);
  // Slow commits leave followers behind the leader, so their local reads go stale.
  sim.schedule_fault(kMinute, {.kind = FaultKind::kStoreSlowCommit,
                               .targets = {"stores"},
                               .duration_us = 30 * kMinute,
                               .amount = 300 * core::kMillisecond});
  const RunSummary run = sim.run(4 * kMinute, kMinute);
  ASSERT_TRUE(run.finding.has_value());
  EXPECT_EQ(run.finding->invariant, Invariant::kStoreLinearizable) << run.finding->what;
  EXPECT_EQ(run.finding->entity, "store");
  EXPECT_NE(run.finding->what.find(kLease), std::string::npos) << run.finding->what;
}

TEST(Coordination, TheSameRunWithASoundStorePasses) {
  SimConfig sound = racer_config(7);
  racer_log().agent_interval_us = 250 * core::kMillisecond;
  Simulation again(sound);
  again.schedule_fault(kMinute, {.kind = FaultKind::kStoreSlowCommit,
                                 .targets = {"stores"},
                                 .duration_us = 30 * kMinute,
                                 .amount = 300 * core::kMillisecond});
  const RunSummary passed = again.run(4 * kMinute, kMinute);
  EXPECT_FALSE(passed.finding.has_value()) << passed.finding->what;
}

TEST(Coordination, AKeyTooLargeToCheckIsCountedNotPassedNorFailed) {
  SimConfig config = racer_config();
  config.store.check_operations_per_key_max = 100;
  Simulation sim(config);
  const RunSummary run = sim.run(10 * kMinute, kMinute);
  EXPECT_FALSE(run.finding.has_value()) << run.finding->what;
  EXPECT_EQ(run.store_keys_unchecked, 1u);
  EXPECT_GE(run.store_operations, 100u);
}

TEST(Coordination, TheSameSeedGivesTheSameDigestWithAStore) {
  const auto digest = [](std::uint64_t seed) {
    SimConfig config = racer_config(seed);
    config.faults.mean_gap_us = 2 * kMinute;
    Simulation sim(config);
    return sim.run(20 * kMinute, 5 * kMinute).digest;
  };
  EXPECT_EQ(digest(3), digest(3));
  EXPECT_NE(digest(3), digest(4));
}

TEST(Coordination, TheStoresFaultsAndTargetsRoundTripThroughAScenarioFile) {
  Scenario s;
  s.name = "store-faults";
  s.description = "the store's faults";
  s.config = racer_config();
  s.duration_us = kMinute * 30;
  s.faults = {
      {.at_us = kMinute,
       .spec = {.kind = FaultKind::kStoreLeaderChange, .targets = {"store:leader"}}},
      {.at_us = 2 * kMinute,
       .spec = {.kind = FaultKind::kStoreSlowCommit,
                .targets = {"stores"},
                .duration_us = kMinute,
                .amount = 500 * core::kMillisecond}},
      {.at_us = 3 * kMinute, .spec = {.kind = FaultKind::kStoreQuorumLoss, .duration_us = kMinute}},
      {.at_us = 4 * kMinute,
       .spec = {.kind = FaultKind::kHostCrash, .targets = {"store-3"}, .duration_us = kMinute}},
      {.at_us = 5 * kMinute,
       .spec = {.kind = FaultKind::kPartitionOneWay,
                .targets = {"db1-1"},
                .others = {"store:leader"},
                .duration_us = kMinute}},
      {.at_us = 6 * kMinute,
       .spec = {.kind = FaultKind::kClockJump,
                .targets = {"store-2"},
                .duration_us = kMinute,
                .amount = -30 * kSecond}},
  };
  const std::string yaml = to_yaml(s);
  core::Result<Scenario> read = parse_scenario(yaml, "again.yaml");
  ASSERT_TRUE(read.ok()) << read.error().message << "\n" << yaml;
  Scenario expected = s;
  expected.source = "again.yaml";
  EXPECT_EQ(*read, expected) << yaml;
  ScenarioOutcome outcome = run_scenario(*read);
  EXPECT_FALSE(outcome.run.finding.has_value()) << outcome.run.finding->what;
}

std::string error_of(const std::string& yaml) {
  core::Result<Scenario> parsed = parse_scenario(yaml, "x.yaml");
  return parsed ? std::string("(parsed)") : parsed.error().message;
}

std::string one_fault(std::string_view plane, std::string_view entry) {
  return fmt::format(
      "name: one\ndescription: one fault\nduration: 1h\ncontrol_plane: {}\nfleet:\n  services:\n"
      "    - {{id: db1, standbys: 0}}\ntimeline:\n  - at: 10m\n{}",
      plane, entry);
}

TEST(Coordination, TheReaderRefusesStoreTargetsAndKindsWhereThereIsNoStore) {
  EXPECT_NE(error_of(one_fault("postgres", "    fault: store_quorum_loss\n    duration: 1m\n"))
                .find("store_quorum_loss strikes the consensus store; control plane postgres "
                      "runs none"),
            std::string::npos);
  EXPECT_NE(error_of(one_fault("postgres",
                               "    fault: host_crash\n    targets: [stores]\n    duration: 1m\n"))
                .find("\"stores\" names the consensus store's members; control plane postgres "
                      "runs no store"),
            std::string::npos);
  EXPECT_NE(error_of(one_fault("racer",
                               "    fault: host_crash\n    targets: [store-4]\n    duration: 1m\n"))
                .find("no store member \"store-4\": the store has 3 members"),
            std::string::npos);
  EXPECT_NE(error_of(one_fault("racer",
                               "    fault: store_quorum_loss\n    targets: [store-1]\n"
                               "    duration: 1m\n"))
                .find("takes no targets"),
            std::string::npos);
  EXPECT_NE(error_of(one_fault("racer",
                               "    fault: database_crash\n    targets: [store-1]\n"
                               "    duration: 1m\n"))
                .find("\"store-1\" is a member of the consensus store; database_crash takes"),
            std::string::npos);
  EXPECT_EQ(error_of(one_fault("racer",
                               "    fault: clock_drift\n    targets: [store:leader]\n"
                               "    duration: 1m\n    amount: 20000\n")),
            "(parsed)");
}

// The swarm, the fuzz encoding and the nemesis draw the store's kinds for a
// plane with a store, and scenarios that read back equal.
TEST(Coordination, TheSwarmAndTheFuzzEncodingDrawTheStoresKindsForAPlaneWithAStore) {
  std::set<FaultKind> seen;
  ASSERT_TRUE(seam::set_default_plane("racer"));
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const Scenario s = swarm_scenario(seed);
    for (const ScheduledFault& f : s.faults)
      seen.insert(f.spec.kind);
    core::Result<Scenario> again = parse_scenario(to_yaml(s), "again.yaml");
    ASSERT_TRUE(again.ok()) << again.error().message;
  }
  ASSERT_TRUE(seam::set_default_plane("postgres"));
  for (std::uint64_t n = 1; n <= 200; ++n) {
    core::Result<Scenario> s = scenario_from_bytes(random_scenario_bytes(n), "input", "racer");
    ASSERT_TRUE(s.ok()) << s.error().message;
    for (const ScheduledFault& f : s->faults)
      seen.insert(f.spec.kind);
    core::Result<Scenario> again = parse_scenario(to_yaml(*s), "again.yaml");
    ASSERT_TRUE(again.ok()) << again.error().message << "\n" << to_yaml(*s);
  }
  for (FaultKind kind :
       {FaultKind::kStoreLeaderChange, FaultKind::kStoreSlowCommit, FaultKind::kStoreQuorumLoss}) {
    EXPECT_TRUE(seen.contains(kind)) << info(kind).name;
  }
}

// A request declared to_agent goes to the named node's agent, on its own
// clock, never to the plane's process; a node whose host is down does not
// answer.
TEST(AgentRequests, ARequestForANodesAgentReachesThatAgentOnlyWhileItRuns) {
  Simulation sim(racer_config());
  sim.schedule_operator(5 * kMinute,
                        {.kind = OperatorKind::kPlaneOwn, .target = "db1-2", .name = "poke"});
  sim.schedule_fault(
      8 * kMinute,
      {.kind = FaultKind::kHostCrash, .targets = {"db1-3"}, .duration_us = 5 * kMinute});
  sim.schedule_operator(10 * kMinute,
                        {.kind = OperatorKind::kPlaneOwn, .target = "db1-3", .name = "poke"});
  ASSERT_TRUE(sim.run_until(20 * kMinute));
  ASSERT_EQ(racer_log().delivered.size(), 1u);
  const auto& [node, kind, at_us] = racer_log().delivered.front();
  EXPECT_EQ(node, "db1-2");
  EXPECT_EQ(kind, "poke");
  EXPECT_GE(at_us, 5 * kMinute - kMinute);
  EXPECT_LE(at_us, 5 * kMinute + kMinute);
}

// An agent's own check() is judged after its passes: a violation is a
// finding of plane_invariant, naming the agent's node.
TEST(AgentRequests, AnAgentsOwnCheckIsAFinding) {
  SimConfig config = racer_config();
  racer_log().violating = "db1-3";
  Simulation sim(config);
  const RunSummary run = sim.run(10 * kMinute, 5 * kMinute);
  racer_log().violating.clear();
  ASSERT_TRUE(run.finding.has_value());
  EXPECT_EQ(run.finding->invariant, Invariant::kPlaneInvariant);
  EXPECT_NE(run.finding->what.find("db1-3 judged itself wrong"), std::string::npos)
      << run.finding->what;
}

}  // namespace
}  // namespace racer
}  // namespace unwedge::sim
