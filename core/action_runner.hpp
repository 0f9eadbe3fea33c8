// ActionRunner: runs action steps, one Store transaction per step.
//
// start() writes the action's record (idempotently: starting an id that
// exists changes nothing). step() runs the record's next step in a fresh
// transaction and commits the step's writes together with the record's
// progress, so progress and effects are never out of step. drive() repeats
// step() until the action completes, waits, or a bound is reached.
//
//   ActionRunner runner(env);
//   runner.start(failover, "failover/db1/3", "db1");
//   Result<StepOutcome> out = runner.drive(failover, "failover/db1/3", 16);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/action.hpp"
#include "core/result.hpp"

namespace unwedge::core {

struct StepOutcome {
  ActionStatus status = ActionStatus::kRunning;
  StepVerdict verdict = StepVerdict::kNext;
  std::uint32_t step = 0;  // the step that ran
  std::string note;
};

class ActionRunner {
 public:
  explicit ActionRunner(const Environment& env) : env_(env) {}

  // Creates the record for `action_id` if it does not exist yet.
  Status start(const ActionDef& def, std::string action_id, std::string subject);
  // The same inside the caller's transaction, which commits it together with
  // the caller's own bookkeeping (a scheduler's "running" marker).
  Status start(Transaction& txn, const ActionDef& def, std::string action_id, std::string subject);

  // Runs one step. An error means nothing was committed (the step threw, the
  // record is missing or names another action, or the commit failed); running
  // step() again is always safe.
  Result<StepOutcome> step(const ActionDef& def, std::string_view action_id);

  // Runs steps until the action is no longer running, a step waits, or
  // `steps_max` steps have run.
  Result<StepOutcome> drive(const ActionDef& def, std::string_view action_id,
                            std::size_t steps_max);

 private:
  StepOutcome apply(const ActionDef& def, ActionRecord& record, const StepResult& result);
  Error failed(const ActionDef& def, const ActionRecord& record, const StepDef& step, Error error);

  Environment env_;
};

}  // namespace unwedge::core
