#include "cli/control_planes.hpp"

#include "planes/postgres/model.hpp"

namespace unwedge::cli {

const std::vector<RegisteredControlPlane>& control_planes() {
  static const std::vector<RegisteredControlPlane> registered = {
      {"postgres", &postgres::model},
  };
  return registered;
}

const RegisteredControlPlane* find_control_plane(const std::string& name) {
  for (const RegisteredControlPlane& plane : control_planes()) {
    if (plane.name == name) return &plane;
  }
  return nullptr;
}

}  // namespace unwedge::cli
