// A planted layering bug: a world that reaches past the simulator's kernel
// into its engine. tests/layers/check_names.cmake must refuse this tree.
#include "sim/kernel/rng.hpp"
#include "sim/simulation.hpp"
