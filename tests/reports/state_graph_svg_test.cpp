#include "reports/state_graph_svg.hpp"

#include <gmock/gmock.h>

#include <gtest/gtest.h>

#include "tests/reports/report_fixture.hpp"
#include "tests/reports/scratch_files.hpp"

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(StateGraphSvg, InlinesWithoutPrologOrDoctype) {
  const std::string svg = state_graph_svg(testing::server_machine());
  EXPECT_THAT(svg, StartsWith("<svg"));
  EXPECT_THAT(svg, Not(HasSubstr("<?xml")));
  EXPECT_THAT(svg, Not(HasSubstr("<!DOCTYPE")));
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  // Graphviz writes the graph's id with its hyphen as a reference.
  EXPECT_THAT(svg, HasSubstr("<g id=\"machine&#45;server\" class=\"graph\""));
}

TEST(StateGraphSvg, EdgesAreColouredByCoverage) {
  const std::string svg = state_graph_svg(testing::server_machine());
  // Taken: green with its count; never taken: grey dashed; refused: red.
  EXPECT_THAT(svg, HasSubstr("created ×2000"));
  EXPECT_THAT(svg, HasSubstr("stroke=\"#2e7d32\""));
  EXPECT_THAT(svg, HasSubstr("stroke=\"#9e9e9e\" stroke-dasharray"));
  EXPECT_THAT(svg, HasSubstr("refused ×2"));
  EXPECT_THAT(svg, HasSubstr("stroke=\"#c62828\""));
}

TEST(StateGraphSvg, StatesAreFilledByKindAndLabelledWithCounts) {
  const std::string svg = state_graph_svg(testing::server_machine());
  EXPECT_THAT(svg, HasSubstr("entered 2600"));
  EXPECT_THAT(svg, HasSubstr("fill=\"#a5d6a7\""));  // running: healthy and stable
  EXPECT_THAT(svg, HasSubstr("fill=\"#ef9a9a\""));  // unreachable: unstable
  EXPECT_THAT(svg, HasSubstr("fill=\"#cfd8dc\""));  // destroyed: stable, not healthy
}

TEST(StateGraphSvg, HostileNamesAreEscapedAndTheSvgIsWellFormed) {
  MachineCoverage m{.name = "m\"<x>", .initial = "<b>s0</b>"};
  m.states = {{.name = "<b>s0</b>", .entered = 1},
              {.name = "s1 &lt; \\N \"q\" \x01\xFF", .healthy = true, .stable = true}};
  m.transitions = {
      {.from = "<b>s0</b>",
       .to = "s1 &lt; \\N \"q\" \x01\xFF",
       .cause = "</text><script>alert(1)</script>",
       .taken = 1},
      {.from = "s1 &lt; \\N \"q\" \x01\xFF", .to = "undeclared&amp;", .legal = false, .taken = 1}};
  const std::string svg = state_graph_svg(m);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, Not(HasSubstr("<b>")));
  EXPECT_THAT(svg, HasSubstr("&lt;script&gt;"));
  // A literal "&lt;" in a name is shown as typed, not decoded to '<'.
  EXPECT_THAT(svg, HasSubstr("s1 &amp;\u2060lt;"));
  if (!testing::have_program("xmllint")) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  testing::ScratchDir dir("graph");
  const auto file = dir.write("graph.svg", svg);
  const testing::CommandResult check = testing::run_command("xmllint --noout " + file.string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST(StateGraphSvg, AStateNamedStartIsNotTheInitialMarker) {
  MachineCoverage m{.name = "m", .initial = "start"};
  m.states = {{.name = "start"}, {.name = "start_"}};
  m.transitions = {{.from = "start", .to = "start_", .cause = "go", .taken = 1}};
  const std::string svg = state_graph_svg(m);
  EXPECT_THAT(svg, HasSubstr("<title>start&#45;&gt;start_</title>"));
  EXPECT_THAT(svg, HasSubstr("<title>start__&#45;&gt;start</title>"));
}

TEST(StateGraphSvg, SameMachineSameBytes) {
  EXPECT_EQ(state_graph_svg(testing::server_machine()), state_graph_svg(testing::server_machine()));
  EXPECT_EQ(state_graph_svg(testing::replica_link_machine()),
            state_graph_svg(testing::replica_link_machine()));
}

}  // namespace
}  // namespace unwedge::reports
