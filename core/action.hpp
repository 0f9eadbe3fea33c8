// Actions: re-entrant, idempotent procedures written as a list of steps.
//
// An action (Failover, Promote, RotateCertificate) is a named list of steps.
// Each step runs inside one Store transaction: it reads the entities it works
// on by id, may issue Infra requests keyed by (action id, step), records its
// progress in the action's own record, and commits. If the process dies at
// any point, the record in the Store says which step is next; running that
// step again is safe because its reads are fresh and its Infra requests carry
// the same keys. The runner is at-least-once by design. Delivered again once
// it has finished, an execution starts from its first step with a fresh
// record (the scheduler erases finished ones), so that step must see from
// the entities it changes that this execution already did its work, and
// change nothing (for instance, the entity keeps the id of the execution
// that last changed it).
//
//   ActionDef unfollow{
//       .name = "Unfollow",
//       .steps = {{"detach", [](StepContext& ctx) {
//                    Operation op = ctx.call(fleet::kUnfollow, ctx.subject());
//                    if (!op.done()) return StepResult::wait("detaching");
//                    return StepResult::next();
//                  }}},
//       .transitions = {{"replica_link", "unfollowing", "unfollowed", "unfollow_done"}}};
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/environment.hpp"
#include "core/machine_state.hpp"
#include "core/time.hpp"

namespace unwedge::core {

enum class ActionStatus : std::uint8_t {
  kRunning,    // more steps to run
  kSucceeded,  // every step ran, or a step finished the action early
  kEnded,      // a step found its precondition gone and ended cleanly
};

const char* to_string(ActionStatus status);

// The durable progress of one action execution, kept in the Store.
struct ActionRecord {
  static constexpr std::string_view kKind = "action";

  std::string id;       // unique per execution: "failover/db1/3"
  std::string action;   // ActionDef::name
  std::string subject;  // id of the entity the action works on
  std::uint32_t next_step = 0;
  // Times the current step has asked to wait; reset when the step advances.
  std::uint32_t waits = 0;
  ActionStatus status = ActionStatus::kRunning;
  std::string note;  // why it ended or what it is waiting for
  // Values steps record for later steps (the standby chosen, a new host id).
  std::map<std::string, std::string> vars;
  TimeUs started_us = 0;
  TimeUs updated_us = 0;

  friend bool operator==(const ActionRecord&, const ActionRecord&) = default;
};

std::string describe(const ActionRecord& record);

enum class StepVerdict : std::uint8_t {
  kNext,    // this step is done; the next one runs next time
  kWait,    // not yet (an operation is pending); run this step again later
  kFinish,  // the action is done, skip the remaining steps
  kEnd,     // precondition no longer holds; end the action cleanly
};

const char* to_string(StepVerdict verdict);

struct StepResult {
  StepVerdict verdict = StepVerdict::kNext;
  std::string note;

  static StepResult next() { return {StepVerdict::kNext, ""}; }
  static StepResult wait(std::string why) { return {StepVerdict::kWait, std::move(why)}; }
  static StepResult finish(std::string why = "") { return {StepVerdict::kFinish, std::move(why)}; }
  static StepResult end(std::string why) { return {StepVerdict::kEnd, std::move(why)}; }
};

// What a step sees: the open transaction, the world (fleet API, clock,
// monitoring) and the action's record (whose vars it may change; they commit
// with the step).
class StepContext {
 public:
  StepContext(Transaction& txn, const Environment& env, ActionRecord& record,
              std::string_view step_name)
      : txn_(txn), env_(env), record_(record), step_name_(step_name) {}

  Transaction& txn() { return txn_; }
  const Telemetry& telemetry() const { return env_.telemetry; }
  TimeUs now_us() const { return env_.clock.now_us(); }
  const std::string& action_id() const { return record_.id; }
  const std::string& subject() const { return record_.subject; }
  std::uint32_t waits() const { return record_.waits; }

  // "failover/db1/3#2.promote" plus "/label" when given: the same on every
  // run of this step of this execution, different for every other step.
  std::string key(std::string_view label = "") const;
  // Issues an Infra request keyed by key(label).
  Operation call(InfraVerb verb, std::string target, std::string argument = "",
                 std::string_view label = "");

  // Moves `state` (of entity `entity` under `machine`) to `to` on `cause` if
  // the table has that transition. The caller writes the entity back; the
  // change is logged when the step commits. A refused change leaves `state`
  // as it was, is logged at once, and returns the table's error.
  Status change_state(const MachineDef& machine, std::string_view entity, MachineState& state,
                      std::string_view to, std::string_view cause);
  // Changes that commit with this step, for the runner to log.
  const std::vector<TransitionEvent>& pending_transitions() const { return pending_; }

  std::optional<std::string> var(std::string_view name) const;
  void set_var(std::string name, std::string value) {
    record_.vars[std::move(name)] = std::move(value);
  }

 private:
  Transaction& txn_;
  const Environment& env_;
  ActionRecord& record_;
  std::string_view step_name_;
  std::vector<TransitionEvent> pending_;
};

struct StepDef {
  std::string name;
  std::function<StepResult(StepContext&)> run;
};

// A state change an action may request, for the cross-check against the
// machines' tables: (machine, from, to, cause), by name.
struct RequestedTransition {
  std::string machine;
  std::string from;
  std::string to;
  std::string cause;
};

struct ActionDef {
  std::string name;
  std::vector<StepDef> steps;
  // What the action is for, in a sentence, for the generated documentation.
  std::string summary;
  std::vector<RequestedTransition> transitions;
  // Upper bound on waits in one step before the action ends itself; every
  // retry loop has a stated bound.
  std::uint32_t waits_max = 1000;
};

}  // namespace unwedge::core
