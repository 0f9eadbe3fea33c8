// Properties: the Boost.Graph model checks agree with brute force (transitive
// closure and all-pairs distances by Floyd–Warshall) on random machines.
#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>

#include "core/model_check.hpp"

namespace unwedge::core {
namespace {

constexpr int kUnreachableDistance = std::numeric_limits<int>::max() / 4;

struct RandomMachine {
  MachineDef def;
  int count = 0;
  std::vector<std::vector<bool>> edge;  // edge[a][b]: some transition a -> b
};

std::string state_name(int i) {
  return "s" + std::to_string(i);
}

// Self loops and duplicate (from, to, cause) rows are skipped because the
// builder refuses them; two causes for the same pair stay, as parallel edges.
RandomMachine draw_machine() {
  const int count = *rc::gen::inRange(1, 11);
  const auto flags = *rc::gen::container<std::vector<std::tuple<bool, bool, bool>>>(
      static_cast<std::size_t>(count),
      rc::gen::tuple(rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>(),
                     rc::gen::arbitrary<bool>()));
  const int edge_count = *rc::gen::inRange(0, 3 * count + 1);
  const auto rows = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
      static_cast<std::size_t>(edge_count),
      rc::gen::tuple(rc::gen::inRange(0, count), rc::gen::inRange(0, count),
                     rc::gen::inRange(0, 2)));
  const int initial = *rc::gen::inRange(0, count);

  MachineDef::Builder builder("random");
  for (int i = 0; i < count; ++i) {
    auto [healthy, stable, terminal] = flags[static_cast<std::size_t>(i)];
    builder.state(state_name(i), {.healthy = healthy, .stable = stable});
    if (terminal) builder.terminal(state_name(i));
  }
  std::vector<std::vector<bool>> edge(static_cast<std::size_t>(count),
                                      std::vector<bool>(static_cast<std::size_t>(count)));
  std::set<std::tuple<int, int, int>> seen;
  for (auto [from, to, cause] : rows) {
    if (from == to || !seen.emplace(from, to, cause).second) continue;
    builder.transition(state_name(from), state_name(to), cause == 0 ? "go" : "retry");
    edge[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)] = true;
  }
  builder.initial(state_name(initial));
  Result<MachineDef> def = builder.build();
  RC_ASSERT(def.ok());
  return RandomMachine{std::move(def).value(), count, std::move(edge)};
}

// dist[a][b]: fewest transitions from a to b, kUnreachableDistance if none;
// `removed` (when in range) is a state no path may enter or leave.
std::vector<std::vector<int>> all_distances(const RandomMachine& m, int removed = -1) {
  const auto n = static_cast<std::size_t>(m.count);
  std::vector<std::vector<int>> dist(n, std::vector<int>(n, kUnreachableDistance));
  for (std::size_t a = 0; a < n; ++a) {
    if (static_cast<int>(a) == removed) continue;
    dist[a][a] = 0;
    for (std::size_t b = 0; b < n; ++b) {
      if (m.edge[a][b] && static_cast<int>(b) != removed) dist[a][b] = 1;
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = 0; b < n; ++b) {
        dist[a][b] = std::min(dist[a][b], dist[a][k] + dist[k][b]);
      }
    }
  }
  return dist;
}

bool reaches(const std::vector<std::vector<int>>& dist, std::size_t a, std::size_t b) {
  return dist[a][b] < kUnreachableDistance;
}

bool safe(const MachineDef& def, std::size_t s) {
  return def.state(static_cast<StateId>(s)).safe() || def.is_terminal(static_cast<StateId>(s));
}

// Every step of the path is a row of the table.
bool is_valid_path(const RandomMachine& m, const Path& path) {
  for (std::size_t i = 1; i < path.size(); ++i) {
    if (!m.edge[path[i - 1]][path[i]]) return false;
  }
  return true;
}

std::vector<StateId> component_of(const std::vector<std::vector<int>>& dist, std::size_t a) {
  std::vector<StateId> members;
  for (std::size_t b = 0; b < dist.size(); ++b) {
    if (reaches(dist, a, b) && reaches(dist, b, a)) members.push_back(static_cast<StateId>(b));
  }
  return members;
}

void check_reachability_and_wedges(const RandomMachine& m, const ModelReport& report,
                                   const std::vector<std::vector<int>>& dist) {
  const std::size_t initial = m.def.initial();
  std::vector<StateId> unreachable;
  std::vector<StateId> wedged;
  for (std::size_t s = 0; s < dist.size(); ++s) {
    if (!reaches(dist, initial, s)) unreachable.push_back(static_cast<StateId>(s));
    bool can_reach_safe = false;
    for (std::size_t t = 0; t < dist.size(); ++t) {
      can_reach_safe = can_reach_safe || (reaches(dist, s, t) && safe(m.def, t));
    }
    if (!can_reach_safe) wedged.push_back(static_cast<StateId>(s));
  }
  RC_ASSERT(report.states_with(FindingKind::kUnreachable) == unreachable);
  RC_ASSERT(report.states_with(FindingKind::kWedge) == wedged);
  for (const Finding& f : report.findings) {
    if (f.kind == FindingKind::kWedge) RC_ASSERT(f.states == component_of(dist, f.states.front()));
  }
}

void check_exits(const RandomMachine& m, const ModelReport& report) {
  std::vector<StateId> unstable_dead_ends;
  std::vector<StateId> undeclared_ends;
  std::vector<StateId> terminals_with_exit;
  for (std::size_t s = 0; s < m.edge.size(); ++s) {
    auto id = static_cast<StateId>(s);
    bool has_exit = std::find(m.edge[s].begin(), m.edge[s].end(), true) != m.edge[s].end();
    if (!has_exit && !m.def.state(id).stable()) unstable_dead_ends.push_back(id);
    if (!has_exit && !m.def.is_terminal(id)) undeclared_ends.push_back(id);
    if (has_exit && m.def.is_terminal(id)) terminals_with_exit.push_back(id);
  }
  RC_ASSERT(report.states_with(FindingKind::kUnstableWithoutExit) == unstable_dead_ends);
  RC_ASSERT(report.states_with(FindingKind::kUndeclaredTerminal) == undeclared_ends);
  RC_ASSERT(report.states_with(FindingKind::kTerminalWithExit) == terminals_with_exit);
}

void check_witnesses(const RandomMachine& m, const ModelReport& report,
                     const std::vector<std::vector<int>>& dist) {
  const StateId initial = m.def.initial();
  RC_ASSERT(report.witness.size() == static_cast<std::size_t>(m.count));
  for (std::size_t s = 0; s < report.witness.size(); ++s) {
    const Path& witness = report.witness[s];
    if (!reaches(dist, initial, s)) {
      RC_ASSERT(witness.empty());
      continue;
    }
    RC_ASSERT(!witness.empty());
    RC_ASSERT(witness.front() == initial);
    RC_ASSERT(witness.back() == s);
    RC_ASSERT(static_cast<int>(witness.size()) - 1 == dist[initial][s]);
    RC_ASSERT(is_valid_path(m, witness));
  }
}

void check_components(const ModelReport& report, const std::vector<std::vector<int>>& dist) {
  std::vector<int> seen(dist.size(), 0);
  for (const std::vector<StateId>& group : report.components) {
    RC_ASSERT(!group.empty());
    RC_ASSERT(group == component_of(dist, group.front()));
    for (StateId s : group)
      ++seen[s];
  }
  RC_ASSERT(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
}

RC_GTEST_PROP(ModelCheckProperty, AgreesWithBruteForce, ()) {
  RandomMachine m = draw_machine();
  ModelReport report = check_model(m.def);
  std::vector<std::vector<int>> dist = all_distances(m);
  check_reachability_and_wedges(m, report, dist);
  check_exits(m, report);
  check_witnesses(m, report, dist);
  check_components(report, dist);
  RC_ASSERT(std::is_sorted(
      report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.kind, a.states.front()) < std::tie(b.kind, b.states.front());
      }));
}

// Every shortest path from `source` to `target` avoiding `removed`, by the
// distances alone: from each state, every state one step nearer.
std::set<Path> shortest_paths(const RandomMachine& m, const std::vector<std::vector<int>>& avoiding,
                              StateId source, StateId target) {
  std::set<Path> paths;
  std::vector<Path> open{{source}};
  while (!open.empty()) {
    Path path = std::move(open.back());
    open.pop_back();
    const auto at = static_cast<std::size_t>(path.back());
    if (at == target) {
      paths.insert(std::move(path));
      continue;
    }
    for (std::size_t next = 0; next < static_cast<std::size_t>(m.count); ++next) {
      if (!m.edge[at][next] || avoiding[next][target] != avoiding[at][target] - 1) continue;
      Path longer = path;
      longer.push_back(static_cast<StateId>(next));
      open.push_back(std::move(longer));
    }
  }
  return paths;
}

RC_GTEST_PROP(MustPassThroughProperty, AgreesWithBruteForce, ()) {
  RandomMachine m = draw_machine();
  const auto counterexamples_max = static_cast<std::size_t>(*rc::gen::inRange(1, 5));
  const auto n = static_cast<StateId>(m.count);
  for (StateId waypoint = 0; waypoint < n; ++waypoint) {
    std::vector<std::vector<int>> avoiding = all_distances(m, waypoint);
    for (StateId source = 0; source < n; ++source) {
      for (StateId target = 0; target < n; ++target) {
        PathCheck check = must_pass_through(m.def, source, target, waypoint, counterexamples_max);
        bool trivial = waypoint == source || waypoint == target;
        bool expected = trivial || !reaches(avoiding, source, target);
        RC_ASSERT(check.holds == expected);
        if (check.holds) {
          RC_ASSERT(check.counterexample.empty());
          RC_ASSERT(check.counterexamples.empty());
          continue;
        }
        // As many distinct shortest paths as asked for or as there are, the
        // first being the counterexample.
        const std::set<Path> all = shortest_paths(m, avoiding, source, target);
        const std::set<Path> listed(check.counterexamples.begin(), check.counterexamples.end());
        RC_ASSERT(listed.size() == check.counterexamples.size());
        RC_ASSERT(listed.size() == std::min(counterexamples_max, all.size()));
        RC_ASSERT(std::includes(all.begin(), all.end(), listed.begin(), listed.end()));
        RC_ASSERT(check.counterexamples.front() == check.counterexample);
        const Path& path = check.counterexample;
        RC_ASSERT(!path.empty());
        RC_ASSERT(path.front() == source);
        RC_ASSERT(path.back() == target);
        RC_ASSERT(std::find(path.begin(), path.end(), waypoint) == path.end());
        RC_ASSERT(is_valid_path(m, path));
        RC_ASSERT(static_cast<int>(path.size()) - 1 == avoiding[source][target]);
      }
    }
  }
}

}  // namespace
}  // namespace unwedge::core
