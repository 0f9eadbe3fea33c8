// The goal plane's model: what `unwedge check-model --control-plane goal`
// checks, built from the very objects the monitor and the keepers run.
//
// model(mutant) is the model of the plane with that planted bug switched on
// (in the mutants' build; elsewhere every mutant's model is the shipped
// one), so the static checks and the simulation see the same machine.
//
//   const core::ControlPlaneModel& m = model();
//   core::GoalCheck check = core::check_goal_driven(node_def(Mutant::kNone));
#pragma once

#include "core/control_plane_model.hpp"
#include "core/goal_check.hpp"
#include "planes/goal/settings.hpp"

namespace unwedge::goal {

const core::ControlPlaneModel& model();
const core::ControlPlaneModel& model(Mutant mutant);

// The node machine as goal-driven: the monitor's table and the keeper's walk
// over it, from a first node single and a second one wait_standby.
const core::GoalDrivenDef& node_def(Mutant mutant);

}  // namespace unwedge::goal
