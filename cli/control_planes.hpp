// The control planes unwedge knows by name. A team adding its own control
// plane registers it here.
#pragma once

#include <string>
#include <vector>

#include "core/control_plane_model.hpp"

namespace unwedge::cli {

struct RegisteredControlPlane {
  std::string name;
  const core::ControlPlaneModel& (*model)();
};

const std::vector<RegisteredControlPlane>& control_planes();
const RegisteredControlPlane* find_control_plane(const std::string& name);

}  // namespace unwedge::cli
