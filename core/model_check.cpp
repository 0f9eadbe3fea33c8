#include "core/model_check.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/range/iterator_range.hpp>
#include <fmt/format.h>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include "core/assert.hpp"
#include "core/cross_check.hpp"

namespace unwedge::core {
namespace {

// Edges keep the index of their transition rather than a copy of the cause,
// so a finding or a DOT label can always be traced back to the table row.
struct EdgeData {
  std::size_t transition = 0;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                    boost::no_property, EdgeData>;
using Vertex = Graph::vertex_descriptor;

// Marks a vertex a search never reached in a predecessor vector.
constexpr std::size_t kNoPredecessor = std::numeric_limits<std::size_t>::max();

Graph build_graph(const MachineDef& machine) {
  Graph graph(machine.state_count());
  std::span<const TransitionDef> transitions = machine.transitions();
  for (std::size_t i = 0; i < transitions.size(); ++i) {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(transitions[i].from), machine.state_count());
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(transitions[i].to), machine.state_count());
    boost::add_edge(transitions[i].from, transitions[i].to, EdgeData{i}, graph);
  }
  UNWEDGE_ASSERT_EQ(boost::num_edges(graph), transitions.size());
  return graph;
}

bool is_safe(const MachineDef& machine, StateId id) {
  return machine.state(id).safe() || machine.is_terminal(id);
}

// BFS tree rooted at `source`: predecessor[v] is v's parent, the source is its
// own parent. Works on the plain graph and on filtered views of it, which is
// how must_pass_through removes the waypoint. Out-edges are visited in table
// order, so ties between shortest paths always break the same way.
template <class G>
std::vector<std::size_t> bfs_tree(const G& graph, std::size_t vertex_count, Vertex source) {
  UNWEDGE_ASSERT_LT(source, vertex_count);
  std::vector<std::size_t> predecessor(vertex_count, kNoPredecessor);
  std::vector<boost::default_color_type> color(vertex_count, boost::white_color);
  predecessor[source] = source;
  auto index = boost::get(boost::vertex_index, graph);
  auto recorder = boost::record_predecessors(
      boost::make_iterator_property_map(predecessor.begin(), index), boost::on_tree_edge());
  boost::breadth_first_search(
      graph, source,
      boost::visitor(boost::make_bfs_visitor(recorder))
          .color_map(boost::make_iterator_property_map(color.begin(), index)));
  return predecessor;
}

// The tree path from the BFS root to `target`; empty when it was not reached.
Path tree_path(const std::vector<std::size_t>& predecessor, Vertex target) {
  UNWEDGE_ASSERT_LT(target, predecessor.size());
  Path path;
  if (predecessor[target] == kNoPredecessor) return path;
  Vertex at = target;
  for (std::size_t step = 0; step < predecessor.size(); ++step) {
    path.push_back(static_cast<StateId>(at));
    if (predecessor[at] == at) break;
    at = predecessor[at];
    UNWEDGE_ASSERT(at != kNoPredecessor);
  }
  UNWEDGE_ASSERT_EQ(predecessor[path.back()], static_cast<std::size_t>(path.back()));
  std::reverse(path.begin(), path.end());
  return path;
}

// Marks a state a search never reached in a distance vector.
constexpr std::size_t kUnreached = std::numeric_limits<std::size_t>::max();

// steps[v]: the fewest transitions from v to `target` without entering
// `avoided`; kUnreached when there is no such path (for `avoided` itself
// too). One breadth-first search backwards from the target.
std::vector<std::size_t> steps_to(const Graph& graph, Vertex target, Vertex avoided) {
  struct AvoidVertex {
    Vertex avoided = 0;
    bool operator()(Vertex v) const { return v != avoided; }
  };
  UNWEDGE_ASSERT(target != avoided);
  const std::size_t vertex_count = boost::num_vertices(graph);
  boost::reverse_graph<Graph> reversed(graph);
  boost::filtered_graph<boost::reverse_graph<Graph>, boost::keep_all, AvoidVertex> backwards(
      reversed, boost::keep_all(), AvoidVertex{avoided});
  std::vector<std::size_t> steps(vertex_count, kUnreached);
  std::vector<boost::default_color_type> color(vertex_count, boost::white_color);
  steps[target] = 0;
  auto index = boost::get(boost::vertex_index, backwards);
  auto recorder = boost::record_distances(boost::make_iterator_property_map(steps.begin(), index),
                                          boost::on_tree_edge());
  boost::breadth_first_search(
      backwards, target,
      boost::visitor(boost::make_bfs_visitor(recorder))
          .color_map(boost::make_iterator_property_map(color.begin(), index)));
  return steps;
}

// The next states of a shortest path through `from`: those one step nearer
// the target, in table order, each once however many causes lead there.
std::vector<Vertex> nearer(const Graph& graph, const std::vector<std::size_t>& to_target,
                           Vertex from) {
  UNWEDGE_ASSERT(to_target[from] != kUnreached);
  std::vector<Vertex> next;
  if (to_target[from] == 0) return next;
  for (auto edge : boost::make_iterator_range(boost::out_edges(from, graph))) {
    const Vertex to = boost::target(edge, graph);
    if (to_target[to] != to_target[from] - 1) continue;
    if (std::find(next.begin(), next.end(), to) == next.end()) next.push_back(to);
  }
  UNWEDGE_ASSERT(!next.empty());
  return next;
}

// Up to `paths_max` distinct shortest paths from `source` to the target of
// `to_target`, depth first in table order: the order of the paths is the
// lexicographic order of their choices, so the first is the breadth-first
// tree's. Every state on the stack lies on some shortest path, so each one
// pushed leads to a path: at most paths_max * (length + 1) pushes.
std::vector<Path> shortest_paths(const Graph& graph, const std::vector<std::size_t>& to_target,
                                 Vertex source, std::size_t paths_max) {
  UNWEDGE_ASSERT(to_target[source] != kUnreached);
  const std::size_t length = to_target[source];
  std::vector<Path> paths;
  Path prefix{static_cast<StateId>(source)};
  std::vector<std::vector<Vertex>> choices{nearer(graph, to_target, source)};
  std::vector<std::size_t> chosen{0};
  const std::size_t pushes_max = paths_max * (length + 1);
  std::size_t pushes = 0;
  while (!prefix.empty() && paths.size() < paths_max) {
    if (to_target[prefix.back()] == 0) paths.push_back(prefix);
    if (chosen.back() == choices.back().size()) {
      prefix.pop_back();
      choices.pop_back();
      chosen.pop_back();
      continue;
    }
    const Vertex next = choices.back()[chosen.back()++];
    prefix.push_back(static_cast<StateId>(next));
    choices.push_back(nearer(graph, to_target, next));
    chosen.push_back(0);
    ++pushes;
    UNWEDGE_ASSERT_LE(pushes, pushes_max);
  }
  return paths;
}

// can_reach_safe[v]: some safe state is reachable from v (v itself counts).
// One multi-source search backwards from every safe state answers it for all
// states at once.
std::vector<bool> can_reach_safe(const Graph& graph, const MachineDef& machine) {
  std::vector<Vertex> safe;
  for (std::size_t v = 0; v < machine.state_count(); ++v) {
    if (is_safe(machine, static_cast<StateId>(v))) safe.push_back(v);
  }
  boost::reverse_graph<Graph> reversed(graph);
  std::vector<boost::default_color_type> color(machine.state_count(), boost::white_color);
  boost::queue<Vertex> queue;
  boost::breadth_first_visit(
      reversed, safe.begin(), safe.end(), queue, boost::default_bfs_visitor(),
      boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, reversed)));
  std::vector<bool> result(machine.state_count());
  for (std::size_t v = 0; v < result.size(); ++v)
    result[v] = color[v] != boost::white_color;
  return result;
}

std::string group_text(const MachineDef& machine, const std::vector<StateId>& states) {
  std::vector<std::string_view> names;
  for (StateId s : states)
    names.push_back(machine.state_name(s));
  return fmt::format("{{{}}}", fmt::join(names, ", "));
}

std::vector<std::vector<StateId>> strong_groups(const Graph& graph, std::vector<int>& component) {
  component.assign(boost::num_vertices(graph), -1);
  int count = boost::strong_components(
      graph,
      boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  UNWEDGE_ASSERT_LE(static_cast<std::size_t>(count), boost::num_vertices(graph));
  std::vector<std::vector<StateId>> groups(static_cast<std::size_t>(count));
  for (std::size_t v = 0; v < component.size(); ++v) {
    UNWEDGE_ASSERT(component[v] >= 0);
    UNWEDGE_ASSERT(component[v] < count);
    groups[static_cast<std::size_t>(component[v])].push_back(static_cast<StateId>(v));
  }
  return groups;
}

void add_unreachable(const MachineDef& machine, const std::vector<Path>& witness,
                     std::vector<Finding>& findings) {
  for (std::size_t v = 0; v < witness.size(); ++v) {
    if (!witness[v].empty()) continue;
    findings.push_back(
        Finding{FindingKind::kUnreachable,
                {static_cast<StateId>(v)},
                fmt::format("{}: state '{}' is unreachable from the initial state '{}'",
                            machine.name(), machine.state_name(static_cast<StateId>(v)),
                            machine.state_name(machine.initial()))});
  }
}

// Reachability is shared by a whole strongly connected component, so a group
// is either wholly wedged or not at all; its exits can only lead to other
// wedged groups, and saying where they lead tells the reader where to look.
void add_wedges(const MachineDef& machine, const Graph& graph,
                const std::vector<std::vector<StateId>>& groups, const std::vector<int>& component,
                std::vector<Finding>& findings) {
  std::vector<bool> reaches_safe = can_reach_safe(graph, machine);
  for (std::size_t c = 0; c < groups.size(); ++c) {
    const std::vector<StateId>& group = groups[c];
    UNWEDGE_ASSERT(!group.empty());
    if (reaches_safe[group.front()]) continue;
    std::set<StateId> exits;
    for (StateId s : group) {
      UNWEDGE_ASSERT(!reaches_safe[s]);
      for (auto edge : boost::make_iterator_range(boost::out_edges(s, graph))) {
        Vertex to = boost::target(edge, graph);
        UNWEDGE_ASSERT(!reaches_safe[to]);
        if (component[to] != static_cast<int>(c)) exits.insert(static_cast<StateId>(to));
      }
    }
    std::string message =
        exits.empty() ? fmt::format(
                            "{}: {} is a closed group with no way to a healthy stable or terminal "
                            "state",
                            machine.name(), group_text(machine, group))
                      : fmt::format(
                            "{}: {} has no way to a healthy stable or terminal state; its exits "
                            "lead only to other wedged states {}",
                            machine.name(), group_text(machine, group),
                            group_text(machine, std::vector<StateId>(exits.begin(), exits.end())));
    findings.push_back(Finding{FindingKind::kWedge, group, std::move(message)});
  }
}

std::vector<std::string_view> exit_names(const MachineDef& machine, const Graph& graph, Vertex v) {
  std::vector<std::string_view> names;
  for (auto edge : boost::make_iterator_range(boost::out_edges(v, graph))) {
    names.push_back(machine.state_name(static_cast<StateId>(boost::target(edge, graph))));
  }
  return names;
}

void add_exit_findings(const MachineDef& machine, const Graph& graph,
                       std::vector<Finding>& findings) {
  for (Vertex v = 0; v < machine.state_count(); ++v) {
    StateId id = static_cast<StateId>(v);
    const std::string& name = machine.state_name(id);
    bool has_exit = boost::out_degree(v, graph) > 0;
    if (!has_exit && !machine.state(id).stable()) {
      findings.push_back(Finding{
          FindingKind::kUnstableWithoutExit,
          {id},
          fmt::format("{}: state '{}' is unstable but has no transition out, so an entity that "
                      "enters it stays there; add a way out, or mark it stable if it is an "
                      "intended end",
                      machine.name(), name)});
    }
    if (!has_exit && !machine.is_terminal(id)) {
      findings.push_back(
          Finding{FindingKind::kUndeclaredTerminal,
                  {id},
                  fmt::format("{}: state '{}' has no transition out but is not declared terminal; "
                              "declare it with terminal(\"{}\") or add a transition out",
                              machine.name(), name, name)});
    }
    // A terminal state left on request declares its way out.
    if (has_exit && machine.is_terminal(id) && !machine.state(id).traits.leave_on_request) {
      findings.push_back(Finding{
          FindingKind::kTerminalWithExit,
          {id},
          fmt::format("{}: state '{}' is declared terminal but has transitions out to {}",
                      machine.name(), name, fmt::join(exit_names(machine, graph, v), ", "))});
    }
  }
}

// DOT strings are always quoted: state names and causes are free text.
std::string dot_quote(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// A declared terminal counts as safe (an intended end), so it is green even
// when it is not healthy; red is kept for states an entity must leave. A
// terminal left on request is double-outlined but dotted, stable or not: an
// end with a door.
std::string state_attributes(const MachineDef& machine, StateId id) {
  const StateDef& state = machine.state(id);
  std::vector<std::string> attributes{fmt::format("label={}", dot_quote(state.name))};
  attributes.push_back(machine.is_terminal(id) ? "shape=doublecircle" : "shape=ellipse");
  std::vector<std::string_view> style;
  if (is_safe(machine, id)) {
    style.push_back("filled");
    attributes.push_back("fillcolor=palegreen");
  } else if (!state.healthy()) {
    style.push_back("filled");
    attributes.push_back("fillcolor=lightcoral");
    attributes.push_back("color=red");
  }
  if (state.traits.leave_on_request) {
    style.push_back("dotted");
  } else if (!state.stable()) {
    style.push_back("dashed");
  }
  if (!style.empty()) attributes.push_back(fmt::format("style=\"{}\"", fmt::join(style, ",")));
  return fmt::format("[{}]", fmt::join(attributes, ", "));
}

struct StateWriter {
  const MachineDef* machine;
  void operator()(std::ostream& out, Vertex v) const {
    out << state_attributes(*machine, static_cast<StateId>(v));
  }
};

// An edge the machine lacks but an action requests, drawn beside the table's
// own so the reader sees where the entity would be told to go.
struct GapEdge {
  StateId from;
  StateId to;
  std::string cause;
  std::vector<std::string> actions;  // who requests it
  bool refused = false;              // the table joins the states under other causes
};

// One edge per requested (from, to, cause), whoever requests it, in the order
// the findings first name them.
std::vector<GapEdge> gap_edges(const MachineDef& machine, std::span<const CrossFinding> findings) {
  std::vector<GapEdge> gaps;
  for (const CrossFinding& f : findings) {
    if (f.kind != CrossFindingKind::kMissingTransition || f.machine != machine.name()) continue;
    std::optional<StateId> from = machine.find_state(f.from);
    std::optional<StateId> to = machine.find_state(f.to);
    // A finding about another machine of the same name, or one the table
    // satisfies after all: nothing of this machine is missing.
    if (!from || !to || machine.find_transition(*from, *to, f.cause)) continue;
    auto same = [&](const GapEdge& g) {
      return g.from == *from && g.to == *to && g.cause == f.cause;
    };
    auto it = std::find_if(gaps.begin(), gaps.end(), same);
    if (it == gaps.end()) {
      const bool joined =
          std::any_of(machine.transitions().begin(), machine.transitions().end(),
                      [&](const TransitionDef& t) { return t.from == *from && t.to == *to; });
      it = gaps.insert(gaps.end(), GapEdge{*from, *to, f.cause, {}, joined});
    }
    if (std::find(it->actions.begin(), it->actions.end(), f.action) == it->actions.end()) {
      it->actions.push_back(f.action);
    }
  }
  return gaps;
}

std::string gap_attributes(const GapEdge& gap) {
  UNWEDGE_ASSERT(!gap.actions.empty());
  const std::string_view what = gap.refused ? "refused" : "missing";
  const std::string_view color = gap.refused ? "darkorange" : "red";
  const std::string label =
      fmt::format("{} ({}: {})", gap.cause, what, fmt::join(gap.actions, ", "));
  return fmt::format("[label={}, style={}, color={}, fontcolor={}]", dot_quote(label),
                     gap.refused ? "dotted" : "dashed", color, color);
}

// Edge data indexes the table's transitions first, then the gap edges.
struct TransitionWriter {
  const MachineDef* machine;
  const Graph* graph;
  const std::vector<GapEdge>* gaps;
  void operator()(std::ostream& out, Graph::edge_descriptor edge) const {
    std::size_t index = (*graph)[edge].transition;
    const std::size_t table_size = machine->transitions().size();
    if (index >= table_size) {
      UNWEDGE_ASSERT_LT(index - table_size, gaps->size());
      out << gap_attributes((*gaps)[index - table_size]);
      return;
    }
    out << fmt::format("[label={}]", dot_quote(machine->transitions()[index].cause));
  }
};

// The initial state is marked the usual way for state machines: an arrow
// from an invisible start node.
struct GraphWriter {
  const MachineDef* machine;
  void operator()(std::ostream& out) const {
    out << "rankdir=LR;\n";
    out << "__start [shape=none, label=\"\", width=0, height=0];\n";
    out << fmt::format("__start->{};\n", machine->initial());
  }
};

}  // namespace

const char* to_string(FindingKind kind) {
  switch (kind) {
    case FindingKind::kUnreachable:
      return "unreachable";
    case FindingKind::kWedge:
      return "wedge";
    case FindingKind::kUnstableWithoutExit:
      return "unstable-without-exit";
    case FindingKind::kUndeclaredTerminal:
      return "undeclared-terminal";
    case FindingKind::kTerminalWithExit:
      return "terminal-with-exit";
  }
  UNWEDGE_ASSERT_MSG(false, "unknown FindingKind {}", static_cast<int>(kind));
  return "unknown";
}

std::vector<StateId> ModelReport::states_with(FindingKind kind) const {
  std::set<StateId> states;
  for (const Finding& f : findings) {
    if (f.kind == kind) states.insert(f.states.begin(), f.states.end());
  }
  return {states.begin(), states.end()};
}

ModelReport check_model(const MachineDef& machine) {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(machine.initial()), machine.state_count());
  Graph graph = build_graph(machine);
  ModelReport report;
  report.machine = machine.name();

  std::vector<std::size_t> predecessor = bfs_tree(graph, machine.state_count(), machine.initial());
  for (Vertex v = 0; v < machine.state_count(); ++v) {
    report.witness.push_back(tree_path(predecessor, v));
  }
  UNWEDGE_ASSERT_EQ(report.witness[machine.initial()].size(), std::size_t{1});

  std::vector<int> component;
  report.components = strong_groups(graph, component);

  add_unreachable(machine, report.witness, report.findings);
  add_wedges(machine, graph, report.components, component, report.findings);
  add_exit_findings(machine, graph, report.findings);
  // Callers diff reports across runs, so the order is part of the contract.
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     UNWEDGE_ASSERT(!a.states.empty());
                     UNWEDGE_ASSERT(!b.states.empty());
                     return std::tie(a.kind, a.states.front()) < std::tie(b.kind, b.states.front());
                   });
  return report;
}

// A zero-length path avoids every waypoint other than its one state, so with
// source == target (and a different waypoint) the answer is "does not hold",
// with counterexample {source}; the search below yields exactly that.
PathCheck must_pass_through(const MachineDef& machine, StateId source, StateId target,
                            StateId waypoint, std::size_t counterexamples_max) {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(source), machine.state_count());
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(target), machine.state_count());
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(waypoint), machine.state_count());
  UNWEDGE_ASSERT_LE(std::size_t{1}, counterexamples_max);
  if (waypoint == source || waypoint == target) return PathCheck{};

  Graph graph = build_graph(machine);
  const std::vector<std::size_t> to_target = steps_to(graph, target, waypoint);
  UNWEDGE_ASSERT_EQ(to_target[waypoint], kUnreached);
  if (to_target[source] == kUnreached) return PathCheck{};

  std::vector<Path> paths = shortest_paths(graph, to_target, source, counterexamples_max);
  UNWEDGE_ASSERT(!paths.empty());
  UNWEDGE_ASSERT_LE(paths.size(), counterexamples_max);
  for (const Path& path : paths) {
    UNWEDGE_ASSERT_EQ(path.size(), to_target[source] + 1);
    UNWEDGE_ASSERT_EQ(path.front(), source);
    UNWEDGE_ASSERT_EQ(path.back(), target);
  }
  Path first = paths.front();
  return PathCheck{
      .holds = false, .counterexample = std::move(first), .counterexamples = std::move(paths)};
}

std::string describe_path(const MachineDef& machine, const Path& path) {
  if (path.empty()) return "(no path)";
  std::vector<std::string_view> names;
  for (StateId s : path)
    names.push_back(machine.state_name(s));
  return fmt::format("{}", fmt::join(names, " -> "));
}

// write_graphviz always names the graph "G"; the machine's name is put in its
// place so several exported machines can be told apart.
std::string to_dot(const MachineDef& machine, std::span<const CrossFinding> findings) {
  Graph graph = build_graph(machine);
  const std::vector<GapEdge> gaps = gap_edges(machine, findings);
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    boost::add_edge(gaps[i].from, gaps[i].to, EdgeData{machine.transitions().size() + i}, graph);
  }
  UNWEDGE_ASSERT_EQ(boost::num_edges(graph), machine.transitions().size() + gaps.size());
  std::ostringstream out;
  boost::write_graphviz(out, graph, StateWriter{&machine},
                        TransitionWriter{&machine, &graph, &gaps}, GraphWriter{&machine});
  std::string dot = out.str();
  const std::string_view boost_header = "digraph G {";
  UNWEDGE_ASSERT_MSG(dot.starts_with(boost_header), "unexpected DOT header: {}", dot.substr(0, 40));
  return fmt::format("digraph {} {{{}", dot_quote(machine.name()), dot.substr(boost_header.size()));
}

std::string to_dot(const MachineDef& machine) {
  return to_dot(machine, {});
}

}  // namespace unwedge::core
