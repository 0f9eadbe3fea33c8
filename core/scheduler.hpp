// Scheduler: starts at most one action per entity and carries running
// actions forward, bounded per tick.
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

struct DriveStats {
  std::uint32_t driven = 0;    // running actions given steps
  std::uint32_t finished = 0;  // actions that succeeded or ended
  std::uint32_t errors = 0;    // steps that failed to commit (retried next time)
};

class Scheduler {
 public:
  // `actions` must outlive the scheduler.
  Scheduler(const Environment& env, std::span<const ActionDef> actions,
            std::uint32_t steps_per_action_max = 8);

  // Starts `action` on `subject` (the entity itself when empty) unless the
  // entity's slot is busy; true if started. An action that changes more than
  // its subject takes the slot of the entity it really changes: a customer's
  // Promote of a link takes its service's slot, so no failover can start on
  // the service while the promotion is in flight.
  Result<bool> offer(std::string_view kind, std::string_view entity, std::string_view action,
                     std::string_view subject = {});
  // True when an action is running for the entity.
  bool busy(Transaction& txn, std::string_view kind, std::string_view entity) const;
  DriveStats drive_all();

 private:
  const ActionDef* find(std::string_view name) const;
  void release(const std::string& slot_id, const std::string& action_id);
  // The ids of the slots running an action, sorted as the Store lists them.
  const std::set<std::string, std::less<>>& running(Transaction& txn) const;

  Environment env_;
  std::span<const ActionDef> actions_;
  ActionRunner runner_;
  std::uint32_t steps_per_action_max_;
  mutable std::optional<std::set<std::string, std::less<>>> running_;
};

}  // namespace unwedge::core
