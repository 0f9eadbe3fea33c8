// The seam from the simulator's side: a plane that is not the reference one
// runs in the simulated fleet, is told what changed, and is run again when it
// asks to be.
#include <gtest/gtest.h>

#include "seam/registry.hpp"
#include "sim/simulation.hpp"
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

class ProbePlane final : public seam::ControlPlane {
 public:
  const core::ControlPlaneModel& model() const override {
    static const core::ControlPlaneModel model{.name = "probe"};
    return model;
  }
  seam::FleetConfiguration fleet() const override { return {}; }
  std::unique_ptr<seam::Process> start(const core::Environment& env) const override {
    return std::make_unique<ProbeProcess>(env);
  }
  void order_service(core::Transaction&, const seam::ServiceOrder&, core::TimeUs) const override {}
  std::string role_of(core::Transaction&, std::string_view) const override { return ""; }
  std::vector<std::string> members(core::Transaction&, std::string_view,
                                   std::string_view) const override {
    return {};
  }
  seam::RequestOutcome request(core::Transaction&, std::string_view, std::string_view,
                               core::TimeUs) override {
    return {.raised = true};
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
    .requests = {"request_failover"}}));

SimConfig probe_config() {
  seen() = Seen{};
  return SimConfig{.seed = 3, .services = {{.id = "db1", .standbys = 0}}, .control_plane = "probe"};
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

}  // namespace
}  // namespace unwedge::sim
