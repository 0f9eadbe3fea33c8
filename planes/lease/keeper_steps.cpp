#include "planes/lease/keeper_steps.hpp"

#include <charconv>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/keyed_retry.hpp"
#include "planes/lease/lease_keys.hpp"
#include "planes/lease/machines.hpp"

namespace unwedge::lease {

core::KvAnswer ask(core::StepContext& ctx, core::Coordination* coordination, std::string_view label,
                   const core::KvRequest& request) {
  UNWEDGE_ASSERT(!request.key.empty());
  if (coordination == nullptr) {
    return {.state = core::KvState::kFailed, .detail = "the fleet runs no consensus store"};
  }
  return coordination->ask(ctx.key(label), request);
}

std::optional<core::Checkin> local_reading(core::StepContext& ctx) {
  std::vector<core::Checkin> readings = ctx.telemetry().checkins(ctx.subject());
  UNWEDGE_ASSERT_LE(readings.size(), std::size_t{1});
  if (readings.empty()) return std::nullopt;
  return readings.front();
}

std::optional<Keeper> load_keeper(core::StepContext& ctx) {
  std::optional<Keeper> keeper = ctx.txn().get<Keeper>(ctx.subject());
  if (keeper) UNWEDGE_ASSERT_EQ(keeper->id, ctx.subject());
  return keeper;
}

std::string_view keeper_state(const Keeper& keeper) {
  return keeper_machine().state_name(keeper.state.id);
}

bool keeper_in(const Keeper& keeper, std::initializer_list<std::string_view> states) {
  const std::string_view now = keeper_state(keeper);
  for (std::string_view state : states) {
    if (now == state) return true;
  }
  return false;
}

void move_keeper(core::StepContext& ctx, Keeper& keeper, std::string_view to,
                 std::string_view cause) {
  const core::Status moved = ctx.change_state(keeper_machine(), keeper.id, keeper.state, to, cause);
  UNWEDGE_ASSERT_MSG(moved.ok(), "keeper {}: {}", keeper.id,
                     moved.ok() ? "" : moved.error().message);
}

core::TimeUs first_run_us(core::StepContext& ctx, std::string_view name) {
  if (std::optional<std::string> recorded = ctx.var(name)) {
    core::TimeUs value = 0;
    const auto [end, error] =
        std::from_chars(recorded->data(), recorded->data() + recorded->size(), value);
    UNWEDGE_ASSERT(error == std::errc());
    UNWEDGE_ASSERT(end == recorded->data() + recorded->size());
    return value;
  }
  const core::TimeUs now_us = ctx.now_us();
  ctx.set_var(std::string(name), std::to_string(now_us));
  return now_us;
}

Local command(core::StepContext& ctx, core::InfraVerb verb, std::string argument,
              std::string_view label, std::string* why) {
  UNWEDGE_ASSERT(why != nullptr);
  core::Operation op = core::call_with_retry(ctx, verb, ctx.subject(), std::move(argument), label);
  if (op.done()) return Local::kDone;
  // Local commands are answered at once; one that is not yet is waited on
  // under the same key, like a refusal that will be asked again.
  *why = op.detail.empty() ? core::to_string(op.state) : op.detail;
  return Local::kRefused;
}

core::StepResult publish_position(core::StepContext& ctx, core::Coordination* coordination,
                                  Keeper& keeper, const core::Checkin& local, bool final,
                                  std::string_view waiting) {
  std::string value = ctx.var("optime").value_or("");
  if (value.empty()) {
    value = format_optime(
        {.timeline = local.term, .lsn = local.log_position, .by = keeper.id, .final = final});
    ctx.set_var("optime", value);
  }
  const core::KvAnswer answer = ask(ctx, coordination, "optime",
                                    {.kind = core::KvKind::kCompareAndSet,
                                     .key = optime_key(keeper.service),
                                     .value = value,
                                     .expected_revision = keeper.optime_revision});
  if (answer.state == core::KvState::kPending) return core::StepResult::wait(std::string(waiting));
  if (answer.holds()) {
    keeper.optime_revision = answer.revision;
    ctx.txn().put(keeper);
  }
  return core::StepResult::next();
}

core::StepResult release_lease_held(core::StepContext& ctx, core::Coordination* coordination,
                                    const Keeper& keeper, core::TimeUs retry_timeout_us,
                                    std::string_view sent_var) {
  if (!keeper.holds_lease()) return core::StepResult::next();
  const core::TimeUs sent_us = first_run_us(ctx, sent_var);
  if (ctx.now_us() >= sent_us + retry_timeout_us) return core::StepResult::next();
  const core::KvAnswer answer = ask(ctx, coordination, "release",
                                    {.kind = core::KvKind::kCompareAndRemove,
                                     .key = lease_key(keeper.service),
                                     .expected_revision = keeper.lease_revision});
  if (answer.state == core::KvState::kPending) return core::StepResult::wait("releasing the lease");
  return core::StepResult::next();
}

}  // namespace unwedge::lease
