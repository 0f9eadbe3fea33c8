#include "cli/control_plane_flag.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace unwedge::cli {
namespace {

// Taken when the first command's flag is added, before any is parsed.
const seam::PlaneInfo*& program_default() {
  static const seam::PlaneInfo* plane = nullptr;
  return plane;
}

}  // namespace

core::Result<std::vector<const seam::PlaneInfo*>> parse_plane_list(std::string_view list) {
  std::vector<const seam::PlaneInfo*> planes;
  // Bounded by the text's length.
  for (;;) {
    const std::size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    const seam::PlaneInfo* plane = seam::find_plane(name);
    if (plane == nullptr) {
      return core::Error{
          fmt::format("no control plane named '{}'; known: {}", name, seam::plane_names())};
    }
    if (std::find(planes.begin(), planes.end(), plane) != planes.end()) {
      return core::Error{
          fmt::format("the control plane '{}' is named twice; name each once (known: {})", name,
                      seam::plane_names())};
    }
    planes.push_back(plane);
    if (comma == std::string_view::npos) return planes;
    list.remove_prefix(comma + 1);
  }
}

void add_control_plane_list_flag(CLI::App& command, std::vector<std::string>& names) {
  const seam::PlaneInfo* fallback = seam::default_plane();
  if (program_default() == nullptr) program_default() = fallback;
  command
      .add_option_function<std::string>(
          "--control-plane",
          [&names](const std::string& list) {
            // Checked first, so every name is of a registered plane.
            names.clear();
            core::Result<std::vector<const seam::PlaneInfo*>> planes = parse_plane_list(list);
            if (!planes) return;
            for (const seam::PlaneInfo* plane : *planes)
              names.push_back(plane->name);
            if (names.size() == 1) {
              [[maybe_unused]] const bool known = seam::set_default_plane(names.front());
            }
          },
          fmt::format("The control planes under test, by their registered names ({}), separated "
                      "by commas: a campaign of several runs each plane's scenarios and gives "
                      "the swarm seeds to the planes in turn; scenario files that name none run "
                      "the default plane",
                      seam::plane_names()))
      ->default_str(fallback != nullptr ? fallback->name : "")
      ->check(CLI::Validator(
          [](std::string& list) -> std::string {
            core::Result<std::vector<const seam::PlaneInfo*>> planes = parse_plane_list(list);
            return planes ? "" : planes.error().message;
          },
          "NAME[,NAME...]", "registered control planes"));
}

void add_control_plane_flag(CLI::App& command) {
  const seam::PlaneInfo* fallback = seam::default_plane();
  if (program_default() == nullptr) program_default() = fallback;
  if (command.get_option_no_throw("--control-plane") != nullptr) return;
  command
      .add_option_function<std::string>(
          "--control-plane",
          [](const std::string& name) {
            // Checked first, so this always names a registered plane.
            [[maybe_unused]] const bool known = seam::set_default_plane(name);
          },
          fmt::format("The control plane under test, by its registered name ({}); scenario files "
                      "that name none run it too",
                      seam::plane_names()))
      ->default_str(fallback != nullptr ? fallback->name : "")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            if (seam::find_plane(name) != nullptr) return "";
            return fmt::format("no control plane named '{}'; known: {}", name, seam::plane_names());
          },
          "NAME", "registered control plane"));
}

const seam::PlaneInfo* selected_plane() {
  return seam::default_plane();
}

const seam::PlaneInfo* program_default_plane() {
  return program_default() != nullptr ? program_default() : seam::default_plane();
}

}  // namespace unwedge::cli
