#include "sim/kernel/network.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>

#include "core/assert.hpp"

namespace unwedge::sim {
namespace {

bool contains(const std::vector<EndpointId>& sorted, EndpointId id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

}  // namespace

EndpointId Network::add(std::string name) {
  UNWEDGE_ASSERT_MSG(!by_name_.contains(name), "endpoint {} added twice", name);
  const auto id = static_cast<EndpointId>(names_.size());
  by_name_.emplace(name, id);
  names_.push_back(std::move(name));
  return id;
}

std::optional<EndpointId> Network::find(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

const std::string& Network::name(EndpointId id) const {
  UNWEDGE_ASSERT_LT(static_cast<std::size_t>(id), names_.size());
  return names_[id];
}

CutId Network::add_cut(Shape shape, std::vector<EndpointId> a, std::vector<EndpointId> b) {
  for (const std::vector<EndpointId>* side : {&a, &b}) {
    for (EndpointId id : *side)
      UNWEDGE_ASSERT_LT(static_cast<std::size_t>(id), names_.size());
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  UNWEDGE_ASSERT_MSG(!a.empty(), "a cut needs at least one endpoint on its first side");
  const CutId id = next_cut_++;
  if (cuts_naming_.size() < names_.size()) {
    cuts_naming_.resize(names_.size());
    complete_cuts_naming_.resize(names_.size());
  }
  for (const std::vector<EndpointId>* side : {&a, &b}) {
    for (EndpointId endpoint : *side) {
      cuts_naming_[endpoint].push_back(id);
      if (shape == Shape::kComplete) complete_cuts_naming_[endpoint].push_back(id);
    }
  }
  cuts_.emplace(id, Cut{shape, std::move(a), std::move(b)});
  return id;
}

CutId Network::cut_complete(std::vector<EndpointId> group) {
  return add_cut(Shape::kComplete, std::move(group), {});
}

CutId Network::cut_partial(std::vector<EndpointId> side_a, std::vector<EndpointId> side_b) {
  UNWEDGE_ASSERT(!side_b.empty());
  return add_cut(Shape::kPartial, std::move(side_a), std::move(side_b));
}

CutId Network::cut_one_way(std::vector<EndpointId> from, std::vector<EndpointId> to) {
  UNWEDGE_ASSERT(!to.empty());
  return add_cut(Shape::kOneWay, std::move(from), std::move(to));
}

bool Network::heal(CutId cut) {
  auto it = cuts_.find(cut);
  if (it == cuts_.end()) return false;
  const auto forget = [cut](std::vector<CutId>& ids) {
    ids.erase(std::remove(ids.begin(), ids.end(), cut), ids.end());
  };
  for (const std::vector<EndpointId>* side : {&it->second.a, &it->second.b}) {
    for (EndpointId endpoint : *side) {
      forget(cuts_naming_[endpoint]);
      forget(complete_cuts_naming_[endpoint]);
    }
  }
  cuts_.erase(it);
  return true;
}

void Network::heal_all() {
  cuts_.clear();
  cuts_naming_.clear();
  complete_cuts_naming_.clear();
}

bool Network::blocks(const Cut& cut, EndpointId from, EndpointId to) const {
  const bool from_a = contains(cut.a, from);
  const bool to_a = contains(cut.a, to);
  switch (cut.shape) {
    case Shape::kComplete:
      return from_a != to_a;
    case Shape::kPartial:
      return (from_a && contains(cut.b, to)) || (to_a && contains(cut.b, from));
    case Shape::kOneWay:
      return from_a && contains(cut.b, to);
  }
  return false;
}

bool Network::reachable(EndpointId from, EndpointId to) const {
  if (from == to) return true;
  const auto naming = [](const std::vector<std::vector<CutId>>& index, EndpointId endpoint) {
    static const std::vector<CutId> kNone;
    return static_cast<std::size_t>(endpoint) < index.size() ? std::cref(index[endpoint])
                                                             : std::cref(kNone);
  };
  // Every cut naming the endpoint named by fewer, and the complete cuts
  // naming the other: a partial or one-way cut that blocks names both.
  EndpointId fewer = from;
  EndpointId other = to;
  if (naming(cuts_naming_, to).get().size() < naming(cuts_naming_, from).get().size()) {
    std::swap(fewer, other);
  }
  for (const std::vector<CutId>* ids :
       {&naming(cuts_naming_, fewer).get(), &naming(complete_cuts_naming_, other).get()}) {
    for (CutId id : *ids) {
      if (blocks(cuts_.at(id), from, to)) return false;
    }
  }
  return true;
}

std::vector<core::TimeUs> Network::deliveries(EndpointId from, EndpointId to, Rng& rng) const {
  if (!reachable(from, to)) return {};
  if (rng.chance(quality_.loss_ppm)) return {};
  auto delay = [&] {
    return static_cast<core::TimeUs>(
        rng.between(static_cast<std::uint64_t>(quality_.delay_min_us),
                    static_cast<std::uint64_t>(quality_.delay_max_us)));
  };
  std::vector<core::TimeUs> out = {delay()};
  if (rng.chance(quality_.duplicate_ppm)) out.push_back(delay());
  return out;
}

std::string Network::names_of(const std::vector<EndpointId>& ids) const {
  std::vector<std::string_view> out;
  for (EndpointId id : ids)
    out.push_back(names_[id]);
  return fmt::format("{{{}}}", fmt::join(out, ", "));
}

std::string Network::describe(CutId id) const {
  auto it = cuts_.find(id);
  if (it == cuts_.end()) return fmt::format("cut {} (healed)", id);
  const Cut& cut = it->second;
  switch (cut.shape) {
    case Shape::kComplete:
      return fmt::format("complete {} x everyone else", names_of(cut.a));
    case Shape::kPartial:
      return fmt::format("partial {} x {}", names_of(cut.a), names_of(cut.b));
    case Shape::kOneWay:
      return fmt::format("one-way {} -> {}", names_of(cut.a), names_of(cut.b));
  }
  return "?";
}

}  // namespace unwedge::sim
