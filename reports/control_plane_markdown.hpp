// The reference documentation of a control plane, generated from its model:
// every machine as a table of states (healthy, stable, maximum dwell, why)
// with its graph, every decision table with its analysis, every action's
// steps and requested transitions, and every claim with its proof. Generated,
// so it cannot drift from the code; a test keeps the committed copy current.
//
//   std::string md = control_plane_markdown(model, check_control_plane(model),
//                                           "control_plane");
#pragma once

#include <string>
#include <string_view>

#include "core/control_plane_check.hpp"
#include "core/control_plane_model.hpp"

namespace unwedge::reports {

// `graphs_dir` is where the rendered machine graphs (<machine>.svg) live,
// relative to the document.
std::string control_plane_markdown(const core::ControlPlaneModel& model,
                                   const core::ControlPlaneCheck& check,
                                   std::string_view graphs_dir);

// "30 min", "2 h", "90 s", "250 ms"; "unbounded" for none.
std::string describe_duration(std::optional<core::TimeUs> duration_us);

}  // namespace unwedge::reports
