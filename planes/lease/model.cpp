#include "planes/lease/model.hpp"

#include "planes/lease/console.hpp"
#include "planes/lease/keeper_actions.hpp"
#include "planes/lease/machines.hpp"
#include "planes/lease/tables.hpp"

namespace unwedge::lease {
namespace {

using core::DecisionClaim;
using core::PathClaim;

std::vector<PathClaim> path_claims() {
  return {
      {.statement = "promotion always passes through acquiring the lease",
       .machine = "keeper",
       .source = "replica",
       .target = "leader",
       .waypoint = "acquiring"},
      {.statement = "a fresh node leads only after acquiring the lease",
       .machine = "keeper",
       .source = "starting",
       .target = "leader",
       .waypoint = "acquiring"},
      {.statement = "a leader becomes a replica again only through fencing itself",
       .machine = "keeper",
       .source = "leader",
       .target = "replica",
       .waypoint = "demoting"},
      {.statement = "a leader races again only after fencing itself",
       .machine = "keeper",
       .source = "leader",
       .target = "acquiring",
       .waypoint = "demoting"},
  };
}

std::vector<DecisionClaim> decision_claims() {
  using Kind = DecisionClaim::Kind;
  return {
      {.statement = "a leader that cannot renew its lease demotes before the lease expires",
       .kind = Kind::kAlways,
       .table = "keeper",
       .given = {"LeaseExpiring"},
       .action = "Demote",
       .in = {"leader", "promoting"}},
      {.statement = "a leader that reads another holder always demotes",
       .kind = Kind::kAlways,
       .table = "keeper",
       .given = {"LeaseOther"},
       .action = "Demote",
       .in = {"leader", "promoting"},
       .unless = {"LeaseExpiring"}},
      {.statement = "a keeper is never promoted without holding the lease",
       .kind = Kind::kNever,
       .table = "keeper",
       .action = "Promote",
       .in = {"starting", "replica", "acquiring", "rejoining"},
       .unless = {"LeaseMine"}},
      {.statement = "a candidate too far behind is never promoted",
       .kind = Kind::kNever,
       .table = "keeper",
       .action = "Promote",
       .in = {"starting", "replica", "acquiring", "rejoining"},
       .unless = {"CanPromote"}},
      {.statement = "a lease past its safe window is never renewed",
       .kind = Kind::kNever,
       .table = "keeper",
       .given = {"LeaseExpiring"},
       .action = "Renew"},
      {.statement = "a node asked to hand leadership to another never races for it",
       .kind = Kind::kNever,
       .table = "keeper",
       .given = {"SwitchoverForOther"},
       .action = "Acquire",
       .in = {"starting", "replica", "rejoining"}},
      {.statement = "a service with no member taking writes is never left marked available",
       .kind = Kind::kAlways,
       .table = "service",
       .action = "MarkLeaderless",
       .in = {"available"},
       .unless = {"WriterSeen"}},
  };
}

// A leader's demotion takes its writes away until another node leads: on
// its own judgement (its lease unsafe, taken or gone) or on an operator's
// switchover. The keeper judges by its reads of the consensus store, not by
// monitoring, so it journals no vantage points: its demotions are counted,
// and the store's own checks judge them.
std::vector<core::DisruptiveAction> disruptive_actions() {
  return {
      {.table = "keeper", .action = "Demote", .kind = core::DisruptionKind::kDemotion},
      {.table = "keeper",
       .action = "StepDown",
       .kind = core::DisruptionKind::kDemotion,
       .requested_by = {"StepDownAsked"}},
  };
}

// The actions as the checks see them: no store behind them, default
// settings; which transitions they make is all that is looked at.
const std::vector<core::ActionDef>& model_actions() {
  static const std::vector<core::ActionDef> actions = [] {
    std::vector<core::ActionDef> all = keeper_actions(Settings{}, nullptr);
    for (core::ActionDef& def : console_actions(Settings{}))
      all.push_back(std::move(def));
    return all;
  }();
  return actions;
}

constexpr const char* kDescription =
    R"(The lease plane runs Postgres high availability the way Patroni and Stolon do: no central controller decides who leads. A **keeper** on every node races for a leader lease in a consensus store (a key with a time to live, created by compare-and-set), promotes its own database only once it holds the lease, renews it every `loop_wait`, and fences its database when it can no longer count on it. A thin **console** records what customers order, creates their hosts and routes each service's endpoint to the member that monitoring reports as taking writes, as a load balancer's health check does.

Choices that shape it:

- **Demote before the store can expire the lease.** The store counts the ttl from a renewal's commit; the leader counts from when it sent it, on its own clock, and leads only until `loop_wait + retry_timeout` after that. The rest of the ttl (more than one `retry_timeout`, checked when the settings load) is the margin for clock drift and for fencing. A clock that steps back spends the window at once.
- **Promotion only through the lease.** A candidate fences itself, wins the lease, checks its lag against the leader's published position (it must reach a final one; in `synchronous_mode` it may be up to `maximum_lag_on_failover` behind one that is not), promotes to a new timeline, publishes its own position, and only then opens for writes, re-checking at every step that the lease is still safe by its clock.
- **No acknowledged write is given up by default.** The leader publishes its position with every renewal, and its final position once it has fenced itself. A candidate promotes only over a final position (or one it published itself); with `synchronous_mode`, also as the old leader's synchronous standby, when it is the only standby: a write is acknowledged once any synchronous standby holds it, so every keeper lists itself in the service's members key before it first races or follows, and with two standbys listed a candidate waits for the old leader's final position. A leader cut off from the store and its standbys leaves the service without a leader rather than lose writes, until it can say where it stopped.
- **Renewal by compare-and-set on the keeper's own revision.** A lease that expired and was taken since is never overwritten.
- **Operators ask a keeper, which asks the store.** A switchover, failover or restart is sent to the named node's keeper, as `patronictl` calls Patroni's REST API; the keeper writes switchovers and failovers into the store, and keepers share nothing but the store. In the store a switchover (`to:` a node, or `from:` the leader) is a key with a ttl the keepers read; the leader steps down, releasing its lease, and only the named node races.

It is written as a team's own plane is, against the headers the installed unwedge package provides (the seam, `core/` and the Postgres world's fleet API) and nothing else: `examples/lease_out_of_tree/` compiles these same sources out of tree with only `find_package(unwedge)`, as the test `Package.LeasePlaneOutOfTree` does on every run of the suite before running the plane's model checks, its fleet fuzzer and a nightly of `scenarios/lease/`.)";

core::ControlPlaneModel build_model() {
  std::vector<const core::ActionDef*> actions;
  for (const core::ActionDef& def : model_actions())
    actions.push_back(&def);
  return core::ControlPlaneModel{
      .name = "lease",
      .description = kDescription,
      .machines = {&keeper_machine(), &service_machine()},
      .tables = {&keeper_table(), &service_table()},
      .actions = actions,
      .path_claims = path_claims(),
      .decision_claims = decision_claims(),
      .disruptive_actions = disruptive_actions(),
  };
}

}  // namespace

const core::ControlPlaneModel& model() {
  static const core::ControlPlaneModel built = build_model();
  return built;
}

}  // namespace unwedge::lease
