#include "sim/plane.hpp"

#include <fmt/format.h>

namespace unwedge::sim {

core::Result<const seam::PlaneInfo*> find_plane_or_error(std::string_view name) {
  const seam::PlaneInfo* info = name.empty() ? seam::default_plane() : seam::find_plane(name);
  if (info != nullptr) return info;
  if (name.empty()) {
    return core::Error{
        fmt::format("no default control plane; name one (known: {})", seam::plane_names())};
  }
  return core::Error{
      fmt::format("no control plane named '{}'; known: {}", name, seam::plane_names())};
}

core::Result<std::unique_ptr<seam::ControlPlane>> make_plane(std::string_view name,
                                                             const seam::SettingsText& settings) {
  core::Result<const seam::PlaneInfo*> info = find_plane_or_error(name);
  if (!info) return info.error();
  return (*info)->create(settings);
}

}  // namespace unwedge::sim
