// Crash exploration: identical outcomes on re-execution, checked
// exhaustively over short stories of a control plane in a FleetWorld.
//
// A story brings a fleet to a moment (setup), makes one thing happen
// (trigger) and lets the control plane settle. explore_story() runs it
// uninterrupted, then:
//  - re-entrancy: once per Store transaction of the uninterrupted run and
//    per crash point (before begin, mid-transaction, after commit), runs it
//    again with the process killed there and restarted over the same Store;
//    each must end with the same Store and the same Infra effects;
//  - re-delivery of actions: delivers every action execution that completed
//    in the story again (same id, so the same idempotency keys, from its
//    first step, as a duplicated message would), which must change nothing;
//  - re-delivery of Infra calls: runs the story with the reply to the first
//    request of every fleet API call lost, so the control plane must deliver
//    each call again; it must end as the uninterrupted run did.
// Every difference is a Divergence whose sentence names the story, where it
// crashed, and what differs in the Store and in the Infra effects. A failed
// internal assertion inside one run is a divergence of that run, never an
// escape. Output order is fixed: stories as listed, crashes by transaction
// then crash point.
//
//   Result<CrashExploration> found = explore_crashes({.stories = {"Failover"}});
//   for (const StoryReport& story : found->stories)
//     for (const Divergence& d : story.divergences) fmt::print("{}\n", d.what);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "seam/registry.hpp"
#include "sim/fleet_world.hpp"

namespace unwedge::sim {

struct Story {
  std::string name;
  std::function<void(FleetWorld&)> setup;    // brings the fleet to the moment before
  std::function<void(FleetWorld&)> trigger;  // what makes the action happen
};

// The crash stories a plane declares (seam/crash_story.hpp), as stories of
// a FleetWorld; none if it declares none.
std::vector<Story> stories_of(const seam::PlaneInfo& plane);

enum class Check : std::uint8_t {
  kSettles,           // the story settles uninterrupted, without breaking a contract
  kReentrancy,        // interrupted anywhere, it ends as if never interrupted
  kActionRedelivery,  // a completed action delivered again changes nothing
  kInfraRedelivery,   // a fleet API call delivered again changes nothing
};
const char* to_string(Check check);

struct Divergence {
  Check check = Check::kSettles;
  std::string what;    // one sentence a person understands
  std::string action;  // the action delivered again (action re-delivery only)
};

struct StoryReport {
  std::string story;
  // Store transactions from the trigger until the uninterrupted run settled.
  std::uint64_t transactions = 0;
  std::uint32_t crash_points = 0;  // crashes armed (transactions x crash points)
  std::uint32_t crashes = 0;       // crashes that fired (a read-only one never commits)
  std::uint32_t actions_completed = 0;
  std::uint32_t actions_redelivered = 0;
  std::uint32_t infra_calls = 0;              // fleet API operations of the story
  std::uint32_t infra_calls_redelivered = 0;  // asked again after a lost reply
  std::vector<Divergence> divergences;
};

struct CrashExploration {
  std::vector<StoryReport> stories;
  std::size_t divergences() const;
};

struct ExploreOptions {
  std::vector<std::string> stories;  // by name; empty: every story of the plane
  // Crash only in the first this many transactions of a story; 0: in all.
  std::uint64_t transactions_max = 0;
  bool reentrancy = true;
  bool redelivery = true;
  std::string control_plane;          // by its registered name; empty: the default plane
  seam::SettingsText plane_settings;  // its settings, as a scenario gives them
  int ticks_max = 300;                // a run still busy after this many ticks never settles
};

// Explores the named stories of the plane (all by default). An unknown name,
// or a plane with no stories, is an error that says what there is.
core::Result<CrashExploration> explore_crashes(const ExploreOptions& options);
// Explores one story, which may bring its own process (its setup sets
// FleetWorld::process_factory).
StoryReport explore_story(const Story& story, const ExploreOptions& options);

// One line per story with its figures, then every divergence.
std::string summarize(const CrashExploration& exploration);

}  // namespace unwedge::sim
