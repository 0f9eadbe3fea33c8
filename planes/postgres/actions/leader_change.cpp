#include "planes/postgres/actions/leader_change.hpp"

#include "core/probe.hpp"
#include "planes/postgres/actions/step_helpers.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

using core::StepContext;
using core::StepResult;

// How long await-final-lsn waits, from the fence, for the fenced leader's
// last word and for the candidate to reach it, before it abandons the
// change. Well inside the 5 minutes `promoting` may last.
constexpr core::TimeUs kFinalPositionWaitUs = 3 * core::kMinute;
// MUTANT (late_endpoint_repoint): how long after the change finishes the
// endpoint is moved to the new leader.
constexpr core::TimeUs kLateRepointUs = 5 * core::kMinute;

struct Change {
  Service service;
  std::string old_leader;
  ReplicaLink candidate;
};

std::optional<Change> load(StepContext& ctx) {
  std::optional<std::string> service_id = ctx.var("service");
  std::optional<std::string> old_leader = ctx.var("old_leader");
  std::optional<std::string> candidate_id = ctx.var("candidate");
  UNWEDGE_ASSERT(service_id && old_leader && candidate_id);
  UNWEDGE_ASSERT(!service_id->empty() && !old_leader->empty() && !candidate_id->empty());
  // The candidate is a replica of the old leader, never the old leader.
  UNWEDGE_ASSERT_MSG(*candidate_id != *old_leader, "{} would replace itself", *old_leader);
  std::optional<Service> service = ctx.txn().get<Service>(*service_id);
  std::optional<ReplicaLink> candidate = ctx.txn().get<ReplicaLink>(*candidate_id);
  if (!service || !candidate) return std::nullopt;
  UNWEDGE_ASSERT_EQ(service->id, *service_id);
  UNWEDGE_ASSERT_EQ(candidate->id, *candidate_id);
  return Change{*service, *old_leader, *candidate};
}

// A leader change whose abandoning has begun only finishes abandoning.
std::optional<StepResult> resume_abandon(StepContext& ctx) {
  if (std::optional<std::string> reason = ctx.var("abandoning")) {
    StepResult result = abandon_leader_change(ctx, *reason);
    // Abandoning only waits or ends: it never goes on with the change.
    UNWEDGE_ASSERT(result.verdict == core::StepVerdict::kWait ||
                   result.verdict == core::StepVerdict::kEnd);
    return result;
  }
  return std::nullopt;
}

// The latest send time, by the old leader's own clock, of any check-in from it
// seen up to the fence's confirmation, and whether one sent then said it took
// writes. A final word must be newer: a check-in received after the fence
// may be a late or repeated copy of one sent during an earlier fence, since
// undone, after which the leader took more writes (a stuck relay, a duplicate
// delivery). Ordering one host's check-ins by that host's clock needs no
// agreement between clocks. A check-in sent at that very instant is newer
// only if it no longer takes writes while the one seen then did.
struct SeenBeforeFence {
  core::TimeUs sent_us = -1;
  bool writable = false;

  bool older_than(const core::Checkin& checkin) const {
    return checkin.sent_us > sent_us ||
           (checkin.sent_us == sent_us && writable && !checkin.accepts_writes);
  }
};

SeenBeforeFence seen_before_fence(StepContext& ctx) {
  const std::optional<std::string> sent_us = ctx.var("leader_sent_us");
  const std::optional<std::string> writable = ctx.var("leader_sent_writable");
  UNWEDGE_ASSERT(!sent_us || !sent_us->empty());
  UNWEDGE_ASSERT(!writable || *writable == "1" || *writable == "0");
  return {.sent_us = std::stoll(sent_us.value_or("-1")), .writable = writable.value_or("") == "1"};
}

void note_leader_sent(StepContext& ctx, const std::string& old_leader) {
  UNWEDGE_ASSERT(!old_leader.empty());
  const SeenBeforeFence before = seen_before_fence(ctx);
  SeenBeforeFence seen = before;
  for (const core::Checkin& checkin : ctx.telemetry().checkins(old_leader)) {
    if (checkin.sent_us > seen.sent_us) {
      seen = {.sent_us = checkin.sent_us, .writable = checkin.accepts_writes};
    } else if (checkin.sent_us == seen.sent_us) {
      seen.writable = seen.writable || checkin.accepts_writes;
    }
  }
  UNWEDGE_ASSERT(seen.sent_us >= before.sent_us);
  if (seen.sent_us != before.sent_us) ctx.set_var("leader_sent_us", std::to_string(seen.sent_us));
  if (seen.writable != before.writable)
    ctx.set_var("leader_sent_writable", seen.writable ? "1" : "0");
  // What was seen only grows, and is now what the vars say.
  const SeenBeforeFence noted = seen_before_fence(ctx);
  UNWEDGE_ASSERT_EQ(noted.sent_us, seen.sent_us);
  UNWEDGE_ASSERT(noted.writable == seen.writable);
  UNWEDGE_ASSERT(!before.writable || seen.sent_us > before.sent_us || seen.writable);
}

StepResult fence_old_leader(StepContext& ctx, const Settings& settings) {
  if (std::optional<StepResult> abandoning = resume_abandon(ctx)) return *abandoning;
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  // begin left the candidate fencing, or found it fencing or promoting; only
  // this change moves it on from there, and abandoning has not begun.
  UNWEDGE_ASSERT_MSG(is_in(replica_link_machine(), c->candidate, {"fencing", "promoting"}),
                     "candidate {} is {}", c->candidate.id,
                     state_name(replica_link_machine(), c->candidate));
  UNWEDGE_ASSERT(!ctx.var("fenced_at_us"));
  note_leader_sent(ctx, c->old_leader);
  // MUTANT (failover_without_fencing): the fence is never asked for.
  OpProgress op = UNWEDGE_MUTANT(settings, kFailoverWithoutFencing)
                      ? OpProgress::kDone
                      : progress(ctx.call(pgworld::kFence, c->old_leader));
  if (op == OpProgress::kFailed) {
    UNWEDGE_PROBE("failover.fence_failed");
    return abandon_leader_change(ctx, "the old leader could not be fenced");
  }
  if (op == OpProgress::kWaiting) return StepResult::wait("fencing " + c->old_leader);
  if (std::optional<Server> old = ctx.txn().get<Server>(c->old_leader);
      old && is_in(server_machine(), *old, {"running", "unreachable", "restarting"})) {
    move(ctx, server_machine(), *old, "fenced", "fenced");
  }
  if (is_in(replica_link_machine(), c->candidate, {"fencing"})) {
    move(ctx, replica_link_machine(), c->candidate, "promoting", "old_leader_fenced");
  }
  ctx.set_var("fenced_at_us", std::to_string(ctx.now_us()));
  // On to the final position with the old leader fenced and the candidate
  // promoting.
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoting"}));
  if (std::shared_ptr<const Server> old = ctx.txn().view<Server>(c->old_leader)) {
    UNWEDGE_ASSERT(!is_in(server_machine(), *old, {"running", "unreachable", "restarting"}));
  }
  return StepResult::next();
}

// The highest position `host` has reported in a check-in received since the
// fence, if any.
std::optional<pgworld::Lsn> reported_since(StepContext& ctx, const std::string& host,
                                           core::TimeUs fenced_at_us) {
  UNWEDGE_ASSERT(!host.empty());
  std::optional<pgworld::Lsn> highest;
  for (const core::Checkin& checkin : ctx.telemetry().checkins(host)) {
    if (checkin.age_us > ctx.now_us() - fenced_at_us) continue;
    highest = std::max(highest.value_or(0), checkin.log_position);
  }
  return highest;
}

// Synchronous replication acknowledges a write once any one standby holds
// it. Every acknowledged write is on some standby, but not necessarily on
// the candidate: it was chosen before the fence, and until the fence the
// leader went on acknowledging writes that another standby confirmed. So
// the candidate must report, since the fence, a position at or past every
// other standby's report since the fence; it may still catch up from the
// fenced leader meanwhile. Bounded like the asynchronous wait.
StepResult await_synchronous_position(StepContext& ctx, const Change& c,
                                      core::TimeUs fenced_at_us) {
  UNWEDGE_ASSERT(c.service.synchronous && c.candidate.standby);
  std::optional<pgworld::Lsn> mine = reported_since(ctx, c.candidate.id, fenced_at_us);
  std::string behind;  // why the candidate cannot be promoted yet, if so
  if (!mine) behind = fmt::format("{} has not reported since the fence", c.candidate.id);
  for (const std::string& id : server_ids(c.service)) {
    if (id == c.candidate.id || id == c.old_leader) continue;
    std::optional<ReplicaLink> other = ctx.txn().get<ReplicaLink>(id);
    if (!other || !other->standby ||
        !is_in(replica_link_machine(), *other, {"syncing", "following", "lagging"})) {
      continue;
    }
    std::optional<pgworld::Lsn> theirs = reported_since(ctx, id, fenced_at_us);
    if (!theirs) {
      behind = fmt::format("{} has not reported since the fence", id);
    } else if (mine && *theirs > *mine) {
      behind = fmt::format("{} is at LSN {}, {} at {}", id, *theirs, c.candidate.id, *mine);
    }
  }
  if (behind.empty()) {
    // Promoted only on a report of its own since the fence, at or past
    // every other standby's.
    UNWEDGE_ASSERT(mine.has_value());
    return StepResult::next();
  }
  if (ctx.now_us() - fenced_at_us >= kFinalPositionWaitUs) {
    UNWEDGE_PROBE("failover.synchronous_candidate_behind");
    return abandon_leader_change(
        ctx, fmt::format("{} was not shown to hold every acknowledged write: {}", c.candidate.id,
                         behind));
  }
  return StepResult::wait(behind);
}

// With asynchronous replication (and for customer followers, which are
// always asynchronous) the candidate may miss the last acknowledged writes.
// A check-in from the fenced leader received at or after the fence, reporting
// it no longer accepts writes, carries its final position; the candidate must
// reach it before it is promoted. "At or after" compares the monitor's
// receive time with the control plane's clock: the two are assumed to agree.
StepResult await_final_lsn(StepContext& ctx, const Settings& settings) {
  if (std::optional<StepResult> abandoning = resume_abandon(ctx)) return *abandoning;
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  // MUTANT (promote_lagging_standby): nobody waits for the final position.
  if (UNWEDGE_MUTANT(settings, kPromoteLaggingStandby)) return StepResult::next();
  // fence-old-leader went on only once the fence was done, noting when.
  UNWEDGE_ASSERT(ctx.var("fenced_at_us").has_value());
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoting"}));
  const core::TimeUs fenced_at_us = std::stoll(ctx.var("fenced_at_us").value_or("0"));
  if (c->service.synchronous && c->candidate.standby) {
    return await_synchronous_position(ctx, *c, fenced_at_us);
  }
  const SeenBeforeFence seen = seen_before_fence(ctx);
  std::optional<core::Checkin> final_word;
  for (const core::Checkin& checkin : ctx.telemetry().checkins(c->old_leader)) {
    // Received since the fence, sent after every check-in seen before it,
    // and saying the node no longer takes writes.
    const bool since_fence = checkin.age_us <= ctx.now_us() - fenced_at_us;
    if (since_fence && seen.older_than(checkin) && !checkin.accepts_writes) final_word = checkin;
  }
  if (!final_word) {
    if (ctx.now_us() - fenced_at_us >= kFinalPositionWaitUs) {
      UNWEDGE_PROBE("failover.final_position_unknown");
      return abandon_leader_change(ctx, "the fenced leader never reported its final position");
    }
    return StepResult::wait("waiting for the fenced leader's final position");
  }
  HostView mine = view_host(ctx.telemetry(), c->candidate.id, settings, ctx.now_us(), 0);
  if (!mine.latest || mine.fresh == 0 || mine.latest->log_position < final_word->log_position) {
    // The same bound as for the final word: a candidate that never catches
    // up (it went away, or cannot reach the old leader) must not hold the
    // service in failing_over for ever.
    if (ctx.now_us() - fenced_at_us >= kFinalPositionWaitUs) {
      UNWEDGE_PROBE("failover.candidate_never_caught_up");
      return abandon_leader_change(ctx, fmt::format("{} never caught up to LSN {}", c->candidate.id,
                                                    final_word->log_position));
    }
    return StepResult::wait(
        fmt::format("{} catching up to LSN {}", c->candidate.id, final_word->log_position));
  }
  // The candidate holds the fenced leader's final word: it can lose nothing.
  UNWEDGE_ASSERT(!final_word->accepts_writes);
  UNWEDGE_ASSERT_LE(final_word->log_position, mine.latest->log_position);
  return StepResult::next();
}

// A failed promotion did nothing, so it is retried under a fresh key; an
// unknown outcome (timeout) is asked about again under the same one.
StepResult promote(StepContext& ctx, const Settings& settings) {
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  UNWEDGE_ASSERT(ctx.var("fenced_at_us").has_value());
  UNWEDGE_ASSERT(!ctx.var("abandoning"));
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoting"}));
  // MUTANT (promote_onto_current_timeline): the new timeline is named as the
  // service's current one, which the candidate is on already; the fleet API
  // refuses such a promotion every time it is asked.
  const pgworld::Timeline timeline =
      c->service.timeline + (UNWEDGE_MUTANT(settings, kPromoteOntoCurrentTimeline) ? 0 : 1);
  core::Operation op =
      call_with_retry(ctx, pgworld::kPromote, c->candidate.id, std::to_string(timeline), "promote");
  switch (progress(op)) {
    case OpProgress::kWaiting:
      return StepResult::wait("promoting " + c->candidate.id);
    case OpProgress::kFailed:
      UNWEDGE_PROBE("failover.promote_retried");
      return StepResult::wait("promotion failed; retrying: " + op.detail);
    case OpProgress::kDone:
      break;
  }
  UNWEDGE_ASSERT(op.done());
  return StepResult::next();
}

StepResult repoint_endpoint(StepContext& ctx, const Settings& settings) {
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  // A failed repoint did nothing and is retried under a fresh key; asking
  // again under the same key would hear "failed" forever and wedge the
  // failover with the new leader promoted but unreachable to clients.
  // MUTANT (repoint_to_old_leader): the endpoint is pointed at the service's
  // leader, read before the lines below name the candidate leader.
  const std::string& new_leader =
      UNWEDGE_MUTANT(settings, kRepointToOldLeader) ? c->service.leader : c->candidate.id;
  // MUTANT (late_endpoint_repoint): the endpoint is left for late_repoint.
  OpProgress op = UNWEDGE_MUTANT(settings, kLateEndpointRepoint)
                      ? OpProgress::kDone
                      : progress(call_with_retry(ctx, pgworld::kPointEndpoint, c->service.id,
                                                 new_leader, "repoint"));
  // MUTANT (repoint_not_awaited): the endpoint's move is taken as made once
  // asked for; one the fleet API then fails, or loses, is never asked again.
  if (op == OpProgress::kWaiting && UNWEDGE_MUTANT(settings, kRepointNotAwaited))
    op = OpProgress::kDone;
  if (op != OpProgress::kDone) return StepResult::wait("repointing the endpoint");
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoting"}));
  UNWEDGE_ASSERT(c->service.leader != c->candidate.id);
  const pgworld::Timeline timeline_before = c->service.timeline;
  move(ctx, replica_link_machine(), c->candidate, "promoted", "promoted");
  if (std::optional<Server> fresh = ctx.txn().get<Server>(c->candidate.id)) {
    fresh->role = Role::kLeader;
    ctx.txn().put(*fresh);
  }
  if (std::optional<Server> old = ctx.txn().get<Server>(c->old_leader)) {
    old->role = Role::kStandby;  // fenced; the server table replaces it
    ctx.txn().put(*old);
  }
  c->service.leader = c->candidate.id;
  c->service.timeline++;
  ctx.txn().put(c->service);
  // The candidate leads, on the timeline it was promoted onto; a timeline only
  // grows.
  UNWEDGE_ASSERT_EQ(c->service.timeline, timeline_before + 1);
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoted"}));
  UNWEDGE_ASSERT_EQ(ctx.txn().view<Service>(c->service.id)->leader, c->candidate.id);
  return StepResult::next();
}

// A replica asked to follow the new leader that refuses (its database is
// down or cut off) is rebuilt rather than asked again: the request's key is
// the replica's, so asking again would hear the same refusal for ever and
// hold the service in failing_over with its new leader already serving.
StepResult refollow_replicas(StepContext& ctx, const Settings& settings) {
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  // repoint-endpoint made the candidate the leader; nothing else moves it.
  UNWEDGE_ASSERT_EQ(c->service.leader, c->candidate.id);
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoted"}));
  bool waiting = false;
  for (const std::string& id : server_ids(c->service)) {
    std::optional<ReplicaLink> link = ctx.txn().get<ReplicaLink>(id);
    // A re-point once asked is seen through even if the link has moved on
    // since (an unfollow began): the change must not finish with a request
    // in flight that could still turn a database back into a replica.
    const std::string asked = "refollow:" + id;
    if (!link || id == c->candidate.id ||
        (!is_in(replica_link_machine(), *link, {"syncing", "following", "lagging"}) &&
         !ctx.var(asked))) {
      continue;
    }
    ctx.set_var(asked, "1");
    UNWEDGE_ASSERT(id != c->candidate.id && id != c->service.leader);
    OpProgress op = progress(ctx.call(pgworld::kFollow, id, c->candidate.id, id));
    if (op == OpProgress::kWaiting) waiting = true;
    // MUTANT (unbounded_refollow_retry): a refusal is waited out like a
    // pending request, with no give-up.
    if (op == OpProgress::kFailed && UNWEDGE_MUTANT(settings, kUnboundedRefollowRetry)) {
      waiting = true;
      continue;
    }
    // A replica that cannot follow is rebuilt; one that has left the
    // service meanwhile is none of the change's business.
    if (op == OpProgress::kFailed &&
        is_in(replica_link_machine(), *link, {"syncing", "following", "lagging"})) {
      std::optional<Server> server = ctx.txn().get<Server>(id);
      if (server && !server->replace_requested) {
        server->replace_requested = true;
        ctx.txn().put(*server);
      }
    }
  }
  return waiting ? StepResult::wait("replicas re-following") : StepResult::next();
}

StepResult finish(StepContext& ctx) {
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  UNWEDGE_ASSERT_EQ(c->service.leader, c->candidate.id);
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"promoted"}));
  UNWEDGE_ASSERT(c->service.last_leader_change != ctx.action_id());
  move(ctx, service_machine(), c->service, "available", "failover_done");
  c->service.failover_requested = false;
  c->service.last_leader_change = ctx.action_id();
  ctx.txn().put(c->service);
  c->candidate.promote_requested = false;
  ctx.txn().put(c->candidate);
  // A duplicate of this execution now finds it finished (leader_change_finished).
  UNWEDGE_ASSERT(is_in(service_machine(), c->service, {"available"}));
  UNWEDGE_ASSERT_EQ(ctx.txn().view<Service>(c->service.id)->last_leader_change, ctx.action_id());
  return StepResult::next();
}

// MUTANT (late_endpoint_repoint): the service is available with its new
// leader, and the endpoint still routes to the fenced old one until now.
StepResult late_repoint(StepContext& ctx) {
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end("the service or the candidate is gone");
  if (!ctx.var("finished_at_us")) ctx.set_var("finished_at_us", std::to_string(ctx.now_us()));
  UNWEDGE_ASSERT(ctx.var("finished_at_us").has_value());
  UNWEDGE_ASSERT(!c->service.leader.empty());
  const core::TimeUs finished_at_us = std::stoll(ctx.var("finished_at_us").value_or("0"));
  if (ctx.now_us() - finished_at_us < kLateRepointUs) return StepResult::wait("repointing later");
  OpProgress op = progress(
      call_with_retry(ctx, pgworld::kPointEndpoint, c->service.id, c->service.leader, "late"));
  if (op != OpProgress::kDone) return StepResult::wait("repointing the endpoint");
  return StepResult::next();
}

}  // namespace

StepResult abandon_leader_change(StepContext& ctx, const std::string& reason) {
  // Abandoning takes several passes (the unfence is an operation); once it
  // has begun, every later pass of whichever step started it carries on
  // abandoning (see resume_abandon). Re-judging the change instead could
  // promote the candidate while the old leader, already unfenced, takes
  // writes the candidate will never have.
  UNWEDGE_ASSERT(!reason.empty());
  ctx.set_var("abandoning", reason);
  std::optional<Change> c = load(ctx);
  if (!c) return StepResult::end(reason);
  // Abandoned before the promotion: the candidate has not been moved on, by
  // this pass or an earlier one that waited.
  UNWEDGE_ASSERT_MSG(is_in(replica_link_machine(), c->candidate, {"fencing", "promoting"}),
                     "candidate {} is {}", c->candidate.id,
                     state_name(replica_link_machine(), c->candidate));
  if (ctx.var("fenced_at_us")) {
    // A refused unfence is asked again under a fresh key: ending the change
    // with the old leader still fenced leaves the service with no writable
    // leader while it is called healthy again (found by fleet_fuzzer under
    // infra_failing: scenarios/regressions/an_abandoned_failover_unfences_its_old_leader.yaml).
    OpProgress op =
        progress(core::call_with_retry(ctx, pgworld::kUnfence, c->old_leader, "", "abandon"));
    if (op != OpProgress::kDone) return StepResult::wait("unfencing after: " + reason);
    std::optional<Server> old = ctx.txn().get<Server>(c->old_leader);
    if (old && is_in(server_machine(), *old, {"fenced"})) {
      move(ctx, server_machine(), *old, "running", "unfenced");
    }
  }
  if (is_in(replica_link_machine(), c->candidate, {"fencing"})) {
    move(ctx, replica_link_machine(), c->candidate, "following", "promotion_abandoned");
  } else if (is_in(replica_link_machine(), c->candidate, {"promoting"})) {
    move(ctx, replica_link_machine(), c->candidate, "following", "promotion_failed");
  }
  if (is_in(service_machine(), c->service, {"failing_over"})) {
    c->service.last_leader_change = ctx.action_id();
    move(ctx, service_machine(), c->service, "unavailable", "failover_abandoned");
  }
  // Ended with nothing left half-done: the candidate follows again and the
  // service no longer claims a change in flight.
  UNWEDGE_ASSERT(is_in(replica_link_machine(), c->candidate, {"following"}));
  UNWEDGE_ASSERT(!is_in(service_machine(), c->service, {"failing_over"}));
  UNWEDGE_ASSERT_EQ(ctx.var("abandoning").value_or(""), reason);
  return StepResult::end(reason);
}

std::optional<StepResult> leader_change_finished(StepContext& ctx, const Service& service) {
  UNWEDGE_ASSERT(!ctx.action_id().empty());
  UNWEDGE_ASSERT(!service.id.empty());
  if (service.last_leader_change != ctx.action_id()) return std::nullopt;
  return StepResult::finish(
      fmt::format("this leader change has finished; {} leads {}", service.leader, service.id));
}

std::vector<core::StepDef> leader_change_steps(const Settings& settings) {
  std::vector<core::StepDef> steps = {
      {"fence-old-leader",
       [settings](StepContext& ctx) { return fence_old_leader(ctx, settings); }},
      {"await-final-lsn", [settings](StepContext& ctx) { return await_final_lsn(ctx, settings); }},
      {"promote", [settings](StepContext& ctx) { return promote(ctx, settings); }},
      {"repoint-endpoint",
       [settings](StepContext& ctx) { return repoint_endpoint(ctx, settings); }},
      {"refollow-replicas",
       [settings](StepContext& ctx) { return refollow_replicas(ctx, settings); }},
      {"finish", finish}};
  if (UNWEDGE_MUTANT(settings, kLateEndpointRepoint))
    steps.push_back({"late-repoint", late_repoint});
  UNWEDGE_ASSERT_EQ(steps.front().name, "fence-old-leader");
  return steps;
}

std::vector<core::RequestedTransition> leader_change_transitions() {
  std::vector<core::RequestedTransition> t = {
      {"service", "failing_over", "available", "failover_done"},
      {"service", "failing_over", "unavailable", "failover_abandoned"},
      {"replica_link", "following", "fencing", "promotion_started"},
      {"replica_link", "fencing", "promoting", "old_leader_fenced"},
      {"replica_link", "fencing", "following", "promotion_abandoned"},
      {"replica_link", "promoting", "following", "promotion_failed"},
      {"replica_link", "promoting", "promoted", "promoted"},
      {"server", "fenced", "running", "unfenced"},
  };
  for (const char* from : {"available", "uncertain", "unavailable"}) {
    t.push_back({"service", from, "failing_over", "failover_started"});
  }
  for (const char* from : {"running", "unreachable", "restarting"}) {
    t.push_back({"server", from, "fenced", "fenced"});
  }
  UNWEDGE_ASSERT_EQ(t.size(), std::size_t{14});
  return t;
}

}  // namespace unwedge::postgres
