#include "planes/goal/monitor_table.hpp"

#include <array>

#include "core/assert.hpp"
#include "planes/goal/node_machine.hpp"

namespace unwedge::goal {
namespace {

// The rules, written for "a" and "b" and renamed by the table for the
// other way round. Priorities: a failover above a lost standby above the
// steps of a failover under way above the joining steps; `steady` assigns
// nothing, leaving every goal as it is. A primary that is never heard
// again holds its failover in prepare_promotion until it is back to say it
// demoted: the standby never promotes over a primary that may still take
// writes.
core::GroupTable build_group_table(Mutant mutant) {
  core::Result<core::GroupTable> table =
      core::GroupTable::Builder("monitor", node_machine(mutant))
          .members({"a", "b"})
          .symmetric()
          .signals({"a.Unhealthy", "b.Unhealthy", "a.CaughtUp", "b.CaughtUp"})
          // The first node registered leads alone; the second joins as its standby.
          .rule({.name = "join",
                 .in = {{"a", {"single"}}, {"b", {"wait_standby"}}},
                 .assign = {{"a", "wait_primary"}, {"b", "catchingup"}},
                 .priority = 10})
          .rule({.name = "caught_up",
                 .in = {{"a", {"wait_primary"}}, {"b", {"catchingup"}}},
                 .when = {"b.CaughtUp"},
                 .unless = {"a.Unhealthy", "b.Unhealthy"},
                 .assign = {{"a", "primary"}, {"b", "secondary"}},
                 .priority = 20})
          .rule({.name = "failover",
                 .in = {{"a", {"primary", "wait_primary"}}, {"b", {"secondary"}}},
                 .when = {"a.Unhealthy"},
                 .unless = {"b.Unhealthy"},
                 .assign = {{"a", "demoted"}, {"b", "prepare_promotion"}},
                 .priority = 50})
          // The old primary reported itself fenced: the standby takes over.
          .rule({.name = "promoted",
                 .in = {{"a", {"demoted"}}, {"b", {"prepare_promotion"}}},
                 .assign = {{"b", "wait_primary"}},
                 .priority = 30})
          // The old primary is back before it demoted: the failover is called off.
          .rule({.name = "abort",
                 .in = {{"a", {"primary", "wait_primary"}}, {"b", {"prepare_promotion"}}},
                 .unless = {"a.Unhealthy"},
                 .assign = {{"a", "primary"}, {"b", "secondary"}},
                 .priority = 30})
          // The old primary fenced itself before the standby moved, or after
          // the failover was called off: the standby takes over all the same.
          .rule({.name = "resume_failover",
                 .in = {{"a", {"demoted"}}, {"b", {"secondary"}}},
                 .unless = {"b.Unhealthy"},
                 .assign = {{"b", "prepare_promotion"}},
                 .priority = 30})
          // A standby that followed on a goal it read before the failover
          // (its step under way when the goal changed) stands ready again.
          .rule(
              {.name = "standby_ready",
               .in = {{"a", {"demoted"}}, {"b", {"catchingup"}}},
               .when = {"b.CaughtUp"},
               .unless = {"b.Unhealthy"},
               .assign = {{"b", UNWEDGE_GOAL_MUTANT(mutant, kStandbyLeftCatchingUp) ? "catchingup"
                                                                                    : "secondary"}},
               .priority = 30})
          .rule({.name = "rejoin",
                 .in = {{"a", {"demoted"}}, {"b", {"wait_primary"}}},
                 .unless = {"a.Unhealthy"},
                 .assign = {{"a", "catchingup"}},
                 .priority = 30})
          .rule({.name = "standby_lost",
                 .in = {{"a", {"primary"}}, {"b", {"secondary"}}},
                 .when = {"b.Unhealthy"},
                 .unless = {"a.Unhealthy"},
                 .assign = {{"a", "wait_primary"}, {"b", "catchingup"}},
                 .priority = 40})
          .rule({.name = "steady", .priority = 0})
          .build();
  UNWEDGE_ASSERT_MSG(table.ok(), "{}", table ? "" : table.error().message);
  return std::move(*table);
}

}  // namespace

const core::GroupTable& monitor_table(Mutant mutant) {
  static const std::array<core::GroupTable, kMutants> tables = {
      build_group_table(Mutant::kNone), build_group_table(Mutant::kNoRejoinEdge),
      build_group_table(Mutant::kNoAbortEdge), build_group_table(Mutant::kStandbyLeftCatchingUp)};
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, tables.size());
  return tables[index];
}

}  // namespace unwedge::goal
