#include "cli/control_plane_flag.hpp"

#include <fmt/format.h>

namespace unwedge::cli {

void add_control_plane_flag(CLI::App& command) {
  const seam::PlaneInfo* fallback = seam::default_plane();
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

}  // namespace unwedge::cli
