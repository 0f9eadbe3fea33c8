// Registers the goal plane by name. Compiled into every program that links
// the plane (an interface source of its library), so no linker drops it.
// (A unity build of a test may join this file with another plane's
// registration: the macro's name is made of its line, so the lines differ.)
#include "planes/goal/plane.hpp"
#include "seam/registry.hpp"

UNWEDGE_REGISTER_CONTROL_PLANE(unwedge::goal::plane_info());
