// ManualClock: a Clock its owner sets by hand (tests, crash exploration).
#pragma once

#include "core/clock.hpp"

namespace unwedge::sim {

class ManualClock final : public core::Clock {
 public:
  explicit ManualClock(core::TimeUs now_us = 0) : now_us_(now_us) {}
  core::TimeUs now_us() const override { return now_us_; }
  void set(core::TimeUs now_us) { now_us_ = now_us; }
  void advance(core::TimeUs delta_us) { now_us_ += delta_us; }

 private:
  core::TimeUs now_us_;
};

}  // namespace unwedge::sim
