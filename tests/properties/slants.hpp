// The slant of each invariant's property: the faults, requests and fleet
// shapes that can break that invariant, weighted toward them. Every fault
// kind and every operator request is reachable from some slant (most from
// the assertion slant, which mixes everything).
#pragma once

#include <array>

#include "tests/properties/scenario_gen.hpp"

namespace unwedge::properties {

inline Slant slant_for(sim::Invariant invariant) {
  using sim::FaultKind;
  using sim::OperatorKind;
  Slant s{.name = sim::to_string(invariant)};
  switch (invariant) {
    case sim::Invariant::kAssertion:
    case sim::Invariant::kPlaneInvariant:
    case sim::Invariant::kMissedDecision:
    case sim::Invariant::kVacuous:  // drawn scenarios require nothing: never vacuous
      // Everything at once: the control plane's and the simulator's own
      // contracts, and the plane's own invariants, hold whatever happens.
      // (Every kind the reference plane's fleet knows: it runs no store.)
      for (sim::FaultKind kind : sim::fault_kinds_for(false))
        s.faults.emplace_back(1, kind);
      for (const sim::OperatorKindInfo& k : sim::operator_kinds())
        s.operators.emplace_back(1, k.kind);
      s.faults_max = 8;
      break;
    case sim::Invariant::kValidTransitions:
      // Every path through the tables: customer promotions, unfollows,
      // failovers and replacements, with the crashes that interrupt them.
      s.faults = {{3, FaultKind::kHostCrash},
                  {2, FaultKind::kDatabaseCrash},
                  {2, FaultKind::kPartitionComplete},
                  {2, FaultKind::kControlPlaneCrash},
                  {1, FaultKind::kInfraFailing}};
      s.operators = {{3, OperatorKind::kPromoteFollower}, {2, OperatorKind::kUnfollow},
                     {3, OperatorKind::kRequestFailover}, {2, OperatorKind::kReplaceServer},
                     {2, OperatorKind::kAddFollower},     {1, OperatorKind::kDeprovision}};
      s.operators_max = 4;
      s.duration_min_us = 30 * kMinute;
      break;
    case sim::Invariant::kBoundedDwell:
      // What monitoring sees wrongly: silent agents, late, doubled and
      // stale check-ins, cuts from the monitors, clocks that drift or jump.
      s.faults = {{2, FaultKind::kAgentPause},        {2, FaultKind::kLateCheckins},
                  {2, FaultKind::kDuplicateCheckins}, {2, FaultKind::kStaleCheckins},
                  {2, FaultKind::kPartitionPartial},  {2, FaultKind::kPartitionOneWay},
                  {1, FaultKind::kClockDrift},        {1, FaultKind::kClockJump},
                  {2, FaultKind::kHostCrash}};
      s.operators = {{1, OperatorKind::kRequestFailover}, {1, OperatorKind::kReplaceServer}};
      // Mostly cuts from every monitor, which no restart heals.
      s.far_sides = {{4, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}};
      s.fault_max_us = 15 * kMinute;
      break;
    case sim::Invariant::kNoLostWrites:
    case sim::Invariant::kSingleWriter:
      // The leader cut off or dying while clients write busily to an
      // asynchronous service, and promotions asked for on top.
      s.faults = {{3, FaultKind::kPartitionComplete}, {2, FaultKind::kPartitionPartial},
                  {2, FaultKind::kPartitionOneWay},   {2, FaultKind::kHostCrash},
                  {2, FaultKind::kDatabaseCrash},     {1, FaultKind::kAgentPause}};
      s.operators = {{2, OperatorKind::kRequestFailover}, {1, OperatorKind::kPromoteFollower}};
      s.standbys_min = 1;
      s.asynchronous = invariant == sim::Invariant::kNoLostWrites;
      s.write_interval_us = 2 * kSecond;
      s.fault_max_us = 15 * kMinute;
      break;
    case sim::Invariant::kEventuallyHealthy:
      // Long faults of every lasting kind, healed, then the recovery phase.
      for (sim::FaultKind kind : sim::fault_kinds_for(false))
        s.faults.emplace_back(1, kind);
      s.operators = {{1, OperatorKind::kRequestFailover},
                     {1, OperatorKind::kReplaceServer},
                     {1, OperatorKind::kAddFollower}};
      s.fault_max_us = 40 * kMinute;
      s.duration_min_us = 20 * kMinute;
      break;
    case sim::Invariant::kIdempotentEffects:
      // Fleet API calls doubled, lost, failed and slow, and the control
      // plane dying between asking and hearing back, while work is asked for.
      s.faults = {{3, FaultKind::kInfraDuplicates},   {3, FaultKind::kInfraTimeouts},
                  {2, FaultKind::kInfraFailing},      {1, FaultKind::kInfraSlow},
                  {3, FaultKind::kControlPlaneCrash}, {1, FaultKind::kHostCrash}};
      s.operators = {{2, OperatorKind::kRequestFailover},
                     {2, OperatorKind::kReplaceServer},
                     {1, OperatorKind::kAddFollower},
                     {1, OperatorKind::kPromoteFollower}};
      s.duration_min_us = 10 * kMinute;
      break;
    case sim::Invariant::kStoreLinearizable:
      // The faults that reach a consensus store's members where the plane
      // runs one: crashes, cuts and clocks, while agents ask. The store's
      // own kinds need such a plane; the reference plane these properties
      // run has none, so its store check has nothing to judge.
      s.faults = {{3, FaultKind::kPartitionComplete}, {2, FaultKind::kPartitionPartial},
                  {2, FaultKind::kPartitionOneWay},   {3, FaultKind::kHostCrash},
                  {1, FaultKind::kClockDrift},        {2, FaultKind::kClockJump}};
      s.fault_max_us = 5 * kMinute;
      break;
    case sim::Invariant::kServingWhenHealthy:
      // Leader changes, asked for and forced by short faults on the leader
      // that heal while the clients go on writing: the plane must route
      // them to whoever it reports serving.
      s.faults = {{3, FaultKind::kHostCrash},
                  {2, FaultKind::kDatabaseCrash},
                  {2, FaultKind::kPartitionComplete},
                  {1, FaultKind::kAgentPause}};
      s.operators = {{3, OperatorKind::kRequestFailover}, {1, OperatorKind::kReplaceServer}};
      s.standbys_min = 1;
      s.fault_max_us = 5 * kMinute;
      s.duration_min_us = 30 * kMinute;
      break;
    case sim::Invariant::kNoNeedlessDisruption:
      // What misleads monitoring about a sound host without silencing it
      // for a majority of monitors: cuts from one monitor, late, doubled and
      // stale check-ins, monitors' and the control plane's clocks, a
      // standby's crash; and failovers and replacements asked for, which
      // are never needless. Standbys, so a failover is possible at all.
      s.faults = {{3, FaultKind::kPartitionPartial},  {3, FaultKind::kPartitionOneWay},
                  {2, FaultKind::kLateCheckins},      {2, FaultKind::kStaleCheckins},
                  {1, FaultKind::kDuplicateCheckins}, {2, FaultKind::kClockDrift},
                  {2, FaultKind::kClockJump},         {2, FaultKind::kHostCrash},
                  {1, FaultKind::kDatabaseCrash},     {1, FaultKind::kAgentPause}};
      s.operators = {{1, OperatorKind::kRequestFailover},
                     {1, OperatorKind::kReplaceServer},
                     {1, OperatorKind::kPromoteFollower}};
      s.far_sides = {{1, 0}, {1, 1}, {2, 2}, {1, 3}, {4, 4}};
      s.standbys_min = 1;
      break;
  }
  return s;
}

// Every invariant, in the order their properties are hunted with; but
// kVacuous, which no drawn scenario (requiring nothing) can break.
inline constexpr std::array<sim::Invariant, sim::kInvariants - 1> kHuntOrder = {
    sim::Invariant::kValidTransitions,
    sim::Invariant::kBoundedDwell,
    sim::Invariant::kNoLostWrites,
    sim::Invariant::kSingleWriter,
    sim::Invariant::kIdempotentEffects,
    sim::Invariant::kEventuallyHealthy,
    sim::Invariant::kAssertion,
    sim::Invariant::kPlaneInvariant,
    sim::Invariant::kStoreLinearizable,
    sim::Invariant::kServingWhenHealthy,
    sim::Invariant::kNoNeedlessDisruption,
    sim::Invariant::kMissedDecision};

}  // namespace unwedge::properties
