// Mutations of a scenario's timeline, for the guided search
// (sim/guided_search.hpp): each changes the story a little, so a run that
// reached something new can be pushed further.
//
//   add       a fault or a request taken from a donor scenario of the same
//             plane, at a random time (only one whose targets exist here);
//   drop      one fault or request removed;
//   shift     one event moved earlier or later, up to ten minutes;
//   stretch   one fault made longer or shorter (halved to doubled);
//   overlap   one event moved to start while another fault is active, the
//             combination of faults a swarm rarely draws;
//   repeat    one fault copied to start again inside its own window, or
//             (one time in three) at the same instant: the same fault twice
//             at once (two clock jumps adding up, healed together);
//   amount    one fault's amount scaled by a half to double (a clock jump
//             further, a partial loss heavier), or its sign flipped;
//   crop      the timeline cut to a window of 5 to 30 minutes around one
//             event, the safety phase shortened to match: one story of a
//             long scenario alone, run several times faster;
//   end       the safety phase ended up to five minutes sooner or later:
//             the moment every fault heals at once, moved against what the
//             plane is doing then;
//   reseed    the run's own seed changed (network delays, jitter).
//
// A mutant keeps the scenario's fleet, plane and recovery phase (only a crop
// or an end changes its safety phase), and its timeline
// sorted by time. Pure functions of their arguments and the Rng's state.
//
//   Rng rng = Rng::stream(seed, "guided");
//   Mutation m = mutate_scenario(base, &donor, rng);
//   fmt::print("{}: {}\n", m.scenario.name, m.how);   // "shift, overlap"
#pragma once

#include <string>

#include "sim/kernel/rng.hpp"
#include "sim/scenario.hpp"

namespace unwedge::sim {

// An add never grows a timeline past these (the swarm's own limits).
inline constexpr std::size_t kTimelineFaultsMax = 1'000;
inline constexpr std::size_t kTimelineOperatorsMax = 100;

enum class MutationKind : std::uint8_t {
  kAdd,
  kDrop,
  kShift,
  kStretch,
  kOverlap,
  kRepeat,
  kAmount,
  kCrop,
  kEnd,
  kReseed
};
inline constexpr std::size_t kMutationKinds = 10;
const char* to_string(MutationKind kind);

struct Mutation {
  Scenario scenario;
  std::string how;  // the mutations applied, in order: "shift, overlap"
};

// One to three mutations of `base`; `donor` (may be null or `base` itself)
// lends the events `add` takes. A mutation that finds nothing to act on (a
// drop on an empty timeline) is skipped; the result always differs from
// `base` at least in its seed.
Mutation mutate_scenario(const Scenario& base, const Scenario* donor, Rng& rng);

// Applies one mutation of `kind`; false when it found nothing to act on.
bool apply_mutation(MutationKind kind, Scenario& scenario, const Scenario* donor, Rng& rng);

}  // namespace unwedge::sim
