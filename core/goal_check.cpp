#include "core/goal_check.hpp"

#include <algorithm>
#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <deque>
#include <fmt/format.h>
#include <limits>
#include <set>
#include <unordered_map>

#include "core/assert.hpp"
#include "core/group_analysis.hpp"

namespace unwedge::core {
namespace {

constexpr StateId kNoStale = std::numeric_limits<StateId>::max();
constexpr std::uint32_t kUnreached = std::numeric_limits<std::uint32_t>::max();
// Beyond this the product is refused rather than built: a group whose
// pairs number in the millions is better split.
constexpr std::size_t kMaxProductStates = std::size_t{1} << 22;

// One member's part of a product state.
struct MemberState {
  StateId reported = 0;
  StateId goal = 0;
  StateId stale = kNoStale;  // the goal it still acts on, if it has not read `goal`
};

struct ProductState {
  std::array<MemberState, kMaxGroupMembers> member{};
};

using Key = std::array<StateId, 3 * kMaxGroupMembers>;

// FNV-1a over the packed state: lookups only, so the hash never orders a result.
struct KeyHash {
  std::size_t operator()(const Key& key) const {
    std::uint64_t h = 14695981039346656037ULL;
    for (StateId v : key) {
      h ^= v;
      h *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(h);
  }
};

enum class MoveKind : std::uint8_t { kAssign, kRead, kStep, kStaleStep };

struct Edge {
  std::uint32_t to = 0;
  MoveKind kind = MoveKind::kAssign;
  MemberId member = 0;
  std::uint32_t outcome = 0;  // kAssign: index into Product::outcomes
};

// The product, built breadth-first from the initial state, so a state's
// index orders it by distance and its edges are contiguous (CSR).
struct Product {
  std::vector<ProductState> states;
  std::vector<std::uint32_t> first_edge;  // states.size() + 1 offsets into edges
  std::vector<Edge> edges;
  std::vector<std::uint32_t> parent;  // BFS tree, for distances
  std::vector<std::uint32_t> distance;
  std::vector<GroupOutcome> outcomes;  // every assignment taken, by index
  std::uint64_t cells_read = 0;
  std::vector<std::string> errors;
};

class Builder {
 public:
  Builder(const GoalDrivenDef& def, std::size_t members)
      : def_(def), machine_(*def.machine), table_(*def.assignment), members_(members) {}

  Product build(const ProductState& initial) {
    intern(initial, kUnreached);
    product_.first_edge.push_back(0);
    for (std::size_t at = 0; at < product_.states.size(); ++at) {
      if (product_.states.size() > kMaxProductStates) {
        product_.errors.push_back(fmt::format(
            "the product of '{}' passed {} states; split the group or model fewer signals",
            def_.name, kMaxProductStates));
        break;
      }
      expand(static_cast<std::uint32_t>(at));
      if (!product_.errors.empty()) break;
      product_.first_edge.push_back(static_cast<std::uint32_t>(product_.edges.size()));
    }
    return std::move(product_);
  }

 private:
  // The state itself, packed: a number in mixed radix would overflow 64
  // bits for three members of a machine of 140 states.
  static Key key(const ProductState& s) {
    Key k{};
    for (std::size_t m = 0; m < kMaxGroupMembers; ++m) {
      k[3 * m] = s.member[m].reported;
      k[3 * m + 1] = s.member[m].goal;
      k[3 * m + 2] = s.member[m].stale;
    }
    return k;
  }

  std::uint32_t intern(const ProductState& s, std::uint32_t from) {
    auto [it, inserted] =
        index_.try_emplace(key(s), static_cast<std::uint32_t>(product_.states.size()));
    if (inserted) {
      product_.states.push_back(s);
      product_.parent.push_back(from == kUnreached ? it->second : from);
      product_.distance.push_back(from == kUnreached ? 0 : product_.distance[from] + 1);
    }
    return it->second;
  }

  const std::vector<GroupOutcome>& outcomes_of(const GroupStates& reported) {
    auto it = outcome_cache_.find(reported);
    if (it != outcome_cache_.end()) return it->second;
    product_.cells_read += std::uint64_t{1} << table_.signal_names().size();
    return outcome_cache_.emplace(reported, outcomes(table_, reported)).first->second;
  }

  std::uint32_t outcome_index(const GroupOutcome& outcome) {
    for (std::size_t i = 0; i < product_.outcomes.size(); ++i) {
      // The signals too: the move names the subset that yields it for these reports.
      if (product_.outcomes[i].decision == outcome.decision &&
          product_.outcomes[i].signals == outcome.signals) {
        return static_cast<std::uint32_t>(i);
      }
    }
    product_.outcomes.push_back(outcome);
    return static_cast<std::uint32_t>(product_.outcomes.size() - 1);
  }

  void add(std::uint32_t from, const ProductState& to, MoveKind kind, MemberId member,
           std::uint32_t outcome = 0) {
    const std::uint32_t target = intern(to, from);
    product_.edges.push_back(Edge{target, kind, member, outcome});
  }

  void expand(std::uint32_t at) {
    const ProductState state = product_.states[at];
    GroupStates reported;
    for (std::size_t m = 0; m < members_; ++m)
      reported.of[m] = state.member[m].reported;

    // The monitor: every assignment the table makes for these reports.
    for (const GroupOutcome& outcome : outcomes_of(reported)) {
      if (outcome.decision.kind != GroupDecision::Kind::kAssign) continue;
      ProductState next = state;
      bool changed = false;
      for (std::size_t m = 0; m < members_; ++m) {
        const std::optional<StateId>& goal = outcome.decision.assign.goal[m];
        MemberState& ms = next.member[m];
        if (!goal || *goal == ms.goal) continue;
        changed = true;
        // The member may not see the new goal yet: it acts on the one it had.
        ms.stale = def_.stale_goals ? ms.goal : kNoStale;
        ms.goal = *goal;
        if (ms.stale == ms.goal) ms.stale = kNoStale;
      }
      if (changed) add(at, next, MoveKind::kAssign, 0, outcome_index(outcome));
    }

    // Each member's keeper: read a goal it has not seen, or step.
    for (std::size_t m = 0; m < members_; ++m) {
      const MemberState& ms = state.member[m];
      const auto member = static_cast<MemberId>(m);
      if (ms.stale != kNoStale) {
        ProductState read = state;
        read.member[m].stale = kNoStale;
        add(at, read, MoveKind::kRead, member);
      }
      const StateId acted_on = ms.stale != kNoStale ? ms.stale : ms.goal;
      const std::optional<StateId> next = def_.walk(ms.reported, acted_on);
      if (!next || *next == ms.reported) continue;
      if (*next >= machine_.state_count() || !has_transition(ms.reported, *next)) {
        product_.errors.push_back(fmt::format(
            "the walk of '{}' steps from '{}' towards goal '{}' to {}, which machine '{}' has no "
            "transition to; the keeper would break the machine's table",
            def_.name, machine_.state_name(ms.reported), machine_.state_name(acted_on),
            *next < machine_.state_count() ? fmt::format("'{}'", machine_.state_name(*next))
                                           : fmt::format("state #{}", *next),
            machine_.name()));
        return;
      }
      ProductState stepped = state;
      stepped.member[m].reported = *next;
      add(at, stepped, ms.stale != kNoStale ? MoveKind::kStaleStep : MoveKind::kStep, member);
    }
  }

  bool has_transition(StateId from, StateId to) const {
    return std::any_of(machine_.transitions().begin(), machine_.transitions().end(),
                       [&](const TransitionDef& t) { return t.from == from && t.to == to; });
  }

  const GoalDrivenDef& def_;
  const MachineDef& machine_;
  const GroupTable& table_;
  std::size_t members_;
  Product product_;
  // Looked up only, never iterated: the product's order comes from the BFS.
  std::unordered_map<Key, std::uint32_t, KeyHash> index_;
  std::map<GroupStates, std::vector<GroupOutcome>> outcome_cache_;
};

bool safe_state(const MachineDef& machine, const ProductState& s, std::size_t members) {
  for (std::size_t m = 0; m < members; ++m) {
    const MemberState& ms = s.member[m];
    if (ms.stale != kNoStale || ms.reported != ms.goal) return false;
    if (!machine.state(ms.reported).safe() && !machine.is_terminal(ms.reported)) return false;
  }
  return true;
}

std::vector<bool> reaches_safe(const Product& p, const MachineDef& machine, std::size_t members) {
  const std::size_t n = p.states.size();
  std::vector<std::vector<std::uint32_t>> predecessors(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    for (std::uint32_t e = p.first_edge[v]; e < p.first_edge[v + 1]; ++e)
      predecessors[p.edges[e].to].push_back(v);
  }
  std::vector<bool> reaches(n, false);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t v = 0; v < n; ++v) {
    if (safe_state(machine, p.states[v], members)) {
      reaches[v] = true;
      queue.push_back(v);
    }
  }
  while (!queue.empty()) {
    const std::uint32_t v = queue.front();
    queue.pop_front();
    for (std::uint32_t u : predecessors[v]) {
      if (!reaches[u]) {
        reaches[u] = true;
        queue.push_back(u);
      }
    }
  }
  return reaches;
}

// Distance of every state from the initial one, over every move or only over
// those that act on no stale goal (what the design does when every
// assignment is seen before the next); kUnreached where none leads.
std::vector<std::uint32_t> distances(const Product& p, bool stale_steps) {
  std::vector<std::uint32_t> distance(p.states.size(), kUnreached);
  std::deque<std::uint32_t> queue{0};
  distance[0] = 0;
  while (!queue.empty()) {
    const std::uint32_t v = queue.front();
    queue.pop_front();
    for (std::uint32_t e = p.first_edge[v]; e < p.first_edge[v + 1]; ++e) {
      const Edge& edge = p.edges[e];
      if ((!stale_steps && edge.kind == MoveKind::kStaleStep) || distance[edge.to] != kUnreached) {
        continue;
      }
      distance[edge.to] = distance[v] + 1;
      queue.push_back(edge.to);
    }
  }
  return distance;
}

class Describer {
 public:
  Describer(const GoalDrivenDef& def, const Product& p)
      : table_(*def.assignment), machine_(*def.machine), p_(p) {}

  std::string move(std::uint32_t from, std::uint32_t to) const {
    for (std::uint32_t e = p_.first_edge[from]; e < p_.first_edge[from + 1]; ++e) {
      if (p_.edges[e].to == to) return move(from, p_.edges[e]);
    }
    UNWEDGE_ASSERT_MSG(false, "no edge from product state {} to {}", from, to);
    return {};
  }

  std::string move(std::uint32_t from, const Edge& edge) const {
    const MemberState& before = p_.states[from].member[edge.member];
    const MemberState& after = p_.states[edge.to].member[edge.member];
    const std::string& member = table_.member_names()[edge.member];
    switch (edge.kind) {
      case MoveKind::kAssign: {
        const GroupOutcome& o = p_.outcomes[edge.outcome];
        std::vector<std::string_view> raised;
        for (std::size_t i = 0; i < table_.signal_names().size(); ++i) {
          if (o.signals.contains(static_cast<SignalId>(i)))
            raised.push_back(table_.signal_names()[i]);
        }
        return fmt::format("monitor assigns {} (rule {}, e.g. with {{{}}})",
                           table_.describe(o.decision.assign),
                           table_.rules()[o.decision.rules.front()].name, fmt::join(raised, ", "));
      }
      case MoveKind::kRead:
        return fmt::format("{} reads its goal {}", member, machine_.state_name(before.goal));
      case MoveKind::kStep:
        return fmt::format("{} steps {} -> {}", member, machine_.state_name(before.reported),
                           machine_.state_name(after.reported));
      case MoveKind::kStaleStep:
        return fmt::format("{} steps {} -> {} on its stale goal {} (assigned: {})", member,
                           machine_.state_name(before.reported),
                           machine_.state_name(after.reported), machine_.state_name(before.stale),
                           machine_.state_name(before.goal));
    }
    return {};
  }

  std::vector<MemberPair> pairs(std::uint32_t state) const {
    std::vector<MemberPair> out;
    for (std::size_t m = 0; m < table_.member_count(); ++m) {
      const MemberState& ms = p_.states[state].member[m];
      MemberPair pair{table_.member_names()[m], machine_.state_name(ms.reported),
                      machine_.state_name(ms.goal), std::nullopt};
      if (ms.stale != kNoStale) pair.stale = machine_.state_name(ms.stale);
      out.push_back(std::move(pair));
    }
    return out;
  }

 private:
  const GroupTable& table_;
  const MachineDef& machine_;
  const Product& p_;
};

std::string pairs_text(const std::vector<MemberPair>& pairs) {
  std::vector<std::string> parts;
  for (const MemberPair& pair : pairs) {
    std::string text =
        fmt::format("{} (reported {}, goal {}", pair.member, pair.reported, pair.goal);
    if (pair.stale) text += fmt::format(", still acting on {}", *pair.stale);
    parts.push_back(text + ")");
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Up to `k` shortest paths from the initial state to `target` over the moves
// `distance` was measured on, each as moves: walks back over predecessors one
// step nearer at every step, in edge order.
std::vector<GoalPath> shortest_paths(const Product& p, const Describer& describe,
                                     const std::vector<std::uint32_t>& distance, bool stale_steps,
                                     std::uint32_t target, std::size_t k) {
  UNWEDGE_ASSERT(distance[target] != kUnreached);
  std::vector<std::vector<std::uint32_t>> nearer(p.states.size());
  for (std::uint32_t v = 0; v < p.states.size(); ++v) {
    if (distance[v] == kUnreached) continue;
    for (std::uint32_t e = p.first_edge[v]; e < p.first_edge[v + 1]; ++e) {
      const Edge& edge = p.edges[e];
      if (!stale_steps && edge.kind == MoveKind::kStaleStep) continue;
      if (distance[edge.to] == distance[v] + 1 &&
          std::find(nearer[edge.to].begin(), nearer[edge.to].end(), v) == nearer[edge.to].end()) {
        nearer[edge.to].push_back(v);
      }
    }
  }
  std::vector<GoalPath> paths;
  if (k == 0) return paths;
  std::vector<std::uint32_t> trail{target};
  // Depth-first over the shortest-path DAG, stopping after k complete paths.
  std::function<void(std::uint32_t)> walk = [&](std::uint32_t v) {
    if (paths.size() >= k) return;
    if (v == 0) {
      GoalPath path;
      for (std::size_t i = trail.size() - 1; i > 0; --i)
        path.push_back(describe.move(trail[i], trail[i - 1]));
      paths.push_back(std::move(path));
      return;
    }
    for (std::uint32_t u : nearer[v]) {
      trail.push_back(u);
      walk(u);
      trail.pop_back();
    }
  };
  walk(target);
  UNWEDGE_ASSERT(!paths.empty());
  UNWEDGE_ASSERT_EQ(paths.front().size(), static_cast<std::size_t>(distance[target]));
  return paths;
}

std::optional<ProductState> initial_state(const GoalDrivenDef& def,
                                          std::vector<std::string>& errors) {
  const MachineDef& machine = *def.machine;
  const GroupTable& table = *def.assignment;
  ProductState s;
  for (std::size_t m = 0; m < table.member_count(); ++m)
    s.member[m] = MemberState{machine.initial(), machine.initial(), kNoStale};
  for (const auto& [member, state] : def.initial) {
    std::optional<MemberId> m = table.find_member(member);
    std::optional<StateId> id = machine.find_state(state);
    if (!m) {
      errors.push_back(fmt::format("'{}' starts unknown member '{}'{}", def.name, member,
                                   did_you_mean(member, table.member_names())));
    }
    if (!id) {
      errors.push_back(fmt::format("'{}' starts member '{}' in unknown state '{}'{}", def.name,
                                   member, state, did_you_mean(state, machine.state_names())));
    }
    if (m && id) s.member[*m] = MemberState{*id, *id, kNoStale};
  }
  if (!errors.empty()) return std::nullopt;
  return s;
}

// "b has not reached a safe goal (catchingup)": who keeps the group from
// settling when every keeper still has a step (the monitor moves it around).
std::string unsafe_members(const MachineDef& machine, const GroupTable& table,
                           const ProductState& s, std::size_t members) {
  std::vector<std::string> parts;
  for (std::size_t m = 0; m < members; ++m) {
    const MemberState& ms = s.member[m];
    const bool settled = ms.stale == kNoStale && ms.reported == ms.goal &&
                         (machine.state(ms.goal).safe() || machine.is_terminal(ms.goal));
    if (!settled) {
      parts.push_back(fmt::format("{} has not reached a safe goal ({})", table.member_names()[m],
                                  machine.state_name(ms.goal)));
    }
  }
  UNWEDGE_ASSERT(!parts.empty());
  return fmt::format("{}", fmt::join(parts, "; "));
}

bool no_step(const GoalDrivenDef& def, StateId reported, StateId goal) {
  const std::optional<StateId> step = def.walk(reported, goal);
  return !step || *step == reported;
}

}  // namespace

GoalWalk direct_walk(const MachineDef& machine) {
  return [&machine](StateId reported, StateId goal) -> std::optional<StateId> {
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(reported), machine.state_count());
    UNWEDGE_ASSERT_LT(static_cast<std::size_t>(goal), machine.state_count());
    if (reported == goal) return std::nullopt;
    for (const TransitionDef& t : machine.transitions()) {
      if (t.from == reported && t.to == goal) return goal;
    }
    return std::nullopt;
  };
}

const char* to_string(GoalWedge::Kind kind) {
  switch (kind) {
    case GoalWedge::Kind::kMissingEdge:
      return "missing-edge";
    case GoalWedge::Kind::kStaleGoal:
      return "stale-goal";
  }
  return "unknown";
}

GoalCheck check_goal_driven(const GoalDrivenDef& def, std::size_t wedges_max,
                            std::size_t paths_per_wedge) {
  GoalCheck check;
  check.name = def.name;
  if (def.machine == nullptr || def.assignment == nullptr || !def.walk) {
    check.errors.push_back(fmt::format(
        "'{}' lacks its {}; a goal-driven machine names its machine, the monitor's table and the "
        "keeper's walk",
        def.name,
        def.machine == nullptr ? "machine"
        : def.assignment       ? "walk"
                               : "table"));
    return check;
  }
  const MachineDef& machine = *def.machine;
  const GroupTable& table = *def.assignment;
  if (&table.machine() != &machine) {
    check.errors.push_back(fmt::format(
        "'{}': the monitor's table '{}' is built over machine '{}' at another address than the "
        "node's machine '{}'; build the table against the very machine",
        def.name, table.name(), table.machine().name(), machine.name()));
    return check;
  }
  check.members = table.member_count();
  std::optional<ProductState> initial = initial_state(def, check.errors);
  if (!initial) return check;

  Product product = Builder(def, check.members).build(*initial);
  check.errors = product.errors;
  check.product_states = product.states.size();
  check.product_edges = product.edges.size();
  check.cells_checked = product.cells_read;
  if (!check.errors.empty()) return check;
  UNWEDGE_ASSERT_EQ(product.first_edge.size(), product.states.size() + 1);

  const std::vector<bool> reaches = reaches_safe(product, machine, check.members);
  const std::vector<std::uint32_t> any_distance = distances(product, true);
  const std::vector<std::uint32_t> lag_free_distance = distances(product, false);
  const Describer describe(def, product);

  // Wedges are reported by closed group: a strongly connected set of wedged
  // states no move leaves (every wedged state leads into one). The group is
  // where the design stays; its nearest state is where it is first met.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph graph(product.states.size());
  for (std::uint32_t v = 0; v < product.states.size(); ++v) {
    for (std::uint32_t e = product.first_edge[v]; e < product.first_edge[v + 1]; ++e)
      boost::add_edge(v, product.edges[e].to, graph);
  }
  std::vector<int> component(product.states.size(), -1);
  const int components = boost::strong_components(
      graph,
      boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph)));
  std::vector<bool> leaves(static_cast<std::size_t>(components), false);
  std::vector<std::uint32_t> nearest(static_cast<std::size_t>(components), kUnreached);
  for (std::uint32_t v = 0; v < product.states.size(); ++v) {
    if (!reaches[v]) ++check.wedge_count;
    const auto c = static_cast<std::size_t>(component[v]);
    if (nearest[c] == kUnreached) nearest[c] = v;  // states are in distance order
    for (std::uint32_t e = product.first_edge[v]; e < product.first_edge[v + 1]; ++e) {
      if (component[product.edges[e].to] != component[v]) leaves[c] = true;
    }
  }
  std::vector<std::uint32_t> closed;
  for (std::size_t c = 0; c < nearest.size(); ++c) {
    if (!leaves[c] && !reaches[nearest[c]]) closed.push_back(nearest[c]);
  }
  std::sort(closed.begin(), closed.end());
  UNWEDGE_ASSERT(check.wedge_count == 0 || !closed.empty());
  for (std::uint32_t v : closed) {
    if (check.wedges.size() >= wedges_max) break;
    const std::size_t c = static_cast<std::size_t>(component[v]);
    // A group met without any stale goal is shown as met so: its nearest
    // state over those moves, and the ways there that need no lag.
    std::size_t size = 0;
    std::uint32_t lag_free = kUnreached;
    for (std::uint32_t u = 0; u < product.states.size(); ++u) {
      if (static_cast<std::size_t>(component[u]) != c) continue;
      ++size;
      if (lag_free_distance[u] != kUnreached &&
          (lag_free == kUnreached || lag_free_distance[u] < lag_free_distance[lag_free])) {
        lag_free = u;
      }
    }
    GoalWedge wedge;
    wedge.kind =
        lag_free != kUnreached ? GoalWedge::Kind::kMissingEdge : GoalWedge::Kind::kStaleGoal;
    if (lag_free != kUnreached) v = lag_free;
    wedge.pairs = describe.pairs(v);
    wedge.paths =
        lag_free != kUnreached
            ? shortest_paths(product, describe, lag_free_distance, false, v, paths_per_wedge)
            : shortest_paths(product, describe, any_distance, true, v, paths_per_wedge);
    std::vector<std::string> stuck;
    for (std::size_t m = 0; m < check.members; ++m) {
      const MemberState& ms = product.states[v].member[m];
      const StateId acted_on = ms.stale != kNoStale ? ms.stale : ms.goal;
      const std::optional<StateId> step = def.walk(ms.reported, acted_on);
      if (ms.reported != acted_on && (!step || *step == ms.reported)) {
        stuck.push_back(fmt::format("{}'s keeper has no step from {} towards {}",
                                    table.member_names()[m], machine.state_name(ms.reported),
                                    machine.state_name(acted_on)));
      }
    }
    wedge.message = fmt::format(
        "{}: {} wedge at {}: {}{}, and the monitor assigns nothing that leads to a safe goal{}",
        def.name, to_string(wedge.kind), pairs_text(wedge.pairs),
        stuck.empty() ? unsafe_members(machine, table, product.states[v], check.members)
                      : fmt::format("{}", fmt::join(stuck, "; ")),
        wedge.kind == GoalWedge::Kind::kStaleGoal
            ? " (reached only when a member acts on the goal before its last)"
            : "",
        size > 1 ? fmt::format("; it moves among {} such states", size) : "");
    check.wedges.push_back(std::move(wedge));
  }

  // Stale steps, once per (member, reported, goal, stale, to), in BFS order.
  std::set<std::tuple<MemberId, StateId, StateId, StateId, StateId>> stale_seen;
  for (std::uint32_t v = 0; v < product.states.size(); ++v) {
    for (std::uint32_t e = product.first_edge[v]; e < product.first_edge[v + 1]; ++e) {
      const Edge& edge = product.edges[e];
      if (edge.kind != MoveKind::kStaleStep) continue;
      const MemberState& ms = product.states[v].member[edge.member];
      const StateId to = product.states[edge.to].member[edge.member].reported;
      if (!stale_seen.emplace(edge.member, ms.reported, ms.goal, ms.stale, to).second) continue;
      check.stale_steps.push_back(StaleStep{
          table.member_names()[edge.member], machine.state_name(ms.reported),
          machine.state_name(ms.goal), machine.state_name(ms.stale), machine.state_name(to)});
    }
  }

  // Pairs no member ever holds, listed apart; never wedges.
  std::set<std::pair<StateId, StateId>> held;
  for (const ProductState& s : product.states) {
    for (std::size_t m = 0; m < check.members; ++m)
      held.emplace(s.member[m].reported, s.member[m].goal);
  }
  for (std::size_t r = 0; r < machine.state_count(); ++r) {
    for (std::size_t g = 0; g < machine.state_count(); ++g) {
      const auto reported = static_cast<StateId>(r);
      const auto goal = static_cast<StateId>(g);
      if (held.contains({reported, goal})) continue;
      check.unreachable.push_back(
          UnreachablePair{machine.state_name(reported), machine.state_name(goal),
                          reported != goal && no_step(def, reported, goal)});
    }
  }
  UNWEDGE_ASSERT_LE(check.wedges.size(), check.wedge_count);
  return check;
}

std::string GoalCheck::describe() const {
  std::string text = fmt::format(
      "goal-driven '{}': {} members, {} reachable product states, {} moves, {} table cells read",
      name, members, product_states, product_edges, cells_checked);
  for (const std::string& e : errors)
    text += fmt::format("\n  error: {}", e);
  if (wedge_count > 0) text += fmt::format("\n  {} wedged product states", wedge_count);
  for (const GoalWedge& w : wedges) {
    text += fmt::format("\n  {}", w.message);
    // One way in full: the others of the same length differ in the order of
    // independent moves, and the reports carry them all.
    if (!w.paths.empty()) {
      text += fmt::format(
          "\n    shortest way ({} moves{}): {}", w.paths.front().size(),
          w.paths.size() > 1 ? fmt::format(", {} more of that length", w.paths.size() - 1) : "",
          fmt::join(w.paths.front(), "; "));
    }
  }
  if (!stale_steps.empty()) {
    text += fmt::format("\n  {} steps on a stale goal (harmless unless they lead to a wedge):",
                        stale_steps.size());
    for (const StaleStep& s : stale_steps) {
      text += fmt::format("\n    {} at {} with goal {} acts on {} -> {}", s.member, s.reported,
                          s.goal, s.stale, s.to);
    }
  }
  std::vector<std::string> stuck;
  for (const UnreachablePair& u : unreachable) {
    if (u.stuck) stuck.push_back(fmt::format("({}, {})", u.reported, u.goal));
  }
  text += fmt::format("\n  {} (reported, goal) pairs are never reached (not wedges)",
                      unreachable.size());
  if (!stuck.empty()) {
    text += fmt::format("; the keeper could not leave these, were they reached: {}",
                        fmt::join(stuck, ", "));
  }
  return text;
}

}  // namespace unwedge::core
