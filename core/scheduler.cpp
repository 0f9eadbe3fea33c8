#include "core/scheduler.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace unwedge::core {
namespace {

std::string slot_id(std::string_view kind, std::string_view entity) {
  std::string id;
  id.reserve(kind.size() + 1 + entity.size());
  id.append(kind).append("/").append(entity);
  return id;
}

}  // namespace

Scheduler::Scheduler(const Environment& env, std::span<const ActionDef> actions,
                     std::uint32_t steps_per_action_max, RunningLimit limit)
    : env_(env),
      actions_(actions),
      runner_(env),
      steps_per_action_max_(steps_per_action_max),
      limit_(std::move(limit)) {
  UNWEDGE_ASSERT(steps_per_action_max > 0);
  for (const std::string& name : limit_.actions) {
    UNWEDGE_ASSERT_MSG(find(name) != nullptr, "the running limit names no action {}", name);
  }
}

bool Scheduler::limited(std::string_view action) const {
  if (limit_.max == 0) return false;
  return limit_.actions.empty() ||
         std::find(limit_.actions.begin(), limit_.actions.end(), action) != limit_.actions.end();
}

bool Scheduler::at_limit(Transaction& txn, std::string_view action) const {
  if (!limited(action)) return false;
  running(txn);
  return limited_running_.size() >= limit_.max;
}

const ActionDef* Scheduler::find(std::string_view name) const {
  for (const ActionDef& def : actions_) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

// Read through a transaction the caller has open anyway: a transaction of
// its own would be one more for a simulated store to number and crash in.
const std::set<std::string, std::less<>>& Scheduler::running(Transaction& txn) const {
  if (running_) return *running_;
  running_.emplace();
  limited_running_.clear();
  for (const std::string& id : txn.ids(ActionSlot::kKind)) {
    std::shared_ptr<const ActionSlot> slot = txn.view<ActionSlot>(id);
    if (!slot || slot->running.empty()) continue;
    running_->insert(id);
    // An action id is "<action>/<subject>/<n>".
    if (limited(std::string_view(slot->running).substr(0, slot->running.find('/'))))
      limited_running_.insert(id);
  }
  return *running_;
}

bool Scheduler::busy(Transaction& txn, std::string_view kind, std::string_view entity) const {
  return running(txn).contains(slot_id(kind, entity));
}

Result<bool> Scheduler::offer(std::string_view kind, std::string_view entity,
                              std::string_view action, std::string_view subject) {
  const ActionDef* def = find(action);
  if (def == nullptr) return Error{fmt::format("no action named {}", action)};
  std::unique_ptr<Transaction> txn = env_.store.begin();
  const std::string id = slot_id(kind, entity);
  ActionSlot slot = txn->get<ActionSlot>(id).value_or(ActionSlot{.id = id});
  UNWEDGE_ASSERT_MSG(running(*txn).contains(id) == !slot.running.empty(),
                     "slot {} runs '{}' in the Store but is cached otherwise: a second writer of "
                     "slots",
                     id, slot.running);
  if (!slot.running.empty() || at_limit(*txn, action)) return false;
  slot.executions++;
  slot.running =
      fmt::format("{}/{}/{}", action, subject.empty() ? entity : subject, slot.executions);
  const std::string on(subject.empty() ? entity : subject);
  if (Status started = runner_.start(*txn, *def, slot.running, on); !started) {
    return started.error();
  }
  txn->put(slot);
  if (Status committed = txn->commit(); !committed) {
    running_.reset();
    return committed.error();
  }
  if (running_) {
    running_->insert(id);
    if (limited(action)) limited_running_.insert(id);
  }
  // Never past the limit: every start it names counts against it.
  UNWEDGE_ASSERT(!limited(action) || !running_ || limited_running_.size() <= limit_.max);
  return true;
}

void Scheduler::release(const std::string& id, const std::string& action_id) {
  std::unique_ptr<Transaction> txn = env_.store.begin();
  std::optional<ActionSlot> slot = txn->get<ActionSlot>(id);
  if (!slot || slot->running != action_id) return;
  slot->running.clear();
  txn->put(*slot);
  // The record goes with the slot's claim on it: the slot's execution counter
  // makes every action id unique, so a finished record is never read again,
  // and a store that keeps every action ever run grows without bound. The
  // journal is where finished actions are remembered.
  txn->erase<ActionRecord>(action_id);
  if (Status committed = txn->commit(); !committed) {
    running_.reset();  // a conflict leaves it for the next pass
    return;
  }
  if (running_) running_->erase(id);
  limited_running_.erase(id);
}

DriveStats Scheduler::drive_all() {
  DriveStats stats;
  std::vector<ActionSlot> running;
  {
    std::unique_ptr<Transaction> txn = env_.store.begin();
    for (const std::string& id : this->running(*txn)) {
      std::shared_ptr<const ActionSlot> slot = txn->view<ActionSlot>(id);
      UNWEDGE_ASSERT_MSG(
          slot && !slot->running.empty(),
          "slot {} is cached running but idle in the Store: a second writer of slots", id);
      running.push_back(*slot);
    }
  }
  for (const ActionSlot& slot : running) {
    std::shared_ptr<const ActionRecord> record =
        env_.store.begin()->view<ActionRecord>(slot.running);
    UNWEDGE_ASSERT_MSG(record != nullptr, "slot {} names a missing action {}", slot.id,
                       slot.running);
    const ActionDef* def = find(record->action);
    UNWEDGE_ASSERT_MSG(def != nullptr, "action {} has no definition", record->action);
    Result<StepOutcome> out = runner_.drive(*def, slot.running, steps_per_action_max_);
    stats.driven++;
    if (!out) {
      stats.errors++;
      continue;
    }
    if (out->status != ActionStatus::kRunning) {
      stats.finished++;
      release(slot.id, slot.running);
    }
  }
  return stats;
}

}  // namespace unwedge::core
