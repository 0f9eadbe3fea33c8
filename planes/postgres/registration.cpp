// Registers the reference plane by name, and makes it the plane a scenario
// runs when it names none. Compiled into every program that links the plane
// (an interface source of its library), so no linker drops it.
#include "planes/postgres/plane.hpp"
#include "seam/registry.hpp"

UNWEDGE_REGISTER_CONTROL_PLANE(unwedge::postgres::plane_info());
[[maybe_unused]] static const bool unwedge_postgres_is_default =
    unwedge::seam::set_default_plane("postgres");
