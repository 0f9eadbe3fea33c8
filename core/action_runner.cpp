#include "core/action_runner.hpp"

#include <exception>
#include <fmt/format.h>

namespace unwedge::core {

Status ActionRunner::start(const ActionDef& def, std::string action_id, std::string subject) {
  std::unique_ptr<Transaction> txn = env_.store.begin();
  if (Status started = start(*txn, def, std::move(action_id), std::move(subject)); !started) {
    return started;
  }
  return txn->commit();
}

Status ActionRunner::start(Transaction& txn, const ActionDef& def, std::string action_id,
                           std::string subject) {
  UNWEDGE_ASSERT(!def.steps.empty());
  if (std::optional<ActionRecord> existing = txn.get<ActionRecord>(action_id)) {
    if (existing->action != def.name || existing->subject != subject) {
      return Error{fmt::format("action id {} already names {} on {}, not {} on {}", action_id,
                               existing->action, existing->subject, def.name, subject)};
    }
    return Status::Ok();  // started before: starting again is a no-op
  }
  TimeUs now_us = env_.clock.now_us();
  txn.put(ActionRecord{.id = std::move(action_id),
                       .action = def.name,
                       .subject = std::move(subject),
                       .started_us = now_us,
                       .updated_us = now_us});
  return Status::Ok();
}

Result<StepOutcome> ActionRunner::step(const ActionDef& def, std::string_view action_id) {
  std::unique_ptr<Transaction> txn = env_.store.begin();
  std::optional<ActionRecord> record = txn->get<ActionRecord>(action_id);
  if (!record) return Error{fmt::format("no action record {}", action_id)};
  if (record->action != def.name) {
    return Error{
        fmt::format("action record {} is a {}, not a {}", action_id, record->action, def.name)};
  }
  if (record->status != ActionStatus::kRunning) {
    return StepOutcome{record->status, StepVerdict::kFinish, record->next_step, record->note};
  }
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(record->next_step), def.steps.size());
  const StepDef& step_def = def.steps[record->next_step];

  StepResult result;
  StepContext ctx(*txn, env_, *record, step_def.name);
  try {
    result = step_def.run(ctx);
  } catch (const AssertionFailure&) {
    throw;  // a broken contract is a finding, never a step failure to retry
  } catch (const std::exception& e) {
    return failed(def, *record, step_def,
                  Error{fmt::format("{} step {} ({}) failed: {}", action_id, record->next_step,
                                    step_def.name, e.what())});
  }
  StepOutcome outcome = apply(def, *record, result);
  txn->put(*record);
  if (Status committed = txn->commit(); !committed) {
    return failed(def, *record, step_def, committed.error());
  }
  if (env_.journal != nullptr) {
    env_.journal->step(StepEvent{.action_id = record->id,
                                 .action = def.name,
                                 .step = step_def.name,
                                 .verdict = to_string(result.verdict),
                                 .note = result.note,
                                 .at_us = record->updated_us,
                                 .over = record->status != ActionStatus::kRunning});
    for (const TransitionEvent& event : ctx.pending_transitions()) {
      env_.journal->transition(event);
    }
  }
  return outcome;
}

Error ActionRunner::failed(const ActionDef& def, const ActionRecord& record, const StepDef& step,
                           Error error) {
  // Nothing was committed; the journal still hears of it, since a step that
  // fails the same way on every pass is a wedge nobody would see otherwise.
  if (env_.journal != nullptr) {
    env_.journal->step(StepEvent{.action_id = record.id,
                                 .action = def.name,
                                 .step = step.name,
                                 .verdict = "error",
                                 .note = error.message,
                                 .at_us = env_.clock.now_us()});
  }
  return error;
}

StepOutcome ActionRunner::apply(const ActionDef& def, ActionRecord& record,
                                const StepResult& result) {
  StepOutcome outcome{.status = ActionStatus::kRunning,
                      .verdict = result.verdict,
                      .step = record.next_step,
                      .note = result.note};
  record.updated_us = env_.clock.now_us();
  record.note = result.note;
  switch (result.verdict) {
    case StepVerdict::kNext:
      record.next_step++;
      record.waits = 0;
      if (record.next_step == def.steps.size()) record.status = ActionStatus::kSucceeded;
      break;
    case StepVerdict::kWait:
      record.waits++;
      if (record.waits >= def.waits_max) {
        record.status = ActionStatus::kEnded;
        record.note = fmt::format("gave up after {} waits in step {}: {}", record.waits,
                                  def.steps[record.next_step].name, result.note);
      }
      break;
    case StepVerdict::kFinish:
      record.status = ActionStatus::kSucceeded;
      break;
    case StepVerdict::kEnd:
      record.status = ActionStatus::kEnded;
      break;
  }
  outcome.status = record.status;
  outcome.note = record.note;
  return outcome;
}

Result<StepOutcome> ActionRunner::drive(const ActionDef& def, std::string_view action_id,
                                        std::size_t steps_max) {
  Result<StepOutcome> last = Error{fmt::format("{}: drive with a bound of 0 steps", action_id)};
  for (std::size_t i = 0; i < steps_max; ++i) {
    last = step(def, action_id);
    if (!last) return last;
    if (last->status != ActionStatus::kRunning) return last;
    if (last->verdict == StepVerdict::kWait) return last;
  }
  return last;
}

}  // namespace unwedge::core
