// canary_fuzzer: searches for the bug planted below, which it must find; the
// proof that a fuzz run that finds nothing has actually searched.
//
// first_wins_decide() is a plausible but wrong copy of DecisionTable::decide:
// when the matching rules of the highest priority disagree, it silently acts
// on the one declared first instead of reporting a conflict. The target draws
// a machine and a table with the generators decision_table_fuzzer uses and
// asserts that the copy agrees with decide() on every cell, so libFuzzer has
// to discover a table with two equal-priority rules that disagree on a cell
// they both match. The seed corpus (fuzz/corpus/canary_fuzzer/) holds only
// tables without such a tie; fuzz/crashes/canary_fuzzer/ holds one with a tie,
// which the replay test must fail on. scripts/fuzz.sh fails when libFuzzer
// does not find the bug in time: then the instrumentation, the sanitizer
// flags or the generators have stopped the search from working.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/assert.hpp"
#include "core/decision_table.hpp"
#include "core/machine.hpp"
#include "core/signal_set.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/generators.hpp"

namespace {

using unwedge::core::DecisionKind;
using unwedge::core::StateId;
using unwedge::fuzz::TableSpec;

struct Effect {
  DecisionKind kind = DecisionKind::kUncovered;
  std::optional<std::size_t> action;
};

// The planted bug: a strict `>` keeps the first of the tied rules.
Effect first_wins_decide(const TableSpec& spec, StateId state, std::uint32_t signals) {
  for (const auto& invalid : spec.invalid) {
    const bool in_state = spec.applies_in(invalid.in, state);
    if (in_state && (signals & invalid.signals) == invalid.signals) {
      return Effect{.kind = DecisionKind::kInvalid};
    }
  }
  const unwedge::fuzz::RuleSpec* best = nullptr;
  for (const auto& rule : spec.rules) {
    if (!spec.applies_in(rule.in, state)) continue;
    if ((signals & rule.when) != rule.when || (signals & rule.unless) != 0) continue;
    if (best == nullptr || rule.priority > best->priority) best = &rule;
  }
  if (best == nullptr) return Effect{};
  if (!best->action) return Effect{.kind = DecisionKind::kNothing};
  return Effect{.kind = DecisionKind::kAct, .action = best->action};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  unwedge::fuzz::FuzzInput in(data, size);
  const unwedge::fuzz::MachineSpec machine_spec = unwedge::fuzz::draw_machine(in, 4);
  const unwedge::core::MachineDef machine = unwedge::fuzz::build_machine(machine_spec);
  const TableSpec spec = unwedge::fuzz::draw_table(in, machine.state_count(), 4);
  const unwedge::core::Result<unwedge::core::DecisionTable> table =
      unwedge::fuzz::build_table(spec, machine);
  if (!table.ok()) return 0;

  const std::uint32_t subsets = std::uint32_t{1} << spec.signal_count;
  for (std::size_t s = 0; s < spec.state_count; ++s) {
    const auto state = static_cast<StateId>(s);
    for (std::uint32_t bits = 0; bits < subsets; ++bits) {
      const auto signals = unwedge::core::SignalSet::from_bits(bits);
      const unwedge::core::Decision real = table->decide(state, signals);
      const Effect copy = first_wins_decide(spec, state, bits);
      const bool same = real.kind == copy.kind && real.action == copy.action;
      UNWEDGE_ASSERT_MSG(same, "canary found: {} decides {}, the copy acts as if there were no tie",
                         table->describe_cell(state, signals), table->describe(real));
    }
  }
  return 0;
}
