#include "cli/build_info.hpp"

#include <fmt/format.h>

#ifndef UNWEDGE_VERSION
#error "the build defines UNWEDGE_VERSION (cli/CMakeLists.txt)"
#endif
#ifndef UNWEDGE_BUILD_TYPE
#error "the build defines UNWEDGE_BUILD_TYPE (cli/CMakeLists.txt)"
#endif

namespace unwedge::cli {

std::string build_description() {
#if defined(__clang__)
  const std::string compiler =
      fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  const std::string compiler =
      fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  const std::string compiler = "an unknown compiler";
#endif
  const std::string_view type = UNWEDGE_BUILD_TYPE;
  return fmt::format("unwedge {} ({}, {})", UNWEDGE_VERSION, compiler,
                     type.empty() ? "no build type" : type);
}

}  // namespace unwedge::cli
