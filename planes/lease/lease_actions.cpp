// The keeper's actions on the lease itself: Acquire, Renew, Release.
#include <fmt/format.h>

#include "core/assert.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/keeper_actions.hpp"
#include "planes/lease/keeper_signals.hpp"
#include "planes/lease/keeper_steps.hpp"
#include "planes/lease/lease_keys.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::lease {
namespace {

using core::KvKind;
using core::KvState;
using core::StepContext;
using core::StepResult;

StepResult mark_acquiring(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  if (keeper_in(*k, {"acquiring"})) return StepResult::next();
  if (!keeper_in(*k, {"starting", "replica", "rejoining"})) {
    return StepResult::end(fmt::format("the keeper is {}", keeper_state(*k)));
  }
  move_keeper(ctx, *k, "acquiring", "lease_free");
  ctx.txn().put(*k);
  return StepResult::next();
}

// A candidate writes nothing until it is promoted: a fresh database is open
// for writes, and one that led before may still be.
StepResult fence_candidate(StepContext& ctx) {
  std::string why;
  if (command(ctx, pgworld::kFence, "", "fence", &why) == Local::kRefused) {
    return StepResult::wait("its database refuses to be fenced: " + why);
  }
  return StepResult::next();
}

StepResult race(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"acquiring"})) return StepResult::end("no longer acquiring");
  // The ttl counts from the write's commit, after this send: the window
  // measured from the send ends no later than the store's.
  const core::TimeUs sent_us = first_run_us(ctx, "sent_us");
  const core::KvAnswer answer = ask(ctx, coordination, "lease",
                                    {.kind = KvKind::kCompareAndSet,
                                     .key = lease_key(k->service),
                                     .value = k->id,
                                     .expected_revision = 0,
                                     .ttl_us = s.ttl_us});
  if (answer.state == KvState::kPending) return StepResult::wait("racing for the lease");
  if (answer.state == KvState::kFailed) {
    return StepResult::end("the store did not answer: " + answer.detail);
  }
  if (!answer.succeeded) return StepResult::end(fmt::format("{} holds the lease", answer.value));
  UNWEDGE_ASSERT_LT(std::uint64_t{0}, answer.revision);
  k->lease_revision = answer.revision;
  k->lease_sent_us = sent_us;
  ctx.txn().put(*k);
  return StepResult::next();
}

StepResult renew(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"leader"})) return StepResult::end("no longer leading");
  if (!k->holds_lease()) return StepResult::end("holds no lease");
  const core::TimeUs sent_us = first_run_us(ctx, "sent_us");
  const bool stale_read = UNWEDGE_LEASE_MUTANT(s, kRenewFromStaleRead);
  // Too late: the store may give the lease away before this write lands,
  // and the leader must be fenced by then; the table demotes it.
  if (!stale_read && ctx.now_us() >= lease_safe_end_us(*k, s)) {
    return StepResult::end("the lease's safe window is over");
  }
  if (ctx.now_us() >= sent_us + s.retry_timeout_us) {
    return StepResult::end("the renewal went unanswered for retry_timeout");
  }
  // The compare on the keeper's own revision is what makes a renewal safe:
  // a lease that expired and was taken since is not overwritten.
  const core::KvRequest request = stale_read
                                      ? core::KvRequest{.kind = KvKind::kPut,
                                                        .key = lease_key(k->service),
                                                        .value = k->id,
                                                        .ttl_us = s.ttl_us}
                                      : core::KvRequest{.kind = KvKind::kCompareAndSet,
                                                        .key = lease_key(k->service),
                                                        .value = k->id,
                                                        .expected_revision = k->lease_revision,
                                                        .ttl_us = s.ttl_us};
  const core::KvAnswer answer = ask(ctx, coordination, "lease", request);
  if (answer.state == KvState::kPending) return StepResult::wait("renewing the lease");
  if (answer.state == KvState::kFailed) return StepResult::end("renewal failed: " + answer.detail);
  if (!answer.succeeded && answer.value == k->id && !stale_read) {
    // An earlier renewal of its own, given up, landed after all. It was
    // applied after the write at lease_revision, so after lease_sent_us:
    // the window stays as it was, and the next renewal compares on the
    // revision the store holds.
    k->lease_revision = answer.revision;
    ctx.txn().put(*k);
    return StepResult::end("an earlier renewal landed late; its revision is adopted");
  }
  if (!answer.succeeded) {
    return StepResult::end(
        fmt::format("the lease is no longer this keeper's (it reads '{}')", answer.value));
  }
  k->lease_revision = answer.revision;
  k->lease_sent_us = sent_us;
  ctx.txn().put(*k);
  return StepResult::next();
}

// The leader's position, for a candidate's lag check; best effort, a
// failed publish is tried again at the next renewal.
StepResult publish(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"leader"})) return StepResult::end("no longer leading");
  // Never waited on past the lease's safe window: the table must be free to
  // choose the demotion.
  if (!k->holds_lease() || ctx.now_us() < k->lease_sent_us ||
      ctx.now_us() >= lease_safe_end_us(*k, s)) {
    return StepResult::end("the lease is no longer safe");
  }
  std::optional<core::Checkin> local = local_reading(ctx);
  if (!local) return StepResult::next();
  const core::TimeUs sent_us = first_run_us(ctx, "publish_sent_us");
  if (ctx.now_us() >= sent_us + s.retry_timeout_us) return StepResult::next();
  return publish_position(ctx, coordination, *k, *local, false, "publishing the position");
}

StepResult release(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"acquiring"})) return StepResult::end("no longer acquiring");
  return release_lease_held(ctx, coordination, *k, s.retry_timeout_us, "sent_us");
}

StepResult stand_down(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"acquiring"})) return StepResult::end("no longer acquiring");
  k->lease_revision = 0;
  k->lease_sent_us = 0;
  move_keeper(ctx, *k, "replica", "gave_up");
  ctx.txn().put(*k);
  return StepResult::next();
}

}  // namespace

core::ActionDef acquire_action(const Settings& settings, core::Coordination* coordination) {
  return {.name = "Acquire",
          .steps = {{"mark", mark_acquiring},
                    {"fence", fence_candidate},
                    {"race", [settings, coordination](
                                 StepContext& ctx) { return race(ctx, settings, coordination); }}},
          .summary =
              "Races for the free lease: fences its own database, then creates the leader "
              "key by compare-and-set on its absence, with the ttl; the lease counts from "
              "the send, by the keeper's clock.",
          .transitions = {{"keeper", "starting", "acquiring", "lease_free"},
                          {"keeper", "replica", "acquiring", "lease_free"},
                          {"keeper", "rejoining", "acquiring", "lease_free"}}};
}

core::ActionDef renew_action(const Settings& settings, core::Coordination* coordination) {
  return {.name = "Renew",
          .steps = {{"renew", [settings, coordination](
                                  StepContext& ctx) { return renew(ctx, settings, coordination); }},
                    {"publish",
                     [settings, coordination](StepContext& ctx) {
                       return publish(ctx, settings, coordination);
                     }}},
          .summary =
              "Renews the lease by compare-and-set on the keeper's own revision, giving "
              "up after retry_timeout or once the lease's safe window is over, then "
              "publishes the leader's position.",
          .transitions = {}};
}

core::ActionDef release_action(const Settings& settings, core::Coordination* coordination) {
  return {
      .name = "Release",
      .steps = {{"release", [settings, coordination](
                                StepContext& ctx) { return release(ctx, settings, coordination); }},
                {"stand-down", stand_down}},
      .summary =
          "A candidate that may not promote (too far behind, the store gone quiet) "
          "removes the lease it won, if it still holds it, and stands as a replica.",
      .transitions = {{"keeper", "acquiring", "replica", "gave_up"}}};
}

std::vector<core::ActionDef> keeper_actions(const Settings& settings,
                                            core::Coordination* coordination) {
  return {acquire_action(settings, coordination),   promote_action(settings, coordination),
          renew_action(settings, coordination),     demote_action(settings, coordination),
          step_down_action(settings, coordination), rejoin_action(settings, coordination),
          release_action(settings, coordination)};
}

}  // namespace unwedge::lease
