// A machine of a few hundred states, as the product of several entities'
// machines gives: the builder, the model checks and a decision table treat
// it as they treat a small one, states beyond the first 64 included.
#include <fmt/format.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/decision_analysis.hpp"
#include "core/decision_table.hpp"
#include "core/machine.hpp"
#include "core/model_check.hpp"

namespace unwedge::core {
namespace {

constexpr std::size_t kStates = 300;
constexpr std::size_t kCycle = 280;  // n0 -> n1 -> ... -> n279 -> n0
constexpr std::size_t kSlipFrom = 150;
constexpr std::size_t kTrap = 280;    // n280 .. n289: a closed cycle, entered from n150
constexpr std::size_t kDetour = 290;  // n0 -> n290 -> ... -> n298 -> n0
constexpr std::size_t kOrphan = 299;  // nothing leads here

std::string n(std::size_t i) {
  return fmt::format("n{}", i);
}

StateId id(std::size_t i) {
  return static_cast<StateId>(i);
}

// n0 is the one healthy, stable state; every state but the trap's can get
// back to it.
MachineDef ring_with_trap() {
  MachineDef::Builder builder("ring");
  for (std::size_t i = 0; i < kStates; ++i)
    builder.state(n(i), {.healthy = i == 0, .stable = i == 0});
  for (std::size_t i = 0; i < kCycle; ++i)
    builder.transition(n(i), n((i + 1) % kCycle), "step");
  builder.transition(n(kSlipFrom), n(kTrap), "slip");
  for (std::size_t i = kTrap; i < kTrap + 10; ++i)
    builder.transition(n(i), n(i + 1 < kTrap + 10 ? i + 1 : kTrap), "spin");
  builder.transition(n(0), n(kDetour), "detour");
  for (std::size_t i = kDetour; i < kOrphan; ++i)
    builder.transition(n(i), n(i + 1 < kOrphan ? i + 1 : 0), "detour");
  builder.transition(n(kOrphan), n(0), "rejoin");
  Result<MachineDef> def = builder.initial(n(0)).build();
  EXPECT_TRUE(def.ok()) << def.error().message;
  return std::move(def).value();
}

Path range(std::size_t first, std::size_t last) {
  Path path;
  for (std::size_t i = first; i <= last; ++i)
    path.push_back(id(i));
  return path;
}

TEST(LargeMachine, BuildsWithThreeHundredStates) {
  const MachineDef ring = ring_with_trap();
  EXPECT_EQ(ring.state_count(), kStates);
  EXPECT_EQ(ring.find_state("n299"), id(kOrphan));
  EXPECT_TRUE(ring.check_transition(id(kSlipFrom), id(kTrap), "slip").ok());
  EXPECT_FALSE(ring.check_transition(id(kTrap), id(0), "slip").ok());
}

TEST(LargeMachine, ModelCheckFindsTheTrapAndTheOrphan) {
  const MachineDef ring = ring_with_trap();
  const ModelReport report = check_model(ring);
  std::string messages;
  for (const Finding& f : report.findings)
    messages += f.message + "\n";
  ASSERT_EQ(report.findings.size(), 2u) << messages;
  EXPECT_EQ(report.findings[0].kind, FindingKind::kUnreachable);
  EXPECT_EQ(report.findings[0].states, (std::vector<StateId>{id(kOrphan)}));
  EXPECT_EQ(report.findings[0].message,
            "ring: state 'n299' is unreachable from the initial state 'n0'");
  EXPECT_EQ(report.findings[1].kind, FindingKind::kWedge);
  EXPECT_EQ(report.findings[1].states, range(kTrap, kTrap + 9));
  EXPECT_EQ(report.states_with(FindingKind::kWedge).size(), 10u);
}

TEST(LargeMachine, WitnessesAreShortestPathsToStatesBeyondSixtyFour) {
  const MachineDef ring = ring_with_trap();
  const ModelReport report = check_model(ring);
  ASSERT_EQ(report.witness.size(), kStates);
  EXPECT_EQ(report.witness[200], range(0, 200));
  Path into_trap = range(0, kSlipFrom);
  for (std::size_t i = kTrap; i <= 285; ++i)
    into_trap.push_back(id(i));
  EXPECT_EQ(report.witness[285], into_trap);
  EXPECT_EQ(report.witness[kDetour + 3], (Path{0, 290, 291, 292, 293}));
  EXPECT_TRUE(report.witness[kOrphan].empty());

  // Every way into the trap slips at n150; the detour is no way round the ring.
  EXPECT_TRUE(must_pass_through(ring, id(0), id(285), id(kSlipFrom)).holds);
  EXPECT_TRUE(must_pass_through(ring, id(0), id(279), id(kSlipFrom)).holds);
  const PathCheck round_the_detour = must_pass_through(ring, id(kDetour), id(5), id(kSlipFrom));
  ASSERT_FALSE(round_the_detour.holds);
  EXPECT_EQ(describe_path(ring, round_the_detour.counterexample),
            "n290 -> n291 -> n292 -> n293 -> n294 -> n295 -> n296 -> n297 -> n298 -> n0 -> n1 -> "
            "n2 -> n3 -> n4 -> n5");
  EXPECT_NE(to_dot(ring).find("n299"), std::string::npos);
}

TEST(LargeMachine, ARuleInAStateBeyondSixtyFourDecidesThereAndOnlyThere) {
  const MachineDef ring = ring_with_trap();
  const Result<DecisionTable> table = DecisionTable::Builder("ring", ring)
                                          .signals({"Stuck", "Drain"})
                                          .actions({"Repair", "Drain"})
                                          .rule({.name = "repair",
                                                 .when = {"Stuck"},
                                                 .in = {"n285"},
                                                 .action = "Repair",
                                                 .priority = 10})
                                          .rule({.name = "drain",
                                                 .when = {"Drain"},
                                                 .in = {"n70", "n200"},
                                                 .action = "Drain",
                                                 .priority = 5})
                                          .rule({.name = "idle", .priority = 0})
                                          .build();
  ASSERT_TRUE(table.ok()) << table.error().message;
  const SignalSet stuck = table->signals_named({"Stuck"});
  const SignalSet drain = table->signals_named({"Drain"});
  const ActionId repair = *table->find_action("Repair");

  EXPECT_EQ(table->rules()[0].in, StateSet{}.with(285));
  EXPECT_EQ(table->decide(285, stuck).action, repair);
  EXPECT_EQ(table->decide(285, stuck).rules, (std::vector<std::size_t>{0}));
  // 285 - 256 = 29 and 285 - 64 = 221: a set folded into one word would match them.
  for (StateId elsewhere : {StateId{29}, StateId{221}, StateId{284}, StateId{286}}) {
    EXPECT_EQ(table->decide(elsewhere, stuck).kind, DecisionKind::kNothing) << elsewhere;
  }
  EXPECT_EQ(table->decide(200, drain).action, table->find_action("Drain"));
  EXPECT_EQ(table->decide(70, drain).action, table->find_action("Drain"));
  EXPECT_EQ(table->decide(6, drain).kind, DecisionKind::kNothing);
  EXPECT_EQ(table->describe_cell(285, stuck), "in n285 with {Stuck}");

  const TableAnalysis analysis = analyze(*table);
  EXPECT_TRUE(analysis.ok()) << analysis.describe(*table);
  EXPECT_EQ(analysis.cells_checked, kStates * 4);
  EXPECT_TRUE(always(*table, stuck, repair, table->states_named({"n285"})).holds);
  const QueryResult everywhere =
      always(*table, stuck, repair, table->states_named({"n284", "n285"}));
  ASSERT_FALSE(everywhere.holds);
  EXPECT_EQ(everywhere.counterexample->state, 284);
  EXPECT_EQ(never(*table, stuck, repair).counterexample->state, 285);
}

}  // namespace
}  // namespace unwedge::core
