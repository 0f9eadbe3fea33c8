// Controller: the reference control plane's main loop.
//
// Each pass decides the entities whose inputs changed: for each one with no
// action running, derives its signals, asks its kind's decision table and
// starts the action decided; then it carries every running action forward a
// bounded number of steps. Production runs tick() on a timer; the simulator
// calls it as an event. All state lives in the Store, so a controller that
// crashes and a new one that starts over the same Store continue exactly
// where the first left off: a new one starts with a full pass.
//
// Deciding only what changed, as a Kubernetes controller's work queue does:
// the entities of one service are decided together (group_inputs.hpp) when
// a record of theirs is written (by this process, seen through its own
// commits, or by a request, told by records_changed()), when monitoring's
// facts about their hosts change (checked when a host checks in, told by
// hosts_checked_in(), and when a fact can next change by time alone), and on
// a full pass every Settings::full_pass_every_us as a safety net. What it
// decided last is kept, so audit() can tell whether a full decision now
// would agree.
//
//   Controller controller(env, settings);
//   TickStats stats = controller.tick();
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/change_feed_store.hpp"
#include "core/environment.hpp"
#include "core/scheduler.hpp"
#include "core/work_queue.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/group_inputs.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

struct TickStats {
  std::uint32_t decided = 0;  // entities whose table was asked
  std::uint32_t started = 0;  // actions started
  core::DriveStats drive;

  bool quiet() const { return started == 0 && drive.driven == 0; }
};

// The slot an action takes (one action at a time per slot): its subject's
// own, except for a customer's Promote of a link, which changes the
// service's leader and so takes the service's.
struct Slot {
  std::string_view kind;
  std::string entity;
};
template <class Entity>
Slot slot_for(const Entity& e, std::string_view /*action*/) {
  return {Entity::kKind, e.id};
}
Slot slot_for(const ReplicaLink& link, std::string_view action);

// An entity the controller left undecided whose full decision now differs
// from its last one.
struct MissedDecision {
  std::string entity;
  std::string message;
};

class Controller {
 public:
  Controller(const core::Environment& env, const Settings& settings);

  TickStats tick();
  const std::vector<core::ActionDef>& actions() const { return actions_; }

  // Told before a pass: hosts whose check-ins arrived; entities whose
  // records someone else wrote (a request); everything (monitoring itself
  // moved).
  void hosts_checked_in(const std::vector<std::string>& hosts);
  void records_changed(const std::vector<std::string>& entities);
  void all_inputs_changed() { full_pass_due_ = true; }

  // After a pass: the first entity, not busy and not queued, whose full
  // decision now is not the one the controller last made. Changes nothing.
  std::optional<MissedDecision> audit();

 private:
  // What the controller keeps of one service's group between passes.
  struct GroupMemo {
    GroupShape shape;
    GroupFacts facts;
    // Each member's last decision, for audit(): a few per service, so a
    // list, and the action by name from the table's own (which lives as
    // long as the program), so no copy.
    struct Decided {
      std::string_view kind;
      std::string id;
      const std::string* action = nullptr;  // none: the table decided nothing
    };
    std::vector<Decided> decided;
  };

  bool full_pass_needed(core::TimeUs now_us) const;
  void absorb_own_writes();
  void mark_written(core::Transaction& txn, const core::EntityKey& key);
  std::optional<std::string> group_of(core::Transaction& txn, std::string_view kind,
                                      std::string_view id);
  void recheck(const std::string& group, core::TimeUs now_us);
  void decide_dirty(TickStats& stats, core::TimeUs now_us);
  void wake_when_facts_may_change(const std::string& group, const GroupFacts& facts,
                                  core::TimeUs now_us);
  template <class Entity>
  void decide(const std::string& id, TickStats& stats);
  template <class Entity>
  std::optional<MissedDecision> audit_kind(core::Transaction& txn);

  core::Environment env_;
  core::ChangeFeedStore feed_;  // env_.store, listing this process's commits
  core::Environment feed_env_;  // env_ writing through feed_
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;

  bool full_pass_due_ = true;  // a new process knows nothing yet
  core::TimeUs last_full_pass_us_ = 0;
  std::set<std::string, std::less<>> dirty_;  // groups to decide on the next pass
  std::vector<std::string> touched_;          // groups whose facts may have moved (repeats and all)
  core::WorkQueue wake_;                      // groups whose facts may move by time
  // "kind/id" of the entities whose decided action waits for the limit.
  std::set<std::string, std::less<>> held_;
  // Each server's (and so its host's and replica link's) service, kept as
  // groups are read: hosts check in by the thousand every pass. Other
  // entities' services are read from the Store when they are written.
  // Both are only ever looked up, never walked, so hash order reaches no
  // result; hashed, as a pass looks up every host that checked in.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  std::unordered_map<std::string, std::string, NameHash, std::equal_to<>> group_by_host_;
  std::unordered_map<std::string, GroupMemo, NameHash, std::equal_to<>> groups_;
};

}  // namespace unwedge::postgres
