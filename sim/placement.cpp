#include "sim/placement.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/value_text.hpp"

namespace unwedge::sim {

Placement::Placement(const ZoneShape& shape)
    : zone_names_(shape.names.empty() ? std::vector<std::string>{"zone"} : shape.names),
      racks_(shape.racks),
      hosts_max_(shape.hosts_max),
      zone_hosts_(zone_names_.size(), 0),
      rack_hosts_(zone_names_.size() * shape.racks, 0) {
  UNWEDGE_ASSERT_LT(0u, racks_);
  UNWEDGE_ASSERT_LE(zone_names_.size(), std::size_t{UINT16_MAX});
  UNWEDGE_ASSERT_LE(racks_, std::uint32_t{UINT16_MAX});
}

std::vector<Placement::Held>& Placement::held_by(std::uint32_t service) {
  if (held_.size() <= service) held_.resize(static_cast<std::size_t>(service) + 1);
  return held_[service];
}

std::uint32_t Placement::count(const std::vector<Held>& held, std::uint16_t zone,
                               std::optional<std::uint16_t> rack) {
  std::uint32_t hosts = 0;
  for (const Held& h : held) {
    if (h.spot.zone == zone && (!rack || h.spot.rack == *rack)) hosts += h.hosts;
  }
  return hosts;
}

std::optional<Spot> Placement::place(std::uint32_t service) {
  return place(service, false);
}

Spot Placement::place_anyway(std::uint32_t service) {
  if (const std::optional<Spot> spot = place(service, false)) return *spot;
  const std::optional<Spot> spot = place(service, true);
  UNWEDGE_ASSERT(spot.has_value());
  return *spot;
}

std::optional<Spot> Placement::place(std::uint32_t service, bool anyway) {
  std::vector<Held>& held = held_by(service);
  std::optional<std::uint16_t> best;
  for (std::uint32_t z = 0; z < zones(); ++z) {
    if (!anyway && hosts_max_ != 0 && zone_hosts_[z] >= hosts_max_) continue;
    const auto zone = static_cast<std::uint16_t>(z);
    if (!best) {
      best = zone;
      continue;
    }
    const std::uint32_t mine = count(held, zone, std::nullopt);
    const std::uint32_t theirs = count(held, *best, std::nullopt);
    if (mine < theirs || (mine == theirs && zone_hosts_[z] < zone_hosts_[*best])) best = zone;
  }
  if (!best) return std::nullopt;
  std::uint16_t rack = 0;
  for (std::uint32_t r = 1; r < racks_; ++r) {
    const std::uint32_t mine = count(held, *best, static_cast<std::uint16_t>(r));
    const std::uint32_t theirs = count(held, *best, rack);
    const std::uint32_t here = rack_hosts_[*best * racks_ + r];
    const std::uint32_t there = rack_hosts_[*best * racks_ + rack];
    if (mine < theirs || (mine == theirs && here < there)) rack = static_cast<std::uint16_t>(r);
  }
  const Spot spot{.zone = *best, .rack = rack};
  zone_hosts_[spot.zone]++;
  rack_hosts_[spot.zone * racks_ + spot.rack]++;
  auto at = std::find_if(held.begin(), held.end(), [&](const Held& h) { return h.spot == spot; });
  if (at == held.end()) {
    held.push_back({.spot = spot, .hosts = 1});
  } else {
    at->hosts++;
  }
  // Never past a zone's room, unless told to.
  UNWEDGE_ASSERT(anyway || hosts_max_ == 0 || zone_hosts_[spot.zone] <= hosts_max_);
  return spot;
}

void Placement::release(Spot spot, std::uint32_t service) {
  UNWEDGE_ASSERT_LT(spot.zone, zones());
  UNWEDGE_ASSERT_LT(spot.rack, racks_);
  std::vector<Held>& held = held_by(service);
  auto at = std::find_if(held.begin(), held.end(), [&](const Held& h) { return h.spot == spot; });
  // Released once, after it was placed.
  UNWEDGE_ASSERT(at != held.end() && at->hosts > 0);
  UNWEDGE_ASSERT_LT(0u, zone_hosts_[spot.zone]);
  if (--at->hosts == 0) held.erase(at);
  zone_hosts_[spot.zone]--;
  rack_hosts_[spot.zone * racks_ + spot.rack]--;
}

std::string Placement::rack_name(Spot spot) const {
  return fmt::format("{}/{}", zone_name(spot.zone), spot.rack + 1);
}

std::optional<std::uint16_t> Placement::find_zone(std::string_view name) const {
  for (std::size_t z = 0; z < zone_names_.size(); ++z) {
    if (zone_names_[z] == name) return static_cast<std::uint16_t>(z);
  }
  return std::nullopt;
}

std::optional<Spot> Placement::find_rack(std::string_view name) const {
  const std::size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::optional<std::uint16_t> zone = find_zone(name.substr(0, slash));
  if (!zone) return std::nullopt;
  const core::Result<std::int64_t> rack =
      core::parse_whole_number(name.substr(slash + 1), 1, racks_);
  if (!rack.ok()) return std::nullopt;
  return Spot{.zone = *zone, .rack = static_cast<std::uint16_t>(*rack - 1)};
}

}  // namespace unwedge::sim
