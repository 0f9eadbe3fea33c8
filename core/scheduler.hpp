// Scheduler: starts at most one action per entity, and of the actions a
// RunningLimit names at most so many at once, and carries running actions
// forward, bounded per tick.
//
// Each entity has an ActionSlot in the Store naming the action execution
// running for it. offer() starts an action only on an idle slot, writing the
// action's record and the slot in one transaction, so a crash can never leave
// an action without its slot or a slot without its action. drive_all() gives
// each running action a few steps and frees the slots of those that ended,
// erasing their records in the same transaction (finished actions live on in
// the journal, not the Store). Restarting the process loses nothing: the
// slots say what was running.
//
// A control plane bounds how much it changes at once: at most so many
// failovers or restarts across the fleet, whatever else runs (a blast
// radius). Past the limit, offer() starts none of the actions it names, and
// the caller offers again on a later pass. The limit names actions rather
// than counting all of them because actions wait on each other (a
// provisioning waits for its servers' creations): a limit on every action
// would let the waiting ones hold every place and starve what they wait for.
//
// Which slots are running is read from the Store once, at the first need,
// and then kept in step with the scheduler's own commits, as a Kubernetes
// informer keeps its cache: busy() and drive_all() cost as much as the
// actions running, not as the entities stored. The scheduler must be the
// only writer of slots while it lives (one process of a plane at a time, as
// every plane runs); a commit that fails may or may not have landed, so it
// drops the cache to be read again.
//
//   Scheduler scheduler(env, actions);
//   scheduler.offer("service", "db1", "Failover");
//   scheduler.drive_all();
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/action_runner.hpp"

namespace unwedge::core {

struct ActionSlot {
  static constexpr std::string_view kKind = "action_slot";

  std::string id;                // "<entity kind>/<entity id>"
  std::string running;           // action id, empty when idle
  std::uint32_t executions = 0;  // numbers the entity's action ids

  friend bool operator==(const ActionSlot&, const ActionSlot&) = default;
};

// At most `max` of `actions` (by name) running at once; 0: no limit.
struct RunningLimit {
  std::uint32_t max = 0;
  std::vector<std::string> actions;

  friend bool operator==(const RunningLimit&, const RunningLimit&) = default;
};

struct DriveStats {
  std::uint32_t driven = 0;    // running actions given steps
  std::uint32_t finished = 0;  // actions that succeeded or ended
  std::uint32_t errors = 0;    // steps that failed to commit (retried next time)
};

class Scheduler {
 public:
  // `actions` must outlive the scheduler.
  Scheduler(const Environment& env, std::span<const ActionDef> actions,
            std::uint32_t steps_per_action_max = 8, RunningLimit limit = {});

  // Starts `action` on `subject` (the entity itself when empty) unless the
  // entity's slot is busy, or the limit names the action and is reached;
  // true if started. An action that changes more than
  // its subject takes the slot of the entity it really changes: a customer's
  // Promote of a link takes its service's slot, so no failover can start on
  // the service while the promotion is in flight.
  Result<bool> offer(std::string_view kind, std::string_view entity, std::string_view action,
                     std::string_view subject = {});
  // True when an action is running for the entity.
  bool busy(Transaction& txn, std::string_view kind, std::string_view entity) const;
  // True when the limit names `action` and as many as it allows run:
  // offer() would not start it.
  bool at_limit(Transaction& txn, std::string_view action) const;
  DriveStats drive_all();

 private:
  const ActionDef* find(std::string_view name) const;
  void release(const std::string& slot_id, const std::string& action_id);
  // The ids of the slots running an action, sorted as the Store lists them.
  const std::set<std::string, std::less<>>& running(Transaction& txn) const;
  bool limited(std::string_view action) const;

  Environment env_;
  std::span<const ActionDef> actions_;
  ActionRunner runner_;
  std::uint32_t steps_per_action_max_;
  RunningLimit limit_;
  mutable std::optional<std::set<std::string, std::less<>>> running_;
  // Of those, the slots running an action the limit names; kept with running_.
  mutable std::set<std::string, std::less<>> limited_running_;
};

}  // namespace unwedge::core
