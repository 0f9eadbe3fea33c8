// The keeper's actions on its database's role: Promote, Demote, StepDown,
// Rejoin.
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

// Every step of a promotion runs only while the lease is safe by the
// keeper's own clock; past that, the table demotes it instead.
std::optional<StepResult> lease_unsafe(StepContext& ctx, const Keeper& k, const Settings& s) {
  if (!k.holds_lease()) return StepResult::end("holds no lease");
  if (ctx.now_us() < k.lease_sent_us || ctx.now_us() >= lease_safe_end_us(k, s))
    return StepResult::end("the lease is no longer safe");
  return std::nullopt;
}

StepResult check_promotion(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"acquiring", "promoting"})) return StepResult::end("not a candidate");
  if (std::optional<StepResult> unsafe = lease_unsafe(ctx, *k, s)) return *unsafe;
  const core::KvAnswer answer =
      ask(ctx, coordination, "optime", {.kind = KvKind::kGet, .key = optime_key(k->service)});
  const core::KvAnswer listed =
      ask(ctx, coordination, "members", {.kind = KvKind::kGet, .key = members_key(k->service)});
  if (answer.state == KvState::kPending || listed.state == KvState::kPending) {
    return StepResult::wait("reading the leader's position");
  }
  if (answer.state == KvState::kFailed || listed.state == KvState::kFailed) {
    return StepResult::end("the store did not answer");
  }
  const std::optional<Optime> published =
      answer.succeeded ? parse_optime(answer.value) : std::nullopt;
  const std::optional<std::vector<std::string>> members =
      listed.succeeded ? parse_members(listed.value) : std::nullopt;
  const std::optional<core::Checkin> local = local_reading(ctx);
  const PromotionCheck check =
      promotion_check(*k, local, published, members ? members->size() : 0, s);
  if (!check.allowed) return StepResult::end("may not promote: " + check.why);
  UNWEDGE_ASSERT(local.has_value());
  if (!ctx.var("timeline")) {
    // A new timeline above every one this service has led on.
    const core::Term above = std::max(local->term, published ? published->timeline : 0);
    ctx.set_var("timeline", std::to_string(above + 1));
  }
  if (keeper_in(*k, {"acquiring"})) {
    move_keeper(ctx, *k, "promoting", "lease_acquired");
    ctx.txn().put(*k);
  }
  return StepResult::next();
}

StepResult promote_database(StepContext& ctx, const Settings& s) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"promoting"})) return StepResult::end("no longer promoting");
  if (std::optional<StepResult> unsafe = lease_unsafe(ctx, *k, s)) return *unsafe;
  std::string why;
  if (command(ctx, pgworld::kPromote, *ctx.var("timeline"), "promote", &why) == Local::kRefused) {
    return StepResult::wait("its database refuses promotion: " + why);
  }
  return StepResult::next();
}

// The new leader's position replaces the old one before it takes a write,
// so no later candidate trusts an old leader's final position.
StepResult publish_first(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"promoting"})) return StepResult::end("no longer promoting");
  if (std::optional<StepResult> unsafe = lease_unsafe(ctx, *k, s)) return *unsafe;
  std::string value = ctx.var("optime").value_or("");
  if (value.empty()) {
    std::optional<core::Checkin> local = local_reading(ctx);
    if (!local) return StepResult::wait("its database is down");
    value = format_optime({.timeline = local->term, .lsn = local->log_position, .by = k->id});
    ctx.set_var("optime", value);
  }
  const core::KvAnswer answer =
      ask(ctx, coordination, "optime",
          {.kind = KvKind::kPut, .key = optime_key(k->service), .value = value});
  if (answer.state == KvState::kPending) return StepResult::wait("publishing its position");
  if (answer.state == KvState::kFailed) return StepResult::end("the store did not answer");
  k->optime_revision = answer.revision;
  ctx.txn().put(*k);
  return StepResult::next();
}

StepResult open_for_writes(StepContext& ctx, const Settings& s) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"promoting"})) return StepResult::end("no longer promoting");
  if (std::optional<StepResult> unsafe = lease_unsafe(ctx, *k, s)) return *unsafe;
  std::string why;
  if (command(ctx, pgworld::kUnfence, "", "unfence", &why) == Local::kRefused) {
    return StepResult::wait("its database refuses to open: " + why);
  }
  const core::Term timeline = std::stoull(*ctx.var("timeline"));
  k->timeline = timeline;
  k->following.clear();
  move_keeper(ctx, *k, "leader", "promoted");
  ctx.txn().put(*k);
  return StepResult::next();
}

StepResult mark_demoting(StepContext& ctx, std::string_view cause) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  if (keeper_in(*k, {"demoting"})) return StepResult::next();
  if (keeper_in(*k, {"leader"}) || (cause == "lease_lost" && keeper_in(*k, {"promoting"}))) {
    move_keeper(ctx, *k, "demoting", cause);
    ctx.txn().put(*k);
    return StepResult::next();
  }
  return StepResult::end(fmt::format("the keeper is {}", keeper_state(*k)));
}

StepResult fence_self(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"demoting"})) return StepResult::end("no longer demoting");
  std::string why;
  if (command(ctx, pgworld::kFence, "", "fence", &why) == Local::kRefused) {
    return StepResult::wait("its database refuses to be fenced: " + why);
  }
  return StepResult::next();
}

// Fenced, the old leader's position is final: a candidate that reaches it
// holds every write it acknowledged. Only over its own last publication,
// never over a newer leader's.
StepResult publish_final(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"demoting"})) return StepResult::end("no longer demoting");
  std::optional<core::Checkin> local = local_reading(ctx);
  if (k->optime_revision == 0 || !local) return StepResult::next();
  const core::TimeUs sent_us = first_run_us(ctx, "sent_us");
  if (ctx.now_us() >= sent_us + s.retry_timeout_us) return StepResult::next();
  return publish_position(ctx, coordination, *k, *local, true, "publishing its final position");
}

// A leader stepping down hands the lease on at once rather than make its
// successor wait out the ttl.
StepResult release_lease(StepContext& ctx, const Settings& s, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"demoting"})) return StepResult::end("no longer demoting");
  return release_lease_held(ctx, coordination, *k, s.retry_timeout_us, "release_sent_us");
}

StepResult demoted(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"demoting"})) return StepResult::end("no longer demoting");
  k->lease_revision = 0;
  k->lease_sent_us = 0;
  k->following.clear();
  k->restart_asked = false;
  move_keeper(ctx, *k, "rejoining", "fenced");
  ctx.txn().put(*k);
  return StepResult::next();
}

StepResult mark_rejoining(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k) return StepResult::end("no keeper");
  if (keeper_in(*k, {"rejoining"})) return StepResult::next();
  if (keeper_in(*k, {"starting"})) {
    move_keeper(ctx, *k, "rejoining", "leader_found");
  } else if (keeper_in(*k, {"replica"})) {
    move_keeper(ctx, *k, "rejoining", k->restart_asked ? "restart_requested" : "leader_changed");
  } else if (keeper_in(*k, {"acquiring"})) {
    move_keeper(ctx, *k, "rejoining", "lost_race");
  } else {
    return StepResult::end(fmt::format("the keeper is {}", keeper_state(*k)));
  }
  k->restart_asked = false;
  k->lease_revision = 0;
  k->lease_sent_us = 0;
  ctx.txn().put(*k);
  return StepResult::next();
}

StepResult find_leader(StepContext& ctx, core::Coordination* coordination) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"rejoining"})) return StepResult::end("no longer rejoining");
  const core::KvAnswer answer =
      ask(ctx, coordination, "leader", {.kind = KvKind::kGet, .key = lease_key(k->service)});
  if (answer.state == KvState::kPending) return StepResult::wait("reading the lease");
  if (answer.state == KvState::kFailed) return StepResult::end("the store did not answer");
  if (!answer.succeeded) return StepResult::end("no leader to follow");
  if (answer.value == k->id) return StepResult::end("the lease names this node");
  ctx.set_var("leader", answer.value);
  return StepResult::next();
}

StepResult fence_replica(StepContext& ctx) {
  std::string why;
  if (command(ctx, pgworld::kFence, "", "fence", &why) == Local::kRefused) {
    return StepResult::wait("its database refuses to be fenced: " + why);
  }
  return StepResult::next();
}

// A database that diverged from the leader (a demoted leader's last writes)
// cannot stream from it until pg_rewind winds it back to their common
// history; on one that has not diverged the rewind changes nothing.
StepResult rewind_to_leader(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"rejoining"})) return StepResult::end("no longer rejoining");
  const std::string leader = *ctx.var("leader");
  std::string why;
  if (command(ctx, pgworld::kRewind, leader, "rewind", &why) == Local::kRefused) {
    return StepResult::wait(fmt::format("its database cannot be rewound to {}: {}", leader, why));
  }
  return StepResult::next();
}

StepResult follow_leader(StepContext& ctx) {
  std::optional<Keeper> k = load_keeper(ctx);
  if (!k || !keeper_in(*k, {"rejoining"})) return StepResult::end("no longer rejoining");
  const std::string leader = *ctx.var("leader");
  std::string why;
  if (command(ctx, pgworld::kFollow, leader, "follow", &why) == Local::kRefused) {
    return StepResult::wait(fmt::format("its database refuses to follow {}: {}", leader, why));
  }
  k->following = leader;
  move_keeper(ctx, *k, "replica", "rejoined");
  ctx.txn().put(*k);
  return StepResult::next();
}

}  // namespace

core::ActionDef promote_action(const Settings& settings, core::Coordination* coordination) {
  return {
      .name = "Promote",
      .steps = {{"check",
                 [settings, coordination](StepContext& ctx) {
                   return check_promotion(ctx, settings, coordination);
                 }},
                {"promote",
                 [settings](StepContext& ctx) { return promote_database(ctx, settings); }},
                {"publish",
                 [settings, coordination](StepContext& ctx) {
                   return publish_first(ctx, settings, coordination);
                 }},
                {"open", [settings](StepContext& ctx) { return open_for_writes(ctx, settings); }}},
      .summary =
          "With the lease won and safe by its clock, checks its lag against the "
          "leader's published position, promotes its database to a new timeline, "
          "publishes its own position and only then opens for writes.",
      .transitions = {{"keeper", "acquiring", "promoting", "lease_acquired"},
                      {"keeper", "promoting", "leader", "promoted"}}};
}

core::ActionDef demote_action(const Settings& settings, core::Coordination* coordination) {
  return {.name = "Demote",
          .steps = {{"mark", [](StepContext& ctx) { return mark_demoting(ctx, "lease_lost"); }},
                    {"fence", fence_self},
                    {"publish-final",
                     [settings, coordination](StepContext& ctx) {
                       return publish_final(ctx, settings, coordination);
                     }},
                    {"done", demoted}},
          .summary =
              "A leader that can no longer count on its lease fences its database at "
              "once, then publishes its final position if the store still listens.",
          .transitions = {{"keeper", "leader", "demoting", "lease_lost"},
                          {"keeper", "promoting", "demoting", "lease_lost"},
                          {"keeper", "demoting", "rejoining", "fenced"}}};
}

core::ActionDef step_down_action(const Settings& settings, core::Coordination* coordination) {
  return {.name = "StepDown",
          .steps = {{"mark", [](StepContext& ctx) { return mark_demoting(ctx, "stepping_down"); }},
                    {"fence", fence_self},
                    {"publish-final",
                     [settings, coordination](StepContext& ctx) {
                       return publish_final(ctx, settings, coordination);
                     }},
                    {"release",
                     [settings, coordination](StepContext& ctx) {
                       return release_lease(ctx, settings, coordination);
                     }},
                    {"done", demoted}},
          .summary =
              "A switchover or restart: the leader fences its database, publishes its "
              "final position, and removes its lease so a successor need not wait the ttl.",
          .transitions = {{"keeper", "leader", "demoting", "stepping_down"},
                          {"keeper", "demoting", "rejoining", "fenced"}}};
}

core::ActionDef rejoin_action(const Settings& settings, core::Coordination* coordination) {
  static_cast<void>(settings);
  return {.name = "Rejoin",
          .steps = {{"mark", mark_rejoining},
                    {"find-leader",
                     [coordination](StepContext& ctx) { return find_leader(ctx, coordination); }},
                    {"fence", fence_replica},
                    {"rewind", rewind_to_leader},
                    {"follow", follow_leader}},
          .summary =
              "Follows the lease holder: fences its database, rewinds it to their common "
              "history (pg_rewind) and streams from the leader.",
          .transitions = {{"keeper", "starting", "rejoining", "leader_found"},
                          {"keeper", "replica", "rejoining", "leader_changed"},
                          {"keeper", "replica", "rejoining", "restart_requested"},
                          {"keeper", "acquiring", "rejoining", "lost_race"},
                          {"keeper", "rejoining", "replica", "rejoined"}}};
}

}  // namespace unwedge::lease
