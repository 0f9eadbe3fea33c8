// What the monitor and the keepers of one service share in the consensus
// store, and how its values are written. They share nothing else.
//
//   /goal/<service>/<node>/state  the keeper's report: the state its node
//                                 reached, "secondary"; written by the
//                                 keeper alone, after every step
//   /goal/<service>/<node>/goal   the monitor's assignment: "<goal>" or
//                                 "<goal> <primary>" for a goal that follows
//                                 a primary (catchingup, secondary);
//                                 written by the monitor alone
//
//   std::optional<Goal> goal = parse_goal(answer.value);
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace unwedge::goal {

std::string state_key(std::string_view node);
std::string goal_key(std::string_view node);

// An assignment as the store holds it.
struct Goal {
  std::string state;
  std::string upstream;  // the primary to follow; empty: none

  friend bool operator==(const Goal&, const Goal&) = default;
};

std::string format_goal(const Goal& goal);
// Nothing when `text` is not a goal this plane wrote.
std::optional<Goal> parse_goal(std::string_view text);

// "db1" for "db1-2": a node's service is its name up to the last '-'.
std::string service_of(std::string_view node);

}  // namespace unwedge::goal
