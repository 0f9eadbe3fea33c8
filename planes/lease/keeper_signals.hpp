// What a keeper knows when it decides, and the signals its table reads.
//
// An agent keeps its latest answered read of the consensus store in memory
// (an Observation); its Keeper record (in the node's Store) says what lease
// it holds; its clock and its database's own reading complete the picture.
// keeper_signals() turns these into the keeper table's signals, and
// promotion_check() is the rule every promotion passes, both as the
// CanPromote signal and again inside the Promote action.
//
//   core::SignalSet s = keeper_signals({.keeper = k, .seen = seen, .local = reading,
//                                       .now_us = clock.now_us()}, settings);
#pragma once

#include <optional>
#include <string>

#include "core/signal_set.hpp"
#include "core/telemetry.hpp"
#include "core/time.hpp"
#include "planes/lease/entities.hpp"
#include "planes/lease/lease_keys.hpp"
#include "planes/lease/settings.hpp"

namespace unwedge::lease {

// The latest answered read of a service's keys, as one agent holds it.
struct Observation {
  bool answered = false;
  core::TimeUs sent_us = 0;  // when that read was sent, by the agent's clock
  std::optional<std::string> holder;
  std::uint64_t lease_revision = 0;
  std::optional<Optime> optime;
  std::uint64_t optime_revision = 0;
  std::optional<Switchover> switchover;
  std::vector<std::string> members;  // the service's members key; empty: absent
  std::uint64_t members_revision = 0;
};

struct KeeperView {
  const Keeper& keeper;
  const Observation& seen;
  std::optional<core::Checkin> local;  // its database's reading; none while it is down
  core::TimeUs now_us = 0;
  bool clock_stepped_back = false;  // its clock read earlier than on its previous pass
};

// Until when, by its own clock, a keeper may lead on the lease it holds:
// loop_wait + retry_timeout after it sent its last successful write.
core::TimeUs lease_safe_end_us(const Keeper& keeper, const Settings& settings);

// The lease holder as the keeper should believe it: its own write when that
// is newer than the read, else the read.
std::optional<std::string> believed_holder(const KeeperView& view, const Settings& settings);
bool store_unreachable(const KeeperView& view, const Settings& settings);

struct PromotionCheck {
  bool allowed = false;
  std::string why;
};
// Whether `keeper`, with its database at `local`, may promote after the
// leader published `published`, in a service whose members key lists
// `members_listed` nodes.
PromotionCheck promotion_check(const Keeper& keeper, const std::optional<core::Checkin>& local,
                               const std::optional<Optime>& published, std::size_t members_listed,
                               const Settings& settings);

core::SignalSet keeper_signals(const KeeperView& view, const Settings& settings);

}  // namespace unwedge::lease
