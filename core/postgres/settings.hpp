// Settings: the thresholds and timeouts of the reference control plane.
//
// Each is a knob a scenario may set; the defaults are what a managed Postgres
// service would ship with. Names carry their unit.
#pragma once

#include <cstdint>

#include "core/telemetry.hpp"
#include "core/time.hpp"

namespace unwedge::postgres {

struct Settings {
  // Monitoring vantage points every host checks in with.
  std::uint32_t vantage_points = 2;
  // A vantage point's latest check-in older than this is missed.
  core::TimeUs missed_after_us = 30 * core::kSecond;
  // Missed at this many vantage points for at least unreachable_after_us:
  // consistently unreachable, not a blip at one monitor.
  std::uint32_t unreachable_vantages_min = 2;
  core::TimeUs unreachable_after_us = 90 * core::kSecond;
  // Restarts tried on an unreachable host before it is replaced instead.
  std::uint32_t restarts_max = 3;
  // A standby further behind its leader than this is lagging.
  core::Lsn lag_bytes_max = 16 * 1024 * 1024;
  // Certificates: how long one lasts and how early it is renewed.
  core::TimeUs certificate_validity_us = 90 * 24 * core::kHour;
  core::TimeUs certificate_renew_before_us = 14 * 24 * core::kHour;
};

}  // namespace unwedge::postgres
