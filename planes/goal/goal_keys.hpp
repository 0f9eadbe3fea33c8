// What the monitor and the keepers of one service share in the consensus
// store, and how its values are written. They share nothing else.
//
//   /goal/<service>/<node>/state  the keeper's report: the state its node
//                                 reached, "secondary"; a demoted node adds
//                                 its final log position, "demoted 2/943";
//                                 written by the keeper alone
//   /goal/<service>/<node>/goal   the monitor's assignment: the goal, then
//                                 "follow:<node>" for a goal that follows a
//                                 primary (catchingup, secondary), and
//                                 "reach:<timeline>/<lsn>" for a promotion,
//                                 the old primary's final position;
//                                 written by the monitor alone
//
//   std::optional<Goal> goal = parse_goal("wait_primary reach:2/943");
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/telemetry.hpp"

namespace unwedge::goal {

std::string state_key(std::string_view node);
std::string goal_key(std::string_view node);

// A position in a node's log: its timeline, and the record within it.
struct Position {
  core::Term timeline = 0;
  core::LogPosition lsn = 0;

  friend bool operator==(const Position&, const Position&) = default;
};

// A keeper's report as the store holds it.
struct Report {
  std::string state;
  std::optional<Position> final;  // a demoted node's, once its database is fenced

  friend bool operator==(const Report&, const Report&) = default;
};

std::string format_report(const Report& report);
// Nothing when `text` is not a report this plane wrote.
std::optional<Report> parse_report(std::string_view text);

// An assignment as the store holds it.
struct Goal {
  std::string state;
  std::string upstream;           // the primary to follow; empty: none
  std::optional<Position> reach;  // where a promotion must have replayed to

  friend bool operator==(const Goal&, const Goal&) = default;
};

std::string format_goal(const Goal& goal);
// Nothing when `text` is not a goal this plane wrote.
std::optional<Goal> parse_goal(std::string_view text);

// "db1" for "db1-2": a node's service is its name up to the last '-'.
std::string service_of(std::string_view node);

}  // namespace unwedge::goal
