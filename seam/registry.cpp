#include "seam/registry.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/entity_codec.hpp"

namespace unwedge::seam {
namespace {

struct Registry {
  // Sorted by name; entries never move once registered (unique_ptr).
  std::vector<std::unique_ptr<PlaneInfo>> planes;
  std::string default_name;
};

// A function-local static: registrations run during static initialisation,
// in an order the linker chooses.
Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

bool register_plane(PlaneInfo info) {
  UNWEDGE_ASSERT(!info.name.empty());
  UNWEDGE_ASSERT(info.model != nullptr);
  UNWEDGE_ASSERT(info.create != nullptr);
  UNWEDGE_ASSERT(info.settings != nullptr);
  Registry& r = registry();
  if (find_plane(info.name) != nullptr) return false;
  for (const std::string& alias : info.aliases) {
    if (alias.empty() || alias == info.name || find_plane(alias) != nullptr) return false;
  }
  auto at = std::lower_bound(
      r.planes.begin(), r.planes.end(), info.name,
      [](const std::unique_ptr<PlaneInfo>& p, const std::string& name) { return p->name < name; });
  r.planes.insert(at, std::make_unique<PlaneInfo>(std::move(info)));
  return true;
}

std::vector<const PlaneInfo*> planes() {
  std::vector<const PlaneInfo*> out;
  for (const std::unique_ptr<PlaneInfo>& p : registry().planes)
    out.push_back(p.get());
  return out;
}

const PlaneInfo* find_plane(std::string_view name) {
  for (const std::unique_ptr<PlaneInfo>& p : registry().planes) {
    if (p->name == name) return p.get();
  }
  for (const std::unique_ptr<PlaneInfo>& p : registry().planes) {
    if (std::find(p->aliases.begin(), p->aliases.end(), name) != p->aliases.end()) return p.get();
  }
  return nullptr;
}

const PlaneInfo* default_plane() {
  const Registry& r = registry();
  if (!r.default_name.empty()) return find_plane(r.default_name);
  if (r.planes.size() == 1) return r.planes.front().get();
  return nullptr;
}

bool set_default_plane(std::string_view name) {
  if (find_plane(name) == nullptr) return false;
  registry().default_name = std::string(name);
  return true;
}

std::string plane_names() {
  std::string out;
  for (const std::unique_ptr<PlaneInfo>& p : registry().planes)
    out += out.empty() ? p->name : ", " + p->name;
  return out.empty() ? "(none registered)" : out;
}

core::Result<core::EntityCodecs> entity_codecs(const PlaneInfo& plane) {
  if (plane.entities == nullptr) {
    return core::Error{fmt::format(
        "control plane {} does not declare its entities' codecs (PlaneInfo::entities), so it can "
        "run on the in-memory store only; declare them to keep its state in a database",
        plane.name)};
  }
  core::EntityCodecs codecs;
  core::add_framework_entities(codecs);
  plane.entities(codecs);
  return codecs;
}

}  // namespace unwedge::seam
