// Model checks: graph properties of a MachineDef, computed with Boost.Graph.
//
// These run at test time and from `unwedge check-model`, before any
// simulation: a machine that can wedge will wedge in production eventually.
//
//   ModelReport report = check_model(machine);
//   for (const Finding& f : report.findings) print(f.message);
//   PathCheck p = must_pass_through(machine, following, promoted, fenced);
//   if (!p.holds) for (const Path& path : p.counterexamples) print(describe_path(machine, path));
//
// Definitions used throughout:
//   - a state is *safe* when it is healthy and stable, or declared terminal
//     (an intended end such as "deprovisioned");
//   - a *wedge* is a state from which no safe state is reachable. Wedged
//     states are reported by closed group: the strongly connected components
//     that no path leads out of towards safety.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/machine.hpp"

namespace unwedge::core {

struct CrossFinding;  // core/cross_check.hpp

using Path = std::vector<StateId>;  // consecutive states, first to last

enum class FindingKind {
  kUnreachable,          // no path from the initial state
  kWedge,                // no safe state reachable from here
  kUnstableWithoutExit,  // unstable and no transition out
  kUndeclaredTerminal,   // no transition out, but not declared terminal
  kTerminalWithExit,     // declared terminal, yet has transitions out (and not leave_on_request)
};

const char* to_string(FindingKind kind);

struct Finding {
  FindingKind kind;
  std::vector<StateId> states;  // the state, or the closed group for kWedge
  std::string message;          // a sentence naming the states
};

struct ModelReport {
  std::string machine;
  // Shortest path from the initial state to each state; empty if unreachable.
  // The witness that a reachable state is reachable.
  std::vector<Path> witness;
  // Strongly connected components, as state lists, in Boost's numbering.
  std::vector<std::vector<StateId>> components;
  std::vector<Finding> findings;

  bool ok() const { return findings.empty(); }
  std::vector<StateId> states_with(FindingKind kind) const;
};

ModelReport check_model(const MachineDef& machine);

struct PathCheck {
  bool holds = true;
  // When false: a shortest path from source to target that avoids the
  // waypoint; the first of `counterexamples`.
  Path counterexample;
  // When false: distinct shortest such paths, all of one length, as many as
  // asked for or as exist, in table order. Empty when the claim holds.
  std::vector<Path> counterexamples;
};

// How many shortest counterexamples must_pass_through lists by default: a
// second one shows whether a fix to the first closes every bypass, and more
// than a few is noise.
inline constexpr std::size_t kCounterexamplesDefault = 3;

// Does every path from `source` to `target` pass through `waypoint`? Holds
// vacuously when target is unreachable from source. A waypoint equal to the
// source or target holds trivially. With source == target and any other
// waypoint it does not hold: the zero-length path {source} avoids the waypoint
// and is the counterexample.
//
// The counterexamples are shortest paths avoiding the waypoint, at most
// `counterexamples_max` of them, distinct as sequences of states (two causes
// between the same states make one path). They are enumerated from the
// breadth-first layering: from each state, the next states that are one step
// nearer the target, in the order of the transition table. The first is the
// path a breadth-first search in table order finds; a longer bypass is never
// listed while a shorter one exists.
PathCheck must_pass_through(const MachineDef& machine, StateId source, StateId target,
                            StateId waypoint,
                            std::size_t counterexamples_max = kCounterexamplesDefault);

// "following -> fencing -> promoted"
std::string describe_path(const MachineDef& machine, const Path& path);

// Graphviz DOT: safe states green, unhealthy red, unstable dashed, terminal
// double circle (dotted when left on request), the initial state marked,
// edges labelled with their cause.
std::string to_dot(const MachineDef& machine);
// The same, with the edges the cross-check found this machine lacks: a
// transition an action requests between states the table does not join is
// *missing* (dashed red, labelled "<cause> (missing: <action>)"); one
// between states the table joins only under other causes is *refused* by the
// runtime (dotted dark orange, "<cause> (refused: <action>)"). Other findings,
// and findings about other machines, draw nothing.
std::string to_dot(const MachineDef& machine, std::span<const CrossFinding> findings);

}  // namespace unwedge::core
