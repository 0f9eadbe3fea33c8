// Unfollow: a customer's follower (or any replica) stops replicating and
// becomes a database of its own.
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::StepContext;
using core::StepResult;

StepResult begin(StepContext& ctx) {
  UNWEDGE_ASSERT(!ctx.subject().empty());
  std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(ctx.subject());
  if (!link) return StepResult::end("the link is gone");
  UNWEDGE_ASSERT_EQ(link->id, ctx.subject());
  if (is_in(replica_link_machine(), *link, {"unfollowing"})) return StepResult::next();
  if (!is_in(replica_link_machine(), *link, {"syncing", "following", "lagging"})) {
    return StepResult::end(
        fmt::format("the link is {}", state_name(replica_link_machine(), *link)));
  }
  // Detaching needs the replica's database: on a server that is unreachable
  // or being replaced the unfollow would retry until the server is gone and
  // leave the link unfollowing for ever. The request stays up and is taken
  // once the server runs again.
  std::optional<Server> server = ctx.txn().get<Server>(link->id);
  if (!server || !is_in(server_machine(), *server, {"running"})) {
    return StepResult::end(fmt::format("{}'s server is {}", link->id,
                                       server ? state_name(server_machine(), *server) : "gone"));
  }
  // A leader change re-points every replica at the new leader, and its
  // request may still be on its way when an unfollow opens the replica for
  // writes: applied then, it turns the customer's database back into a
  // replica and its writes are overwritten. The request stays up and is
  // taken once the change has finished (which waits for its re-points).
  std::optional<Service> service = ctx.txn().get<Service>(link->service);
  if (service && is_in(service_machine(), *service, {"failing_over"})) {
    return StepResult::end("the service is changing its leader");
  }
  move(ctx, replica_link_machine(), *link, "unfollowing", "unfollow_started");
  UNWEDGE_ASSERT(is_in(replica_link_machine(), *link, {"unfollowing"}));
  return StepResult::next();
}

// Whether the unfollow is over without this action: the server was destroyed
// under it (its service deprovisioned, or the operator removed it), and the
// teardown ended the link with it.
std::optional<StepResult> ended_elsewhere(StepContext& ctx) {
  std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(ctx.subject());
  if (!link) return StepResult::end("the link is gone");
  if (!is_in(replica_link_machine(), *link, {"unfollowing"})) {
    return StepResult::end(
        fmt::format("the link is {}", state_name(replica_link_machine(), *link)));
  }
  UNWEDGE_ASSERT_EQ(link->id, ctx.subject());
  return std::nullopt;
}

// Replication from the old leader stops before the replica takes a write of
// its own: a database that both streams its old leader's log and takes
// writes has its customer's writes overwritten by the stream.
StepResult stop_replication(StepContext& ctx, const Settings& settings) {
  // MUTANT (unfollow_keeps_replicating): the replica is opened for writes
  // with its replication connection left running.
  if (UNWEDGE_MUTANT(settings, kUnfollowKeepsReplicating)) return StepResult::next();
  if (std::optional<StepResult> over = ended_elsewhere(ctx)) return *over;
  OpProgress op =
      progress(call_with_retry(ctx, pgworld::kStopReplication, ctx.subject(), "", "stop"));
  if (op == OpProgress::kFailed) return StepResult::wait("stopping replication failed; retrying");
  if (op == OpProgress::kWaiting) return StepResult::wait("stopping replication");
  UNWEDGE_ASSERT(op == OpProgress::kDone);
  return StepResult::next();
}

StepResult open_for_writes(StepContext& ctx) {
  if (std::optional<StepResult> over = ended_elsewhere(ctx)) return *over;
  OpProgress op = progress(call_with_retry(ctx, pgworld::kUnfollow, ctx.subject(), "", "unfollow"));
  if (op == OpProgress::kFailed) return StepResult::wait("unfollow failed; retrying");
  if (op == OpProgress::kWaiting) return StepResult::wait("opening for writes");
  UNWEDGE_ASSERT(op == OpProgress::kDone);
  std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(ctx.subject());
  if (!link) return StepResult::end("the link is gone");
  // ended_elsewhere saw it unfollowing in this same transaction.
  UNWEDGE_ASSERT(is_in(replica_link_machine(), *link, {"unfollowing"}));
  move(ctx, replica_link_machine(), *link, "unfollowed", "unfollowed");
  link->unfollow_requested = false;
  link->promote_requested = false;  // moot: an independent database leads nothing
  ctx.txn().put(*link);
  if (std::optional<Server> server = ctx.txn().get<Server>(link->id)) {
    server->role = Role::kIndependent;
    ctx.txn().put(*server);
  }
  UNWEDGE_ASSERT(!link->unfollow_requested && !link->promote_requested);
  UNWEDGE_ASSERT(is_in(replica_link_machine(), *link, {"unfollowed"}));
  return StepResult::next();
}

}  // namespace

core::ActionDef unfollow_action(const Settings& settings) {
  core::ActionDef def{
      .name = "Unfollow",
      .steps = {{"begin", begin},
                {"stop-replication",
                 [settings](StepContext& ctx) { return stop_replication(ctx, settings); }},
                {"open-for-writes", open_for_writes}},
      .summary =
          "Stops a replica replicating, then opens it for writes as a database of "
          "its own."};
  for (const char* from : {"syncing", "following", "lagging"}) {
    def.transitions.push_back({"replica_link", from, "unfollowing", "unfollow_started"});
  }
  def.transitions.push_back({"replica_link", "unfollowing", "unfollowed", "unfollowed"});
  UNWEDGE_ASSERT_EQ(def.steps.size(), std::size_t{3});
  return def;
}

}  // namespace unwedge::postgres
