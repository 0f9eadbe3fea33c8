// MachineDef: a state machine declared as data.
//
// A control plane describes each entity kind (a service, a server, a replica
// link, a certificate) as a machine: named states, each healthy or not and
// stable or not with an optional maximum dwell time, and a table of allowed
// transitions (from, to, cause). The table is the contract the runtime
// enforces (MachineInstance), the model checks analyse (model_check.hpp) and
// the simulator's checkers hold every run to.
//
//   Result<MachineDef> link = MachineDef::Builder("replica_link")
//       .state("following", {.healthy = true, .stable = true})
//       .state("promoting", {.dwell_max_us = 5 * kMinute})
//       .state("promoted", {.healthy = true, .stable = true})
//       .transition("following", "promoting", "promote_requested")
//       .transition("promoting", "promoted", "promote_done")
//       .initial("following")
//       .terminal("promoted")
//       .build();
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace unwedge::core {

using StateId = std::uint16_t;

// The most states a machine holds. An entity's own machine has a dozen; the
// product of two or three entities' machines, checked as one MachineDef, has
// hundreds to a few thousand. StateSet keeps states below 64 in one inline
// word, so tables over small machines pay nothing for the larger limit.
inline constexpr std::size_t kMaxStates = 4096;

struct StateTraits {
  bool healthy = false;
  bool stable = false;
  // Longest time an entity may stay in this state; none means unbounded.
  std::optional<TimeUs> dwell_max_us;
  // The bound holds even while faults last: the control plane leaves this
  // state on its own timer, whatever the world does (a state entered to
  // decide something, like "uncertain"). Other bounds are judged only once
  // the world is quiet, since a fault may rightly hold an entity where it is.
  bool bound_holds_during_faults = false;
  // A terminal state an entity may be brought back from on request: a
  // dropped node that an operator may re-add, a deleted database restorable
  // for a while. It is an intended end (safe, nothing need leave it), yet its
  // transitions out are part of the contract, not a mistake, so the model
  // checks do not report them. Only a declared terminal state may carry it;
  // the builder refuses it on any other, since there it would mean nothing.
  bool leave_on_request = false;
  // Why the state is healthy or not, stable or not, and bounded as it is:
  // the sentence the generated documentation prints beside it.
  std::string why;
};

struct StateDef {
  std::string name;
  StateTraits traits;

  bool healthy() const { return traits.healthy; }
  bool stable() const { return traits.stable; }
  bool safe() const { return traits.healthy && traits.stable; }
};

struct TransitionDef {
  StateId from;
  StateId to;
  std::string cause;
};

class MachineDef {
 public:
  class Builder;

  const std::string& name() const { return name_; }
  std::size_t state_count() const { return states_.size(); }
  std::span<const StateDef> states() const { return states_; }
  const StateDef& state(StateId id) const;
  const std::string& state_name(StateId id) const { return state(id).name; }
  std::span<const TransitionDef> transitions() const { return transitions_; }

  StateId initial() const { return initial_; }
  bool is_terminal(StateId id) const;
  std::vector<StateId> terminal_states() const;

  std::optional<StateId> find_state(std::string_view name) const;
  // Every state's name, in declaration order (StateId order).
  std::vector<std::string> state_names() const;
  // The index of the transition (from, to, cause), if the table has it.
  std::optional<std::size_t> find_transition(StateId from, StateId to,
                                             std::string_view cause) const;
  // Ok when (from, to, cause) is in the table; otherwise an error that names
  // the machine, both states, the cause and what the table allows from `from`.
  Status check_transition(StateId from, StateId to, std::string_view cause) const;

 private:
  MachineDef() = default;

  std::string name_;
  std::vector<StateDef> states_;
  std::vector<TransitionDef> transitions_;
  std::vector<bool> terminal_;
  StateId initial_ = 0;
};

// Collects states and transitions by name and resolves them in build(), which
// reports every mistake at once (unknown names, duplicates, no initial state).
class MachineDef::Builder {
 public:
  explicit Builder(std::string name);

  Builder& state(std::string name, StateTraits traits = {});
  Builder& transition(std::string from, std::string to, std::string cause);
  Builder& initial(std::string name);
  Builder& terminal(std::string name);

  Result<MachineDef> build() const;

 private:
  struct PendingTransition {
    std::string from;
    std::string to;
    std::string cause;
  };

  std::string name_;
  std::vector<StateDef> states_;
  std::vector<PendingTransition> transitions_;
  std::vector<std::string> terminal_;
  std::optional<std::string> initial_;
};

// "; did you mean 'draining'?" when `name` is a near miss (a typo, a case
// slip) of exactly the kind a reader would recognise among `declared`, and ""
// otherwise: a far-fetched guess misleads more than no guess. Every builder
// and check that reports an unknown name appends it.
std::string did_you_mean(std::string_view name, std::span<const std::string> declared);

}  // namespace unwedge::core
