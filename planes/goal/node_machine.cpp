#include "planes/goal/node_machine.hpp"

#include <array>
#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::goal {
namespace {

using core::kMinute;

struct Edge {
  std::string_view from;
  std::string_view to;
};

constexpr std::array<Edge, 18> kEdges = {{
    {"init", "single"},
    {"init", "wait_standby"},
    {"single", "wait_primary"},
    {"wait_primary", "primary"},
    {"primary", "wait_primary"},
    {"wait_standby", "catchingup"},
    {"catchingup", "secondary"},
    {"secondary", "catchingup"},
    {"secondary", "prepare_promotion"},
    {"prepare_promotion", "wait_primary"},
    {"prepare_promotion", "secondary"},
    {"primary", "demoted"},
    {"wait_primary", "demoted"},
    {"demoted", "catchingup"},
    {"wait_standby", "dropped"},
    {"catchingup", "dropped"},
    {"secondary", "dropped"},
    {"demoted", "dropped"},
}};

// The edge a planted bug takes away, if any.
bool dropped_by(Mutant mutant, const Edge& edge) {
  if (UNWEDGE_GOAL_MUTANT(mutant, kNoRejoinEdge)) {
    return edge.from == "demoted" && edge.to == "catchingup";
  }
  if (UNWEDGE_GOAL_MUTANT(mutant, kNoAbortEdge)) {
    return edge.from == "prepare_promotion" && edge.to == "secondary";
  }
  return false;
}

core::MachineDef build_machine(Mutant mutant) {
  core::MachineDef::Builder b("node");
  b.state("init", {.dwell_max_us = 30 * kMinute,
                   .why = "the keeper runs but has not yet read the first goal the monitor "
                          "assigned it"})
      .state("single", {.healthy = true,
                        .why = "a primary with no standby: it takes writes, but a failure of "
                               "its host loses the service"})
      .state("wait_primary",
             {.healthy = true,
              .dwell_max_us = 30 * kMinute,
              .why = "a primary waiting for its standby to catch up; left once the standby "
                     "follows (a lost standby holds it here while the fault lasts)"})
      .state("primary", {.healthy = true,
                         .stable = true,
                         .why = "takes writes with a caught-up standby behind it"})
      .state("wait_standby", {.dwell_max_us = 30 * kMinute,
                              .why = "registered as the standby-to-be, its database fenced, "
                                     "waiting for the primary to make room for it"})
      .state("catchingup", {.dwell_max_us = 30 * kMinute,
                            .why = "follows the primary and replays what it missed; left once "
                                   "the monitor sees it caught up"})
      .state("secondary",
             {.healthy = true, .stable = true, .why = "a caught-up standby, ready to take over"})
      .state("prepare_promotion",
             {.dwell_max_us = 10 * kMinute,
              .why = "the standby chosen to take over while the old primary drains; left for "
                     "wait_primary, or back to secondary if the primary returns"})
      .state("demoted", {.dwell_max_us = 10 * kMinute,
                         .why = "an old primary fenced after a failover; it must rejoin as a "
                                "standby of the new primary"})
      .state("dropped", {.healthy = true,
                         .stable = true,
                         .why = "removed from its service: its database is fenced for good"});
  for (const Edge& edge : kEdges) {
    if (dropped_by(mutant, edge)) continue;
    b.transition(std::string(edge.from), std::string(edge.to), goal_cause(edge.to));
  }
  b.initial("init");
  b.terminal("dropped");
  core::Result<core::MachineDef> machine = b.build();
  UNWEDGE_ASSERT_MSG(machine.ok(), "{}", machine ? "" : machine.error().message);
  return std::move(*machine);
}

}  // namespace

std::string goal_cause(std::string_view to) {
  UNWEDGE_ASSERT(!to.empty());
  return fmt::format("goal:{}", to);
}

// One machine per mutant, each built once: the plane's tables keep a
// reference to the machine they were built against.
const core::MachineDef& node_machine(Mutant mutant) {
  static const std::array<core::MachineDef, kMutants> machines = {
      build_machine(Mutant::kNone), build_machine(Mutant::kNoRejoinEdge),
      build_machine(Mutant::kNoAbortEdge), build_machine(Mutant::kStandbyLeftCatchingUp)};
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, machines.size());
  return machines[index];
}

}  // namespace unwedge::goal
