// What this program is, for reports and `--version`: the unwedge version, the
// compiler and the build type it was made with.
//
//   build_description();  // "unwedge 0.1.0 (gcc 12.2.0, RelWithDebInfo)"
#pragma once

#include <string>

namespace unwedge::cli {

std::string build_description();

}  // namespace unwedge::cli
