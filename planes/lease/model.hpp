// The lease plane's model: its machines, tables, actions and claims, for
// `unwedge check-model --control-plane lease` and docs/LEASE_PLANE.md.
#pragma once

#include "core/control_plane_model.hpp"

namespace unwedge::lease {

const core::ControlPlaneModel& model();

}  // namespace unwedge::lease
