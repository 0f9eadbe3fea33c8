// Scenario files: a Scenario read from YAML and written back, as
// docs/SCENARIOS.md describes them.
//
// Reading is strict: every key is known, every value is checked against what
// the simulator accepts, and the first mistake ends the parse with one
// message that names the file, the line and column, the key path, what is
// wrong and what would be right:
//
//   scenarios/x.yaml:14:12: timeline[2].fault: unknown fault kind "partition";
//   allowed: partition_complete, partition_partial, ...
//
// Hostile text cannot hurt the reader: it refuses files over 1 MiB, NUL and
// other control bytes, invalid UTF-8, anchors and aliases (so nothing expands),
// nesting deeper than 64 and more than one document, before or while
// yaml-cpp reads them; every yaml-cpp exception becomes a message.
//
// Writing is the inverse: to_yaml() spells every field, durations in the
// largest unit that divides them, and parse_scenario() of its output gives
// back an equal Scenario (the source aside, which is the caller's).
//
//   core::Result<Scenario> s = load_scenario_file("scenarios/partial_partition.yaml");
//   if (!s) { fmt::print(stderr, "{}\n", s.error().message); return 2; }
//   fmt::print("{}", to_yaml(*s));
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/duration_text.hpp"
#include "core/result.hpp"
#include "sim/scenario.hpp"

namespace unwedge::sim {

// Files larger than this are refused before parsing.
inline constexpr std::size_t kScenarioBytesMax = 1024 * 1024;
// Collections nested deeper than this are refused (a scenario needs four).
inline constexpr std::size_t kScenarioDepthMax = 64;

// `source` names the text in messages ("scenarios/x.yaml", "<stdin>") and
// becomes the scenario's source.
core::Result<Scenario> parse_scenario(std::string_view yaml, std::string_view source);

// Reads and parses a file; a missing or unreadable file is an error too.
core::Result<Scenario> load_scenario_file(const std::string& path);

// The control plane the file names (`control_plane: NAME`, or its `name:`),
// read without judging the rest; empty when it names none. An error when the
// file cannot be read or is not YAML the reader takes.
core::Result<std::string> scenario_plane_name(const std::string& path);

// Every field, durations in the largest unit that divides them ("90s", "5m",
// "2h"), so the output reads back to an equal Scenario.
std::string to_yaml(const Scenario& scenario);

// Durations are written as core::format_duration writes them.
using core::format_duration;

}  // namespace unwedge::sim
