// The canary's control plane: a purpose-built plane, registered as "canary"
// only in the programs that run the canary (unwedge-canary and its tests),
// whose one action carries a bug planted to be caught.
//
// Each ordered service is a ledger that starts `serving`; the plane drains
// it (action Drain: `serving` -> `draining`, a state bounded to 10 minutes)
// and then waits for a confirmation that no code ever gives, so every
// ledger stays `draining` for ever: a wedge, certain by construction. It
// shares no code with the bundled planes, so no edit of theirs can move it;
// only the simulator, the core runtime and the checkers it exists to test.
//
// Its own invariant (ControlPlane::check), for the plane-invariant
// self-test: no ledger drains longer than `drain_promise` (setting, 20 min).
//
//   UNWEDGE_REGISTER_CONTROL_PLANE(unwedge::cli::canary_plane_info());
//   sim::Scenario s = canary_scenario();  // cli/canary_checks.hpp
#pragma once

#include "core/machine.hpp"
#include "seam/registry.hpp"

namespace unwedge::cli {

inline constexpr const char* kCanaryPlane = "canary";

// The ledger's machine: `draining` is bounded (kDrainingDwellMaxUs).
const core::MachineDef& ledger_machine();
inline constexpr core::TimeUs kDrainingDwellMaxUs = 10 * core::kMinute;

seam::PlaneInfo canary_plane_info();

}  // namespace unwedge::cli
