// builder_fuzzer: searches for definitions on which MachineDef::Builder or
// DecisionTable::Builder crashes, aborts, accepts something invalid or
// refuses something valid.
//
// The input is a script of builder calls with arbitrary names: empty,
// duplicated, unknown, raw bytes, long; an op repeats the last declaration,
// bulk declarations push past kMaxStates and 16 signals, dwell bounds and
// priorities take any value (the byte layout is spelled out in
// make_seeds.sh). build() must return either an object or an Error with a
// message, and which of the two is predicted by an independent reading of
// the rules the builders document (names unique and non-empty, every
// reference resolves, no self-loop or duplicate transition, an initial state,
// at most kMaxStates states and 16 signals, only a declared terminal left on
// request, no signal in both when and unless, no empty invalid combination).
// An accepted object must hold what was declared, and is then run through the
// model checks and, when small, the table analysis.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/assert.hpp"
#include "core/decision_analysis.hpp"
#include "core/decision_table.hpp"
#include "core/machine.hpp"
#include "core/model_check.hpp"
#include "core/signal_set.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using unwedge::core::DecisionTable;
using unwedge::core::MachineDef;
using unwedge::core::StateTraits;
using unwedge::fuzz::FuzzInput;

constexpr std::size_t kOpsMax = 64;
// One bulk declaration passes kMaxStates.
constexpr std::size_t kBulkMax = unwedge::core::kMaxStates + 16;
constexpr std::size_t kCellsMax = 4096;  // the largest table analysed per input

// Mostly names from a pool of four, so that references resolve and collide,
// and a definition is often valid but for one mistake.
std::string draw_name(FuzzInput& in, std::string_view prefix) {
  switch (in.byte() % 8) {
    case 0:
      return {};
    case 1: {
      std::string raw(in.range(0, 12), '\0');
      for (char& c : raw)
        c = static_cast<char>(in.byte());
      return raw;
    }
    case 2:
      return std::string(in.range(1, 256), static_cast<char>(in.byte()));
    default:
      return fmt::format("{}{}", prefix, in.range(0, 3));
  }
}

std::vector<std::string> draw_names(FuzzInput& in, std::string_view prefix, std::size_t max) {
  std::vector<std::string> names(in.range(0, max));
  for (std::string& name : names)
    name = draw_name(in, prefix);
  return names;
}

// Index of the first element equal to `name`: how both builders resolve.
std::optional<std::size_t> find(const std::vector<std::string>& names, std::string_view name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

bool unique_and_named(const std::vector<std::string>& names) {
  std::set<std::string_view> seen;
  for (const std::string& name : names) {
    if (name.empty() || !seen.insert(name).second) return false;
  }
  return true;
}

bool all_resolve(const std::vector<std::string>& names, const std::vector<std::string>& declared) {
  return std::all_of(names.begin(), names.end(),
                     [&](const std::string& name) { return find(declared, name).has_value(); });
}

struct MachineScript {
  struct Transition {
    std::string from;
    std::string to;
    std::string cause;
  };
  std::string name;
  std::vector<std::string> states;
  std::vector<StateTraits> traits;
  std::vector<Transition> transitions;
  std::optional<std::string> initial;  // the last initial() call wins
  std::vector<std::string> terminal;
};

StateTraits draw_traits(FuzzInput& in) {
  const std::uint8_t flags = in.byte();
  StateTraits traits{.healthy = (flags & 1U) != 0,
                     .stable = (flags & 2U) != 0,
                     .leave_on_request = (flags & 8U) != 0};
  if ((flags & 4U) != 0) traits.dwell_max_us = static_cast<std::int64_t>(in.range(0, UINT64_MAX));
  return traits;
}

// Repeating the last declaration is an op of its own: duplicates are a
// mistake the builder must catch, and unlikely to be drawn twice by chance.
void repeat_last(FuzzInput& in, MachineScript& script) {
  if (in.boolean() && !script.transitions.empty()) {
    script.transitions.push_back(script.transitions.back());
  } else if (!script.states.empty()) {
    script.states.push_back(script.states.back());
    script.traits.push_back(script.traits.back());
  }
}

MachineScript draw_machine_script(FuzzInput& in) {
  MachineScript script;
  script.name = draw_name(in, "m");
  for (std::size_t op = 0; op < kOpsMax && !in.empty(); ++op) {
    switch (in.byte() % 8) {
      case 0:
      case 1:
        script.states.push_back(draw_name(in, "s"));
        script.traits.push_back(draw_traits(in));
        break;
      case 2: {
        std::string from = draw_name(in, "s");
        std::string to = draw_name(in, "s");
        script.transitions.push_back({std::move(from), std::move(to), draw_name(in, "c")});
        break;
      }
      case 3:
        script.initial = draw_name(in, "s");
        break;
      case 4:
        script.terminal.push_back(draw_name(in, "s"));
        break;
      case 5: {
        const std::size_t count = in.range(1, kBulkMax);
        for (std::size_t i = 0; i < count; ++i) {
          script.states.push_back(fmt::format("b{}", i));
          script.traits.push_back(StateTraits{.healthy = true, .stable = true});
        }
        break;
      }
      case 6:
        repeat_last(in, script);
        break;
      default:
        return script;
    }
  }
  return script;
}

bool machine_valid(const MachineScript& script) {
  if (script.name.empty()) return false;
  if (script.states.empty() || script.states.size() > unwedge::core::kMaxStates) return false;
  if (!unique_and_named(script.states)) return false;
  for (const StateTraits& traits : script.traits) {
    if (traits.dwell_max_us && *traits.dwell_max_us <= 0) return false;
  }
  std::set<std::tuple<std::size_t, std::size_t, std::string_view>> edges;
  for (const auto& t : script.transitions) {
    const std::optional<std::size_t> from = find(script.states, t.from);
    const std::optional<std::size_t> to = find(script.states, t.to);
    if (!from || !to || t.cause.empty() || *from == *to) return false;
    if (!edges.emplace(*from, *to, t.cause).second) return false;
  }
  if (!script.initial || !find(script.states, *script.initial)) return false;
  // Only a declared terminal may be left on request.
  const std::set<std::string_view> terminal(script.terminal.begin(), script.terminal.end());
  for (std::size_t i = 0; i < script.states.size(); ++i) {
    if (script.traits[i].leave_on_request && terminal.count(script.states[i]) == 0) return false;
  }
  return all_resolve(script.terminal, script.states);
}

MachineDef::Builder machine_builder(const MachineScript& script) {
  MachineDef::Builder builder(script.name);
  for (std::size_t i = 0; i < script.states.size(); ++i)
    builder.state(script.states[i], script.traits[i]);
  for (const auto& t : script.transitions)
    builder.transition(t.from, t.to, t.cause);
  if (script.initial) builder.initial(*script.initial);
  for (const std::string& name : script.terminal)
    builder.terminal(name);
  return builder;
}

void check_machine(const MachineScript& script, const MachineDef& machine) {
  UNWEDGE_ASSERT_EQ(machine.name(), script.name);
  UNWEDGE_ASSERT_EQ(machine.state_count(), script.states.size());
  for (std::size_t i = 0; i < script.states.size(); ++i) {
    const auto id = static_cast<unwedge::core::StateId>(i);
    UNWEDGE_ASSERT_EQ(machine.state_name(id), script.states[i]);
    UNWEDGE_ASSERT_EQ(machine.is_terminal(id), find(script.terminal, script.states[i]).has_value());
    UNWEDGE_ASSERT_EQ(machine.state(id).traits.leave_on_request, script.traits[i].leave_on_request);
  }
  UNWEDGE_ASSERT_EQ(machine.state_name(machine.initial()), *script.initial);
  UNWEDGE_ASSERT_EQ(machine.transitions().size(), script.transitions.size());
  for (std::size_t i = 0; i < script.transitions.size(); ++i) {
    const auto& t = machine.transitions()[i];
    UNWEDGE_ASSERT_EQ(machine.state_name(t.from), script.transitions[i].from);
    UNWEDGE_ASSERT_EQ(machine.state_name(t.to), script.transitions[i].to);
    UNWEDGE_ASSERT_EQ(t.cause, script.transitions[i].cause);
    UNWEDGE_ASSERT(machine.check_transition(t.from, t.to, t.cause).ok());
  }
  const unwedge::core::ModelReport report = unwedge::core::check_model(machine);
  UNWEDGE_ASSERT_EQ(report.witness.size(), machine.state_count());
  UNWEDGE_ASSERT(!unwedge::core::to_dot(machine).empty());
}

struct TableScript {
  struct Invalid {
    std::vector<std::string> signals;
    std::string why;
    std::vector<std::string> in;
  };
  std::string name;
  std::vector<std::string> signals;
  std::vector<std::string> actions;
  std::vector<DecisionTable::Builder::RuleSpec> rules;
  std::vector<Invalid> invalid;
};

DecisionTable::Builder::RuleSpec draw_rule(FuzzInput& in) {
  DecisionTable::Builder::RuleSpec rule;
  rule.name = in.boolean() ? draw_name(in, "r") : std::string();
  rule.when = draw_names(in, "g", 3);
  rule.unless = draw_names(in, "g", 2);
  rule.in = draw_names(in, "s", 2);
  rule.action = in.boolean() ? draw_name(in, "a") : std::string();
  rule.priority = static_cast<int>(static_cast<std::int32_t>(in.range(0, UINT32_MAX)));
  return rule;
}

void repeat_last(FuzzInput& in, TableScript& script) {
  if (in.boolean() && !script.rules.empty()) {
    script.rules.push_back(script.rules.back());
  } else if (!script.signals.empty()) {
    script.signals.push_back(script.signals.back());
  }
}

TableScript draw_table_script(FuzzInput& in) {
  TableScript script;
  script.name = draw_name(in, "t");
  for (std::size_t op = 0; op < kOpsMax && !in.empty(); ++op) {
    switch (in.byte() % 8) {
      case 0:
        for (std::string& name : draw_names(in, "g", 4))
          script.signals.push_back(std::move(name));
        break;
      case 1: {
        const std::size_t count = in.range(1, 20);  // one bulk declaration passes kMaxSignals
        for (std::size_t i = 0; i < count; ++i)
          script.signals.push_back(fmt::format("x{}", i));
        break;
      }
      case 2:
        for (std::string& name : draw_names(in, "a", 3))
          script.actions.push_back(std::move(name));
        break;
      case 3:
      case 4:
        script.rules.push_back(draw_rule(in));
        break;
      case 5: {
        std::vector<std::string> signals = draw_names(in, "g", 3);
        std::string why = draw_name(in, "w");
        script.invalid.push_back({std::move(signals), std::move(why), draw_names(in, "s", 2)});
        break;
      }
      case 6:
        repeat_last(in, script);
        break;
      default:
        return script;
    }
  }
  return script;
}

bool rule_valid(const DecisionTable::Builder::RuleSpec& rule, const TableScript& script,
                const std::vector<std::string>& states) {
  if (!all_resolve(rule.when, script.signals) || !all_resolve(rule.unless, script.signals)) {
    return false;
  }
  if (!all_resolve(rule.in, states)) return false;
  if (!rule.action.empty() && !find(script.actions, rule.action)) return false;
  // With unique signal names (else the table is refused anyway), an overlap
  // of ids is an overlap of names.
  return std::none_of(rule.when.begin(), rule.when.end(),
                      [&](const std::string& name) { return find(rule.unless, name); });
}

bool table_valid(const TableScript& script, const std::vector<std::string>& states) {
  if (script.name.empty() || script.signals.size() > unwedge::core::kMaxSignals) return false;
  if (!unique_and_named(script.signals) || !unique_and_named(script.actions)) return false;
  std::vector<std::string> rule_names;
  for (const auto& rule : script.rules) {
    if (!rule_valid(rule, script, states)) return false;
    if (!rule.name.empty()) rule_names.push_back(rule.name);
  }
  if (!unique_and_named(rule_names)) return false;
  return std::all_of(script.invalid.begin(), script.invalid.end(), [&](const auto& invalid) {
    return !invalid.signals.empty() && all_resolve(invalid.signals, script.signals) &&
           all_resolve(invalid.in, states);
  });
}

DecisionTable::Builder table_builder(const TableScript& script, const MachineDef& machine) {
  DecisionTable::Builder builder(script.name, machine);
  builder.signals(script.signals).actions(script.actions);
  for (const auto& rule : script.rules)
    builder.rule(rule);
  for (const auto& invalid : script.invalid)
    builder.invalid(invalid.signals, invalid.why, invalid.in);
  return builder;
}

void check_table(const TableScript& script, const DecisionTable& table, FuzzInput& in) {
  UNWEDGE_ASSERT_EQ(table.name(), script.name);
  UNWEDGE_ASSERT(std::equal(table.signal_names().begin(), table.signal_names().end(),
                            script.signals.begin(), script.signals.end()));
  UNWEDGE_ASSERT(std::equal(table.action_names().begin(), table.action_names().end(),
                            script.actions.begin(), script.actions.end()));
  UNWEDGE_ASSERT_EQ(table.rules().size(), script.rules.size());
  for (std::size_t i = 0; i < script.rules.size(); ++i) {
    const unwedge::core::Rule& rule = table.rules()[i];
    const auto& spec = script.rules[i];
    UNWEDGE_ASSERT_EQ(rule.name, spec.name.empty() ? fmt::format("rule#{}", i) : spec.name);
    const std::set<std::string> when(spec.when.begin(), spec.when.end());
    UNWEDGE_ASSERT_EQ(static_cast<std::size_t>(rule.when.size()), when.size());
    UNWEDGE_ASSERT(table.all_signals().contains_all(rule.when | rule.unless));
    UNWEDGE_ASSERT_EQ(rule.priority, spec.priority);
    UNWEDGE_ASSERT_EQ(rule.action.has_value(), !spec.action.empty());
    if (rule.action) UNWEDGE_ASSERT_EQ(table.action_name(*rule.action), spec.action);
  }
  UNWEDGE_ASSERT_EQ(table.invalid_combinations().size(), script.invalid.size());

  const std::size_t states = table.machine().state_count();
  const std::uint32_t signal_bits = table.all_signals().bits();
  if (states * (std::size_t{signal_bits} + 1) > kCellsMax) return;
  UNWEDGE_ASSERT(!unwedge::core::analyze(table).describe(table).empty());
  const auto state = static_cast<unwedge::core::StateId>(in.range(0, states - 1));
  const auto cell =
      unwedge::core::SignalSet::from_bits(static_cast<std::uint32_t>(in.range(0, signal_bits)));
  UNWEDGE_ASSERT(!table.describe(table.decide(state, cell)).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const MachineScript machine_script = draw_machine_script(in);
  const unwedge::core::Result<MachineDef> machine = machine_builder(machine_script).build();
  UNWEDGE_ASSERT_MSG(machine.ok() == machine_valid(machine_script),
                     "the machine builder {} a definition the rules call {}",
                     machine.ok() ? "accepted" : "refused", machine.ok() ? "invalid" : "valid");
  if (machine.ok()) {
    check_machine(machine_script, *machine);
  } else {
    UNWEDGE_ASSERT(!machine.error().message.empty());
  }

  // A refused machine still leaves the table something to refer to.
  const unwedge::core::Result<MachineDef> fallback =
      MachineDef::Builder("fallback").state("s0").state("s1").initial("s0").build();
  UNWEDGE_ASSERT(fallback.ok());
  const MachineDef& table_machine = machine.ok() ? *machine : *fallback;
  std::vector<std::string> state_names;
  for (const auto& state : table_machine.states())
    state_names.push_back(state.name);

  const TableScript table_script = draw_table_script(in);
  const unwedge::core::Result<DecisionTable> table =
      table_builder(table_script, table_machine).build();
  UNWEDGE_ASSERT_MSG(table.ok() == table_valid(table_script, state_names),
                     "the table builder {} a definition the rules call {}",
                     table.ok() ? "accepted" : "refused", table.ok() ? "invalid" : "valid");
  if (table.ok()) {
    check_table(table_script, *table, in);
  } else {
    UNWEDGE_ASSERT(!table.error().message.empty());
  }
  return 0;
}
