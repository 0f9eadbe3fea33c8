#include "planes/goal/keeper_walk.hpp"

#include <array>
#include <cctype>
#include <fmt/format.h>
#include <vector>

#include "core/assert.hpp"
#include "planes/goal/node_machine.hpp"

namespace unwedge::goal {
namespace {

struct Step {
  std::string_view from;
  std::string_view to;
  std::string_view action;
};

// Every transition of the node machine, with the action that makes it.
constexpr std::array<Step, 18> kSteps = {{
    {"init", "single", "StartSingle"},
    {"init", "wait_standby", "StartStandby"},
    {"single", "wait_primary", "AwaitStandby"},
    {"wait_primary", "primary", "ConfirmPrimary"},
    {"primary", "wait_primary", "AwaitStandby"},
    {"wait_standby", "catchingup", "Follow"},
    {"catchingup", "secondary", "ConfirmStandby"},
    {"secondary", "catchingup", "Follow"},
    {"secondary", "prepare_promotion", "PreparePromotion"},
    {"prepare_promotion", "wait_primary", "Promote"},
    {"prepare_promotion", "secondary", "AbortPromotion"},
    {"primary", "demoted", "Demote"},
    {"wait_primary", "demoted", "Demote"},
    {"demoted", "catchingup", "Follow"},
    {"wait_standby", "dropped", "Drop"},
    {"catchingup", "dropped", "Drop"},
    {"secondary", "dropped", "Drop"},
    {"demoted", "dropped", "Drop"},
}};

constexpr std::array<std::string_view, 11> kActions = {
    "StartSingle",      "StartStandby", "AwaitStandby",
    "ConfirmPrimary",   "Follow",       "ConfirmStandby",
    "PreparePromotion", "Promote",      "AbortPromotion",
    "Demote",           "Drop"};

// The states some transition enters, in the machine's order: one signal each.
std::vector<std::string> targets(const core::MachineDef& machine) {
  std::vector<std::string> out;
  for (core::StateId s = 0; s < machine.state_count(); ++s) {
    for (const core::TransitionDef& t : machine.transitions()) {
      if (t.to != s) continue;
      out.push_back(machine.state_name(s));
      break;
    }
  }
  return out;
}

core::DecisionTable build_table(Mutant mutant) {
  const core::MachineDef& machine = node_machine(mutant);
  const std::vector<std::string> entered = targets(machine);
  std::vector<std::string> signals;
  for (const std::string& state : entered)
    signals.push_back(next_signal_name(state));
  core::DecisionTable::Builder b("keeper", machine);
  b.signals(signals).actions(std::vector<std::string>(kActions.begin(), kActions.end()));
  for (const core::TransitionDef& t : machine.transitions()) {
    const std::string& from = machine.state_name(t.from);
    const std::string& to = machine.state_name(t.to);
    b.rule({.name = fmt::format("{}-to-{}", from, to),
            .when = {next_signal_name(to)},
            .in = {from},
            .action = std::string(step_action(from, to)),
            .priority = 10});
  }
  b.rule({.name = "idle", .priority = 0});
  // The walk chooses one next state at most.
  for (std::size_t i = 0; i < signals.size(); ++i) {
    for (std::size_t j = i + 1; j < signals.size(); ++j)
      b.invalid({signals[i], signals[j]}, "the walk chooses one next state");
  }
  core::Result<core::DecisionTable> table = b.build();
  UNWEDGE_ASSERT_MSG(table.ok(), "{}", table ? "" : table.error().message);
  return std::move(*table);
}

}  // namespace

const core::GoalWalk& keeper_walk(Mutant mutant) {
  static const std::array<core::GoalWalk, kMutants> walks = {
      core::direct_walk(node_machine(Mutant::kNone)),
      core::direct_walk(node_machine(Mutant::kNoRejoinEdge)),
      core::direct_walk(node_machine(Mutant::kNoAbortEdge)),
      core::direct_walk(node_machine(Mutant::kStandbyLeftCatchingUp))};
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, walks.size());
  return walks[index];
}

std::string_view step_action(std::string_view from, std::string_view to) {
  for (const Step& step : kSteps) {
    if (step.from == from && step.to == to) return step.action;
  }
  UNWEDGE_ASSERT_MSG(false, "no keeper action makes {} -> {}", from, to);
  return {};
}

std::string next_signal_name(std::string_view state) {
  UNWEDGE_ASSERT(!state.empty());
  std::string out = "Next";
  bool upper = true;
  for (const char c : state) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

const core::DecisionTable& keeper_table(Mutant mutant) {
  static const std::array<core::DecisionTable, kMutants> tables = {
      build_table(Mutant::kNone), build_table(Mutant::kNoRejoinEdge),
      build_table(Mutant::kNoAbortEdge), build_table(Mutant::kStandbyLeftCatchingUp)};
  const auto index = static_cast<std::size_t>(mutant);
  UNWEDGE_ASSERT_LT(index, tables.size());
  return tables[index];
}

core::SignalSet next_signal(const core::DecisionTable& table, core::StateId next) {
  const std::string name = next_signal_name(table.machine().state_name(next));
  const std::optional<core::SignalId> signal = table.find_signal(name);
  UNWEDGE_ASSERT_MSG(signal.has_value(), "table {} has no signal {}: the walk left the machine",
                     table.name(), name);
  return core::SignalSet{}.with(*signal);
}

}  // namespace unwedge::goal
