#include "planes/lease/lease_keys.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <vector>

#include "core/assert.hpp"

namespace unwedge::lease {
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

}  // namespace

std::string lease_key(std::string_view service) {
  UNWEDGE_ASSERT(!service.empty());
  return fmt::format("/service/{}/leader", service);
}

std::string optime_key(std::string_view service) {
  UNWEDGE_ASSERT(!service.empty());
  return fmt::format("/service/{}/optime", service);
}

std::string switchover_key(std::string_view service) {
  UNWEDGE_ASSERT(!service.empty());
  return fmt::format("/service/{}/switchover", service);
}

std::string members_key(std::string_view service) {
  UNWEDGE_ASSERT(!service.empty());
  return fmt::format("/service/{}/members", service);
}

std::string format_members(const std::vector<std::string>& members) {
  UNWEDGE_ASSERT(std::is_sorted(members.begin(), members.end()));
  std::string out;
  for (const std::string& member : members) {
    UNWEDGE_ASSERT(!member.empty() && member.find(' ') == std::string::npos);
    if (!out.empty()) out += ' ';
    out += member;
  }
  return out;
}

std::optional<std::vector<std::string>> parse_members(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view w : words(text)) {
    if (w.empty()) return std::nullopt;
    out.emplace_back(w);
  }
  if (!std::is_sorted(out.begin(), out.end())) return std::nullopt;
  return out;
}

std::string format_optime(const Optime& optime) {
  UNWEDGE_ASSERT(!optime.by.empty());
  UNWEDGE_ASSERT(optime.by.find(' ') == std::string::npos);
  return fmt::format("{} {} {}{}", optime.timeline, optime.lsn, optime.by,
                     optime.final ? " final" : "");
}

std::optional<Optime> parse_optime(std::string_view text) {
  const std::vector<std::string_view> w = words(text);
  if (w.size() != 3 && w.size() != 4) return std::nullopt;
  if (w.size() == 4 && w[3] != "final") return std::nullopt;
  std::optional<core::Term> timeline = number<core::Term>(w[0]);
  std::optional<core::LogPosition> lsn = number<core::LogPosition>(w[1]);
  if (!timeline || !lsn || w[2].empty()) return std::nullopt;
  return Optime{
      .timeline = *timeline, .lsn = *lsn, .by = std::string(w[2]), .final = w.size() == 4};
}

std::string format_switchover(const Switchover& switchover) {
  UNWEDGE_ASSERT(!switchover.node.empty());
  return fmt::format("{}:{}", switchover.kind == Switchover::Kind::kTo ? "to" : "from",
                     switchover.node);
}

std::optional<Switchover> parse_switchover(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) return std::nullopt;
  const std::string_view kind = text.substr(0, colon);
  if (kind != "to" && kind != "from") return std::nullopt;
  return Switchover{.kind = kind == "to" ? Switchover::Kind::kTo : Switchover::Kind::kFrom,
                    .node = std::string(text.substr(colon + 1))};
}

}  // namespace unwedge::lease
