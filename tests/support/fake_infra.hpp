// FakeInfra: the keyed fleet API of sim/keyed_infra.hpp under the name the
// framework tests use.
#pragma once

#include "sim/keyed_infra.hpp"

namespace unwedge::testing {

using FakeInfra = sim::KeyedInfra;

}  // namespace unwedge::testing
