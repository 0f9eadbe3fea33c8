// Monitor: the goal plane's central process, in the role of
// pg_auto_failover's monitor. For every service it reads where both nodes
// report they are, hears their health and their standby's lag from
// monitoring's check-ins, decides their goals with the monitor table
// (monitor_table.hpp), and writes the goals it assigned to the store for
// their keepers. It also creates a new service's hosts and routes its
// endpoint to the node that leads, with its own service table.
//
// It moves no node itself: a node's state is what its keeper reports, and
// the goals are all the monitor says.
//
//   std::unique_ptr<seam::Process> monitor =
//       std::make_unique<Monitor>(env, coordination, settings);
//   monitor->tick();
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/action.hpp"
#include "core/coordination.hpp"
#include "core/group_table.hpp"
#include "core/scheduler.hpp"
#include "core/telemetry.hpp"
#include "planes/goal/entities.hpp"
#include "planes/goal/settings.hpp"
#include "seam/control_plane.hpp"

namespace unwedge::goal {

// The monitor table's signals of `members` (in the table's order), from
// monitoring's latest check-ins.
core::SignalSet monitor_signals(const core::GroupTable& table, const core::Telemetry& telemetry,
                                const std::vector<std::string>& members, const Settings& settings);

// The member that leads: reports a primary's state and keeps a primary's
// goal. Nothing when none does, or when more than one does.
std::optional<std::string> leading_member(const std::vector<Member>& members, Mutant mutant);

// Provision, Route, MarkSettled, MarkUnsettled.
std::vector<core::ActionDef> monitor_actions(Mutant mutant);

class Monitor final : public seam::Process {
 public:
  Monitor(const core::Environment& env, core::Coordination* coordination, const Settings& settings);
  bool tick() override;
  const std::vector<core::ActionDef>& actions() const override { return actions_; }

 private:
  void start();
  // Reads both members' reports; true once an answer came back for both.
  bool read_reports(const Service& service);
  void assign_goals(const Service& service);
  void send_goals(const Service& service);
  bool decide_service(const std::string& id);

  core::Environment env_;
  core::Coordination* coordination_;
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;

  std::uint32_t boots_ = 0;
  // Per service, the number of its read in flight (absent: none).
  std::map<std::string, std::uint64_t, std::less<>> reading_;
  std::uint64_t reads_ = 0;
  // Per node, the attempt of the goal write in flight.
  std::map<std::string, std::uint32_t, std::less<>> attempts_;
};

}  // namespace unwedge::goal
