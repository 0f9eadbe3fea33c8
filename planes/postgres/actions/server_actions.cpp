// The server table's actions: create a host, restart an unreachable one,
// replace one with a fresh server, destroy one.
#include <map>
#include <memory>

#include "core/probe.hpp"
#include "planes/postgres/actions.hpp"
#include "planes/postgres/actions/server_steps.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::InfraVerb;
using core::StepContext;
using core::StepResult;

// Moves the server from any of `from` to `to`, or continues if it is there
// already (a re-run); otherwise the action has nothing to do.
StepResult begin_in(StepContext& ctx, std::initializer_list<std::string_view> from,
                    std::string_view to, std::string_view cause) {
  UNWEDGE_ASSERT(from.size() > 0);
  UNWEDGE_ASSERT(server_machine().find_state(to).has_value());
  std::optional<Server> server = ctx.txn().get<Server>(ctx.subject());
  if (!server) return StepResult::end("the server is gone");
  if (server_machine().find_state(to) == server->state.id) return StepResult::next();
  if (!is_in(server_machine(), *server, from)) {
    return StepResult::end(fmt::format("the server is {}", state_name(server_machine(), *server)));
  }
  move(ctx, server_machine(), *server, to, cause);
  UNWEDGE_ASSERT(server_machine().find_state(to) == server->state.id);
  return StepResult::next();
}

// Request ids minted by this process, by action id (create_key_in_memory).
using MintedKeys = std::map<std::string, std::string, std::less<>>;

StepResult create_host(StepContext& ctx, const Settings& settings, MintedKeys& minted) {
  std::optional<Server> server = ctx.txn().get<Server>(ctx.subject());
  if (!server) return StepResult::end("the server is gone");
  if (!is_in(server_machine(), *server, {"creating"})) return StepResult::end("not creating");
  UNWEDGE_ASSERT(!server->service.empty());
  std::string label = "create";
  if (UNWEDGE_MUTANT(settings, kCreateKeyInMemory)) {
    // MUTANT (create_key_in_memory): the request id is minted from the clock
    // on the first attempt and kept in this process's memory rather than in
    // the action's record. Stable while the process lives; one restarted
    // while the host is being created mints another, and the cloud builds a
    // second machine.
    label =
        minted.try_emplace(ctx.action_id(), fmt::format("create-{}", ctx.now_us())).first->second;
  }
  core::Operation op =
      call_with_retry(ctx, pgworld::kCreateHost, server->id, server->service, label);
  if (UNWEDGE_MUTANT(settings, kRetryWithoutIdempotencyKey) &&
      op.state == core::OperationState::kTimedOut) {
    // MUTANT: an unknown outcome is treated as a failure and retried under a
    // new key, so a host that was in fact created is created again.
    const std::string attempt = ctx.var("attempt.create").value_or("0");
    ctx.set_var("attempt.create", std::to_string(std::stoul(attempt) + 1));
  }
  switch (progress(op)) {
    case OpProgress::kWaiting:
      return StepResult::wait("creating " + server->id);
    case OpProgress::kFailed:
      UNWEDGE_PROBE("server.create_retried");
      return StepResult::wait("host creation failed; retrying: " + op.detail);
    case OpProgress::kDone:
      break;
  }
  UNWEDGE_ASSERT(op.done());
  move(ctx, server_machine(), *server, "running", "created");
  UNWEDGE_ASSERT(is_in(server_machine(), *server, {"running"}));
  return StepResult::next();
}

StepResult run_host_op(StepContext& ctx, InfraVerb verb, std::string_view what) {
  UNWEDGE_ASSERT(!ctx.subject().empty() && !what.empty());
  UNWEDGE_ASSERT(verb == pgworld::kStopHost || verb == pgworld::kStartHost);
  core::Operation op = call_with_retry(ctx, verb, ctx.subject(), "", what);
  if (progress(op) != OpProgress::kDone)
    return StepResult::wait(fmt::format("{} {}", what, ctx.subject()));
  UNWEDGE_ASSERT(op.done());
  return StepResult::next();
}

StepResult finish_restart(StepContext& ctx) {
  std::optional<Server> server = ctx.txn().get<Server>(ctx.subject());
  if (!server) return StepResult::end("the server is gone");
  if (!is_in(server_machine(), *server, {"restarting"})) return StepResult::end("not restarting");
  // Monitoring decides whether it is really back: if not, the missed
  // check-ins move it to unreachable again.
  move(ctx, server_machine(), *server, "running", "restarted");
  UNWEDGE_ASSERT(is_in(server_machine(), *server, {"running"}));
  return StepResult::next();
}

}  // namespace

// A link of a server being destroyed stops being a replica first.
void detach_link(StepContext& ctx, const std::string& server_id) {
  UNWEDGE_ASSERT(!server_id.empty());
  std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(server_id);
  if (!link) return;
  if (is_in(replica_link_machine(), *link, {"syncing", "following", "lagging"})) {
    move(ctx, replica_link_machine(), *link, "unfollowing", "unfollow_started");
  }
  // An unfollow in flight ends with the server: there is nothing left to
  // detach, and its action would otherwise call a destroyed host for ever.
  if (is_in(replica_link_machine(), *link, {"unfollowing"})) {
    move(ctx, replica_link_machine(), *link, "unfollowed", "unfollowed");
  }
  // Nothing replicates into the server any more (a link being promoted is
  // the leader change's to end).
  UNWEDGE_ASSERT(
      !is_in(replica_link_machine(), *link, {"syncing", "following", "lagging", "unfollowing"}));
}

std::vector<core::RequestedTransition> teardown_transitions() {
  std::vector<core::RequestedTransition> t = {{"server", "destroying", "destroyed", "destroyed"}};
  for (const char* from : {"syncing", "following", "lagging"}) {
    t.push_back({"replica_link", from, "unfollowing", "unfollow_started"});
  }
  t.push_back({"replica_link", "unfollowing", "unfollowed", "unfollowed"});
  UNWEDGE_ASSERT_EQ(t.size(), std::size_t{5});
  return t;
}

StepResult destroy_host(StepContext& ctx) {
  std::optional<Server> server = ctx.txn().get<Server>(ctx.subject());
  if (!server) return StepResult::end("the server is gone");
  core::Operation op = call_with_retry(ctx, pgworld::kDestroyHost, server->id, "", "destroy");
  if (progress(op) != OpProgress::kDone) return StepResult::wait("destroying " + server->id);
  detach_link(ctx, server->id);
  if (!is_in(server_machine(), *server, {"destroying"})) return StepResult::end("not destroying");
  UNWEDGE_ASSERT(op.done());
  move(ctx, server_machine(), *server, "destroyed", "destroyed");
  server->role = Role::kRetired;
  ctx.txn().put(*server);
  UNWEDGE_ASSERT(is_in(server_machine(), *server, {"destroyed"}));
  return StepResult::next();
}

namespace {

std::vector<core::RequestedTransition> from_each(std::initializer_list<const char*> from,
                                                 const char* to, const char* cause) {
  std::vector<core::RequestedTransition> t;
  for (const char* f : from)
    t.push_back({"server", f, to, cause});
  UNWEDGE_ASSERT_EQ(t.size(), from.size());
  return t;
}

core::ActionDef create_server(const Settings& settings) {
  UNWEDGE_ASSERT(server_machine().find_state("creating") == server_machine().initial());
  // One per process: the controller builds its actions when it starts.
  auto minted = std::make_shared<MintedKeys>();
  return {.name = "CreateServer",
          .steps = {{"create-host",
                     [settings, minted](StepContext& ctx) {
                       return create_host(ctx, settings, *minted);
                     }}},
          .summary = "Has the cloud build the server's host, retrying only definite failures.",
          .transitions = {{"server", "creating", "running", "created"}}};
}

bool leads(core::Transaction& txn, const Server& server) {
  UNWEDGE_ASSERT(!server.id.empty() && !server.service.empty());
  std::shared_ptr<const Service> service = txn.view<Service>(server.service);
  return service && service->leader == server.id;
}

// Restarts are bounded: a host that stays silent through restarts_max of
// them is replaced instead. A leader is replaced only after a failover, and
// a failover needs a standby holding the leader's writes; while none does,
// the leader's host is the only copy of them, so it goes on being restarted,
// spaced out by leader_restart_gap_us (a stopped host would otherwise stay
// stopped for ever, and the service with it). A server that stands alone
// (unfollowed, or being unfollowed) is never replaced, so it is restarted
// the same way.
StepResult begin_restart(StepContext& ctx, const Settings& settings) {
  std::optional<Server> server = ctx.txn().get<Server>(ctx.subject());
  if (!server) return StepResult::end("the server is gone");
  if (is_in(server_machine(), *server, {"restarting"})) return StepResult::next();
  if (!is_in(server_machine(), *server, {"unreachable"})) {
    return StepResult::end(fmt::format("the server is {}", state_name(server_machine(), *server)));
  }
  if (server->restarts >= settings.restarts_max) {
    UNWEDGE_PROBE("server.restarts_exhausted");
    if (!server->replace_requested) {
      server->replace_requested = true;
      ctx.txn().put(*server);
    }
    const bool leader = leads(ctx.txn(), *server);
    if (!leader && !stands_alone(*server, ctx.txn().view<ReplicaLink>(server->id).get())) {
      return StepResult::end(
          fmt::format("restarted {} times; replacing instead", server->restarts));
    }
    const core::TimeUs unreachable_us = ctx.now_us() - server->state.entered_us;
    if (unreachable_us < settings.leader_restart_gap_us) {
      return StepResult::end(fmt::format(
          "{} restarted {} times; restarting again once unreachable for {} s (now {} s){}",
          leader ? "leader" : "a database standing alone,", server->restarts,
          settings.leader_restart_gap_us / core::kSecond, unreachable_us / core::kSecond,
          leader ? " unless a failover comes first" : ""));
    }
    UNWEDGE_PROBE("server.leader_restarted_past_bound");
  }
  UNWEDGE_ASSERT(is_in(server_machine(), *server, {"unreachable"}));
  const std::uint32_t restarts_before = server->restarts;
  server->restarts++;
  move(ctx, server_machine(), *server, "restarting", "restart_started");
  UNWEDGE_ASSERT_EQ(server->restarts, restarts_before + 1);
  return StepResult::next();
}

core::ActionDef restart_server(const Settings& settings) {
  core::ActionDef def{
      .name = "RestartServer",
      .steps = {{"begin", [settings](StepContext& ctx) { return begin_restart(ctx, settings); }},
                {"stop-host",
                 [](StepContext& ctx) { return run_host_op(ctx, pgworld::kStopHost, "stop"); }},
                {"start-host",
                 [](StepContext& ctx) { return run_host_op(ctx, pgworld::kStartHost, "start"); }},
                {"finish", finish_restart}},
      .summary = "Restarts an unreachable host, at most restarts_max times before replacing it.",
      .transitions = {{"server", "unreachable", "restarting", "restart_started"},
                      {"server", "restarting", "running", "restarted"}}};
  UNWEDGE_ASSERT_EQ(def.steps.size(), std::size_t{4});
  return def;
}

core::ActionDef destroy_server() {
  core::ActionDef def{
      .name = "DestroyServer",
      .steps = {{"begin",
                 [](StepContext& ctx) {
                   return begin_in(ctx,
                                   {"creating", "running", "unreachable", "restarting", "fenced"},
                                   "destroying", "destroy_started");
                 }},
                {"destroy-host", destroy_host}},
      .summary = "Deletes a server's host, ending any replication into it first.",
      .transitions = from_each({"creating", "running", "unreachable", "restarting", "fenced"},
                               "destroying", "destroy_started")};
  for (core::RequestedTransition& t : teardown_transitions())
    def.transitions.push_back(t);
  UNWEDGE_ASSERT_EQ(def.steps.size(), std::size_t{2});
  return def;
}

}  // namespace

std::vector<core::ActionDef> server_actions(const Settings& settings) {
  std::vector<core::ActionDef> actions = {create_server(settings), restart_server(settings),
                                          replace_server_action(), destroy_server()};
  for (const core::ActionDef& action : actions)
    UNWEDGE_ASSERT(!action.steps.empty() && !action.transitions.empty());
  return actions;
}

}  // namespace unwedge::postgres
