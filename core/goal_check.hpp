// Goal-driven machines: what a node reports against what it was told.
//
// In a goal-assignment control plane (pg_auto_failover's monitor and
// keepers, a Kubernetes operator reconciling spec against status) nothing
// moves a node's state but the node itself: a monitor assigns each node a
// goal (a state of the node's machine), and the node's keeper walks towards
// it, one transition at a time, and reports where it is. The node's own
// graph can look fine while the design wedges: the wedges live in (reported
// state, assigned goal) pairs, from which the keeper has no step and the
// monitor assigns nothing new.
//
// A GoalDrivenDef names the node's machine, the monitor's GroupTable (the
// rules assigning goals to a group of such nodes) and the keeper's walk,
// the very function the plane's keeper calls. check_goal_driven() builds the
// product of the group's (reported, goal) pairs forward from the initial
// pairs, with every decision the table can take in every valid signal
// subset, and finds:
//   - wedges: reachable pairs from which no pair where every member has
//     reached a safe goal (healthy and stable, or terminal) can be reached;
//     each with the shortest ways there;
//   - stale-goal wedges: the same, reachable only when a node acts on the
//     goal before the last one (a monitor that lost its last write, a
//     keeper that crashed mid-step and resumed its old goal);
//   - stale steps: pairs where a node may act on a stale goal, which a
//     reader checks are harmless;
//   - unreachable pairs: listed apart, never reported as wedges; those the
//     keeper could not leave are marked, since a later change to the
//     monitor's rules may make them reachable.
//
//   GoalDrivenDef node{.name = "node", .machine = &node_machine,
//                      .assignment = &monitor_table, .walk = keeper_next};
//   GoalCheck check = check_goal_driven(node);
//   for (const GoalWedge& w : check.wedges) print(w.message);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/group_table.hpp"
#include "core/machine.hpp"

namespace unwedge::core {

// The keeper's walk: from `reported` towards `goal`, the next state it moves
// to (a transition of the node's machine), or nothing when it stays: it is
// there, or it has no way.
using GoalWalk = std::function<std::optional<StateId>(StateId reported, StateId goal)>;

// The simplest keeper: one transition straight to the goal, if the machine
// has one (pg_auto_failover's keeper reaches every goal that way).
GoalWalk direct_walk(const MachineDef& machine);

struct GoalDrivenDef {
  std::string name;
  const MachineDef* machine = nullptr;
  // The monitor's rules; their machine must be `machine`.
  const GroupTable* assignment = nullptr;
  GoalWalk walk;
  // Each member's first reported state, which is also its first goal, by
  // member name; a member not named starts in the machine's initial state.
  std::map<std::string, std::string> initial;
  // Model a goal that lags by one assignment. On by default: a monitor's
  // write can be lost and a keeper can crash between reading a goal and
  // reporting its step.
  bool stale_goals = true;
};

// One member's pair, by name.
struct MemberPair {
  std::string member;
  std::string reported;
  std::string goal;
  // The goal the member still acts on, when it has not seen `goal` yet.
  std::optional<std::string> stale;

  friend bool operator==(const MemberPair&, const MemberPair&) = default;
};

// One move of the product, in words: "monitor assigns b -> prepare_promotion
// (rule failover)", "b steps secondary -> prepare_promotion", "b reads its
// goal", "b steps on its stale goal demoted -> catchingup".
using GoalPath = std::vector<std::string>;

struct GoalWedge {
  enum class Kind { kMissingEdge, kStaleGoal };
  Kind kind = Kind::kMissingEdge;
  std::vector<MemberPair> pairs;  // every member's pair in the wedged state
  // The shortest ways from the initial pairs to it (the first few, shortest first).
  std::vector<GoalPath> paths;
  std::string message;
};

const char* to_string(GoalWedge::Kind kind);

struct StaleStep {
  std::string member;
  std::string reported;
  std::string goal;   // what the monitor assigned
  std::string stale;  // what the member acts on instead
  std::string to;     // where that takes it
};

struct UnreachablePair {
  std::string reported;
  std::string goal;
  // The keeper has no step from here and reported != goal: a wedge if it
  // were ever reached.
  bool stuck = false;
};

struct GoalCheck {
  std::string name;
  std::size_t members = 0;
  std::size_t product_states = 0;  // reachable states of the product
  std::size_t product_edges = 0;
  std::size_t cells_checked = 0;  // cells of the table read to build it
  std::size_t wedge_count = 0;    // every wedged product state
  // The wedges, one per distinct set of pairs, the first few (by distance
  // from the initial pairs).
  std::vector<GoalWedge> wedges;
  std::vector<StaleStep> stale_steps;
  std::vector<UnreachablePair> unreachable;
  // Declaration mistakes (a walk that leaves the machine's table, a table
  // over another machine): nothing is proved then.
  std::vector<std::string> errors;

  bool ok() const { return errors.empty() && wedge_count == 0; }
  std::string describe() const;
};

GoalCheck check_goal_driven(const GoalDrivenDef& def, std::size_t wedges_max = 8,
                            std::size_t paths_per_wedge = 3);

}  // namespace unwedge::core
