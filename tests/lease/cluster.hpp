// Cluster: a few nodes of one service, each with its keeper agent, sharing
// a FakeCoordination, under the lease plane as registered; time moves one
// agent interval per pass, every node's clock and the store's together.
//
//   Cluster c({"db1-1", "db1-2"});
//   c.run(30 * core::kSecond);
//   EXPECT_EQ(c.state("db1-1"), "leader");
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/in_memory_store.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/plane.hpp"
#include "tests/lease/fake_coordination.hpp"
#include "tests/lease/fake_fleet.hpp"

namespace unwedge::lease::testing {

class Cluster {
 public:
  explicit Cluster(const std::vector<std::string>& nodes, Settings settings = {});

  // One pass of every agent, in name order, then one agent interval later;
  // the plane's invariant is judged after each agent's pass.
  void pass();
  void run(core::TimeUs duration_us);
  // Runs until `done` holds, at most `duration_us`; true if it did.
  template <class F>
  bool run_until(F done, core::TimeUs duration_us) {
    for (core::TimeUs t = 0; t < duration_us; t += kAgentIntervalUs) {
      if (done()) return true;
      pass();
    }
    return done();
  }

  std::optional<Keeper> keeper(const std::string& node);
  std::string state(const std::string& node);
  const FakeDb& db(const std::string& node) const { return fleet.dbs.at(node); }
  core::TimeUs now_us() const { return store_clock.now_us(); }
  // A node whose agent does not run (a stop-the-world pause); its clock
  // still moves.
  void pause(const std::string& node, bool paused) { paused_[node] = paused; }
  // Delivers an operator's request to the target node's keeper, as the
  // simulator does (RequestInfo::to_agent).
  bool request(std::string_view kind, std::string_view target);

  unwedge::testing::ManualClock store_clock;
  FakeCoordination store{store_clock};
  FakeFleet fleet;
  core::InMemoryStore central;
  LeasePlane plane;
  std::map<std::string, std::unique_ptr<FakeNode>> nodes;
  std::vector<seam::PlaneViolation> violations;

 private:
  std::map<std::string, std::unique_ptr<seam::Agent>, std::less<>> agents_;
  std::map<std::string, bool> paused_;
};

}  // namespace unwedge::lease::testing
