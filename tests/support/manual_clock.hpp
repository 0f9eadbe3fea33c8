// ManualClock: the hand-set clock of sim/manual_clock.hpp under the name the
// framework tests use.
#pragma once

#include "sim/manual_clock.hpp"

namespace unwedge::testing {

using ManualClock = sim::ManualClock;

}  // namespace unwedge::testing
