// ManualClock: the hand-set clock of sim/kernel/manual_clock.hpp under the
// name the framework tests use.
#pragma once

#include "sim/kernel/manual_clock.hpp"

namespace unwedge::testing {

using ManualClock = sim::ManualClock;

}  // namespace unwedge::testing
