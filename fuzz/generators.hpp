// Generators: machines and decision tables the builders accept, drawn from
// fuzzer bytes.
//
// The targets that analyse machines and tables (model_check_fuzzer,
// decision_table_fuzzer, canary_fuzzer) want every execution to reach the
// analysis rather than stop at a refusal, so they draw a *spec* made of plain
// numbers and bit masks, then build it. The spec doubles as an independent
// oracle: a target compares what core computed against what the spec says.
// A builder that refuses a generated machine is a bug and fails an assertion.
// Names are systematic: states s0.., causes c0.., signals g0.., actions a0..,
// rules r0.. (or unnamed, then core calls them rule#<index>).
//
//   FuzzInput in(data, size);
//   MachineSpec machine_spec = draw_machine(in, 16);
//   MachineDef machine = build_machine(machine_spec);
//   TableSpec table_spec = draw_table(in, machine_spec.states.size(), 8);
//   Result<DecisionTable> table = build_table(table_spec, machine);  // ok iff valid()
//
// Byte layout, in order. A field reads one byte, a mask as many bytes as it
// has bits / 8, and a field whose range holds a single value reads nothing.
//   machine: state count; per state a flag byte (bit 0 healthy, 1 stable,
//            2 has a dwell bound, then one byte of seconds, 3 terminal,
//            4 left on request when terminal);
//            the initial state; a transition count; per transition its
//            source, the distance to its target, its cause.
//   table:   signal count; action count; rule count; per rule a when mask,
//            an unless mask, a flag byte (bits 0-1 priority + 1, bit 2 limited
//            to states, then a state mask, bits 3-5 all set keep the
//            when/unless overlap, bit 6 named) and its action (the action
//            count means none); an invalid-combination count; per invalid
//            combination a non-empty signal mask and a flag byte (bit 0
//            limited to states, then a state mask).
// A state mask is read as one mask per 64 states, so for up to 64 states it
// is a single mask of state-count bits.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "core/decision_table.hpp"
#include "core/machine.hpp"
#include "core/signal_set.hpp"
#include "fuzz/fuzz_input.hpp"

namespace unwedge::fuzz {

inline constexpr std::size_t kCauses = 3;
inline constexpr std::size_t kActionsMax = 4;
inline constexpr std::size_t kRulesMax = 12;
inline constexpr std::size_t kInvalidMax = 3;

inline std::string state_name(std::size_t i) {
  return fmt::format("s{}", i);
}
inline std::string cause_name(std::size_t i) {
  return fmt::format("c{}", i);
}
inline std::string signal_name(std::size_t i) {
  return fmt::format("g{}", i);
}
inline std::string action_name(std::size_t i) {
  return fmt::format("a{}", i);
}

struct StateSpec {
  core::StateTraits traits;
  bool terminal = false;
};

struct TransitionSpec {
  core::StateId from = 0;
  core::StateId to = 0;
  std::size_t cause = 0;
};

struct MachineSpec {
  std::vector<StateSpec> states;
  core::StateId initial = 0;
  std::vector<TransitionSpec> transitions;  // no self-loops, no duplicates
};

// Draws 1..states_max states. A target is drawn as a distance from the source
// so that no byte is spent on a self-loop the builder would refuse.
inline MachineSpec draw_machine(FuzzInput& in, std::size_t states_max) {
  UNWEDGE_ASSERT_LE(std::size_t{1}, states_max);
  UNWEDGE_ASSERT_LE(states_max, core::kMaxStates);
  MachineSpec spec;
  const std::size_t state_count = in.range(1, states_max);
  for (std::size_t i = 0; i < state_count; ++i) {
    const std::uint8_t flags = in.byte();
    StateSpec state;
    state.traits.healthy = (flags & 1U) != 0;
    state.traits.stable = (flags & 2U) != 0;
    if ((flags & 4U) != 0) {
      state.traits.dwell_max_us = static_cast<core::TimeUs>(in.range(1, 256)) * core::kSecond;
    }
    state.terminal = (flags & 8U) != 0;
    // Only an end may be left on request; the builder refuses it elsewhere.
    state.traits.leave_on_request = state.terminal && (flags & 16U) != 0;
    spec.states.push_back(state);
  }
  spec.initial = static_cast<core::StateId>(in.range(0, state_count - 1));
  if (state_count == 1) return spec;

  const std::size_t attempts = in.range(0, 4 * state_count);
  std::set<std::tuple<core::StateId, core::StateId, std::size_t>> seen;
  for (std::size_t i = 0; i < attempts; ++i) {
    const std::size_t from = in.range(0, state_count - 1);
    const std::size_t to = (from + in.range(1, state_count - 1)) % state_count;
    const std::size_t cause = in.range(0, kCauses - 1);
    UNWEDGE_ASSERT(from != to);
    const TransitionSpec t{static_cast<core::StateId>(from), static_cast<core::StateId>(to), cause};
    if (!seen.emplace(t.from, t.to, t.cause).second) continue;  // the builder refuses duplicates
    spec.transitions.push_back(t);
  }
  return spec;
}

inline core::MachineDef build_machine(const MachineSpec& spec) {
  core::MachineDef::Builder builder("fuzzed");
  for (std::size_t i = 0; i < spec.states.size(); ++i) {
    builder.state(state_name(i), spec.states[i].traits);
    if (spec.states[i].terminal) builder.terminal(state_name(i));
  }
  for (const TransitionSpec& t : spec.transitions) {
    builder.transition(state_name(t.from), state_name(t.to), cause_name(t.cause));
  }
  builder.initial(state_name(spec.initial));
  core::Result<core::MachineDef> built = builder.build();
  UNWEDGE_ASSERT_MSG(built.ok(), "the builder refused a generated machine: {}",
                     built.error().message);
  return std::move(built).value();
}

// States as plain 64-state words (bit j of word i is state 64 * i + j), not a
// core::StateSet, so the spec stays an oracle independent of core. Empty
// means every state.
using StateMask = std::vector<std::uint64_t>;

inline bool mask_has(const StateMask& mask, std::size_t state) {
  const std::size_t word = state / 64;
  return word < mask.size() && ((mask[word] >> (state % 64)) & 1U) != 0;
}

// One mask per 64 states, each within the machine's states; all zero reads
// as every state, as a single zero mask always did.
inline StateMask draw_states(FuzzInput& in, std::size_t state_count) {
  UNWEDGE_ASSERT_LE(state_count, core::kMaxStates);
  StateMask mask;
  bool any = false;
  for (std::size_t from = 0; from < state_count; from += 64) {
    const std::size_t bits = std::min<std::size_t>(state_count - from, 64);
    const std::uint64_t all = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    mask.push_back(in.range(0, all));
    any = any || mask.back() != 0;
  }
  if (!any) mask.clear();
  return mask;
}

struct RuleSpec {
  std::uint32_t when = 0;    // signal bits
  std::uint32_t unless = 0;  // signal bits
  StateMask in;              // empty means every state
  std::optional<std::size_t> action;
  int priority = 0;
  bool named = false;
};

struct InvalidSpec {
  std::uint32_t signals = 0;  // never empty
  StateMask in;               // empty means every state
};

struct TableSpec {
  std::size_t state_count = 0;
  std::size_t signal_count = 0;
  std::size_t action_count = 0;
  std::vector<RuleSpec> rules;
  std::vector<InvalidSpec> invalid;

  std::uint32_t signal_mask() const { return (std::uint32_t{1} << signal_count) - 1; }
  // Whether a rule or invalid combination limited to `in` applies in `state`.
  bool applies_in(const StateMask& in, std::size_t state) const {
    UNWEDGE_ASSERT_LT(state, state_count);
    return in.empty() || mask_has(in, state);
  }
  // The builder must refuse a rule with a signal in both when and unless,
  // and accept everything else draw_table() produces.
  bool valid() const {
    for (const RuleSpec& rule : rules) {
      if ((rule.when & rule.unless) != 0) return false;
    }
    return true;
  }
};

inline RuleSpec draw_rule(FuzzInput& in, const TableSpec& spec) {
  RuleSpec rule;
  rule.when = static_cast<std::uint32_t>(in.range(0, spec.signal_mask()));
  rule.unless = static_cast<std::uint32_t>(in.range(0, spec.signal_mask()));
  const std::uint8_t flags = in.byte();
  rule.priority = static_cast<int>(flags & 3U) - 1;
  if ((flags & 4U) != 0) rule.in = draw_states(in, spec.state_count);
  // Rarely keep an overlap: most tables should build and reach the analysis.
  if ((flags & 0x38U) != 0x38U) rule.unless &= ~rule.when;
  rule.named = (flags & 0x40U) != 0;
  const std::size_t action = in.range(0, spec.action_count);
  if (action < spec.action_count) rule.action = action;
  return rule;
}

inline TableSpec draw_table(FuzzInput& in, std::size_t state_count, std::size_t signals_max) {
  UNWEDGE_ASSERT_LE(std::size_t{1}, signals_max);
  UNWEDGE_ASSERT_LE(signals_max, core::kMaxSignals);
  TableSpec spec;
  spec.state_count = state_count;
  spec.signal_count = in.range(1, signals_max);
  spec.action_count = in.range(0, kActionsMax);
  const std::size_t rule_count = in.range(0, kRulesMax);
  for (std::size_t i = 0; i < rule_count; ++i)
    spec.rules.push_back(draw_rule(in, spec));
  const std::size_t invalid_count = in.range(0, kInvalidMax);
  for (std::size_t i = 0; i < invalid_count; ++i) {
    InvalidSpec invalid;
    invalid.signals = static_cast<std::uint32_t>(in.range(1, spec.signal_mask()));
    if (in.boolean()) invalid.in = draw_states(in, state_count);
    spec.invalid.push_back(invalid);
  }
  return spec;
}

// Names of the set bits; `name` maps an index to its name.
template <class Name>
std::vector<std::string> names_of(std::uint64_t bits, Name&& name) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 64; ++i) {
    if (((bits >> i) & 1U) != 0) names.push_back(name(i));
  }
  return names;
}

inline std::vector<std::string> state_names_of(const StateMask& mask) {
  std::vector<std::string> names;
  for (std::size_t word = 0; word < mask.size(); ++word) {
    for (std::string& name :
         names_of(mask[word], [&](std::size_t i) { return state_name(64 * word + i); })) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

inline core::DecisionTable::Builder::RuleSpec rule_spec(const RuleSpec& rule, std::size_t index) {
  return core::DecisionTable::Builder::RuleSpec{
      .name = rule.named ? fmt::format("r{}", index) : std::string(),
      .when = names_of(rule.when, signal_name),
      .unless = names_of(rule.unless, signal_name),
      .in = state_names_of(rule.in),
      .action = rule.action ? action_name(*rule.action) : std::string(),
      .priority = rule.priority,
  };
}

// The machine must be the one the spec's states were drawn for, and must
// outlive the table.
inline core::Result<core::DecisionTable> build_table(const TableSpec& spec,
                                                     const core::MachineDef& machine) {
  UNWEDGE_ASSERT_EQ(machine.state_count(), spec.state_count);
  core::DecisionTable::Builder builder("fuzzed", machine);
  std::vector<std::string> signals;
  for (std::size_t i = 0; i < spec.signal_count; ++i)
    signals.push_back(signal_name(i));
  std::vector<std::string> actions;
  for (std::size_t i = 0; i < spec.action_count; ++i)
    actions.push_back(action_name(i));
  builder.signals(std::move(signals)).actions(std::move(actions));
  for (std::size_t i = 0; i < spec.rules.size(); ++i)
    builder.rule(rule_spec(spec.rules[i], i));
  for (std::size_t i = 0; i < spec.invalid.size(); ++i) {
    builder.invalid(names_of(spec.invalid[i].signals, signal_name), fmt::format("forbidden #{}", i),
                    state_names_of(spec.invalid[i].in));
  }
  return builder.build();
}

}  // namespace unwedge::fuzz
