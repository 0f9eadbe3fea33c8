// A planted layering bug: framework code that names the reference plane.
// tests/layers/check_names.cmake must refuse this tree.
#include "planes/postgres/controller.hpp"
