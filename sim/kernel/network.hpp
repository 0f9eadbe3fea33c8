// Network: who can reach whom, per direction, and what a message suffers on
// the way.
//
// Endpoints are hosts, the control plane, monitor vantage points and
// clients. Faults cut the network in every shape real incidents take:
//   - complete: a group cut from everyone else, both ways;
//   - partial: group A and group B cannot reach each other, while everyone
//     else still reaches both (a bridge node sees two healthy halves);
//   - one-way: A's messages to B are dropped, B's to A are delivered.
// Cuts overlap freely; each is healed by its id, or all at once at the end of
// a run's safety phase. Reachable messages are delayed by a uniform draw in
// [delay_min_us, delay_max_us] (so they reorder), lost or duplicated with the
// given chances, all drawn from the caller's Rng stream.
//
//   Network net;
//   EndpointId a = net.add("db1-1"), cp = net.add("control-plane");
//   CutId cut = net.cut_one_way({a}, {cp});
//   net.reachable(a, cp);  // false
//   net.heal(cut);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "sim/kernel/rng.hpp"

namespace unwedge::sim {

using EndpointId = std::uint32_t;
using CutId = std::uint64_t;

struct LinkQuality {
  core::TimeUs delay_min_us = 500;
  core::TimeUs delay_max_us = 5'000;
  std::uint32_t loss_ppm = 0;
  std::uint32_t duplicate_ppm = 0;

  friend bool operator==(const LinkQuality&, const LinkQuality&) = default;
};

class Network {
 public:
  EndpointId add(std::string name);
  std::optional<EndpointId> find(std::string_view name) const;
  const std::string& name(EndpointId id) const;
  std::size_t size() const { return names_.size(); }

  CutId cut_complete(std::vector<EndpointId> group);
  CutId cut_partial(std::vector<EndpointId> side_a, std::vector<EndpointId> side_b);
  CutId cut_one_way(std::vector<EndpointId> from, std::vector<EndpointId> to);
  // False if the cut was already healed (healing twice is harmless).
  bool heal(CutId cut);
  void heal_all();
  std::size_t active_cuts() const { return cuts_.size(); }
  // "partial {db1-1, db1-2} x {db1-3}"
  std::string describe(CutId cut) const;

  bool reachable(EndpointId from, EndpointId to) const;

  void set_quality(LinkQuality quality) { quality_ = quality; }
  const LinkQuality& quality() const { return quality_; }
  // The delays after which copies of one message from `from` arrive at `to`:
  // none when unreachable or lost, two when duplicated.
  std::vector<core::TimeUs> deliveries(EndpointId from, EndpointId to, Rng& rng) const;

 private:
  enum class Shape : std::uint8_t { kComplete, kPartial, kOneWay };
  struct Cut {
    Shape shape;
    std::vector<EndpointId> a;  // sorted
    std::vector<EndpointId> b;  // sorted; unused for kComplete ("everyone else")
  };

  CutId add_cut(Shape shape, std::vector<EndpointId> a, std::vector<EndpointId> b);
  bool blocks(const Cut& cut, EndpointId from, EndpointId to) const;
  std::string names_of(const std::vector<EndpointId>& ids) const;

  std::vector<std::string> names_;
  std::map<std::string, EndpointId, std::less<>> by_name_;
  std::map<CutId, Cut> cuts_;  // ordered: deterministic iteration
  // The cuts naming each endpoint, on either side, and the complete ones
  // among them: a message is blocked only by a cut that names its sender or
  // its receiver (a partial or one-way cut names both), so reachable()
  // costs as much as the cuts around two endpoints, not as all of them (a
  // large fleet runs hundreds at once).
  std::vector<std::vector<CutId>> cuts_naming_;
  std::vector<std::vector<CutId>> complete_cuts_naming_;
  CutId next_cut_ = 1;
  LinkQuality quality_;
};

}  // namespace unwedge::sim
