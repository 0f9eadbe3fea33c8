#include "core/decision_table.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace unwedge::core {
namespace {

// The name a decision shows for what a rule does, shared by conflict texts.
std::string rule_effect(const DecisionTable& table, const Rule& rule) {
  return rule.action ? table.action_name(*rule.action) : std::string("do nothing");
}

std::string rule_list(const DecisionTable& table, const std::vector<std::size_t>& rules) {
  UNWEDGE_ASSERT(!rules.empty());
  std::vector<std::string_view> names;
  for (std::size_t r : rules)
    names.push_back(table.rules()[r].name);
  return fmt::format("{} {}", rules.size() == 1 ? "rule" : "rules", fmt::join(names, ", "));
}

// "a (Promote) and b (Unfollow)": every tied rule with what it wants, so the
// reader sees the disagreement without opening the table.
std::string conflict_text(const DecisionTable& table, const std::vector<std::size_t>& rules) {
  UNWEDGE_ASSERT_LE(std::size_t{2}, rules.size());
  std::vector<std::string> parts;
  for (std::size_t r : rules) {
    const Rule& rule = table.rules()[r];
    parts.push_back(fmt::format("{} ({})", rule.name, rule_effect(table, rule)));
  }
  std::string last = parts.back();
  parts.pop_back();
  return fmt::format("conflict: rules {} and {} at priority {} disagree", fmt::join(parts, ", "),
                     last, table.rules()[rules.front()].priority);
}

// Declared names must be unique and non-empty: rules refer to them by name.
void check_names(const std::vector<std::string>& names, std::string_view kind,
                 std::vector<std::string>& problems) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) problems.push_back(fmt::format("{} #{} has an empty name", kind, i));
    if (!names[i].empty() && !seen.insert(names[i]).second) {
      problems.push_back(fmt::format("{} '{}' is declared twice", kind, names[i]));
    }
  }
}

}  // namespace

std::optional<SignalId> DecisionTable::find_signal(std::string_view name) const {
  for (std::size_t i = 0; i < signal_names_.size(); ++i) {
    if (signal_names_[i] == name) return static_cast<SignalId>(i);
  }
  return std::nullopt;
}

std::optional<ActionId> DecisionTable::find_action(std::string_view name) const {
  for (std::size_t i = 0; i < action_names_.size(); ++i) {
    if (action_names_[i] == name) return static_cast<ActionId>(i);
  }
  return std::nullopt;
}

const std::string& DecisionTable::action_name(ActionId id) const {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(id), action_names_.size());
  return action_names_[id];
}

SignalSet DecisionTable::all_signals() const {
  UNWEDGE_ASSERT_LE(signal_names_.size(), kMaxSignals);
  return SignalSet::from_bits((std::uint32_t{1} << signal_names_.size()) - 1);
}

SignalSet DecisionTable::signals_named(std::initializer_list<std::string_view> names) const {
  SignalSet set;
  for (std::string_view name : names) {
    std::optional<SignalId> id = find_signal(name);
    UNWEDGE_ASSERT_MSG(id.has_value(), "table '{}' has no signal '{}'", name_, name);
    set = set.with(*id);
  }
  return set;
}

StateSet DecisionTable::states_named(std::initializer_list<std::string_view> names) const {
  StateSet set;
  for (std::string_view name : names) {
    std::optional<StateId> id = machine().find_state(name);
    UNWEDGE_ASSERT_MSG(id.has_value(), "machine '{}' of table '{}' has no state '{}'",
                       machine().name(), name_, name);
    set.insert(*id);
  }
  return set;
}

namespace {

// Whether a state set holds the decided state. decide() asks it of every
// rule, so which word to read is settled once per call, by type: a state
// below 64 (every state of an entity's own machine) reads the inline word.
struct InFirstWord {
  std::uint64_t mask;
  bool operator()(const StateSet& in) const { return (in.word(0) & mask) != 0; }
};
struct InAnyWord {
  StateId state;
  bool operator()(const StateSet& in) const { return in.contains(state); }
};

// Invalid combinations are checked first; then the matching rules of the
// highest priority must agree.
template <class HoldsState>
Decision decide_cell(std::span<const Rule> rules, std::span<const InvalidCombination> invalid,
                     SignalSet signals, HoldsState holds_state) {
  Decision decision;
  for (std::size_t i = 0; i < invalid.size(); ++i) {
    if (holds_state(invalid[i].in) && signals.contains_all(invalid[i].signals)) {
      decision.kind = DecisionKind::kInvalid;
      decision.invalid = i;
      return decision;
    }
  }

  // Collect every matching rule of the highest priority seen so far; a higher
  // one restarts the collection.
  std::vector<std::size_t>& best = decision.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!holds_state(rules[i].in) || !rules[i].matches_signals(signals)) continue;
    if (!best.empty() && rules[i].priority < rules[best.front()].priority) continue;
    if (!best.empty() && rules[i].priority > rules[best.front()].priority) best.clear();
    best.push_back(i);
  }
  if (best.empty()) {
    decision.kind = DecisionKind::kUncovered;
    return decision;
  }

  const std::optional<ActionId> action = rules[best.front()].action;
  bool agree = std::all_of(best.begin(), best.end(),
                           [&](std::size_t r) { return rules[r].action == action; });
  if (!agree) {
    decision.kind = DecisionKind::kConflict;
  } else if (action) {
    decision.kind = DecisionKind::kAct;
    decision.action = action;
  } else {
    decision.kind = DecisionKind::kNothing;
  }
  return decision;
}

}  // namespace

Decision DecisionTable::decide(StateId state, SignalSet signals) const {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(state), machine().state_count());
  UNWEDGE_ASSERT_MSG(all_signals().contains_all(signals), "signal bits {:#x} outside table '{}'",
                     signals.bits(), name_);
  if (state < 64) {
    return decide_cell(rules_, invalid_, signals, InFirstWord{std::uint64_t{1} << state});
  }
  return decide_cell(rules_, invalid_, signals, InAnyWord{state});
}

std::string DecisionTable::describe_signals(SignalSet signals) const {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < kMaxSignals; ++i) {
    if (!signals.contains(static_cast<SignalId>(i))) continue;
    UNWEDGE_ASSERT_LT(i, signal_names_.size());
    names.push_back(signal_names_[i]);
  }
  return fmt::format("{{{}}}", fmt::join(names, ", "));
}

NamedCell DecisionTable::name_cell(StateId state, SignalSet signals) const {
  NamedCell cell{.state = machine().state_name(state), .signals = {}};
  for (std::size_t i = 0; i < signal_names_.size(); ++i) {
    if (signals.contains(static_cast<SignalId>(i))) cell.signals.push_back(signal_names_[i]);
  }
  UNWEDGE_ASSERT_EQ(cell.signals.size(), static_cast<std::size_t>(signals.size()));
  return cell;
}

std::string DecisionTable::describe_cell(StateId state, SignalSet signals) const {
  return fmt::format("in {} with {}", machine().state_name(state), describe_signals(signals));
}

std::string DecisionTable::describe(const Decision& decision) const {
  switch (decision.kind) {
    case DecisionKind::kAct:
      UNWEDGE_ASSERT(decision.action.has_value());
      return fmt::format("act {} ({})", action_name(*decision.action),
                         rule_list(*this, decision.rules));
    case DecisionKind::kNothing:
      return fmt::format("do nothing ({})", rule_list(*this, decision.rules));
    case DecisionKind::kUncovered:
      return "uncovered: no rule matches";
    case DecisionKind::kInvalid:
      UNWEDGE_ASSERT(decision.invalid.has_value());
      UNWEDGE_ASSERT_LT(*decision.invalid, invalid_.size());
      return fmt::format("invalid: {}", invalid_[*decision.invalid].why);
    case DecisionKind::kConflict:
      return conflict_text(*this, decision.rules);
  }
  UNWEDGE_ASSERT_MSG(false, "unknown decision kind {}", static_cast<int>(decision.kind));
  return {};
}

DecisionTable::Builder::Builder(std::string name, const MachineDef& machine)
    : name_(std::move(name)), machine_(&machine) {}

DecisionTable::Builder& DecisionTable::Builder::signals(std::vector<std::string> names) {
  signals_.insert(signals_.end(), names.begin(), names.end());
  return *this;
}

DecisionTable::Builder& DecisionTable::Builder::actions(std::vector<std::string> names) {
  actions_.insert(actions_.end(), names.begin(), names.end());
  return *this;
}

DecisionTable::Builder& DecisionTable::Builder::rule(RuleSpec spec) {
  rules_.push_back(std::move(spec));
  return *this;
}

DecisionTable::Builder& DecisionTable::Builder::invalid(std::vector<std::string> signals,
                                                        std::string why,
                                                        std::vector<std::string> in) {
  invalid_.push_back(InvalidSpec{std::move(signals), std::move(why), std::move(in)});
  return *this;
}

namespace {

// Resolves names against a half-built table and collects every problem, so
// build() can report all of them at once.
struct Resolver {
  const DecisionTable& table;
  std::vector<std::string>& problems;

  SignalSet signals(const std::vector<std::string>& names, std::string_view where) {
    SignalSet set;
    for (const std::string& name : names) {
      std::optional<SignalId> id = table.find_signal(name);
      if (!id) {
        problems.push_back(fmt::format("{} names unknown signal '{}'{}", where, name,
                                       did_you_mean(name, table.signal_names())));
      } else if (*id < kMaxSignals) {  // beyond it, "too many signals" is already reported
        set = set.with(*id);
      }
    }
    return set;
  }

  // Empty means every state of the machine.
  StateSet states(const std::vector<std::string>& names, std::string_view where) {
    if (names.empty()) return StateSet::all(table.machine().state_count());
    StateSet set;
    for (const std::string& name : names) {
      std::optional<StateId> id = table.machine().find_state(name);
      if (!id) {
        problems.push_back(fmt::format("{} names unknown state '{}' (machine '{}'){}", where, name,
                                       table.machine().name(),
                                       did_you_mean(name, table.machine().state_names())));
      } else {
        set.insert(*id);
      }
    }
    return set;
  }

  // An unnamed rule is called by its index, the number decisions report.
  Rule rule(const DecisionTable::Builder::RuleSpec& spec, std::size_t index) {
    Rule rule;
    rule.name = spec.name.empty() ? fmt::format("rule#{}", index) : spec.name;
    const std::string where = fmt::format("rule '{}'", rule.name);
    rule.when = signals(spec.when, where);
    rule.unless = signals(spec.unless, where);
    rule.in = states(spec.in, where);
    rule.priority = spec.priority;
    if (rule.when.intersects(rule.unless)) {
      problems.push_back(fmt::format("{} can never match: {} is in both when and unless", where,
                                     table.describe_signals(rule.when & rule.unless)));
    }
    if (!spec.action.empty()) {
      rule.action = table.find_action(spec.action);
      if (!rule.action) {
        problems.push_back(fmt::format("{} names unknown action '{}'{}", where, spec.action,
                                       did_you_mean(spec.action, table.action_names())));
      }
    }
    return rule;
  }
};

}  // namespace

Result<DecisionTable> DecisionTable::Builder::build() const {
  std::vector<std::string> problems;
  DecisionTable table;
  table.name_ = name_;
  table.machine_ = machine_;
  table.signal_names_ = signals_;
  table.action_names_ = actions_;

  if (name_.empty()) problems.push_back("the table has no name");
  if (signals_.size() > kMaxSignals) {
    problems.push_back(fmt::format("it declares {} signals; at most {} are supported",
                                   signals_.size(), kMaxSignals));
  }
  check_names(signals_, "signal", problems);
  check_names(actions_, "action", problems);

  Resolver resolve{table, problems};
  std::set<std::string_view> rule_names;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    table.rules_.push_back(resolve.rule(rules_[i], i));
    if (!rules_[i].name.empty() && !rule_names.insert(rules_[i].name).second) {
      problems.push_back(fmt::format("rule '{}' is declared twice", rules_[i].name));
    }
  }

  for (const InvalidSpec& spec : invalid_) {
    const std::string where = fmt::format("invalid combination '{}'", spec.why);
    if (spec.signals.empty()) {
      problems.push_back(fmt::format("{} names no signals; it would forbid every cell", where));
    }
    table.invalid_.push_back(InvalidCombination{resolve.signals(spec.signals, where),
                                                resolve.states(spec.in, where), spec.why});
  }

  if (!problems.empty()) {
    return Error{
        fmt::format("decision table '{}' is invalid: {}", name_, fmt::join(problems, "; "))};
  }
  return table;
}

}  // namespace unwedge::core
