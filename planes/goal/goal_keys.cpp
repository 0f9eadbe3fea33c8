#include "planes/goal/goal_keys.hpp"

#include <charconv>
#include <fmt/format.h>
#include <vector>

#include "core/assert.hpp"

namespace unwedge::goal {
namespace {

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    out.push_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

template <class T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string format_position(const Position& p) {
  return fmt::format("{}/{}", p.timeline, p.lsn);
}

std::optional<Position> parse_position(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<core::Term> timeline = number<core::Term>(text.substr(0, slash));
  std::optional<core::LogPosition> lsn = number<core::LogPosition>(text.substr(slash + 1));
  if (!timeline || !lsn) return std::nullopt;
  return Position{.timeline = *timeline, .lsn = *lsn};
}

bool is_word(std::string_view w) {
  return !w.empty() && w.find(' ') == std::string_view::npos &&
         w.find(':') == std::string_view::npos;
}

}  // namespace

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

std::string format_report(const Report& report) {
  UNWEDGE_ASSERT(is_word(report.state));
  if (!report.final) return report.state;
  return fmt::format("{} {}", report.state, format_position(*report.final));
}

std::optional<Report> parse_report(std::string_view text) {
  if (text.empty() || text.back() == ' ') return std::nullopt;
  const std::vector<std::string_view> w = words(text);
  if (w.empty() || w.size() > 2 || !is_word(w[0])) return std::nullopt;
  Report report{.state = std::string(w[0])};
  if (w.size() == 2) {
    report.final = parse_position(w[1]);
    if (!report.final) return std::nullopt;
  }
  return report;
}

std::string format_goal(const Goal& goal) {
  UNWEDGE_ASSERT(is_word(goal.state));
  std::string out = goal.state;
  if (!goal.upstream.empty()) {
    UNWEDGE_ASSERT(is_word(goal.upstream));
    out += " follow:" + goal.upstream;
  }
  if (goal.reach) out += " reach:" + format_position(*goal.reach);
  return out;
}

std::optional<Goal> parse_goal(std::string_view text) {
  if (text.empty() || text.back() == ' ') return std::nullopt;
  const std::vector<std::string_view> w = words(text);
  if (w.empty() || w.size() > 3 || !is_word(w[0])) return std::nullopt;
  Goal goal{.state = std::string(w[0])};
  for (std::size_t i = 1; i < w.size(); ++i) {
    if (w[i].starts_with("follow:") && goal.upstream.empty() && !goal.reach) {
      goal.upstream = std::string(w[i].substr(7));
      if (!is_word(goal.upstream)) return std::nullopt;
    } else if (w[i].starts_with("reach:") && !goal.reach) {
      goal.reach = parse_position(w[i].substr(6));
      if (!goal.reach) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return goal;
}

}  // namespace unwedge::goal
