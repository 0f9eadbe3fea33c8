#include "planes/goal/goal_keys.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::goal {

std::string service_of(std::string_view node) {
  const std::size_t dash = node.rfind('-');
  UNWEDGE_ASSERT_MSG(dash != std::string_view::npos && dash > 0, "node '{}' names no service",
                     node);
  return std::string(node.substr(0, dash));
}

std::string state_key(std::string_view node) {
  UNWEDGE_ASSERT(!node.empty());
  return fmt::format("/goal/{}/{}/state", service_of(node), node);
}

std::string goal_key(std::string_view node) {
  UNWEDGE_ASSERT(!node.empty());
  return fmt::format("/goal/{}/{}/goal", service_of(node), node);
}

std::string format_goal(const Goal& goal) {
  UNWEDGE_ASSERT(!goal.state.empty());
  UNWEDGE_ASSERT(goal.state.find(' ') == std::string::npos);
  UNWEDGE_ASSERT(goal.upstream.find(' ') == std::string::npos);
  if (goal.upstream.empty()) return goal.state;
  return fmt::format("{} {}", goal.state, goal.upstream);
}

std::optional<Goal> parse_goal(std::string_view text) {
  const std::size_t space = text.find(' ');
  Goal goal{.state = std::string(text.substr(0, space))};
  if (space != std::string_view::npos) goal.upstream = std::string(text.substr(space + 1));
  if (goal.state.empty()) return std::nullopt;
  if (space != std::string_view::npos && goal.upstream.empty()) return std::nullopt;
  if (goal.upstream.find(' ') != std::string::npos) return std::nullopt;
  return goal;
}

}  // namespace unwedge::goal
