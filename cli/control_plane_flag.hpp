// `--control-plane NAME`, which every command takes: the registered plane
// (seam/registry.hpp) a command runs, and the one scenario files that name
// none are run against.
//
//   add_control_plane_flag(*command);   // each subcommand, by run_unwedge()
//   const seam::PlaneInfo& plane = selected_plane();
#pragma once

#include <CLI/CLI.hpp>

#include "seam/registry.hpp"

namespace unwedge::cli {

// Adds the flag to `command`. An unknown name is refused (exit 2) with the
// names there are; a known one becomes the default plane before the command
// runs.
void add_control_plane_flag(CLI::App& command);

// The plane the command runs: the one named by --control-plane, else the
// default plane. Null only when no plane is registered at all.
const seam::PlaneInfo* selected_plane();

// The program's own default plane, whatever --control-plane says: the plane
// that scenario files naming none were written for.
const seam::PlaneInfo* program_default_plane();

}  // namespace unwedge::cli
