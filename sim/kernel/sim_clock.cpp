#include "sim/kernel/sim_clock.hpp"

#include "core/assert.hpp"

namespace unwedge::sim {

core::TimeUs SimClock::now_us() const {
  if (synced_) return *virtual_now_us_;
  UNWEDGE_ASSERT_LE(base_virtual_us_, *virtual_now_us_);
  // 128-bit: a year of microseconds times a million overflows 64 bits.
  __extension__ using SignedWide = __int128;
  const SignedWide elapsed = *virtual_now_us_ - base_virtual_us_;
  const SignedWide local = elapsed * (1'000'000 + drift_ppm_) / 1'000'000;
  return base_local_us_ + static_cast<core::TimeUs>(local);
}

void SimClock::jump(core::TimeUs delta_us) {
  const core::TimeUs local = now_us();
  base_virtual_us_ = *virtual_now_us_;
  base_local_us_ = local + delta_us;
  synced_ = false;
}

void SimClock::set_drift_ppm(std::int32_t ppm) {
  UNWEDGE_ASSERT_LE(ppm, 100'000);  // 10%: beyond any real oscillator
  UNWEDGE_ASSERT_LE(-100'000, ppm);
  const core::TimeUs local = now_us();
  base_virtual_us_ = *virtual_now_us_;
  base_local_us_ = local;
  drift_ppm_ = ppm;
  synced_ = false;
}

void SimClock::reset() {
  base_virtual_us_ = *virtual_now_us_;
  base_local_us_ = *virtual_now_us_;
  drift_ppm_ = 0;
  synced_ = true;
}

}  // namespace unwedge::sim
