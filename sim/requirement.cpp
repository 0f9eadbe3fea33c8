#include "sim/requirement.hpp"

#include <array>
#include <fmt/format.h>

namespace unwedge::sim {
namespace {

constexpr std::array<Happening, kHappenings> kAll = {Happening::kState, Happening::kAction,
                                                     Happening::kRequest, Happening::kFault};

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string happens(const Observed& o) {
  switch (o.kind) {
    case Happening::kState:
      return fmt::format("{} is entered", o.name);
    case Happening::kAction:
      return fmt::format("a {} runs", o.name);
    case Happening::kRequest:
      return fmt::format("a {} request arrives", o.name);
    case Happening::kFault:
      return fmt::format("a {} fault strikes", o.name);
  }
  return o.name;
}

std::string holds(const Observed& o) {
  switch (o.kind) {
    case Happening::kState:
      return fmt::format("an entity is in {}", o.name);
    case Happening::kAction:
      return fmt::format("a {} runs", o.name);
    case Happening::kRequest:
      return fmt::format("a {} request arrives", o.name);
    case Happening::kFault:
      return fmt::format("a {} fault is active", o.name);
  }
  return o.name;
}

}  // namespace

std::string_view to_string(Happening happening) {
  switch (happening) {
    case Happening::kState:
      return "state";
    case Happening::kAction:
      return "action";
    case Happening::kRequest:
      return "request";
    case Happening::kFault:
      return "fault";
  }
  return "?";
}

std::span<const Happening> happenings() {
  return kAll;
}

std::string describe(const Requirement& r) {
  std::string out = happens(r.what);
  if (r.during) out += fmt::format(" while {}", holds(*r.during));
  if (!r.service.empty()) {
    out += fmt::format("{}on {}", r.during ? ", " : " ", r.service);
  } else if (r.during) {
    out += ", on the same service";
  }
  if (r.times > 1) out += fmt::format(", at least {} times", r.times);
  return out;
}

std::string flow_text(const Requirement& r) {
  std::string out = fmt::format("{{{}: {}", to_string(r.what.kind), r.what.name);
  if (r.during)
    out += fmt::format(", during: {{{}: {}}}", to_string(r.during->kind), r.during->name);
  if (!r.service.empty()) out += fmt::format(", service: {}", r.service);
  if (r.times != 1) out += fmt::format(", times: {}", r.times);
  return out + "}";
}

std::optional<std::size_t> service_of(std::string_view name,
                                      std::span<const std::string> services) {
  return ServiceIndex(services).of(name);
}

ServiceIndex::ServiceIndex(std::span<const std::string> services) {
  for (std::size_t i = 0; i < services.size(); ++i)
    by_id_.emplace(services[i], static_cast<std::uint32_t>(i));
}

std::optional<std::uint32_t> ServiceIndex::find(std::string_view id) const {
  const auto at = by_id_.find(id);
  if (at == by_id_.end()) return std::nullopt;
  return at->second;
}

std::optional<std::uint32_t> ServiceIndex::of(std::string_view name) const {
  // A client's name less its "client-", then the longest prefix that is a
  // service's id and ends the name or a word of it.
  constexpr std::string_view kClient = "client-";
  if (name.starts_with(kClient)) name.remove_prefix(kClient.size());
  for (std::size_t end = name.size(); end > 0; --end) {
    if (end < name.size() && alnum(name[end])) continue;
    if (std::optional<std::uint32_t> service = find(name.substr(0, end))) return service;
  }
  return std::nullopt;
}

}  // namespace unwedge::sim
