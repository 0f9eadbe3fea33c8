// Placement: where the fleet's cloud puts a new host, and whether it has
// room for one.
//
// A fleet lives in zones, each of racks. The cloud spreads a service's hosts
// as a spread placement group does: a new host goes to the zone with room
// that holds the fewest live hosts of its service, then the emptiest zone,
// then the first; within the zone, to the rack holding the fewest of the
// service's hosts, then the emptiest rack. A zone holds at most `hosts_max`
// live hosts (0: no limit); when every zone is full the creation fails, as
// a cloud answers "insufficient capacity". No randomness: the same requests
// give the same places on every run.
//
//   Placement placement({.names = {"a", "b", "c"}, .racks = 4, .hosts_max = 900});
//   std::optional<Spot> spot = placement.place(/*service=*/7);   // zone 0, rack 0
//   placement.rack_name(*spot);                                  // "a/1"
//   placement.release(*spot, 7);                                 // the host was destroyed
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unwedge::sim {

// The fleet's shape: its zones by name, racks per zone and room per zone.
// No names: one zone, "zone", with no limit (a fleet that declares none).
struct ZoneShape {
  std::vector<std::string> names;
  std::uint32_t racks = 1;
  std::uint32_t hosts_max = 0;  // live hosts per zone; 0: no limit

  friend bool operator==(const ZoneShape&, const ZoneShape&) = default;
};

// A host's place: its zone and its rack within the zone.
struct Spot {
  std::uint16_t zone = 0;
  std::uint16_t rack = 0;

  friend bool operator==(const Spot&, const Spot&) = default;
};

class Placement {
 public:
  explicit Placement(const ZoneShape& shape);

  // The place of a new host of `service` (a dense index), taken now; none:
  // every zone is full.
  std::optional<Spot> place(std::uint32_t service);
  // As place(), for a host that exists whatever the room (a customer's own
  // machine the plane takes on): when every zone is full, where place()
  // would put it if there were room.
  Spot place_anyway(std::uint32_t service);
  // The host at `spot` is gone for good: its room is free again.
  void release(Spot spot, std::uint32_t service);

  std::uint32_t zones() const { return static_cast<std::uint32_t>(zone_names_.size()); }
  std::uint32_t racks() const { return racks_; }
  const std::string& zone_name(std::uint16_t zone) const { return zone_names_.at(zone); }
  // "b/2": zone b's second rack.
  std::string rack_name(Spot spot) const;
  // The zone named, or the rack named "zone/N" (N from 1).
  std::optional<std::uint16_t> find_zone(std::string_view name) const;
  std::optional<Spot> find_rack(std::string_view name) const;
  // Live hosts in the zone.
  std::uint32_t hosts_in(std::uint16_t zone) const { return zone_hosts_.at(zone); }

 private:
  // A service's live hosts at one spot. A service has a few hosts, so its
  // spots are a short list, not a row of every rack of the fleet.
  struct Held {
    Spot spot;
    std::uint32_t hosts = 0;
  };
  std::optional<Spot> place(std::uint32_t service, bool anyway);
  std::vector<Held>& held_by(std::uint32_t service);
  // The service's live hosts in `zone`, or on `rack` of it (all racks: none).
  static std::uint32_t count(const std::vector<Held>& held, std::uint16_t zone,
                             std::optional<std::uint16_t> rack);

  std::vector<std::string> zone_names_;
  std::uint32_t racks_;
  std::uint32_t hosts_max_;
  std::vector<std::uint32_t> zone_hosts_;  // per zone
  std::vector<std::uint32_t> rack_hosts_;  // per zone * racks + rack
  std::vector<std::vector<Held>> held_;    // per service
};

}  // namespace unwedge::sim
