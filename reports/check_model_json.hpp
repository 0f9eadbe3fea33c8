// `unwedge check-model --json`: everything the check of a control plane found,
// as one JSON object for tools (CI gates, dashboards, editors).
//
// Key names are stable and documented in docs/FRAMEWORK.md ("check-model
// --json"); every key is always present (an empty string, list or null when
// it does not apply), so a reader needs no guesswork. Deterministic: keys in a
// fixed order, lists in the check's order, so equal checks give equal bytes.
//
//   core::ControlPlaneCheck check = core::check_control_plane(model);
//   std::fputs(check_model_json(check).c_str(), stdout);
#pragma once

#include <string>

#include "core/control_plane_check.hpp"

namespace unwedge::reports {

// Bumped when a key is renamed or removed or its meaning changes; new keys
// may be added without a bump.
inline constexpr int kCheckModelSchemaVersion = 1;

// "ok", "fail" (something is refuted) or "model-error" (the model is
// declared wrongly), the `verdict` of the JSON.
const char* check_verdict(const core::ControlPlaneCheck& check);

// Pretty-printed, two-space indent, ending in a newline.
std::string check_model_json(const core::ControlPlaneCheck& check);

}  // namespace unwedge::reports
