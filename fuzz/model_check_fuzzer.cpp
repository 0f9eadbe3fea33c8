// model_check_fuzzer: searches for machines on which the Boost.Graph model
// checks disagree with the definitions in core/model_check.hpp.
//
// The input is drawn into a machine of 1..16 states with random flags and
// transitions (see generators.hpp), then check_model, must_pass_through on a
// byte-chosen (source, target, waypoint) and to_dot run on it. Every answer
// is held to a plain re-computation by breadth-first search over the spec:
// witnesses are shortest table paths from the initial state, unreachable,
// wedge and exit findings name exactly the states the definitions name,
// components are the mutual-reachability classes, must_pass_through lists
// as many distinct shortest paths around the waypoint as asked for (a byte
// says 1..4) or as there are, and running any of it twice gives the same
// answer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "core/machine.hpp"
#include "core/model_check.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/generators.hpp"

namespace {

using unwedge::core::FindingKind;
using unwedge::core::MachineDef;
using unwedge::core::ModelReport;
using unwedge::core::Path;
using unwedge::core::StateId;
using unwedge::fuzz::MachineSpec;

constexpr std::size_t kUnreached = std::numeric_limits<std::size_t>::max();

bool has_edge(const MachineSpec& spec, StateId from, StateId to) {
  return std::any_of(spec.transitions.begin(), spec.transitions.end(),
                     [&](const auto& t) { return t.from == from && t.to == to; });
}

// Shortest distances from `source`, never entering `avoided` (pass a value
// past the last state to avoid nothing).
std::vector<std::size_t> distances(const MachineSpec& spec, StateId source, std::size_t avoided) {
  std::vector<std::size_t> distance(spec.states.size(), kUnreached);
  distance[source] = 0;
  std::vector<StateId> frontier{source};
  for (std::size_t round = 0; round < spec.states.size() && !frontier.empty(); ++round) {
    std::vector<StateId> next;
    for (StateId from : frontier) {
      for (const auto& t : spec.transitions) {
        if (t.from != from || t.to == avoided || distance[t.to] != kUnreached) continue;
        distance[t.to] = distance[from] + 1;
        next.push_back(t.to);
      }
    }
    frontier = std::move(next);
  }
  return distance;
}

// A path of table transitions from `source` to `target`, as short as the
// distance says, that stays off `avoided`.
void assert_shortest_path(const MachineSpec& spec, const Path& path, StateId source, StateId target,
                          std::size_t distance, std::size_t avoided) {
  UNWEDGE_ASSERT(!path.empty());
  UNWEDGE_ASSERT_EQ(path.front(), source);
  UNWEDGE_ASSERT_EQ(path.back(), target);
  UNWEDGE_ASSERT_EQ(path.size(), distance + 1);
  for (std::size_t i = 0; i < path.size(); ++i) {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(path[i]), spec.states.size());
    UNWEDGE_ASSERT(path[i] != avoided);
    if (i > 0) UNWEDGE_ASSERT_MSG(has_edge(spec, path[i - 1], path[i]), "step {}", i);
  }
}

void check_machine_matches_spec(const MachineSpec& spec, const MachineDef& machine) {
  UNWEDGE_ASSERT_EQ(machine.state_count(), spec.states.size());
  UNWEDGE_ASSERT_EQ(machine.initial(), spec.initial);
  for (std::size_t i = 0; i < spec.states.size(); ++i) {
    const auto id = static_cast<StateId>(i);
    UNWEDGE_ASSERT_EQ(machine.state_name(id), unwedge::fuzz::state_name(i));
    UNWEDGE_ASSERT_EQ(machine.state(id).healthy(), spec.states[i].traits.healthy);
    UNWEDGE_ASSERT_EQ(machine.state(id).stable(), spec.states[i].traits.stable);
    UNWEDGE_ASSERT(machine.state(id).traits.dwell_max_us == spec.states[i].traits.dwell_max_us);
    UNWEDGE_ASSERT_EQ(machine.is_terminal(id), spec.states[i].terminal);
    UNWEDGE_ASSERT_EQ(machine.state(id).traits.leave_on_request,
                      spec.states[i].traits.leave_on_request);
  }
  UNWEDGE_ASSERT_EQ(machine.transitions().size(), spec.transitions.size());
  for (std::size_t i = 0; i < spec.transitions.size(); ++i) {
    UNWEDGE_ASSERT_EQ(machine.transitions()[i].from, spec.transitions[i].from);
    UNWEDGE_ASSERT_EQ(machine.transitions()[i].to, spec.transitions[i].to);
    UNWEDGE_ASSERT_EQ(machine.transitions()[i].cause,
                      unwedge::fuzz::cause_name(spec.transitions[i].cause));
  }
}

void check_witnesses(const MachineSpec& spec, const ModelReport& report) {
  const std::vector<std::size_t> distance = distances(spec, spec.initial, spec.states.size());
  UNWEDGE_ASSERT_EQ(report.witness.size(), spec.states.size());
  std::vector<StateId> unreachable;
  for (std::size_t v = 0; v < spec.states.size(); ++v) {
    const auto state = static_cast<StateId>(v);
    if (distance[v] == kUnreached) {
      UNWEDGE_ASSERT_MSG(report.witness[v].empty(), "state {} has a witness but is unreachable", v);
      unreachable.push_back(state);
      continue;
    }
    assert_shortest_path(spec, report.witness[v], spec.initial, state, distance[v],
                         spec.states.size());
  }
  UNWEDGE_ASSERT(report.states_with(FindingKind::kUnreachable) == unreachable);
}

// reach[a][b]: b is reachable from a (a itself included).
std::vector<std::vector<bool>> reachability(const MachineSpec& spec) {
  std::vector<std::vector<bool>> reach;
  for (std::size_t a = 0; a < spec.states.size(); ++a) {
    const std::vector<std::size_t> distance =
        distances(spec, static_cast<StateId>(a), spec.states.size());
    std::vector<bool> row;
    for (std::size_t d : distance)
      row.push_back(d != kUnreached);
    reach.push_back(std::move(row));
  }
  return reach;
}

void check_components(const MachineSpec& spec, const ModelReport& report,
                      const std::vector<std::vector<bool>>& reach) {
  std::vector<std::size_t> component(spec.states.size(), kUnreached);
  for (std::size_t c = 0; c < report.components.size(); ++c) {
    UNWEDGE_ASSERT(!report.components[c].empty());
    for (StateId s : report.components[c]) {
      UNWEDGE_ASSERT_LT(static_cast<std::size_t>(s), spec.states.size());
      UNWEDGE_ASSERT_MSG(component[s] == kUnreached, "state {} is in two components", s);
      component[s] = c;
    }
  }
  for (std::size_t a = 0; a < spec.states.size(); ++a) {
    UNWEDGE_ASSERT_MSG(component[a] != kUnreached, "state {} is in no component", a);
    for (std::size_t b = 0; b < spec.states.size(); ++b) {
      const bool mutual = reach[a][b] && reach[b][a];
      UNWEDGE_ASSERT_MSG((component[a] == component[b]) == mutual, "states {} and {}", a, b);
    }
  }
}

// The definitions of model_check.hpp, evaluated directly on the spec.
void check_findings(const MachineSpec& spec, const ModelReport& report,
                    const std::vector<std::vector<bool>>& reach) {
  std::vector<StateId> wedged;
  std::vector<StateId> unstable_without_exit;
  std::vector<StateId> undeclared_terminal;
  std::vector<StateId> terminal_with_exit;
  for (std::size_t v = 0; v < spec.states.size(); ++v) {
    const auto state = static_cast<StateId>(v);
    bool reaches_safe = false;
    for (std::size_t w = 0; w < spec.states.size(); ++w) {
      const auto& s = spec.states[w];
      reaches_safe =
          reaches_safe || (reach[v][w] && ((s.traits.healthy && s.traits.stable) || s.terminal));
    }
    const bool has_exit = std::any_of(spec.transitions.begin(), spec.transitions.end(),
                                      [&](const auto& t) { return t.from == state; });
    if (!reaches_safe) wedged.push_back(state);
    if (!has_exit && !spec.states[v].traits.stable) unstable_without_exit.push_back(state);
    if (!has_exit && !spec.states[v].terminal) undeclared_terminal.push_back(state);
    if (has_exit && spec.states[v].terminal && !spec.states[v].traits.leave_on_request) {
      terminal_with_exit.push_back(state);
    }
  }
  UNWEDGE_ASSERT(report.states_with(FindingKind::kWedge) == wedged);
  UNWEDGE_ASSERT(report.states_with(FindingKind::kUnstableWithoutExit) == unstable_without_exit);
  UNWEDGE_ASSERT(report.states_with(FindingKind::kUndeclaredTerminal) == undeclared_terminal);
  UNWEDGE_ASSERT(report.states_with(FindingKind::kTerminalWithExit) == terminal_with_exit);
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const auto& finding = report.findings[i];
    UNWEDGE_ASSERT(!finding.states.empty());
    UNWEDGE_ASSERT(!finding.message.empty());
    if (finding.kind == FindingKind::kWedge) {
      UNWEDGE_ASSERT(std::find(report.components.begin(), report.components.end(),
                               finding.states) != report.components.end());
    }
    if (i == 0) continue;
    const auto& previous = report.findings[i - 1];
    UNWEDGE_ASSERT(std::tie(previous.kind, previous.states.front()) <=
                   std::tie(finding.kind, finding.states.front()));
  }
  UNWEDGE_ASSERT_EQ(report.ok(), report.findings.empty());
}

void check_same_report(const ModelReport& a, const ModelReport& b) {
  UNWEDGE_ASSERT_EQ(a.machine, b.machine);
  UNWEDGE_ASSERT(a.witness == b.witness);
  UNWEDGE_ASSERT(a.components == b.components);
  UNWEDGE_ASSERT_EQ(a.findings.size(), b.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    UNWEDGE_ASSERT(a.findings[i].kind == b.findings[i].kind);
    UNWEDGE_ASSERT(a.findings[i].states == b.findings[i].states);
    UNWEDGE_ASSERT_EQ(a.findings[i].message, b.findings[i].message);
  }
}

// How many distinct shortest paths lead from `source` to `target` without
// entering `avoided`, counted up to `cap`: a state's count is the sum of the
// counts of the distinct states one step nearer the target it leads to.
std::size_t shortest_path_count(const MachineSpec& spec, StateId source, StateId target,
                                StateId avoided, std::size_t cap) {
  const std::size_t n = spec.states.size();
  std::vector<std::size_t> to_target(n, kUnreached);
  for (std::size_t v = 0; v < n; ++v) {
    if (v != avoided) to_target[v] = distances(spec, static_cast<StateId>(v), avoided)[target];
  }
  UNWEDGE_ASSERT(to_target[source] != kUnreached);
  std::vector<std::size_t> count(n, 0);
  count[target] = 1;
  for (std::size_t steps = 1; steps <= to_target[source]; ++steps) {
    for (std::size_t v = 0; v < n; ++v) {
      if (to_target[v] != steps) continue;
      std::set<StateId> nearer;
      for (const auto& t : spec.transitions) {
        if (t.from == v && to_target[t.to] == steps - 1) nearer.insert(t.to);
      }
      for (StateId w : nearer)
        count[v] = std::min(cap, count[v] + count[w]);
    }
  }
  return count[source];
}

void check_must_pass_through(const MachineSpec& spec, const MachineDef& machine,
                             unwedge::fuzz::FuzzInput& in) {
  const std::size_t last = spec.states.size() - 1;
  const auto source = static_cast<StateId>(in.range(0, last));
  const auto target = static_cast<StateId>(in.range(0, last));
  const auto waypoint = static_cast<StateId>(in.range(0, last));
  const std::size_t counterexamples_max = in.range(1, 4);
  const unwedge::core::PathCheck check =
      unwedge::core::must_pass_through(machine, source, target, waypoint, counterexamples_max);
  UNWEDGE_ASSERT_EQ(check.holds, check.counterexample.empty());
  UNWEDGE_ASSERT_EQ(check.holds, check.counterexamples.empty());
  UNWEDGE_ASSERT(!unwedge::core::describe_path(machine, check.counterexample).empty());
  if (waypoint == source || waypoint == target) {
    UNWEDGE_ASSERT(check.holds);
    return;
  }
  const std::size_t distance = distances(spec, source, waypoint)[target];
  UNWEDGE_ASSERT_EQ(check.holds, distance == kUnreached);
  if (check.holds) return;
  assert_shortest_path(spec, check.counterexample, source, target, distance, waypoint);
  UNWEDGE_ASSERT(check.counterexamples.front() == check.counterexample);
  const std::set<Path> distinct(check.counterexamples.begin(), check.counterexamples.end());
  UNWEDGE_ASSERT_EQ(distinct.size(), check.counterexamples.size());
  UNWEDGE_ASSERT_EQ(check.counterexamples.size(),
                    shortest_path_count(spec, source, target, waypoint, counterexamples_max));
  for (const Path& path : check.counterexamples)
    assert_shortest_path(spec, path, source, target, distance, waypoint);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  unwedge::fuzz::FuzzInput in(data, size);
  const MachineSpec spec = unwedge::fuzz::draw_machine(in, 16);
  const MachineDef machine = unwedge::fuzz::build_machine(spec);
  check_machine_matches_spec(spec, machine);

  const ModelReport report = unwedge::core::check_model(machine);
  UNWEDGE_ASSERT_EQ(report.machine, machine.name());
  const std::vector<std::vector<bool>> reach = reachability(spec);
  check_witnesses(spec, report);
  check_components(spec, report, reach);
  check_findings(spec, report, reach);
  check_same_report(report, unwedge::core::check_model(machine));

  check_must_pass_through(spec, machine, in);

  const std::string dot = unwedge::core::to_dot(machine);
  UNWEDGE_ASSERT(dot.starts_with("digraph \"fuzzed\" {"));
  UNWEDGE_ASSERT_EQ(dot, unwedge::core::to_dot(machine));
  return 0;
}
