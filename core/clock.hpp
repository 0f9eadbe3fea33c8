// Clock: how the control plane learns the time.
//
// Production passes a clock over the system time; the simulator passes its
// virtual clock, which may drift or jump per host. Code in core/ never reads
// the wall clock itself, so a simulated run is a pure function of its seed.
//
//   TimeUs deadline_us = clock.now_us() + 30 * kSecond;
#pragma once

#include "core/time.hpp"

namespace unwedge::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeUs now_us() const = 0;
};

}  // namespace unwedge::core
