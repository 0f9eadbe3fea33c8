// Crash exploration: identical outcomes on re-execution, checked
// exhaustively over short stories of a control plane in a FleetWorld.
//
// A story brings a fleet to a moment (setup), makes one thing happen
// (trigger) and lets the control plane settle. explore_story() runs it
// uninterrupted, then:
//  - re-entrancy: once per Store transaction of the uninterrupted run and
//    per crash point, runs it again with the process killed there and
//    restarted over the same Store; each must end with the same Store and
//    the same Infra effects. The crash points of a transaction (sim_store.hpp):
//    before it begins; before its first statement; after each later
//    statement but its last (at most statement_crashes_max of these, the
//    first and the last few, as the uninterrupted run counted them); as it
//    sends COMMIT (nothing commits); after COMMIT, before the answer (a lost
//    acknowledgement);
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
// Each run starts from an empty store of the kind `store` names
// (sim/run_stores.hpp): in memory, a SQLite file, or a PostgreSQL
// database, so the same stories check the plane over a real database, whose
// transactions a dead process leaves rolled back.
//
//   Result<CrashExploration> found = explore_crashes({.stories = {"Failover"}, .store = "sqlite"});
//   for (const StoryReport& story : found->stories)
//     for (const Divergence& d : story.divergences) fmt::print("{}\n", d.what);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/entity_codec_fwd.hpp"
#include "core/result.hpp"
#include "seam/registry.hpp"
#include "sim/fleet_world.hpp"

namespace unwedge::sim {

struct Story {
  std::string name;
  std::function<void(FleetWorld&)> setup;    // brings the fleet to the moment before
  std::function<void(FleetWorld&)> trigger;  // what makes the action happen
  // The kinds its own process stores (a stand-in set by setup through
  // FleetWorld::process_factory), declared as a plane declares its own
  // (seam::PlaneInfo::entities), for a store in a database; null: the
  // plane's.
  std::function<void(core::EntityCodecs&)> entities;
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
  // Statements (find, ids, write) of the transactions explored.
  std::uint64_t statements = 0;
  std::uint32_t crash_points = 0;  // crashes armed, every crash point
  std::uint32_t crashes = 0;       // crashes that fired (a read-only one never commits)
  // Of the crash points: after a statement and before the next one (past
  // the first), and as the COMMIT is sent (a transaction with statements).
  std::uint32_t statement_crash_points = 0;
  std::uint32_t commit_crash_points = 0;
  // Points between statements left out by statement_crashes_max.
  std::uint32_t statement_crash_points_skipped = 0;
  std::uint32_t actions_completed = 0;
  std::uint32_t actions_redelivered = 0;
  std::uint32_t infra_calls = 0;              // fleet API operations of the story
  std::uint32_t infra_calls_redelivered = 0;  // asked again after a lost reply
  std::vector<Divergence> divergences;
};

struct CrashExploration {
  std::string store;  // where each run kept its state: "sqlite (a fresh file per run in ...)"
  std::uint32_t statement_crashes_max = 0;
  std::vector<StoryReport> stories;
  std::size_t divergences() const;
};

struct ExploreOptions {
  std::vector<std::string> stories;  // by name; empty: every story of the plane
  // Crash only in the first this many transactions of a story; 0: in all.
  std::uint64_t transactions_max = 0;
  // Crash points between statements per transaction: after the first half
  // and before the last half of them; 0: after every statement. A step
  // reads a few entities, so four cover the reads before and the writes
  // after its fleet API call without a run per read of a long listing.
  std::uint32_t statement_crashes_max = 4;
  // Where each run keeps its state (sim/run_stores.hpp): "memory", "sqlite",
  // "sqlite:DIR", or a PostgreSQL URL or key=value words.
  std::string store = "memory";
  bool reentrancy = true;
  bool redelivery = true;
  std::string control_plane;          // by its registered name; empty: the default plane
  seam::SettingsText plane_settings;  // its settings, as a scenario gives them
  int ticks_max = 300;                // a run still busy after this many ticks never settles
};

// Explores the named stories of the plane (all by default). An unknown name,
// a plane with no stories, or a store that cannot be used (a database for a
// plane that declares no entity codecs, a server that cannot be reached) is
// an error that says what there is or what to do.
core::Result<CrashExploration> explore_crashes(const ExploreOptions& options);
// Whether every run of an exploration with `options` can have a fresh store
// (the plane declares its entity codecs, sqlite:DIR is a directory, the
// server answers), without exploring; the error says why not.
core::Status check_store(const ExploreOptions& options);
// Explores one story, which may bring its own process (its setup sets
// FleetWorld::process_factory). A store that cannot be used is a kSettles
// divergence that says why.
StoryReport explore_story(const Story& story, const ExploreOptions& options);

// The store, one line per story with its figures, what was left out, then
// every divergence.
std::string summarize(const CrashExploration& exploration);

}  // namespace unwedge::sim
