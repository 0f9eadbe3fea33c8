// The reference managed-Postgres control plane as one ControlPlaneModel:
// its machines, decision tables, actions and the claims it is held to.
//
//   core::ControlPlaneCheck check = core::check_control_plane(postgres::model());
#pragma once

#include "core/control_plane_model.hpp"

namespace unwedge::postgres {

const core::ControlPlaneModel& model();

}  // namespace unwedge::postgres
