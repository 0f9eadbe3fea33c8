#include "core/machine.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <set>
#include <tuple>

#include "core/nearest_name.hpp"

namespace unwedge::core {

std::string did_you_mean(std::string_view name, std::span<const std::string> declared) {
  const std::optional<std::string_view> near = nearest_name(name, declared);
  return near ? fmt::format("; did you mean '{}'?", *near) : std::string();
}

const StateDef& MachineDef::state(StateId id) const {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(id), states_.size());
  return states_[id];
}

bool MachineDef::is_terminal(StateId id) const {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(id), terminal_.size());
  return terminal_[id];
}

std::vector<StateId> MachineDef::terminal_states() const {
  std::vector<StateId> result;
  for (std::size_t i = 0; i < terminal_.size(); ++i) {
    if (terminal_[i]) result.push_back(static_cast<StateId>(i));
  }
  return result;
}

std::optional<StateId> MachineDef::find_state(std::string_view name) const {
  for (std::size_t i = 0; i < states_.size(); ++i) {
    if (states_[i].name == name) return static_cast<StateId>(i);
  }
  return std::nullopt;
}

std::vector<std::string> MachineDef::state_names() const {
  std::vector<std::string> names;
  for (const StateDef& s : states_)
    names.push_back(s.name);
  return names;
}

std::optional<std::size_t> MachineDef::find_transition(StateId from, StateId to,
                                                       std::string_view cause) const {
  for (std::size_t i = 0; i < transitions_.size(); ++i) {
    const TransitionDef& t = transitions_[i];
    if (t.from == from && t.to == to && t.cause == cause) return i;
  }
  return std::nullopt;
}

Status MachineDef::check_transition(StateId from, StateId to, std::string_view cause) const {
  if (static_cast<std::size_t>(from) >= states_.size() ||
      static_cast<std::size_t>(to) >= states_.size()) {
    return Error{fmt::format("{}: state id {} or {} is out of range (machine has {} states)", name_,
                             from, to, states_.size())};
  }
  if (find_transition(from, to, cause)) return Status::Ok();

  std::vector<std::string> allowed;
  for (const TransitionDef& t : transitions_) {
    if (t.from == from) allowed.push_back(fmt::format("{} ({})", states_[t.to].name, t.cause));
  }
  std::string allowed_text = allowed.empty() ? std::string("nothing; it has no way out")
                                             : fmt::format("{}", fmt::join(allowed, ", "));
  return Error{fmt::format(
      "{}: {} -> {} on '{}' is not in the transition table; from {} the "
      "table allows {}",
      name_, states_[from].name, states_[to].name, cause, states_[from].name, allowed_text)};
}

MachineDef::Builder::Builder(std::string name) : name_(std::move(name)) {}

MachineDef::Builder& MachineDef::Builder::state(std::string name, StateTraits traits) {
  states_.push_back(StateDef{std::move(name), traits});
  return *this;
}

MachineDef::Builder& MachineDef::Builder::transition(std::string from, std::string to,
                                                     std::string cause) {
  transitions_.push_back(PendingTransition{std::move(from), std::move(to), std::move(cause)});
  return *this;
}

MachineDef::Builder& MachineDef::Builder::initial(std::string name) {
  initial_ = std::move(name);
  return *this;
}

MachineDef::Builder& MachineDef::Builder::terminal(std::string name) {
  terminal_.push_back(std::move(name));
  return *this;
}

Result<MachineDef> MachineDef::Builder::build() const {
  std::vector<std::string> problems;
  MachineDef def;
  def.name_ = name_;
  def.states_ = states_;
  def.terminal_.assign(states_.size(), false);

  if (name_.empty()) problems.push_back("the machine has no name");
  if (states_.empty()) problems.push_back("it declares no states");
  if (states_.size() > kMaxStates) {
    problems.push_back(fmt::format(
        "it declares {} states; a machine holds at most {} (kMaxStates): split it into machines "
        "of fewer states",
        states_.size(), kMaxStates));
  }
  // Resolving by map keeps build() linear for machines of thousands of
  // states; the first declaration of a name wins, as find_state() has it.
  std::map<std::string_view, StateId> ids;
  for (std::size_t i = 0; i < states_.size(); ++i) {
    const StateDef& s = states_[i];
    if (s.name.empty()) problems.push_back("a state has an empty name");
    if (!ids.emplace(s.name, static_cast<StateId>(i)).second) {
      problems.push_back(fmt::format("state '{}' is declared twice", s.name));
    }
    if (s.traits.dwell_max_us && *s.traits.dwell_max_us <= 0) {
      problems.push_back(fmt::format("state '{}' has a maximum dwell of {} us; it must be positive",
                                     s.name, *s.traits.dwell_max_us));
    }
  }

  const std::vector<std::string> declared = def.state_names();
  auto resolve = [&](const std::string& state, std::string_view role) -> std::optional<StateId> {
    auto it = ids.find(state);
    if (it == ids.end()) {
      problems.push_back(fmt::format("{} '{}' is not a declared state{}", role, state,
                                     did_you_mean(state, declared)));
      return std::nullopt;
    }
    return it->second;
  };

  std::set<std::tuple<StateId, StateId, std::string_view>> edges;
  for (const PendingTransition& t : transitions_) {
    std::optional<StateId> from = resolve(t.from, "transition source");
    std::optional<StateId> to = resolve(t.to, "transition target");
    if (t.cause.empty()) {
      problems.push_back(fmt::format("transition {} -> {} has no cause", t.from, t.to));
    }
    if (!from || !to) continue;
    if (*from == *to) {
      problems.push_back(
          fmt::format("transition {} -> {} ('{}') does not change state", t.from, t.to, t.cause));
      continue;
    }
    if (!edges.emplace(*from, *to, t.cause).second) {
      problems.push_back(
          fmt::format("transition {} -> {} ('{}') is declared twice", t.from, t.to, t.cause));
      continue;
    }
    def.transitions_.push_back(TransitionDef{*from, *to, t.cause});
  }

  if (!initial_) {
    problems.push_back("no initial state; call initial(\"name\")");
  } else if (std::optional<StateId> id = resolve(*initial_, "initial state")) {
    def.initial_ = *id;
  }
  for (const std::string& t : terminal_) {
    if (std::optional<StateId> id = resolve(t, "terminal state")) def.terminal_[*id] = true;
  }
  for (std::size_t i = 0; i < states_.size(); ++i) {
    if (!states_[i].traits.leave_on_request || def.terminal_[i]) continue;
    problems.push_back(fmt::format(
        "state '{}' may be left on request (leave_on_request) but is not declared terminal; "
        "declare it with terminal(\"{}\"), or drop leave_on_request if it is not an end",
        states_[i].name, states_[i].name));
  }

  if (!problems.empty()) {
    return Error{fmt::format("machine '{}' is invalid: {}", name_, fmt::join(problems, "; "))};
  }
  return def;
}

}  // namespace unwedge::core
