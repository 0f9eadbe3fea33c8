// The declared name a mistyped one most likely meant: the one "did you
// mean" offers in every error that reports an unknown name (a machine's
// builder and checks, the scenario reader, report.json and the campaign's
// other records). One rule everywhere, so the same slip gets the same help.
//
// Close means within one slip per three characters (at least one), where a
// slip is an insertion, a deletion, a substitution or a swap of neighbours,
// case ignored: the mistakes a hand makes while typing a name. A far-fetched
// guess misleads more than none, so nothing is offered beyond that. Among
// equally close names the first declared wins, the same on every run.
//
//   if (auto near = nearest_name("drainng", names)) message += "; did you mean " + *near;
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace unwedge::core {

std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string_view> declared);
std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string> declared);

// The slips between two names (case ignored), for a caller that needs a
// stricter bound than "close"; names of at most 128 characters.
std::size_t typo_distance(std::string_view a, std::string_view b);

}  // namespace unwedge::core
