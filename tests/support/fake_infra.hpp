// FakeInfra: the keyed fleet API of worlds/postgres/keyed_infra.hpp under the
// name the framework tests use.
#pragma once

#include "worlds/postgres/keyed_infra.hpp"

namespace unwedge::testing {

using FakeInfra = pgworld::KeyedInfra;

}  // namespace unwedge::testing
