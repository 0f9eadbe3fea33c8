// What the goal plane keeps in its Stores.
//
//   - the monitor's Store (the plane's central one) holds one Service per
//     customer order (its two members, whether their hosts were created,
//     where its endpoint points) and one Member per node: the state the
//     node last reported and the goal the monitor assigned it;
//   - every node's own Store (on its disk, kept across the host's crashes)
//     holds that node's Keeper: its place in the node machine, the goal it
//     last read, and what it last reported.
// The consensus store holds what they share (goal_keys.hpp).
//
//   std::optional<Member> member = txn.get<Member>("db1-2");
//   if (member && member->goal != member->reported) wait_for(*member);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine_state.hpp"
#include "core/telemetry.hpp"
#include "planes/goal/goal_keys.hpp"

namespace unwedge::core {
class EntityCodecs;
}

namespace unwedge::goal {

// A service as the monitor knows it.
struct Service {
  static constexpr std::string_view kKind = "service";
  std::string id;
  core::MachineState state;
  std::vector<std::string> members;  // "<id>-1", "<id>-2": its nodes, in the table's order
  bool hosts_created = false;
  std::string endpoint;  // the node its endpoint routes to; empty: none yet

  friend bool operator==(const Service&, const Service&) = default;
};

// One node as the monitor knows it: what it reported, what it was told.
struct Member {
  static constexpr std::string_view kKind = "member";
  std::string id;  // the node's name
  std::string service;
  core::StateId reported = 0;      // the node machine's state it last reported
  bool heard = false;              // it has reported at all
  std::optional<Position> final;   // reported with demoted: where its fenced log ends
  core::StateId goal = 0;          // the goal assigned, written before it is sent
  std::string upstream;            // the primary that goal follows; empty: none
  std::optional<Position> reach;   // where that goal's promotion must replay to
  bool goal_sent = false;          // the store took the write of `goal`
  std::uint32_t goal_version = 0;  // counts the goals assigned, to key their writes

  friend bool operator==(const Member&, const Member&) = default;
};

// One node's keeper, in the node's own Store.
struct Keeper {
  static constexpr std::string_view kKind = "keeper";
  std::string id;  // the node's name
  core::MachineState state;
  std::string goal;               // the goal last read from the store; empty: none yet
  std::string upstream;           // the primary that goal follows
  std::optional<Position> reach;  // where a promotion must have replayed to
  std::string reported;           // the report the store last took from it; empty: none
  std::uint32_t boots = 0;

  friend bool operator==(const Keeper&, const Keeper&) = default;
};

// The monitor's own record: how often it started, to keep its keys new.
struct MonitorBoots {
  static constexpr std::string_view kKind = "monitor";
  std::string id;
  std::uint32_t boots = 0;

  friend bool operator==(const MonitorBoots&, const MonitorBoots&) = default;
};

std::string describe(const Service& service);
std::string describe(const Member& member);
std::string describe(const Keeper& keeper);

// Declares every kind above with its codec, so the plane's Store can be kept
// in a database (seam::PlaneInfo::entities).
void add_entities(core::EntityCodecs& codecs);

}  // namespace unwedge::goal
