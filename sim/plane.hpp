// The control plane a run names, built from the registry (seam/registry.hpp).
//
//   core::Result<std::unique_ptr<seam::ControlPlane>> plane = make_plane("", {});
//   // "": the default plane, with its default settings
#pragma once

#include <memory>
#include <string_view>

#include "core/result.hpp"
#include "seam/control_plane.hpp"
#include "seam/registry.hpp"

namespace unwedge::sim {

// The registered plane called `name` (empty: the default plane), or an error
// naming the planes there are.
core::Result<const seam::PlaneInfo*> find_plane_or_error(std::string_view name);

// The plane built from `settings`; an error names the plane or the setting.
core::Result<std::unique_ptr<seam::ControlPlane>> make_plane(std::string_view name,
                                                             const seam::SettingsText& settings);

}  // namespace unwedge::sim
