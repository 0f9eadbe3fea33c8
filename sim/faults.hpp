// Faults: every way the simulated world can go wrong, each kind described once.
//
// A fault is a FaultSpec (kind, targets by name, duration, one amount) so a
// scenario file, the swarm generator and a reproducer all name faults the
// same way. Each kind is one entry of a table (fault_kinds(), info()): what
// its targets may name, what its amount counts and which amounts a scenario
// may ask for, whether it lasts, and how a random draw and a fuzzer's bytes
// choose it. The scenario reader, the swarm, the fuzz encoding and the
// in-run nemesis read that entry rather than knowing kinds of their own; the
// simulator keeps only each kind's effect on the world (its start and heal,
// in sim/simulation.cpp). A new kind is a new entry here and its effect there.
// A fault with a duration heals itself, and a run's safety phase ends by
// healing everything still active.
//
//   FaultSpec cut{.kind = FaultKind::kPartitionOneWay,
//                 .targets = {"db1-1"}, .others = {"db1-2"}, .duration_us = 5 * kMinute};
//   sim.schedule_fault(2 * kHour, cut);   // db1-1's messages to db1-2 are dropped
//   info(FaultKind::kClockJump).amount.high;   // the longest jump a scenario may ask for
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/placement.hpp"

namespace unwedge::pgworld {
class World;
}  // namespace unwedge::pgworld

namespace unwedge::sim {

using pgworld::World;  // the simulated fleet (sim/fleet.hpp)

enum class FaultKind : std::uint8_t {
  kPartitionComplete,  // targets cut from every other endpoint, both ways
  kPartitionPartial,   // targets and others cannot reach each other; the rest reach both
  kPartitionOneWay,    // messages from targets to others are dropped; replies pass
  kHostCrash,          // target hosts go down; healed, they boot again
  kDatabaseCrash,      // the database process on target hosts dies; healed, it restarts
  kAgentPause,         // target hosts' monitoring agents stop checking in
  kLateCheckins,       // target hosts' check-ins arrive `amount` us late
  kDuplicateCheckins,  // each check-in arrives again `amount` us later
  kStaleCheckins,      // a stuck relay re-sends targets' last check-in, dead or alive
  kClockDrift,         // target clocks gain `amount` ppm (negative: lose)
  kClockJump,          // target clocks step by `amount` us
  kInfraSlow,          // every fleet API call takes `amount` times longer
  kInfraFailing,       // fleet API calls fail with chance `amount` ppm
  kInfraTimeouts,      // fleet API calls time out with chance `amount` ppm
  kInfraDuplicates,    // completed calls are delivered again with chance `amount` ppm
  kControlPlaneCrash,  // the control plane dies `amount` transactions from now at point targets[0]
  kStoreLeaderChange,  // the consensus store's target members that lead step down
  kStoreSlowCommit,  // messages between the store's members to or from targets take `amount` longer
  kStoreQuorumLoss,  // a majority of the store's members (its leader first) go down
};

// A new kind goes last in FaultKind, is named here and gets its table entry.
inline constexpr FaultKind kLastFaultKind = FaultKind::kStoreQuorumLoss;
inline constexpr std::size_t kFaultKindCount = static_cast<std::size_t>(kLastFaultKind) + 1;

// What a kind's targets name. The consensus store's members ("store-1",
// "store:leader", "stores") are endpoints, hosts and clock owners too, in a
// run whose plane asks for a store (FleetConfiguration::coordination_members).
enum class FaultTargetClass : std::uint8_t {
  kEndpoints,     // any endpoint: hosts, monitors, clients, the control plane, store members
  kServers,       // database hosts
  kClocks,        // clock owners: hosts, monitors, the control plane, store members
  kFleet,         // nothing: the fault strikes the fleet API as a whole
  kCrashPoint,    // one crash point of kCrashPointNames, not an endpoint
  kHosts,         // any host: database hosts and the store's members
  kStoreMembers,  // members of the consensus store
  kStore,         // nothing: the fault strikes the consensus store as a whole
};

// The far side of a cut, named by FaultSpec::others.
enum class FaultOthers : std::uint8_t {
  kNone,      // the kind has no far side
  kBothWays,  // the targets and the others cannot reach each other
  kOneWay,    // the targets' messages to the others are dropped
};

// What a kind's amount counts, and so how a scenario spells it.
enum class FaultUnit : std::uint8_t {
  kNone,      // the kind takes no amount
  kDuration,  // microseconds, spelled as a duration ("45s", "-5m")
  kNumber,    // ppm, a factor or a count, spelled as an integer
};

// How a random draw picks an amount in [low, high].
enum class FaultDrawnAmount : std::uint8_t {
  kNone,        // the kind takes no amount
  kBetween,     // uniformly
  kEitherSign,  // a magnitude uniformly, then a sign, each half the time
};

// The amounts a scenario may ask for, in microseconds or as a number.
struct FaultAmountRange {
  FaultUnit unit = FaultUnit::kNone;
  std::int64_t low = 0;
  std::int64_t high = 0;
  bool required = false;     // a scenario must give it; otherwise it is 0
  std::string_view example;  // shown to a scenario that leaves a required amount out
};

// A random fault of the kind, as the swarm and the in-run nemesis draw it:
// it lasts 10 s plus an exponential of the mean (a kind that does not last
// has none) and takes an amount in [amount_low, amount_high].
struct FaultDraw {
  core::TimeUs duration_mean_us = 0;
  FaultDrawnAmount amount = FaultDrawnAmount::kNone;
  std::int64_t amount_low = 0;
  std::int64_t amount_high = 0;
};

// How fleet_fuzzer's bytes (sim/scenario_from_bytes.hpp) choose the amount:
// an integer in [amount_low, amount_high], times amount_scale. Part of the
// byte encoding: a change is a new encoding version.
struct FaultEncoding {
  std::int64_t amount_low = 0;
  std::int64_t amount_high = 0;
  std::int64_t amount_scale = 1;
};

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;     // as scenarios spell it
  std::string_view summary;  // one line for docs and reports
  FaultTargetClass targets = FaultTargetClass::kEndpoints;
  FaultOthers others = FaultOthers::kNone;
  FaultAmountRange amount;
  // Takes a duration; one that does not (a control plane crash) acts once
  // and has nothing to heal.
  bool lasts = true;
  FaultDraw drawn;
  FaultEncoding encoded;
};

// Every kind, in the order of FaultKind.
std::span<const FaultKindInfo> fault_kinds();
const FaultKindInfo& info(FaultKind kind);
std::optional<FaultKind> find_fault_kind(std::string_view name);

// Whether a kind's targets are endpoints (hosts, monitors, clients, the
// control plane, store members), resolved when it starts; the others strike
// the fleet API, the control plane's process or the store as a whole.
bool aims_at_endpoints(const FaultKindInfo& kind);

// Whether a kind strikes the consensus store alone: it means nothing in a run
// without one, so nothing draws it there.
bool needs_store(const FaultKindInfo& kind);
// The kinds a run draws from, in the order of FaultKind: every kind, but
// those that need a store only when the run has one. A run without a store
// draws exactly as before store kinds existed.
std::vector<FaultKind> fault_kinds_for(bool has_store);

// Crash points as scenarios spell them.
inline constexpr std::string_view kCrashPointNames[] = {"before_begin", "mid_transaction",
                                                        "after_commit"};

struct FaultSpec {
  FaultKind kind = FaultKind::kHostCrash;
  std::vector<std::string> targets;  // endpoints (hosts, monitors, clients, control-plane)
  std::vector<std::string> others;   // partial: the far side; one-way: the receivers
  core::TimeUs duration_us = 0;      // 0: active until everything is healed
  std::int64_t amount = 0;           // see FaultKind

  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

// "partition_one_way {db1-1} -> {db1-2} for 5m"
std::string describe(const FaultSpec& spec);

// A fault on a scenario's timeline, or one the random nemesis drew.
struct ScheduledFault {
  core::TimeUs at_us = 0;
  FaultSpec spec;

  friend bool operator==(const ScheduledFault&, const ScheduledFault&) = default;
};

// A host a drawn fault aims at, with what a cut from it may sever it from.
struct FaultAim {
  std::string host;
  std::vector<std::string> siblings;  // the host's service siblings that live
  std::vector<std::string> clients;   // its service's clients (may be none)
};

// What a drawn fault can aim at. The in-run nemesis aims at the world as it
// is (host names); the swarm at roles resolved when the fault fires
// ("leader:db2"). draw_fault() asks in the order the kind's draws need.
class FaultAimer {
 public:
  virtual ~FaultAimer() = default;
  // A host, or nothing when none lives; may draw from `rng`.
  virtual std::optional<FaultAim> aim(Rng& rng) = 0;
  // Every monitor, each by its own name; empty when there are none.
  virtual const std::vector<std::string>& monitors() const = 0;
  // All the monitors at once, as the far side of a cut (by one name where
  // there is one); only asked when there are monitors.
  virtual std::vector<std::string> every_monitor() const = 0;
  // Members of the consensus store ("store-1" ...); 0: the run has none, and
  // no draw spends a number on the store.
  virtual std::uint32_t store_members() const { return 0; }
  // The fleet's zones and racks as fault targets ("zone:a", "rack:a/1",
  // ...); empty: the fleet has none, and no draw spends a number on them.
  virtual const std::vector<std::string>& places() const {
    static const std::vector<std::string> none;
    return none;
  }
};

// Every zone and rack of `zones` as a fault target names it: "zone:a" ...,
// then "rack:a/1" ...; empty when the fleet has no zones.
std::vector<std::string> place_targets(const ZoneShape& zones);

// Whether a target names a place ("zone:a", "rack:a/1"), every server in
// it, rather than one server, service or role.
inline bool names_place(std::string_view target) {
  return target.starts_with("zone:") || target.starts_with("rack:");
}

// Draws a fault of `kind` as its table entry describes, aimed by `aimer`:
// partitions and crashes favour a service's current leader, where faults
// hurt most. Returns nothing when the aimer finds no fitting target.
std::optional<FaultSpec> draw_fault(FaultKind kind, FaultAimer& aimer, Rng& rng);

// draw_fault aimed at the world as it is now (no fitting target when no
// host is up yet), beside a consensus store of `store_members` (0: none).
std::optional<FaultSpec> draw_fault(FaultKind kind, const World& world, Rng& rng,
                                    std::uint32_t store_members = 0, const ZoneShape& zones = {});

// A store member's name: "store-1" for member 0.
std::string store_member_name(std::uint32_t member);
// Whether a target names the store's members: "stores", "store:leader" or
// "store-N" (N a number).
bool names_store_member(std::string_view target);

}  // namespace unwedge::sim
