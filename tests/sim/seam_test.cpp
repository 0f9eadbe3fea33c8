// The seam from the simulator's side: a plane that is not the reference one
// runs in the simulated fleet, is told what changed, and is run again when it
// asks to be.
#include <set>

#include <gtest/gtest.h>

#include "seam/registry.hpp"
#include "sim/scenario_from_bytes.hpp"
#include "sim/scenario_yaml.hpp"
#include "sim/simulation.hpp"
#include "sim/swarm.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;

// What the probe's processes saw, for the tests to read.
struct Seen {
  std::vector<std::vector<std::string>> changes;  // each inputs_changed() call
  std::vector<core::TimeUs> passes_us;            // by the plane's clock
  bool wants_changes = true;
  core::TimeUs due_after_us = 0;  // asks for a pass this long after its first; 0: never
  // Per-node agents: how often they run (0: none), each one started, each pass.
  core::TimeUs agent_interval_us = 0;
  std::vector<std::string> agents_started;  // node of each agent started
  struct AgentPass {
    std::string node;
    int agent = 0;  // index into agents_started
    core::TimeUs local_us = 0;
  };
  std::vector<AgentPass> agent_passes;
  std::vector<core::Operation> first_commands;  // the first agent's commands, in order
  // The plane's own invariant breaks from this instant on (by the world's
  // time); -1: never. Its checks, each with the time it ran.
  core::TimeUs broken_from_us = -1;
  std::vector<core::TimeUs> checks_us;
  std::vector<std::string> requests;  // "kind target", as raised on the plane
  // Per agent pass: the passes its node's Store had counted before it, and
  // whether its database's local reading says it takes writes (-1: no reading).
  std::vector<int> stored_passes;
  std::vector<int> local_writable;
};

// What an agent keeps in its node's Store: its passes, over every agent the node has had.
struct PassCount {
  static constexpr std::string_view kKind = "probe-passes";
  std::string id;
  int passes = 0;
  friend bool operator==(const PassCount&, const PassCount&) = default;
};
Seen& seen() {
  static Seen instance;
  return instance;
}

// Creates one host for its one service, then only watches.
class ProbeProcess final : public seam::Process {
 public:
  explicit ProbeProcess(const core::Environment& env) : env_(env) {}

  bool tick() override {
    seen().passes_us.push_back(env_.clock.now_us());
    if (first_us_ < 0) first_us_ = env_.clock.now_us();
    env_.infra.request({.verb = pgworld::kCreateHost,
                        .target = "db1-1",
                        .argument = "db1",
                        .idempotency_key = "create db1-1"});
    return true;
  }
  const std::vector<core::ActionDef>& actions() const override { return actions_; }
  bool wants_changes() const override { return seen().wants_changes; }
  void inputs_changed(const std::vector<std::string>& entities) override {
    seen().changes.push_back(entities);
  }
  std::optional<core::TimeUs> next_due_us() const override {
    if (seen().due_after_us == 0 || asked_) return std::nullopt;
    asked_ = true;
    return first_us_ + seen().due_after_us;
  }

 private:
  core::Environment env_;
  std::vector<core::ActionDef> actions_;
  core::TimeUs first_us_ = -1;
  mutable bool asked_ = false;
};

// On its first pass, fences its own node, then tries another node's and a
// fleet API verb; afterwards only records its passes.
class ProbeAgent final : public seam::Agent {
 public:
  explicit ProbeAgent(const seam::AgentContext& context)
      : node_(context.node),
        clock_(context.env.clock),
        local_(context.env.infra),
        store_(context.env.store),
        telemetry_(context.env.telemetry) {
    seen().agents_started.push_back(node_);
    id_ = static_cast<int>(seen().agents_started.size()) - 1;
  }
  void tick() override {
    seen().agent_passes.push_back({.node = node_, .agent = id_, .local_us = clock_.now_us()});
    std::unique_ptr<core::Transaction> txn = store_.begin();
    PassCount count = txn->get<PassCount>(node_).value_or(PassCount{.id = node_});
    seen().stored_passes.push_back(count.passes);
    count.passes++;
    txn->put(count);
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT(committed.ok());
    const std::vector<core::Checkin> reading = telemetry_.checkins(node_);
    seen().local_writable.push_back(reading.empty() ? -1 : reading.front().accepts_writes ? 1 : 0);
    if (id_ != 0 || passes_++ > 0) return;
    for (const core::InfraRequest& command :
         {core::InfraRequest{.verb = pgworld::kFence, .target = node_, .idempotency_key = "a"},
          core::InfraRequest{.verb = pgworld::kFence, .target = "db2-1", .idempotency_key = "b"},
          core::InfraRequest{
              .verb = pgworld::kCreateHost, .target = node_, .idempotency_key = "c"}}) {
      seen().first_commands.push_back(local_.request(command));
    }
  }

 private:
  std::string node_;
  const core::Clock& clock_;
  core::Infra& local_;
  core::Store& store_;
  const core::Telemetry& telemetry_;
  int id_ = 0;
  int passes_ = 0;
};

class ProbePlane : public seam::ControlPlane {
 public:
  const core::ControlPlaneModel& model() const override {
    static const core::ControlPlaneModel model{.name = "probe"};
    return model;
  }
  seam::FleetConfiguration fleet() const override { return {}; }
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override {
    return std::make_unique<ProbeProcess>(env);
  }
  core::TimeUs agent_interval_us() const override { return seen().agent_interval_us; }
  std::unique_ptr<seam::Agent> start_agent(const seam::AgentContext& context) const override {
    return std::make_unique<ProbeAgent>(context);
  }
  void order_service(core::Transaction&, const seam::ServiceOrder&, core::TimeUs) const override {}
  // Its one node watches; no other role is given.
  std::string role_of(core::Transaction&, std::string_view node) const override {
    return node == "db1-1" ? "watcher" : "";
  }
  std::vector<std::string> members(core::Transaction&, std::string_view,
                                   std::string_view) const override {
    return {};
  }
  seam::RequestOutcome request(core::Transaction&, std::string_view kind, std::string_view target,
                               core::TimeUs) override {
    seen().requests.push_back(fmt::format("{} {}", kind, target));
    return {.raised = true};
  }
  std::optional<seam::PlaneViolation> check(core::Transaction&,
                                            core::TimeUs now_us) const override {
    seen().checks_us.push_back(now_us);
    if (seen().broken_from_us < 0 || now_us < seen().broken_from_us) return std::nullopt;
    return seam::PlaneViolation{.entity = "db1", .message = "the probe's invariant broke"};
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
    .name = "probe",
    .summary = "a plane that records what the simulator tells it",
    .model = []() -> const core::ControlPlaneModel& { return ProbePlane().model(); },
    .settings = [] { return std::vector<seam::SettingInfo>{}; },
    .create = [](const seam::SettingsText&) -> core::Result<std::unique_ptr<seam::ControlPlane>> {
      return std::unique_ptr<seam::ControlPlane>(std::make_unique<ProbePlane>());
    },
    .requests = {"request_failover"},
    .roles = {"watcher"},
    .own_requests = {{.name = "restart", .summary = "restart the service's databases"},
                     {.name = "switchover",
                      .aim = seam::RequestInfo::Aim::kServer,
                      .summary = "hand leadership to this server"}}}));

SimConfig probe_config() {
  seen() = Seen{};
  return SimConfig{.seed = 3, .services = {{.id = "db1", .standbys = 0}}, .control_plane = "probe"};
}

// One service by id (asked on every client request) says what the list of
// all says, for the reference plane's own lookup and for a plane that leaves
// it to the seam's default. (The lease plane's: lease_test.)
void expect_one_service_as_listed(const seam::ControlPlane& plane, core::Transaction& txn) {
  const std::vector<seam::ServiceView> all = plane.services(txn);
  ASSERT_FALSE(all.empty());
  for (const seam::ServiceView& listed : all) {
    std::optional<seam::ServiceView> one = plane.service(txn, listed.id);
    ASSERT_TRUE(one.has_value()) << listed.id;
    EXPECT_EQ(one->id, listed.id);
    EXPECT_EQ(one->state, listed.state) << listed.id;
    EXPECT_EQ(one->ending, listed.ending) << listed.id;
    EXPECT_EQ(one->leader, listed.leader) << listed.id;
  }
  EXPECT_FALSE(plane.service(txn, "no-such-service").has_value());
}

TEST(Seam, OneServiceByIdIsWhatTheListOfAllSays) {
  Simulation sim(SimConfig{.seed = 5, .services = {{.id = "db1"}, {.id = "db2", .standbys = 2}}});
  sim.run_until(20 * kMinute);
  expect_one_service_as_listed(sim.plane(), *sim.durable_store().begin());
  // The seam's default finds it in the list.
  struct ListingPlane final : ProbePlane {
    std::vector<seam::ServiceView> services(core::Transaction&) const override {
      static const core::StateDef up{.name = "up"};
      return {{.id = "db1", .state = &up, .leader = "db1-1"},
              {.id = "db2", .state = &up, .ending = true}};
    }
  };
  core::InMemoryStore store;
  expect_one_service_as_listed(ListingPlane(), *store.begin());
}

TEST(Seam, AProcessIsToldWhichNodesCheckedInAndWhatARequestWasRaisedOn) {
  Simulation sim(probe_config());
  sim.schedule_operator(10 * kMinute, {.kind = OperatorKind::kRequestFailover, .target = "db1"});
  ASSERT_TRUE(sim.run_until(11 * kMinute));
  ASSERT_FALSE(seen().changes.empty());
  bool heard_node = false;
  bool heard_request = false;
  for (const std::vector<std::string>& change : seen().changes) {
    EXPECT_TRUE(std::is_sorted(change.begin(), change.end()));
    EXPECT_EQ(std::adjacent_find(change.begin(), change.end()), change.end()) << "each once";
    for (const std::string& entity : change) {
      heard_node = heard_node || entity == "db1-1";
      heard_request = heard_request || entity == "db1";
    }
  }
  EXPECT_TRUE(heard_node) << "check-ins of db1-1 arrived";
  EXPECT_TRUE(heard_request) << "a failover was raised on db1";
}

TEST(Seam, AProcessThatDoesNotAskToBeToldIsToldNothing) {
  SimConfig config = probe_config();
  seen().wants_changes = false;
  Simulation sim(config);
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  EXPECT_FALSE(seen().passes_us.empty());
  EXPECT_TRUE(seen().changes.empty());
}

TEST(Seam, AProcessRunsAgainWhenItAsksBeforeTheNextPeriodicPass) {
  SimConfig config = probe_config();
  config.tick_interval_us = 10 * kSecond;
  seen().due_after_us = 3 * kSecond;
  Simulation sim(config);
  ASSERT_TRUE(sim.run_until(30 * kSecond));
  const std::vector<core::TimeUs>& passes = seen().passes_us;
  ASSERT_GE(passes.size(), 3u);
  const core::TimeUs first = passes[0];
  EXPECT_EQ(passes[1], first + 3 * kSecond) << "the pass it asked for";
  EXPECT_EQ(passes[2], first + 10 * kSecond) << "then the periodic one, as before";
}

TEST(Seam, APlaneNamedByTheScenarioRunsInsteadOfTheDefault) {
  Simulation sim(probe_config());
  EXPECT_EQ(&sim.plane().model(), &ProbePlane().model());
  ASSERT_TRUE(sim.run_until(5 * kMinute));
  EXPECT_TRUE(sim.world().find_host("db1-1").has_value())
      << "the probe's fleet API call took effect";
}

SimConfig agent_config() {
  SimConfig config = probe_config();
  seen().agent_interval_us = 10 * kSecond;
  return config;
}

std::vector<core::TimeUs> passes_of(int agent) {
  std::vector<core::TimeUs> out;
  for (const Seen::AgentPass& pass : seen().agent_passes) {
    if (pass.agent == agent) out.push_back(pass.local_us);
  }
  return out;
}

TEST(Seam, AnAgentRunsOnItsHostByThatHostsClockOnceTheHostIsUp) {
  Simulation sim(agent_config());
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  ASSERT_EQ(seen().agents_started, std::vector<std::string>{"db1-1"});
  const std::vector<core::TimeUs> passes = passes_of(0);
  ASSERT_GE(passes.size(), 50u);
  for (std::size_t i = 1; i < passes.size(); ++i)
    EXPECT_EQ(passes[i] - passes[i - 1], 10 * kSecond);
}

TEST(Seam, AnAgentOnAFastClockRunsOnItsOwnTimeNotTheWorlds) {
  Simulation sim(agent_config());
  sim.schedule_fault(3 * kMinute, {.kind = FaultKind::kClockDrift,
                                   .targets = {"db1-1"},
                                   .duration_us = 20 * kMinute,
                                   .amount = 50'000});  // 5% fast
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  const std::vector<core::TimeUs> passes = passes_of(0);
  std::size_t checked = 0;
  for (std::size_t i = 1; i < passes.size(); ++i) {
    if (passes[i - 1] < 4 * kMinute) continue;  // drifting by then
    EXPECT_NEAR(static_cast<double>(passes[i] - passes[i - 1]), 10.0 * kSecond, 1'000.0);
    ++checked;
  }
  // 6 minutes of world time at 5% fast: more passes than the world's 36.
  EXPECT_GE(checked, 37u);
}

TEST(Seam, AnAgentCommandsItsOwnNodeAndNothingElse) {
  SimConfig config = agent_config();
  Simulation sim(config);
  // Cut from the control plane and everyone else: a local command needs no network.
  sim.schedule_fault(
      2 * kMinute,
      {.kind = FaultKind::kPartitionComplete, .targets = {"db1-1"}, .duration_us = 30 * kMinute});
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  ASSERT_EQ(seen().first_commands.size(), 3u);
  EXPECT_TRUE(seen().first_commands[0].done()) << seen().first_commands[0].detail;
  EXPECT_NE(seen().first_commands[1].detail.find("only its own node"), std::string::npos);
  EXPECT_NE(seen().first_commands[2].detail.find("not a local command"), std::string::npos);
  const std::optional<HostIndex> host = sim.world().find_host("db1-1");
  ASSERT_TRUE(host.has_value());
  EXPECT_TRUE(sim.world().hosts[*host].db.fenced);
}

TEST(Seam, AHostCrashLosesItsAgentAndTheBootStartsANewOne) {
  Simulation sim(agent_config());
  sim.schedule_fault(
      5 * kMinute,
      {.kind = FaultKind::kHostCrash, .targets = {"db1-1"}, .duration_us = 3 * kMinute});
  ASSERT_TRUE(sim.run_until(15 * kMinute));
  ASSERT_EQ(seen().agents_started, (std::vector<std::string>{"db1-1", "db1-1"}));
  const std::vector<core::TimeUs> before = passes_of(0);
  const std::vector<core::TimeUs> after = passes_of(1);
  ASSERT_FALSE(before.empty());
  ASSERT_FALSE(after.empty());
  EXPECT_LE(before.back(), 5 * kMinute) << "the first agent died with its host";
  EXPECT_GE(after.front(), 8 * kMinute) << "the second started once the host was up again";
}

TEST(Seam, AnAgentsStoreIsKeptOnItsNodesDiskAndOutlivesTheAgent) {
  Simulation sim(agent_config());
  sim.schedule_fault(
      5 * kMinute,
      {.kind = FaultKind::kHostCrash, .targets = {"db1-1"}, .duration_us = 3 * kMinute});
  ASSERT_TRUE(sim.run_until(15 * kMinute));
  ASSERT_EQ(seen().agents_started.size(), 2u);
  // Every pass, across both agents, found the count the passes before it left.
  for (std::size_t i = 0; i < seen().stored_passes.size(); ++i)
    EXPECT_EQ(seen().stored_passes[i], static_cast<int>(i));
}

TEST(Seam, AnAgentReadsItsOwnDatabaseLocally) {
  Simulation sim(agent_config());
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  ASSERT_FALSE(seen().local_writable.empty());
  // Its first pass fences its own database: it never again reads as writable.
  EXPECT_EQ(std::count(seen().local_writable.begin() + 1, seen().local_writable.end(), 1), 0);
  EXPECT_GT(std::count(seen().local_writable.begin(), seen().local_writable.end(), 0), 10);
}

TEST(Seam, APausedHostRunsNoAgentPass) {
  Simulation sim(agent_config());
  sim.schedule_fault(
      5 * kMinute,
      {.kind = FaultKind::kAgentPause, .targets = {"db1-1"}, .duration_us = 2 * kMinute});
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  std::size_t during = 0;
  for (core::TimeUs at : passes_of(0))
    during += at > 5 * kMinute && at < 7 * kMinute ? 1 : 0;
  EXPECT_EQ(during, 0u);
  EXPECT_GT(passes_of(0).back(), 7 * kMinute) << "and it runs again after";
  EXPECT_EQ(seen().agents_started.size(), 1u) << "a pause loses nothing";
}

TEST(Seam, APlanesOwnInvariantIsJudgedDuringTheRunNotOnlyAtItsEnd) {
  SimConfig config = probe_config();
  seen().broken_from_us = 7 * kMinute;
  Simulation sim(config);
  EXPECT_FALSE(sim.run_until(30 * kMinute)) << "the broken invariant ends the run";
  ASSERT_TRUE(sim.finding().has_value());
  const Finding& finding = *sim.finding();
  EXPECT_EQ(finding.invariant, Invariant::kPlaneInvariant);
  EXPECT_STREQ(to_string(finding.invariant), "plane_invariant");
  EXPECT_EQ(finding.entity, "db1");
  EXPECT_EQ(finding.what, "the probe's invariant broke");
  // Found at the first pass after it broke: within one periodic pass.
  EXPECT_GE(finding.at_us, 7 * kMinute);
  EXPECT_LT(finding.at_us, 7 * kMinute + config.tick_interval_us + kSecond);
}

TEST(Seam, APlanesInvariantIsCheckedAfterEveryPassOfItsProcessAndItsAgents) {
  SimConfig config = agent_config();
  Simulation sim(config);
  ASSERT_TRUE(sim.run_until(10 * kMinute));
  EXPECT_FALSE(sim.finding().has_value());
  EXPECT_EQ(seen().checks_us.size(), seen().passes_us.size() + seen().agent_passes.size());
}

TEST(Seam, TargetsNameTheRolesThePlaneDeclaresOrANodeOutright) {
  for (const char* target : {"watcher:db1", "node:db1-1", "db1-1"}) {
    Simulation sim(probe_config());
    ASSERT_TRUE(sim.run_until(5 * kMinute));
    EXPECT_NE(sim.start_fault(
                  {.kind = FaultKind::kHostCrash, .targets = {target}, .duration_us = kMinute}),
              0u)
        << target;
    EXPECT_FALSE(sim.world().hosts[*sim.world().find_host("db1-1")].up()) << target;
  }
  // A role of the reference plane names nothing here: the probe gives none.
  Simulation sim(probe_config());
  ASSERT_TRUE(sim.run_until(5 * kMinute));
  EXPECT_EQ(
      sim.start_fault(
          {.kind = FaultKind::kHostCrash, .targets = {"standby:db1"}, .duration_us = kMinute}),
      0u);
}

std::string probe_scenario(std::string_view target) {
  return fmt::format(
      "name: roles\ndescription: a role target\nseed: 1\nduration: 10m\nrecovery: 10m\nfleet:\n  "
      "services:\n    - id: db1\n"
      "      standbys: 0\n      replication: async\ncontrol_plane: probe\ntimeline:\n"
      "  - at: 5m\n    fault: host_crash\n    targets: [{}]\n    duration: 1m\n",
      target);
}

TEST(Seam, AScenarioFileTakesThePlanesRolesAndNodesAndRefusesOtherRoles) {
  EXPECT_TRUE(parse_scenario(probe_scenario("watcher:db1"), "roles.yaml").ok());
  EXPECT_TRUE(parse_scenario(probe_scenario("node:db1-1"), "roles.yaml").ok());
  core::Result<Scenario> standby = parse_scenario(probe_scenario("standby:db1"), "roles.yaml");
  ASSERT_FALSE(standby.ok());
  EXPECT_NE(standby.error().message.find("\"standby:db1\" names no endpoint or role; host_crash "
                                         "takes: db1-1, node:db1-1, leader:db1, watcher:db1"),
            std::string::npos)
      << standby.error().message;
  EXPECT_FALSE(parse_scenario(probe_scenario("node:leader:db1"), "roles.yaml").ok());
  EXPECT_FALSE(parse_scenario(probe_scenario("node:monitor-a"), "roles.yaml").ok());
}

TEST(Seam, TheFuzzerDrawsOnlyTheRequestsAndRolesThePlaneDeclares) {
  std::size_t requests = 0;
  std::size_t roles = 0;
  for (std::uint64_t n = 1; n <= 400; ++n) {
    core::Result<Scenario> s = scenario_from_bytes(random_scenario_bytes(n), "input", "probe");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->config.control_plane, "probe");
    for (const ScheduledOperator& op : s->operators) {
      EXPECT_TRUE(op.request.kind == OperatorKind::kRequestFailover ||
                  op.request.kind == OperatorKind::kPlaneOwn)
          << describe(op.request);
      ++requests;
    }
    for (const ScheduledFault& f : s->faults) {
      for (const std::vector<std::string>* names : {&f.spec.targets, &f.spec.others}) {
        for (const std::string& name : *names) {
          if (name.find(':') == std::string::npos || name.starts_with("clients:")) continue;
          EXPECT_TRUE(name.starts_with("leader:") || name.starts_with("watcher:")) << name;
          ++roles;
        }
      }
    }
  }
  EXPECT_GT(requests, 10u);
  EXPECT_GT(roles, 100u);
  // An unknown plane is an error naming it.
  core::Result<Scenario> unknown = scenario_from_bytes(random_scenario_bytes(1), "input", "nope");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("nope"), std::string::npos) << unknown.error().message;
}

std::string probe_requests_scenario() {
  return "name: own-requests\ndescription: the plane's own requests\nseed: 1\nduration: 10m\n"
         "recovery: 10m\nfleet:\n  services:\n    - id: db1\n      standbys: 0\n"
         "      replication: async\ncontrol_plane: probe\ntimeline:\n"
         "  - at: 5m\n    operator: restart\n    target: db1\n"
         "  - at: 6m\n    operator: switchover\n    target: watcher:db1\n"
         "  - at: 7m\n    operator: request_failover\n    target: db1\n";
}

TEST(Seam, APlanesOwnRequestsAreWrittenInScenarioFilesAndRaisedOnIt) {
  core::Result<Scenario> s = parse_scenario(probe_requests_scenario(), "own.yaml");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->operators.size(), 3u);
  EXPECT_EQ(s->operators[0].request.kind, OperatorKind::kPlaneOwn);
  EXPECT_EQ(s->operators[0].request.name, "restart");
  EXPECT_EQ(describe(s->operators[1].request), "switchover watcher:db1");
  // Written and read back, the same.
  core::Result<Scenario> again = parse_scenario(to_yaml(*s), "own.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->operators, s->operators);
  seen() = Seen{};
  const ScenarioOutcome outcome = run_scenario(*s);
  EXPECT_TRUE(outcome.passed) << outcome.mismatch;
  EXPECT_EQ(seen().requests,
            (std::vector<std::string>{"restart db1", "switchover db1-1", "request_failover db1"}));
}

TEST(Seam, AnOwnRequestAimedAtAServerTakesAServerAndAnUnknownOneIsRefused) {
  std::string text = probe_requests_scenario();
  text.replace(text.find("watcher:db1"), 11, "db1");
  core::Result<Scenario> service = parse_scenario(text, "own.yaml");
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.error().message.find("\"db1\" names no endpoint or role"), std::string::npos)
      << service.error().message;
  text = probe_requests_scenario();
  text.replace(text.find("restart"), 7, "restrat");
  core::Result<Scenario> unknown = parse_scenario(text, "own.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find(
                "unknown operator request \"restrat\"; did you mean \"restart\"? allowed: "
                "request_failover, restart, switchover"),
            std::string::npos)
      << unknown.error().message;
}

TEST(Seam, TheSwarmAndTheFuzzerDrawThePlanesOwnRequests) {
  ASSERT_TRUE(seam::set_default_plane("probe"));
  std::set<std::string> swarm_kinds;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    for (const ScheduledOperator& op : swarm_scenario(seed).operators)
      swarm_kinds.insert(std::string(request_name(op.request)));
  }
  ASSERT_TRUE(seam::set_default_plane("postgres"));
  EXPECT_EQ(swarm_kinds, (std::set<std::string>{"request_failover", "restart", "switchover"}));
  std::set<std::string> fuzzed_kinds;
  for (std::uint64_t n = 1; n <= 400; ++n) {
    core::Result<Scenario> s = scenario_from_bytes(random_scenario_bytes(n), "input", "probe");
    ASSERT_TRUE(s.ok());
    for (const ScheduledOperator& op : s->operators) {
      fuzzed_kinds.insert(std::string(request_name(op.request)));
      // A server by role, or a service by id.
      const bool by_role = op.request.target.find(':') != std::string::npos;
      if (op.request.name == "switchover") {
        EXPECT_TRUE(by_role) << op.request.target;
      }
      if (op.request.name == "restart") {
        EXPECT_FALSE(by_role) << op.request.target;
      }
    }
  }
  EXPECT_EQ(fuzzed_kinds, (std::set<std::string>{"request_failover", "restart", "switchover"}));
}

TEST(Seam, TheSwarmAimsOnlyAtRolesThePlaneDeclaresSoItsScenariosReadBack) {
  ASSERT_TRUE(seam::set_default_plane("probe"));
  std::size_t watchers = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const Scenario drawn = swarm_scenario(seed);
    for (const ScheduledFault& f : drawn.faults) {
      for (const std::vector<std::string>* names : {&f.spec.targets, &f.spec.others}) {
        for (const std::string& name : *names) {
          EXPECT_FALSE(name.starts_with("standby:") || name.starts_with("follower:")) << name;
          watchers += name.starts_with("watcher:") ? 1 : 0;
        }
      }
    }
    core::Result<Scenario> again = parse_scenario(to_yaml(drawn), "swarm.yaml");
    EXPECT_TRUE(again.ok()) << "seed " << seed << ": " << again.error().message;
  }
  ASSERT_TRUE(seam::set_default_plane("postgres"));
  EXPECT_GT(watchers, 0u);
}

}  // namespace
}  // namespace unwedge::sim
