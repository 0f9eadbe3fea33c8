#include "planes/lease/agent.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/keeper_actions.hpp"
#include "planes/lease/lease_keys.hpp"
#include "planes/lease/machines.hpp"
#include "planes/lease/tables.hpp"

namespace unwedge::lease {
namespace {

using core::KvKind;
using core::KvState;

std::optional<core::Checkin> reading_of(const core::Telemetry& telemetry, std::string_view node) {
  std::vector<core::Checkin> readings = telemetry.checkins(node);
  UNWEDGE_ASSERT_LE(readings.size(), std::size_t{1});
  if (readings.empty()) return std::nullopt;
  return readings.front();
}

}  // namespace

KeeperAgent::KeeperAgent(const seam::AgentContext& context, const Settings& settings)
    : node_(context.node),
      service_(service_of(context.node)),
      env_(context.env),
      coordination_(context.coordination),
      settings_(settings),
      actions_(keeper_actions(settings, context.coordination)),
      scheduler_(env_, actions_) {
  start();
}

// The keeper's record outlives the agent (the node's disk); a first boot
// writes it, every boot counts itself so its read keys are new.
void KeeperAgent::start() {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  std::optional<Keeper> keeper = txn->get<Keeper>(node_);
  if (!keeper) {
    keeper = Keeper{.id = node_,
                    .service = service_,
                    .state = {.id = keeper_machine().initial(), .entered_us = env_.clock.now_us()}};
  }
  keeper->boots++;
  boots_ = keeper->boots;
  txn->put(*keeper);
  // A failed commit leaves the old count: keys of this boot could repeat an
  // earlier one's, so the agent insists.
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
}

std::string KeeperAgent::read_key(std::string_view which) const {
  return fmt::format("{}/boot{}/read{}/{}", node_, boots_, reads_, which);
}

// Three gets, sent together and collected together; a read in flight for
// longer than retry_timeout is abandoned for a new one.
void KeeperAgent::read_store(core::TimeUs now_us) {
  if (coordination_ == nullptr) return;
  if (read_sent_us_ && now_us - *read_sent_us_ > settings_.retry_timeout_us) read_sent_us_.reset();
  if (!read_sent_us_) {
    ++reads_;
    read_sent_us_ = now_us;
  }
  const core::KvAnswer lease =
      coordination_->ask(read_key("leader"), {.kind = KvKind::kGet, .key = lease_key(service_)});
  const core::KvAnswer optime =
      coordination_->ask(read_key("optime"), {.kind = KvKind::kGet, .key = optime_key(service_)});
  const core::KvAnswer switchover = coordination_->ask(
      read_key("switchover"), {.kind = KvKind::kGet, .key = switchover_key(service_)});
  const core::KvAnswer members =
      coordination_->ask(read_key("members"), {.kind = KvKind::kGet, .key = members_key(service_)});
  const auto pending = [](const core::KvAnswer& a) { return a.state == KvState::kPending; };
  if (pending(lease) || pending(optime) || pending(switchover) || pending(members)) return;
  const core::TimeUs sent_us = *read_sent_us_;
  read_sent_us_.reset();
  const auto answered = [](const core::KvAnswer& a) { return a.state == KvState::kAnswered; };
  if (!answered(lease) || !answered(optime) || !answered(switchover) || !answered(members)) return;
  std::optional<std::vector<std::string>> listed =
      members.succeeded ? parse_members(members.value) : std::nullopt;
  seen_ = Observation{
      .answered = true,
      .sent_us = sent_us,
      .holder = lease.succeeded ? std::optional<std::string>(lease.value) : std::nullopt,
      .lease_revision = lease.succeeded ? lease.revision : 0,
      .optime = optime.succeeded ? parse_optime(optime.value) : std::nullopt,
      .optime_revision = optime.succeeded ? optime.revision : 0,
      .switchover = switchover.succeeded ? parse_switchover(switchover.value) : std::nullopt,
      .members = listed ? std::move(*listed) : std::vector<std::string>{},
      .members_revision = members.succeeded ? members.revision : 0};
}

// A keeper lists itself in its service's members key before it first races
// or follows: a candidate counts the standbys that may hold a write from
// it. Compare-and-set on the revision read; a lost race is tried again
// from the next read.
void KeeperAgent::join_members() {
  if (coordination_ == nullptr || !seen_.answered) return;
  const bool listed =
      std::find(seen_.members.begin(), seen_.members.end(), node_) != seen_.members.end();
  if (listed) {
    joining_.reset();
    std::unique_ptr<core::Transaction> txn = env_.store.begin();
    std::optional<Keeper> keeper = txn->get<Keeper>(node_);
    UNWEDGE_ASSERT(keeper.has_value());
    if (keeper->registered) return;
    keeper->registered = true;
    txn->put(*keeper);
    static_cast<void>(txn->commit());  // failed: the next pass writes it again
    return;
  }
  if (!joining_) {
    std::vector<std::string> members = seen_.members;
    members.insert(std::upper_bound(members.begin(), members.end(), node_), node_);
    joining_ = core::KvRequest{.kind = KvKind::kCompareAndSet,
                               .key = members_key(service_),
                               .value = format_members(members),
                               .expected_revision = seen_.members_revision};
  }
  const core::KvAnswer answer =
      coordination_->ask(fmt::format("{}/boot{}/join{}", node_, boots_, joins_), *joining_);
  if (answer.state == KvState::kPending) return;
  ++joins_;  // answered or failed: the next read says whether it is listed
  joining_.reset();
}

// At most this many switchovers and failovers wait to be written; an
// operator who asks more often than the store answers is refused.
constexpr std::size_t kOpenRequestsMax = 8;

seam::RequestOutcome KeeperAgent::request(std::string_view kind, core::TimeUs now_us) {
  if (kind == "restart") {
    std::unique_ptr<core::Transaction> txn = env_.store.begin();
    std::optional<Keeper> keeper = txn->get<Keeper>(node_);
    UNWEDGE_ASSERT(keeper.has_value());
    keeper->restart_asked = true;
    txn->put(*keeper);
    return {.raised = txn->commit().ok()};
  }
  UNWEDGE_ASSERT_MSG(kind == "switchover" || kind == "failover",
                     "'{}' is not a request of the lease plane's keepers", kind);
  if (coordination_ == nullptr || open_.size() >= kOpenRequestsMax) return {};
  open_.push_back({.id = ++requests_taken_, .kind = std::string(kind), .taken_us = now_us});
  return {.raised = true};
}

// A switchover aimed at this node hands leadership to it, or away from it
// when it leads; a failover makes it the only node to race, leader or not.
// Each is written once into the store, naming what the keeper read.
void KeeperAgent::carry_requests(core::TimeUs now_us) {
  for (auto it = open_.begin(); it != open_.end();) {
    OpenRequest& r = *it;
    // Lapsed (or taken "later" than now, by a clock that stepped back).
    if (now_us < r.taken_us || now_us - r.taken_us > settings_.ttl_us) {
      it = open_.erase(it);
      continue;
    }
    if (!r.wanted) {
      if (!seen_.answered) {
        ++it;
        continue;
      }
      const bool leads = seen_.holder && *seen_.holder == node_;
      if (r.kind == "switchover" && seen_.holder) {
        r.wanted = Switchover{.kind = leads ? Switchover::Kind::kFrom : Switchover::Kind::kTo,
                              .node = node_};
      } else if (r.kind == "failover" && !leads) {
        r.wanted = Switchover{.kind = Switchover::Kind::kTo, .node = node_};
      } else {
        it = open_.erase(it);  // no leader to hand over from, or it leads already
        continue;
      }
    }
    const core::KvAnswer put =
        coordination_->ask(fmt::format("{}/boot{}/request{}.{}", node_, boots_, r.id, r.attempt),
                           {.kind = KvKind::kPut,
                            .key = switchover_key(service_),
                            .value = format_switchover(*r.wanted),
                            .ttl_us = settings_.ttl_us});
    if (put.state == KvState::kAnswered) {
      it = open_.erase(it);
      continue;
    }
    if (put.state == KvState::kFailed) ++r.attempt;  // asked again on the next pass
    ++it;
  }
}

std::optional<seam::PlaneViolation> KeeperAgent::check() const {
  std::shared_ptr<const Keeper> keeper = env_.store.begin()->view<Keeper>(node_);
  if (!keeper || keeper_machine().state_name(keeper->state.id) != "leader") return std::nullopt;
  const core::TimeUs own_now_us = env_.clock.now_us();
  const core::TimeUs safe_end_us =
      keeper->lease_sent_us + settings_.ttl_us - safety_margin_us(settings_);
  if (keeper->holds_lease() && own_now_us < safe_end_us) return std::nullopt;
  return seam::PlaneViolation{
      .entity = node_,
      .message = fmt::format(
          "{} still leads at {:.1f} s by its own clock, past its lease's safe end at {:.1f} s "
          "(its last renewal was sent at {:.1f} s; ttl {:.0f} s, safety margin {:.0f} s): the "
          "store may hand the lease to another node while it takes writes",
          node_, static_cast<double>(own_now_us) / core::kSecond,
          static_cast<double>(safe_end_us) / core::kSecond,
          static_cast<double>(keeper->lease_sent_us) / core::kSecond,
          static_cast<double>(settings_.ttl_us) / core::kSecond,
          static_cast<double>(safety_margin_us(settings_)) / core::kSecond)};
}

// The lease's window is measured on this clock; after a step back the
// keeper counts it as spent, so it demotes rather than lead on a guess.
void KeeperAgent::forget_lease_window(core::TimeUs now_us) {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  std::optional<Keeper> keeper = txn->get<Keeper>(node_);
  UNWEDGE_ASSERT(keeper.has_value());
  if (!keeper->holds_lease()) return;
  keeper->lease_sent_us = now_us - settings_.loop_wait_us - settings_.retry_timeout_us;
  txn->put(*keeper);
  static_cast<void>(txn->commit());  // a failed commit: the flag of this pass still demotes
}

bool KeeperAgent::decide_and_drive(bool clock_stepped_back) {
  const core::DecisionTable& table = keeper_table();
  bool started = false;
  {
    std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
    std::shared_ptr<const Keeper> keeper = txn->view<Keeper>(node_);
    UNWEDGE_ASSERT(keeper != nullptr);
    // A keeper not yet listed as a member neither races nor follows; one in
    // any other state than starting was listed on an earlier boot.
    const bool unlisted = coordination_ != nullptr && !keeper->registered &&
                          keeper_machine().state_name(keeper->state.id) == "starting";
    if (!unlisted && !scheduler_.busy(*txn, Keeper::kKind, node_)) {
      const KeeperView view{.keeper = *keeper,
                            .seen = seen_,
                            .local = reading_of(env_.telemetry, node_),
                            .now_us = env_.clock.now_us(),
                            .clock_stepped_back = clock_stepped_back};
      const core::SignalSet signals = keeper_signals(view, settings_);
      const core::Decision decision = table.decide(keeper->state.id, signals);
      UNWEDGE_ASSERT_MSG(decision.kind == core::DecisionKind::kAct ||
                             decision.kind == core::DecisionKind::kNothing,
                         "keeper {}: the table decides no action for {}", node_,
                         table.describe_cell(keeper->state.id, signals));
      const std::string_view action =
          decision.action ? std::string_view(table.action_name(*decision.action)) : "";
      if (decision.kind == core::DecisionKind::kAct) {
        core::Result<bool> offered = scheduler_.offer(Keeper::kKind, node_, action);
        started = offered.ok() && *offered;
      }
      if (env_.journal != nullptr) {
        env_.journal->decision(
            {.table = &table,
             .kind = Keeper::kKind,
             .entity = node_,
             .state = keeper->state.id,
             .signals = signals,
             .action = action,
             .at_us = view.now_us,
             .slot_busy = decision.kind == core::DecisionKind::kAct && !started});
      }
    }
  }
  const core::DriveStats drive = scheduler_.drive_all();
  return started || drive.finished > 0;
}

void KeeperAgent::tick() {
  const core::TimeUs now_us = env_.clock.now_us();
  // A clock that stepped back cannot measure what is left of a lease.
  const bool stepped_back = last_now_us_ && now_us < *last_now_us_;
  last_now_us_ = now_us;
  if (stepped_back) forget_lease_window(now_us);
  read_store(now_us);
  join_members();
  carry_requests(now_us);
  // Bounded: an action that finishes is followed by one more decision, at
  // most three in a pass.
  for (int pass = 0; pass < 3; ++pass) {
    if (!decide_and_drive(stepped_back && pass == 0)) break;
  }
}

}  // namespace unwedge::lease
