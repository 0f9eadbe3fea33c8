// Registers the goal plane by name. Compiled into every program that links
// the plane (an interface source of its library), so no linker drops it.
#include "planes/goal/plane.hpp"
#include "seam/registry.hpp"

UNWEDGE_REGISTER_CONTROL_PLANE(unwedge::goal::plane_info());
