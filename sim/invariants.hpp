// Invariants: the checkers that turn a simulated run into a verdict.
//
// The generic checkers work for any machine a user defines: every state
// change is in its machine's table, and no entity overstays its state's
// dwell bound. The checks that need a world's data come with the world
// (the Postgres world's no lost writes and single writer:
// worlds/postgres/write_checks.hpp); the simulator records what they find
// here, as violations like any other. The liveness check runs last: once
// everything is healed, every service is back in a healthy, stable state
// within the recovery bound.
//
// A violation is a sentence a person understands, with the invariant, the
// entity, the virtual time and the trace excerpt around it; the first one
// ends the run (see Simulation::finding()).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/journal.hpp"
#include "core/machine.hpp"
#include "core/time.hpp"

namespace unwedge::sim {

enum class Invariant : std::uint8_t {
  kAssertion,             // a contract inside the control plane or the simulator
  kValidTransitions,      // every state change is in its machine's table
  kBoundedDwell,          // no entity overstays its state's dwell bound
  kNoLostWrites,          // acknowledged writes survive on the leader
  kSingleWriter,          // acknowledged writes form one history
  kEventuallyHealthy,     // healed, every service recovers within the bound
  kIdempotentEffects,     // asking again (a retry, a duplicate) changes nothing more
  kPlaneInvariant,        // the plane under test's own invariants (ControlPlane::check)
  kStoreLinearizable,     // the consensus store's history has a linearization
  kServingWhenHealthy,    // a service reported healthy serves its clients (sim/availability.hpp)
  kNoNeedlessDisruption,  // no failover, restart, ... of a node that was sound
                          // (sim/disruptions.hpp)
  // A process that decides only what changed left an entity undecided whose
  // full decision differed from its last one (Process::audit).
  kMissedDecision,
  // Not a safety property but a "sometimes" one: the run reached what its
  // scenario requires to mean anything (`requires:`, sim/requirement.hpp);
  // a run that did not is vacuous. Judged at the end of a run that found
  // nothing else.
  kVacuous,
};
inline constexpr std::size_t kInvariants = 13;

const char* to_string(Invariant invariant);
std::optional<Invariant> find_invariant(std::string_view name);

struct Violation {
  Invariant invariant = Invariant::kAssertion;
  std::string entity;
  core::TimeUs at_us = 0;
  std::string message;
};

// Dwell times seen per (machine, state), in power-of-two buckets of seconds:
// bucket b holds dwells in [2^(b-1), 2^b) seconds, bucket 0 those under 1 s.
struct DwellHistogram {
  static constexpr std::size_t kBuckets = 24;  // up to ~97 days
  std::array<std::uint64_t, kBuckets> counts{};
  core::TimeUs max_us = 0;
  // The most of a completed stay that was counted against the state's bound
  // (the time with no fault active and the control plane's timers trusted):
  // how close the state came to overstaying, 0 for an unbounded state.
  core::TimeUs judged_max_us = 0;
  std::uint64_t total() const;
  void add(core::TimeUs dwell_us);
  // The smallest bucket bound (in us) at or below which `fraction` of the
  // samples fall: an upper bound on that percentile.
  core::TimeUs percentile_bound_us(double fraction) const;
};

// Tracks entity states and dwell, and checks transitions; keeps every
// violation, its own and those the Simulation adds (a world's checks, the
// final checks). Fed by the Simulation; knows nothing of the control plane
// beyond its machine definitions.
class InvariantChecker {
 public:
  // Bounds that replace the machines' own for this run, by "machine/state".
  void override_dwell(std::string machine_state, core::TimeUs bound_us);

  // Every state change the control plane journaled (refused ones included).
  void on_transition(const core::TransitionEvent& event, core::TimeUs now_us);
  // An entity seen in `state`: its first sighting starts its dwell clock; a
  // state other than the tracked one is a change nobody journaled (the
  // process died right after committing it) and restarts the clock. True
  // for such a change.
  bool on_state_seen(const core::MachineDef& machine, std::string_view entity, core::StateId state,
                     core::TimeUs now_us);
  // Faults are active: dwell clocks count only from the moment the world is
  // quiet again (a state held through a fault is the control plane waiting
  // for the world, not a wedge).
  void set_faults_active(bool active, core::TimeUs now_us);
  // States bounded faults or not are left on the control plane's own timers,
  // which cannot run while its clock is faulty or its process is down, nor
  // be trusted before `trusted_from_us` (a clock stepped back by a minute
  // delays every timer by a minute). Their dwell is judged outside those
  // spans. Every other state's dwell, too, is counted from `trusted_from_us`
  // at the earliest: its way out may wait on such a timer.
  void set_control_plane_clock_faulty(bool faulty) { control_plane_clock_faulty_ = faulty; }
  void control_plane_timers_trusted_from(core::TimeUs trusted_from_us) {
    timers_trusted_from_us_ = std::max(timers_trusted_from_us_, trusted_from_us);
  }
  // Every tracked entity in a state with a dwell bound, checked against it.
  void check_dwell(core::TimeUs now_us);

  const std::vector<Violation>& violations() const { return violations_; }
  const std::map<std::string, DwellHistogram>& dwell() const { return dwell_; }
  void add(Violation violation) { violations_.push_back(std::move(violation)); }

 private:
  struct Tracked {
    const core::MachineDef* machine = nullptr;
    core::StateId state = 0;
    core::TimeUs since_us = 0;
    core::TimeUs judged_us = 0;  // the most of this stay counted against the bound
    bool reported = false;
  };

  core::TimeUs bound_of(const core::MachineDef& machine, core::StateId state) const;
  void enter(Tracked& tracked, core::StateId state, core::TimeUs now_us);

  std::map<std::string, core::TimeUs, std::less<>> dwell_overrides_;
  std::map<std::string, Tracked, std::less<>> entities_;  // "machine/entity"
  std::map<std::string, DwellHistogram> dwell_;           // "machine/state"
  bool faults_active_ = false;
  core::TimeUs quiet_since_us_ = 0;
  bool control_plane_clock_faulty_ = false;
  core::TimeUs timers_trusted_from_us_ = 0;
  std::vector<Violation> violations_;
};

}  // namespace unwedge::sim
