// `--control-plane NAME`, which every command takes: the registered plane
// (seam/registry.hpp) a command runs, and the one scenario files that name
// none are run against.
//
//   add_control_plane_flag(*command);   // each subcommand, by run_unwedge()
//   const seam::PlaneInfo& plane = selected_plane();
//
//   add_control_plane_list_flag(*nightly, options->planes);  // "postgres,lease"
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "seam/registry.hpp"

namespace unwedge::cli {

// Adds the flag to `command`, unless the command has one of its own (as
// add_control_plane_list_flag gives). An unknown name is refused (exit 2)
// with the names there are; a known one becomes the default plane before
// the command runs.
void add_control_plane_flag(CLI::App& command);

// `--control-plane NAME[,NAME...]`, for a command that runs several planes
// (`unwedge nightly`): each name a registered plane, none twice, else
// refused (exit 2) naming the flag and the planes there are. The names go
// to `names` in the order given; one name also becomes the default plane,
// as add_control_plane_flag does, while several leave the default alone.
void add_control_plane_list_flag(CLI::App& command, std::vector<std::string>& names);

// The planes named in `list` ("postgres,lease"), in order; an error names
// the unknown or repeated one and the planes there are.
core::Result<std::vector<const seam::PlaneInfo*>> parse_plane_list(std::string_view list);

// The plane the command runs: the one named by --control-plane, else the
// default plane. Null only when no plane is registered at all.
const seam::PlaneInfo* selected_plane();

// The program's own default plane, whatever --control-plane says: the plane
// that scenario files naming none were written for.
const seam::PlaneInfo* program_default_plane();

}  // namespace unwedge::cli
