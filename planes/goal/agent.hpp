// KeeperAgent: the goal plane's code on every node, in the role
// pg_auto_failover's keeper plays. It knows nothing of the other node: it
// reads the goal the monitor assigned it from the consensus store, takes
// the walk's one step towards it with the keeper's action for that step,
// and reports the state it reached back to the store.
//
// Every pass (kKeeperIntervalUs, by the host's clock): collect or send the
// read of its goal; decide and drive its action; report its state if the
// store has not yet taken it.
//
//   std::unique_ptr<seam::Agent> agent = std::make_unique<KeeperAgent>(context, settings);
//   agent->tick();
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/coordination.hpp"
#include "core/scheduler.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/settings.hpp"
#include "seam/control_plane.hpp"

namespace unwedge::goal {

class KeeperAgent final : public seam::Agent {
 public:
  KeeperAgent(const seam::AgentContext& context, const Settings& settings);

  void tick() override;

  const std::vector<core::ActionDef>& actions() const { return actions_; }

 private:
  void start();
  void read_goal();
  // One decision and drive; true if it started or finished anything.
  bool decide_and_drive();
  // Offers the action of the walk's step from `keeper`'s state to `goal`,
  // if any, and journals the decision; true if it started.
  bool decide(const Keeper& keeper, core::StateId goal);
  void report();

  std::string node_;
  core::Environment env_;
  core::Coordination* coordination_;
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;

  std::uint32_t boots_ = 0;
  std::uint64_t reads_ = 0;
  bool reading_ = false;  // the read of reads_ is in flight
  std::uint64_t reports_ = 0;
  std::optional<std::string> reporting_;  // the state whose report is in flight
};

}  // namespace unwedge::goal
