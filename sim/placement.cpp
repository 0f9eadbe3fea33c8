#include "sim/placement.hpp"

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

std::uint32_t& Placement::of_service(std::vector<std::uint32_t>& counts, std::uint32_t service,
                                     std::uint32_t index, std::uint32_t width) {
  const std::size_t at = static_cast<std::size_t>(service) * width + index;
  if (counts.size() <= at) counts.resize((static_cast<std::size_t>(service) + 1) * width, 0);
  return counts[at];
}

std::optional<Spot> Placement::place(std::uint32_t service) {
  return place(service, false);
}

Spot Placement::place_anyway(std::uint32_t service) {
  const std::optional<Spot> spot = place(service, true);
  UNWEDGE_ASSERT(spot.has_value());
  return *spot;
}

std::optional<Spot> Placement::place(std::uint32_t service, bool anyway) {
  const std::uint32_t zones = this->zones();
  std::optional<std::uint16_t> best;
  for (std::uint32_t z = 0; z < zones; ++z) {
    if (!anyway && hosts_max_ != 0 && zone_hosts_[z] >= hosts_max_) continue;
    if (!best) {
      best = static_cast<std::uint16_t>(z);
      continue;
    }
    const std::uint32_t mine = of_service(service_zone_, service, z, zones);
    const std::uint32_t theirs = of_service(service_zone_, service, *best, zones);
    if (mine < theirs || (mine == theirs && zone_hosts_[z] < zone_hosts_[*best])) {
      best = static_cast<std::uint16_t>(z);
    }
  }
  if (!best) return std::nullopt;
  const std::uint32_t width = zones * racks_;
  std::uint16_t rack = 0;
  for (std::uint32_t r = 1; r < racks_; ++r) {
    const std::uint32_t mine = of_service(service_rack_, service, *best * racks_ + r, width);
    const std::uint32_t theirs = of_service(service_rack_, service, *best * racks_ + rack, width);
    const std::uint32_t here = rack_hosts_[*best * racks_ + r];
    const std::uint32_t there = rack_hosts_[*best * racks_ + rack];
    if (mine < theirs || (mine == theirs && here < there)) rack = static_cast<std::uint16_t>(r);
  }
  const Spot spot{.zone = *best, .rack = rack};
  zone_hosts_[spot.zone]++;
  rack_hosts_[spot.zone * racks_ + spot.rack]++;
  of_service(service_zone_, service, spot.zone, zones)++;
  of_service(service_rack_, service, spot.zone * racks_ + spot.rack, width)++;
  // Never past a zone's room, unless told to.
  UNWEDGE_ASSERT(anyway || hosts_max_ == 0 || zone_hosts_[spot.zone] <= hosts_max_);
  return spot;
}

void Placement::release(Spot spot, std::uint32_t service) {
  UNWEDGE_ASSERT_LT(spot.zone, zones());
  UNWEDGE_ASSERT_LT(spot.rack, racks_);
  std::uint32_t& in_zone = of_service(service_zone_, service, spot.zone, zones());
  std::uint32_t& in_rack =
      of_service(service_rack_, service, spot.zone * racks_ + spot.rack, zones() * racks_);
  // Released once, after it was placed.
  UNWEDGE_ASSERT_LT(0u, in_zone);
  UNWEDGE_ASSERT_LT(0u, in_rack);
  in_zone--;
  in_rack--;
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
