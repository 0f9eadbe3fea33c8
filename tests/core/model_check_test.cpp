#include "core/model_check.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/control_plane_check.hpp"
#include "core/cross_check.hpp"

namespace unwedge::core {
namespace {

MachineDef built(const Result<MachineDef>& def) {
  EXPECT_TRUE(def.ok()) << def.error().message;
  return def.value();
}

StateId id(const MachineDef& machine, std::string_view name) {
  std::optional<StateId> state = machine.find_state(name);
  EXPECT_TRUE(state.has_value()) << "no state " << name << " in " << machine.name();
  return state.value_or(0);
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A replica promotion that must fence the old primary first. Promotion can
// only be reached through `fenced`.
MachineDef::Builder replica_link_builder() {
  MachineDef::Builder builder("replica_link");
  builder.state("following", {.healthy = true, .stable = true})
      .state("lagging", {.dwell_max_us = 10 * kMinute})
      .state("fencing", {.healthy = true, .dwell_max_us = kMinute})
      .state("fenced", {.dwell_max_us = kMinute})
      .state("promoted", {.healthy = true, .stable = true})
      .transition("following", "lagging", "lag_exceeded")
      .transition("lagging", "following", "caught_up")
      .transition("following", "fencing", "promote_requested")
      .transition("lagging", "fencing", "promote_requested")
      .transition("fencing", "following", "fence_failed")
      .transition("fencing", "fenced", "fence_done")
      .transition("fenced", "promoted", "promote_done")
      .initial("following")
      .terminal("promoted");
  return builder;
}

MachineDef replica_link() {
  return built(replica_link_builder().build());
}

TEST(ModelCheck, CleanMachineHasNoFindingsAndShortestWitnesses) {
  MachineDef link = replica_link();
  ModelReport report = check_model(link);
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_EQ(report.machine, "replica_link");
  ASSERT_EQ(report.witness.size(), 5u);
  StateId following = id(link, "following");
  StateId lagging = id(link, "lagging");
  StateId fencing = id(link, "fencing");
  StateId fenced = id(link, "fenced");
  StateId promoted = id(link, "promoted");
  EXPECT_EQ(report.witness[following], Path({following}));
  EXPECT_EQ(report.witness[lagging], Path({following, lagging}));
  EXPECT_EQ(report.witness[fencing], Path({following, fencing}));
  EXPECT_EQ(report.witness[fenced], Path({following, fencing, fenced}));
  EXPECT_EQ(report.witness[promoted], Path({following, fencing, fenced, promoted}));
  EXPECT_EQ(describe_path(link, report.witness[promoted]),
            "following -> fencing -> fenced -> promoted");
}

TEST(ModelCheck, ComponentsPartitionTheStates) {
  MachineDef link = replica_link();
  ModelReport report = check_model(link);
  // {following, lagging, fencing} cycle; fenced and promoted stand alone.
  ASSERT_EQ(report.components.size(), 3u);
  std::vector<std::vector<StateId>> sorted = report.components;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::vector<StateId>>{{0, 1, 2}, {3}, {4}}));
}

TEST(ModelCheck, FindsAStateNothingLeadsTo) {
  MachineDef link = built(replica_link_builder()
                              .state("orphaned", {.healthy = true, .stable = true})
                              .transition("orphaned", "following", "adopted")
                              .build());
  ModelReport report = check_model(link);
  ASSERT_EQ(report.findings.size(), 1u);
  const Finding& finding = report.findings[0];
  EXPECT_EQ(finding.kind, FindingKind::kUnreachable);
  EXPECT_EQ(finding.states, std::vector<StateId>{id(link, "orphaned")});
  EXPECT_EQ(finding.message,
            "replica_link: state 'orphaned' is unreachable from the initial state 'following'");
  EXPECT_TRUE(report.witness[id(link, "orphaned")].empty());
  EXPECT_EQ(report.states_with(FindingKind::kUnreachable),
            std::vector<StateId>{id(link, "orphaned")});
}

// The incident: a failover that loses its lease and its retry bounce between
// two unhealthy states forever; an operator "repair" only leads into them.
TEST(ModelCheck, FindsAClosedGroupThatWedges) {
  MachineDef service = built(MachineDef::Builder("service")
                                 .state("available", {.healthy = true, .stable = true})
                                 .state("degraded", {.dwell_max_us = kMinute})
                                 .state("lease_lost", {.dwell_max_us = kMinute})
                                 .state("retrying", {.dwell_max_us = kMinute})
                                 .state("repairing", {.dwell_max_us = kMinute})
                                 .transition("available", "degraded", "checkin_missed")
                                 .transition("degraded", "available", "checkin_resumed")
                                 .transition("degraded", "lease_lost", "lease_expired")
                                 .transition("lease_lost", "retrying", "retry")
                                 .transition("retrying", "lease_lost", "retry_failed")
                                 .transition("degraded", "repairing", "operator_repair")
                                 .transition("repairing", "lease_lost", "repair_started")
                                 .initial("available")
                                 .build());
  ModelReport report = check_model(service);
  StateId lease_lost = id(service, "lease_lost");
  StateId retrying = id(service, "retrying");
  StateId repairing = id(service, "repairing");
  ASSERT_EQ(report.findings.size(), 2u);

  EXPECT_EQ(report.findings[0].kind, FindingKind::kWedge);
  EXPECT_EQ(report.findings[0].states, std::vector<StateId>({lease_lost, retrying}));
  EXPECT_EQ(report.findings[0].message,
            "service: {lease_lost, retrying} is a closed group with no way to a healthy stable "
            "or terminal state");

  EXPECT_EQ(report.findings[1].kind, FindingKind::kWedge);
  EXPECT_EQ(report.findings[1].states, std::vector<StateId>{repairing});
  EXPECT_EQ(report.findings[1].message,
            "service: {repairing} has no way to a healthy stable or terminal state; its exits "
            "lead only to other wedged states {lease_lost}");

  EXPECT_EQ(report.states_with(FindingKind::kWedge),
            std::vector<StateId>({lease_lost, retrying, repairing}));
}

TEST(ModelCheck, FindsAnUnstableStateWithoutExit) {
  // Declared terminal, so it is no wedge and no undeclared end; only its
  // missing stability is wrong.
  MachineDef host = built(MachineDef::Builder("host")
                              .state("running", {.healthy = true, .stable = true})
                              .state("destroying", {.dwell_max_us = kMinute})
                              .transition("running", "destroying", "destroy_requested")
                              .initial("running")
                              .terminal("destroying")
                              .build());
  ModelReport report = check_model(host);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].kind, FindingKind::kUnstableWithoutExit);
  EXPECT_EQ(report.findings[0].states, std::vector<StateId>{id(host, "destroying")});
  EXPECT_TRUE(contains(report.findings[0].message,
                       "host: state 'destroying' is unstable but has no transition out"))
      << report.findings[0].message;
}

TEST(ModelCheck, FindsAnEndThatWasNotDeclared) {
  MachineDef cert = built(MachineDef::Builder("certificate")
                              .state("valid", {.healthy = true, .stable = true})
                              .state("archived", {.healthy = true, .stable = true})
                              .transition("valid", "archived", "archive")
                              .initial("valid")
                              .build());
  ModelReport report = check_model(cert);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].kind, FindingKind::kUndeclaredTerminal);
  EXPECT_EQ(report.findings[0].states, std::vector<StateId>{id(cert, "archived")});
  EXPECT_TRUE(contains(report.findings[0].message,
                       "certificate: state 'archived' has no transition out but is not "
                       "declared terminal; declare it with terminal(\"archived\")"))
      << report.findings[0].message;
}

TEST(ModelCheck, FindsADeclaredEndWithAWayOut) {
  MachineDef service = built(MachineDef::Builder("service")
                                 .state("available", {.healthy = true, .stable = true})
                                 .state("deprovisioned")
                                 .transition("available", "deprovisioned", "delete")
                                 .transition("deprovisioned", "available", "restore")
                                 .initial("available")
                                 .terminal("deprovisioned")
                                 .build());
  ModelReport report = check_model(service);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].kind, FindingKind::kTerminalWithExit);
  EXPECT_EQ(report.findings[0].states, std::vector<StateId>{id(service, "deprovisioned")});
  EXPECT_EQ(report.findings[0].message,
            "service: state 'deprovisioned' is declared terminal but has transitions out to "
            "available");
}

TEST(ModelCheck, AnEndLeftOnRequestMayHaveAWayOut) {
  // A deleted service may be restored: deprovisioned is an end with a door.
  MachineDef service = built(MachineDef::Builder("service")
                                 .state("available", {.healthy = true, .stable = true})
                                 .state("deprovisioned", {.stable = true, .leave_on_request = true})
                                 .transition("available", "deprovisioned", "delete")
                                 .transition("deprovisioned", "available", "restore")
                                 .initial("available")
                                 .terminal("deprovisioned")
                                 .build());
  const ModelReport report = check_model(service);
  EXPECT_TRUE(report.ok()) << report.findings.front().message;
  EXPECT_TRUE(report.states_with(FindingKind::kTerminalWithExit).empty());
  // Nor does any other check of a control plane hold the way out against it.
  const ControlPlaneCheck check =
      check_control_plane(ControlPlaneModel{.name = "services", .machines = {&service}});
  EXPECT_TRUE(check.ok()) << check.describe();
  EXPECT_TRUE(contains(check.describe(), "deprovisioned [stable, left on request]"))
      << check.describe();
  // Drawn as an end, dotted: the door.
  EXPECT_TRUE(contains(to_dot(service),
                       "1[label=\"deprovisioned\", shape=doublecircle, fillcolor=palegreen, "
                       "style=\"filled,dotted\"];"))
      << to_dot(service);

  // The same end without the trait: its way out is a finding.
  MachineDef strict = built(MachineDef::Builder("service")
                                .state("available", {.healthy = true, .stable = true})
                                .state("deprovisioned", {.stable = true})
                                .transition("available", "deprovisioned", "delete")
                                .transition("deprovisioned", "available", "restore")
                                .initial("available")
                                .terminal("deprovisioned")
                                .build());
  EXPECT_EQ(check_model(strict).states_with(FindingKind::kTerminalWithExit),
            std::vector<StateId>{id(strict, "deprovisioned")});
  EXPECT_TRUE(contains(to_dot(strict),
                       "1[label=\"deprovisioned\", shape=doublecircle, fillcolor=palegreen, "
                       "style=\"filled\"];"))
      << to_dot(strict);
}

TEST(ModelCheck, FindingsAreOrderedByKindThenState) {
  // `stuck` is unreachable, wedged, unstable and an undeclared end at once.
  MachineDef machine = built(MachineDef::Builder("m")
                                 .state("stuck")
                                 .state("up", {.healthy = true, .stable = true})
                                 .state("gone", {.healthy = true, .stable = true})
                                 .transition("up", "gone", "delete")
                                 .transition("gone", "up", "restore")
                                 .initial("up")
                                 .terminal("gone")
                                 .build());
  ModelReport report = check_model(machine);
  std::vector<FindingKind> kinds;
  for (const Finding& f : report.findings)
    kinds.push_back(f.kind);
  EXPECT_EQ(kinds,
            std::vector<FindingKind>(
                {FindingKind::kUnreachable, FindingKind::kWedge, FindingKind::kUnstableWithoutExit,
                 FindingKind::kUndeclaredTerminal, FindingKind::kTerminalWithExit}));
  EXPECT_EQ(std::string(to_string(FindingKind::kUnstableWithoutExit)), "unstable-without-exit");
  EXPECT_EQ(std::string(to_string(FindingKind::kWedge)), "wedge");
}

TEST(MustPassThrough, EveryPromotionIsFencedFirst) {
  MachineDef link = replica_link();
  PathCheck check =
      must_pass_through(link, id(link, "following"), id(link, "promoted"), id(link, "fenced"));
  EXPECT_TRUE(check.holds) << describe_path(link, check.counterexample);
  EXPECT_TRUE(check.counterexample.empty());
}

TEST(MustPassThrough, ForcedPromotionSkipsFencing) {
  MachineDef link =
      built(replica_link_builder().transition("lagging", "promoted", "forced_promote").build());
  PathCheck check =
      must_pass_through(link, id(link, "following"), id(link, "promoted"), id(link, "fenced"));
  EXPECT_FALSE(check.holds);
  EXPECT_EQ(check.counterexample,
            Path({id(link, "following"), id(link, "lagging"), id(link, "promoted")}));
  EXPECT_EQ(describe_path(link, check.counterexample), "following -> lagging -> promoted");
}

TEST(MustPassThrough, ForcedPromotionSkipsFencingTwoWaysBothShortest) {
  // Promoting straight from following, or from lagging: two bypasses of
  // fencing of two steps each. A third, through a manual override from lagging,
  // takes three and is not listed while the shorter ones exist.
  MachineDef link = built(replica_link_builder()
                              .state("overridden", {.dwell_max_us = kMinute})
                              .transition("lagging", "overridden", "operator_override")
                              .transition("overridden", "promoted", "override_promote")
                              .transition("following", "promoting_unfenced", "forced_promote")
                              .state("promoting_unfenced", {.dwell_max_us = kMinute})
                              .transition("promoting_unfenced", "promoted", "promote_done")
                              .transition("lagging", "promoted", "forced_promote")
                              .build());
  const StateId following = id(link, "following");
  PathCheck check = must_pass_through(link, following, id(link, "promoted"), id(link, "fenced"));
  ASSERT_FALSE(check.holds);
  ASSERT_EQ(check.counterexamples.size(), 2u);
  // Table order: following's transitions to lagging come before its forced
  // promotion, so the bypass through lagging is first.
  EXPECT_EQ(describe_path(link, check.counterexamples[0]), "following -> lagging -> promoted");
  EXPECT_EQ(describe_path(link, check.counterexamples[1]),
            "following -> promoting_unfenced -> promoted");
  EXPECT_EQ(check.counterexample, check.counterexamples[0]);

  // Asked for one, it gives the first; the longer bypass remains unlisted at any count.
  PathCheck one = must_pass_through(link, following, id(link, "promoted"), id(link, "fenced"), 1);
  EXPECT_EQ(one.counterexamples, std::vector<Path>{check.counterexample});
  PathCheck many = must_pass_through(link, following, id(link, "promoted"), id(link, "fenced"), 10);
  EXPECT_EQ(many.counterexamples, check.counterexamples);

  // Without the two short bypasses the longer one is the counterexample.
  MachineDef only_override = built(replica_link_builder()
                                       .state("overridden", {.dwell_max_us = kMinute})
                                       .transition("lagging", "overridden", "operator_override")
                                       .transition("overridden", "promoted", "override_promote")
                                       .build());
  PathCheck longer = must_pass_through(only_override, id(only_override, "following"),
                                       id(only_override, "promoted"), id(only_override, "fenced"));
  ASSERT_EQ(longer.counterexamples.size(), 1u);
  EXPECT_EQ(describe_path(only_override, longer.counterexample),
            "following -> lagging -> overridden -> promoted");
}

TEST(MustPassThrough, ListsAtMostTheAskedNumberOfShortestPathsInTableOrder) {
  // Four ways from a to d in two steps, one of them declared under two causes
  // (the same path), and none through w.
  MachineDef fan = built(MachineDef::Builder("fan")
                             .state("a", {.healthy = true, .stable = true})
                             .state("b1")
                             .state("b2")
                             .state("b3")
                             .state("b4")
                             .state("w")
                             .state("d", {.healthy = true, .stable = true})
                             .transition("a", "b3", "go")
                             .transition("a", "b1", "go")
                             .transition("a", "b1", "also")
                             .transition("a", "b4", "go")
                             .transition("a", "b2", "go")
                             .transition("b1", "d", "on")
                             .transition("b2", "d", "on")
                             .transition("b3", "d", "on")
                             .transition("b4", "d", "on")
                             .transition("b4", "w", "on")
                             .transition("w", "d", "on")
                             .transition("d", "a", "again")
                             .initial("a")
                             .build());
  const StateId a = id(fan, "a");
  const StateId d = id(fan, "d");
  const StateId w = id(fan, "w");
  PathCheck three = must_pass_through(fan, a, d, w);
  ASSERT_FALSE(three.holds);
  std::vector<std::string> described;
  for (const Path& path : three.counterexamples)
    described.push_back(describe_path(fan, path));
  EXPECT_EQ(described, (std::vector<std::string>{"a -> b3 -> d", "a -> b1 -> d", "a -> b4 -> d"}));
  EXPECT_EQ(must_pass_through(fan, a, d, w, 8).counterexamples.size(), 4u);
  // The zero-length path is the only counterexample from a state to itself.
  EXPECT_EQ(must_pass_through(fan, a, a, w).counterexamples, std::vector<Path>{Path{a}});
  // A claim that holds lists none: the only way to w is through b4.
  EXPECT_TRUE(must_pass_through(fan, a, w, id(fan, "b4")).holds);
  EXPECT_TRUE(must_pass_through(fan, a, w, id(fan, "b4")).counterexamples.empty());
}

TEST(MustPassThrough, EdgeCases) {
  MachineDef link = replica_link();
  StateId following = id(link, "following");
  StateId fenced = id(link, "fenced");
  StateId promoted = id(link, "promoted");
  // A waypoint at either end holds trivially.
  EXPECT_TRUE(must_pass_through(link, following, promoted, following).holds);
  EXPECT_TRUE(must_pass_through(link, following, promoted, promoted).holds);
  // Nothing leaves `promoted`, so it holds vacuously.
  EXPECT_TRUE(must_pass_through(link, promoted, following, fenced).holds);
  // The zero-length path from a state to itself avoids any other waypoint.
  PathCheck self = must_pass_through(link, following, following, fenced);
  EXPECT_FALSE(self.holds);
  EXPECT_EQ(self.counterexample, Path({following}));
}

TEST(DescribePath, NamesEveryStateOrSaysThereIsNone) {
  MachineDef link = replica_link();
  EXPECT_EQ(describe_path(link, {}), "(no path)");
  EXPECT_EQ(describe_path(link, {id(link, "lagging")}), "lagging");
}

TEST(ToDot, DrawsStatesTransitionsAndStyles) {
  MachineDef link = replica_link();
  std::string dot = to_dot(link);
  EXPECT_TRUE(dot.starts_with("digraph \"replica_link\" {\n")) << dot;
  EXPECT_TRUE(contains(dot, "rankdir=LR;")) << dot;
  EXPECT_TRUE(contains(dot, "__start->0;")) << dot;
  EXPECT_TRUE(contains(
      dot, "0[label=\"following\", shape=ellipse, fillcolor=palegreen, style=\"filled\"];"))
      << dot;
  EXPECT_TRUE(contains(dot,
                       "1[label=\"lagging\", shape=ellipse, fillcolor=lightcoral, color=red, "
                       "style=\"filled,dashed\"];"))
      << dot;
  EXPECT_TRUE(contains(dot, "2[label=\"fencing\", shape=ellipse, style=\"dashed\"];")) << dot;
  EXPECT_TRUE(contains(dot,
                       "4[label=\"promoted\", shape=doublecircle, fillcolor=palegreen, "
                       "style=\"filled\"];"))
      << dot;
  EXPECT_TRUE(contains(dot, "0->1 [label=\"lag_exceeded\"];")) << dot;
  EXPECT_TRUE(contains(dot, "3->4 [label=\"promote_done\"];")) << dot;
  EXPECT_TRUE(dot.ends_with("}\n")) << dot;
  EXPECT_EQ(dot, to_dot(link));
}

TEST(ToDot, QuotesNamesAndCauses) {
  MachineDef odd = built(MachineDef::Builder("odd \"machine\"")
                             .state("say \"hi\"", {.healthy = true, .stable = true})
                             .state("back\\slash", {.healthy = true, .stable = true})
                             .transition("say \"hi\"", "back\\slash", "a \"quoted\" cause")
                             .transition("back\\slash", "say \"hi\"", "return")
                             .initial("say \"hi\"")
                             .build());
  std::string dot = to_dot(odd);
  EXPECT_TRUE(dot.starts_with("digraph \"odd \\\"machine\\\"\" {")) << dot;
  EXPECT_TRUE(contains(dot, "label=\"say \\\"hi\\\"\"")) << dot;
  EXPECT_TRUE(contains(dot, "label=\"back\\\\slash\"")) << dot;
  EXPECT_TRUE(contains(dot, "0->1 [label=\"a \\\"quoted\\\" cause\"];")) << dot;
}

// What the cross-check says when an action requests a transition this
// machine's table lacks.
CrossFinding requested(std::string action, std::string from, std::string to, std::string cause,
                       std::string machine = "replica_link") {
  return CrossFinding{.kind = CrossFindingKind::kMissingTransition,
                      .message = "an action requests a transition the table lacks",
                      .machine = std::move(machine),
                      .action = std::move(action),
                      .from = std::move(from),
                      .to = std::move(to),
                      .cause = std::move(cause)};
}

TEST(ToDot, DrawsTheEdgesTheCrossCheckFoundMissingOrRefused) {
  MachineDef link = replica_link();
  const std::vector<CrossFinding> findings = {
      // No edge following -> promoted at all: missing.
      requested("ForcePromote", "following", "promoted", "forced"),
      // lagging -> following exists, but only on caught_up: the runtime refuses this cause.
      requested("Resync", "lagging", "following", "resynced"),
      // A second action asking for the same edge shares it.
      requested("Failover", "following", "promoted", "forced"),
      // Another machine's gap, and a finding that is not about an edge: nothing to draw.
      requested("Fence", "running", "fenced", "fence", "server"),
      CrossFinding{.kind = CrossFindingKind::kUndefinedAction,
                   .message = "table replica_link can schedule action Nope",
                   .action = "Nope"},
  };
  std::string dot = to_dot(link, findings);
  EXPECT_TRUE(contains(dot,
                       "0->4 [label=\"forced (missing: ForcePromote, Failover)\", style=dashed, "
                       "color=red, fontcolor=red];"))
      << dot;
  EXPECT_TRUE(contains(dot,
                       "1->0 [label=\"resynced (refused: Resync)\", style=dotted, "
                       "color=darkorange, fontcolor=darkorange];"))
      << dot;
  // The table's own edges are drawn as before, and nothing else is added.
  EXPECT_TRUE(contains(dot, "1->0 [label=\"caught_up\"];")) << dot;
  EXPECT_EQ(std::count(dot.begin(), dot.end(), '>'), 1 + 7 + 2) << dot;
  EXPECT_FALSE(contains(dot, "Fence")) << dot;
  EXPECT_FALSE(contains(dot, "Nope")) << dot;
}

TEST(ToDot, WithoutGapsDrawsTheMachineAlone) {
  MachineDef link = replica_link();
  EXPECT_EQ(to_dot(link, {}), to_dot(link));
  // A requested transition the table has is no gap, whatever the finding says.
  const std::vector<CrossFinding> stale = {
      requested("Promote", "fenced", "promoted", "promote_done")};
  EXPECT_EQ(to_dot(link, stale), to_dot(link));
}

}  // namespace
}  // namespace unwedge::core
