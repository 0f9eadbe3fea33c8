#include "cli/control_plane_flag.hpp"

#include <fmt/format.h>

namespace unwedge::cli {
namespace {

// Taken when the first command's flag is added, before any is parsed.
const seam::PlaneInfo*& program_default() {
  static const seam::PlaneInfo* plane = nullptr;
  return plane;
}

}  // namespace

void add_control_plane_flag(CLI::App& command) {
  const seam::PlaneInfo* fallback = seam::default_plane();
  if (program_default() == nullptr) program_default() = fallback;
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
