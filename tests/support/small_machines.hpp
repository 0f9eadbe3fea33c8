// A four-state replica link shared by the framework tests: following and
// lagging, then promoting into promoted (terminal).
#pragma once

#include <gtest/gtest.h>

#include "core/machine.hpp"

namespace unwedge::testing {

inline core::MachineDef small_replica_link() {
  using core::kMinute;
  core::Result<core::MachineDef> def =
      core::MachineDef::Builder("replica_link")
          .state("following", {.healthy = true, .stable = true})
          .state("lagging", {.dwell_max_us = 10 * kMinute})
          .state("promoting", {.dwell_max_us = 5 * kMinute})
          .state("promoted", {.healthy = true, .stable = true})
          .transition("following", "lagging", "lag_exceeded")
          .transition("lagging", "following", "caught_up")
          .transition("following", "promoting", "promote_requested")
          .transition("promoting", "promoted", "promote_done")
          .initial("following")
          .terminal("promoted")
          .build();
  EXPECT_TRUE(def.ok()) << def.error().message;
  return std::move(def).value();
}

}  // namespace unwedge::testing
