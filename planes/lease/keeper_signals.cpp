#include "planes/lease/keeper_signals.hpp"

#include <fmt/format.h>
#include <limits>

#include "core/assert.hpp"
#include "planes/lease/tables.hpp"

namespace unwedge::lease {

core::TimeUs lease_safe_end_us(const Keeper& keeper, const Settings& settings) {
  UNWEDGE_ASSERT(keeper.holds_lease());
  // The planted bugs: leading until the store's ttl by an unmargined clock;
  // or never by the clock at all, only once the store shows the lease gone.
  if (UNWEDGE_LEASE_MUTANT(settings, kNoSafetyMargin))
    return keeper.lease_sent_us + settings.ttl_us;
  if (UNWEDGE_LEASE_MUTANT(settings, kDemoteAfterTtl))
    return std::numeric_limits<core::TimeUs>::max();
  return keeper.lease_sent_us + settings.loop_wait_us + settings.retry_timeout_us;
}

bool store_unreachable(const KeeperView& view, const Settings& settings) {
  // A read sent within the last retry_timeout, answered: anything older may
  // describe a store that has moved on.
  return !view.seen.answered || view.now_us - view.seen.sent_us > settings.retry_timeout_us;
}

std::optional<std::string> believed_holder(const KeeperView& view, const Settings& settings) {
  const Keeper& k = view.keeper;
  if (k.holds_lease() && k.lease_sent_us >= view.seen.sent_us) return k.id;
  if (store_unreachable(view, settings)) return std::nullopt;
  return view.seen.holder;
}

PromotionCheck promotion_check(const Keeper& keeper, const std::optional<core::Checkin>& local,
                               const std::optional<Optime>& published, std::size_t members_listed,
                               const Settings& settings) {
  if (!local) return {.allowed = false, .why = "its database is down"};
  if (!published) return {.allowed = true, .why = "no leader has published a position yet"};
  const core::LogPosition lag =
      published->lsn > local->log_position ? published->lsn - local->log_position : 0;
  const bool lag_checked = !UNWEDGE_LEASE_MUTANT(settings, kPromoteWithoutLagCheck);
  // The published position covers every acknowledged write when the old
  // leader wrote it after fencing itself, or when this node wrote it: a
  // candidate must reach it, or the writes between are lost.
  if (published->final || published->by == keeper.id) {
    if (lag_checked && lag > 0) {
      return {.allowed = false,
              .why = fmt::format("{} behind {}'s final position {} on timeline {}: promoting now "
                                 "would lose the writes between",
                                 lag, published->by, published->lsn, published->timeline)};
    }
    return {.allowed = true, .why = "caught up with the leader's final position"};
  }
  // In synchronous mode the old leader's synchronous standby held every
  // acknowledged write, whatever the last (not final) publication says; one
  // further behind it than maximum_lag_on_failover has fallen out of step.
  // Only when it is the one standby: a write is acknowledged once any
  // synchronous standby holds it, so with two, either may lack some.
  if (settings.synchronous_mode && keeper.following == published->by) {
    if (members_listed != 2) {
      return {.allowed = false,
              .why = fmt::format("{} members are listed: another standby may hold writes this "
                                 "one lacks, so it waits for {}'s final position",
                                 members_listed, published->by)};
    }
    if (lag_checked && lag > settings.maximum_lag_on_failover) {
      return {.allowed = false,
              .why = fmt::format("{} behind {}'s position {} on timeline {}, over the {} allowed",
                                 lag, published->by, published->lsn, published->timeline,
                                 settings.maximum_lag_on_failover)};
    }
    return {.allowed = true, .why = "the old leader's synchronous standby"};
  }
  return {.allowed = false,
          .why = fmt::format("{}'s last position {} is not final: its latest writes may be on it "
                             "alone",
                             published->by, published->lsn)};
}

core::SignalSet keeper_signals(const KeeperView& view, const Settings& settings) {
  const core::DecisionTable& table = keeper_table();
  const Keeper& k = view.keeper;
  std::vector<std::string_view> raised;
  const bool unreachable = store_unreachable(view, settings);
  const std::optional<std::string> holder = believed_holder(view, settings);
  const bool mine = holder && *holder == k.id;
  const bool other = holder && *holder != k.id;
  // A keeper's own fresh write outranks an old read: it was answered.
  if (unreachable && !mine) raised.push_back("StoreUnreachable");
  if (mine) raised.push_back("LeaseMine");
  if (other) raised.push_back("LeaseOther");
  // A renewal sent "later" than now was sent before the clock stepped back:
  // its window cannot be trusted either.
  if (k.holds_lease() && (view.clock_stepped_back || view.now_us < k.lease_sent_us ||
                          view.now_us >= lease_safe_end_us(k, settings))) {
    raised.push_back("LeaseExpiring");
  }
  if (k.holds_lease() && view.now_us >= k.lease_sent_us + settings.loop_wait_us) {
    raised.push_back("RenewDue");
  }
  if (promotion_check(k, view.local, view.seen.optime, view.seen.members.size(), settings)
          .allowed) {
    raised.push_back("CanPromote");
  }
  const std::optional<Switchover>& sw = view.seen.switchover;
  const bool handing_over = mine && sw &&
                            ((sw->kind == Switchover::Kind::kFrom && sw->node == k.id) ||
                             (sw->kind == Switchover::Kind::kTo && sw->node != k.id));
  if (k.restart_asked || handing_over) raised.push_back("StepDownAsked");
  if (sw && sw->kind == Switchover::Kind::kTo && sw->node != k.id) {
    raised.push_back("SwitchoverForOther");
  }
  // A node asked to step away must not take the lease straight back.
  if (sw && sw->kind == Switchover::Kind::kFrom && sw->node == k.id && !mine) {
    raised.push_back("SwitchoverForOther");
  }
  if (other && k.following == *holder) raised.push_back("FollowingHolder");
  core::SignalSet signals;
  for (std::string_view name : raised) {
    std::optional<core::SignalId> id = table.find_signal(name);
    UNWEDGE_ASSERT_MSG(id.has_value(), "keeper table has no signal {}", name);
    signals = signals.with(*id);
  }
  return signals;
}

}  // namespace unwedge::lease
