// A four-state replica link shared by the framework tests (following and
// lagging, then promoting into promoted, terminal), and a decision-table
// builder over it with three signals and two actions.
#pragma once

#include <gtest/gtest.h>

#include "core/decision_table.hpp"
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

// Signals NeedsPromote, NeedsUnfollow, StandbyLagging; actions Promote,
// Unfollow; no rules yet.
inline core::DecisionTable::Builder small_link_table(const core::MachineDef& machine) {
  core::DecisionTable::Builder builder("replica_link", machine);
  builder.signals({"NeedsPromote", "NeedsUnfollow", "StandbyLagging"})
      .actions({"Promote", "Unfollow"});
  return builder;
}

// Builds a table a test expects to be valid.
inline core::DecisionTable build_table(const core::DecisionTable::Builder& builder) {
  core::Result<core::DecisionTable> table = builder.build();
  EXPECT_TRUE(table.ok()) << table.error().message;
  return std::move(table).value();
}

}  // namespace unwedge::testing
