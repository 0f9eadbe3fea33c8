// DecisionTable: a transducer from (entity state, signals) to one action.
//
// Operators, customers and telemetry only raise signals; the table decides
// what the control plane does about them. A rule reads
//   when {signals} unless {signals} in {states} -> action @priority
// and the highest-priority matching rule wins. Combinations that must never
// happen (a follower asked to be promoted and deprovisioned at once) are
// declared invalid. Because a table has at most 16 signals, the analysis in
// decision_analysis.hpp enumerates every (state, signal subset) cell and
// proves the table deterministic and complete.
//
//   Result<DecisionTable> table = DecisionTable::Builder("replica_link", link_machine)
//       .signals({"NeedsPromote", "NeedsUnfollow", "StandbyLagging"})
//       .actions({"Promote", "Unfollow"})
//       .rule({.name = "unfollow", .when = {"NeedsUnfollow"}, .action = "Unfollow",
//              .priority = 90})
//       .rule({.name = "promote", .when = {"NeedsPromote"}, .unless = {"StandbyLagging"},
//              .in = {"following"}, .action = "Promote", .priority = 50})
//       .rule({.name = "idle", .priority = 0})  // no action: explicitly do nothing
//       .invalid({"NeedsPromote", "NeedsUnfollow"}, "promote and unfollow conflict")
//       .build();
//   Decision d = table->decide(state, signals);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine.hpp"
#include "core/result.hpp"
#include "core/signal_set.hpp"

namespace unwedge::core {

using ActionId = std::uint16_t;

struct Rule {
  std::string name;
  SignalSet when;    // all of these must be raised
  SignalSet unless;  // none of these may be raised
  StateSet in;       // the entity must be in one of these states
  // The action to schedule; nullopt means "explicitly do nothing".
  std::optional<ActionId> action;
  int priority = 0;  // higher wins

  bool matches(StateId state, SignalSet signals) const {
    return in.contains(state) && matches_signals(signals);
  }
  bool matches_signals(SignalSet signals) const {
    return signals.contains_all(when) && !signals.intersects(unless);
  }
};

struct InvalidCombination {
  SignalSet signals;  // invalid when all of these are raised together
  StateSet in;        // in any of these states
  std::string why;
};

enum class DecisionKind {
  kAct,        // schedule `action`
  kNothing,    // a rule matched and says to do nothing
  kUncovered,  // no rule matched and no invalid combination applies: a gap
  kInvalid,    // the signals form a declared invalid combination
  kConflict,   // the best-priority matching rules disagree
};

struct Decision {
  DecisionKind kind = DecisionKind::kUncovered;
  std::optional<ActionId> action;  // set for kAct
  std::vector<std::size_t> rules;  // all best-priority matches: agreeing (kAct, kNothing) or tied
  std::optional<std::size_t> invalid;  // index of the invalid combination (kInvalid)

  friend bool operator==(const Decision&, const Decision&) = default;
};

// A cell by name rather than by id: what output read by tools and people
// carries, so it means the same after the table is edited.
struct NamedCell {
  std::string state;
  std::vector<std::string> signals;  // in catalogue order

  friend bool operator==(const NamedCell&, const NamedCell&) = default;
};

class DecisionTable {
 public:
  class Builder;

  const std::string& name() const { return name_; }
  const MachineDef& machine() const { return *machine_; }
  std::span<const std::string> signal_names() const { return signal_names_; }
  std::span<const std::string> action_names() const { return action_names_; }
  std::span<const Rule> rules() const { return rules_; }
  std::span<const InvalidCombination> invalid_combinations() const { return invalid_; }

  std::optional<SignalId> find_signal(std::string_view name) const;
  std::optional<ActionId> find_action(std::string_view name) const;
  const std::string& action_name(ActionId id) const;
  // Every signal of the catalogue, as a set.
  SignalSet all_signals() const;
  // The named signals / states as a set; asserts that every name exists
  // (for code and tests that name them literally).
  SignalSet signals_named(std::initializer_list<std::string_view> names) const;
  StateSet states_named(std::initializer_list<std::string_view> names) const;

  // Decides for one cell. Invalid combinations are checked first; then the
  // matching rules of the highest priority must agree.
  Decision decide(StateId state, SignalSet signals) const;

  // "in following with {NeedsPromote, StandbyLagging}"
  std::string describe_cell(StateId state, SignalSet signals) const;
  std::string describe_signals(SignalSet signals) const;
  NamedCell name_cell(StateId state, SignalSet signals) const;
  // "act Promote (rule promote)", "conflict between rules a and b", ...
  std::string describe(const Decision& decision) const;

 private:
  DecisionTable() = default;

  std::string name_;
  const MachineDef* machine_ = nullptr;
  std::vector<std::string> signal_names_;
  std::vector<std::string> action_names_;
  std::vector<Rule> rules_;
  std::vector<InvalidCombination> invalid_;
};

// Rules are written by name and resolved in build(), which reports every
// unknown signal, state or action at once.
class DecisionTable::Builder {
 public:
  struct RuleSpec {
    std::string name;  // empty: named "rule#<index>" (its index in rules())
    std::vector<std::string> when;
    std::vector<std::string> unless;
    std::vector<std::string> in;  // empty: every state
    std::string action;           // empty: explicitly do nothing
    int priority = 0;
  };

  // The machine must outlive the table.
  Builder(std::string name, const MachineDef& machine);

  Builder& signals(std::vector<std::string> names);
  Builder& actions(std::vector<std::string> names);
  Builder& rule(RuleSpec spec);
  // `in` empty: in every state.
  Builder& invalid(std::vector<std::string> signals, std::string why,
                   std::vector<std::string> in = {});

  Result<DecisionTable> build() const;

 private:
  struct InvalidSpec {
    std::vector<std::string> signals;
    std::string why;
    std::vector<std::string> in;
  };

  std::string name_;
  const MachineDef* machine_;
  std::vector<std::string> signals_;
  std::vector<std::string> actions_;
  std::vector<RuleSpec> rules_;
  std::vector<InvalidSpec> invalid_;
};

}  // namespace unwedge::core
