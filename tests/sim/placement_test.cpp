// Where the fleet's cloud puts hosts: a service spread over zones and racks,
// a zone's room respected, and room freed by a destroyed host used again.
#include "sim/placement.hpp"

#include <set>

#include <gtest/gtest.h>

namespace unwedge::sim {
namespace {

TEST(Placement, SpreadsAServiceOverZonesThenRacks) {
  Placement placement({.names = {"a", "b", "c"}, .racks = 2});
  std::set<std::uint16_t> zones;
  for (int i = 0; i < 3; ++i)
    zones.insert(placement.place(/*service=*/1)->zone);
  EXPECT_EQ(zones, (std::set<std::uint16_t>{0, 1, 2}));  // one host in each zone
  // A fourth goes to the emptiest zone's other rack: no rack holds two.
  const Spot fourth = *placement.place(1);
  EXPECT_EQ(fourth.rack, 1u);
  // Another service starts in the zone with fewest hosts, zone b, on its
  // empty rack.
  const Spot other = *placement.place(2);
  EXPECT_EQ(placement.zone_name(other.zone), "b");
  EXPECT_EQ(placement.rack_name(other), "b/2");
}

TEST(Placement, AFullFleetRefusesUntilAHostIsReleased) {
  Placement placement({.names = {"a", "b"}, .racks = 1, .hosts_max = 2});
  std::vector<Spot> spots;
  for (std::uint32_t service = 0; service < 4; ++service) {
    std::optional<Spot> spot = placement.place(service);
    ASSERT_TRUE(spot.has_value());
    spots.push_back(*spot);
  }
  EXPECT_EQ(placement.hosts_in(0), 2u);
  EXPECT_EQ(placement.hosts_in(1), 2u);
  EXPECT_FALSE(placement.place(9).has_value());  // insufficient capacity
  placement.release(spots[1], 1);
  const std::optional<Spot> again = placement.place(9);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->zone, spots[1].zone);
  // A customer's own machine is where it is, room or none.
  const Spot anyway = placement.place_anyway(9);
  EXPECT_EQ(placement.hosts_in(anyway.zone), 3u);
}

TEST(Placement, AMachineThatMustBePlacedTakesRoomWhereThereIsSome) {
  Placement placement({.names = {"a", "b"}, .racks = 1, .hosts_max = 1});
  EXPECT_EQ(placement.place(0)->zone, 0u);
  // Spreading service 0 would put its second host in b anyway; service 1's
  // first would go to the emptiest zone, and b has the room.
  EXPECT_EQ(placement.place_anyway(1).zone, 1u);
  EXPECT_EQ(placement.hosts_in(0), 1u);
  EXPECT_EQ(placement.hosts_in(1), 1u);
}

TEST(Placement, NamesZonesAndRacks) {
  Placement placement({.names = {"us-east-1a", "us-east-1b"}, .racks = 3});
  EXPECT_EQ(placement.find_zone("us-east-1b"), std::optional<std::uint16_t>(1));
  EXPECT_FALSE(placement.find_zone("us-east-1c").has_value());
  EXPECT_EQ(placement.find_rack("us-east-1a/3"), (std::optional<Spot>(Spot{.zone = 0, .rack = 2})));
  EXPECT_FALSE(placement.find_rack("us-east-1a/4").has_value());
  EXPECT_FALSE(placement.find_rack("us-east-1a/0").has_value());
  EXPECT_FALSE(placement.find_rack("us-east-1a").has_value());
  // A fleet that declares no zones is one zone with no limit.
  Placement unzoned(ZoneShape{});
  EXPECT_EQ(unzoned.zones(), 1u);
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(unzoned.place(0).has_value());
}

}  // namespace
}  // namespace unwedge::sim
