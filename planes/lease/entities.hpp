// What the lease plane keeps in its Stores.
//
// Two kinds of Store, two kinds of record:
//   - the console's Store (the plane's central one) holds one Service per
//     customer order: its intended members, whether their hosts were created,
//     and where its endpoint points;
//   - every node's own Store (on its disk, kept across the host's crashes)
//     holds that node's Keeper: its place in the keeper machine and the lease
//     it holds, if any, as its own clock measured it.
// The consensus store holds what the keepers share (lease_keys.hpp).
//
//   std::optional<Keeper> keeper = txn.get<Keeper>("db1-2");
//   if (keeper && keeper->holds_lease()) renew(*keeper);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine_state.hpp"
#include "core/telemetry.hpp"
#include "core/time.hpp"

namespace unwedge::core {
class EntityCodecs;
}

namespace unwedge::lease {

// A service as the console knows it.
struct Service {
  static constexpr std::string_view kKind = "service";
  std::string id;
  core::MachineState state;
  std::vector<std::string> members;  // "<id>-1", "<id>-2", ...: its hosts, in order
  bool synchronous = true;
  bool hosts_created = false;
  std::string endpoint;  // the node its endpoint routes to; empty: none yet

  friend bool operator==(const Service&, const Service&) = default;
};

// One node's keeper, in the node's own Store.
struct Keeper {
  static constexpr std::string_view kKind = "keeper";
  std::string id;  // the node's name
  std::string service;
  core::MachineState state;
  // The lease this keeper holds: the revision of its last successful write
  // of the leader key (0: none), and when it sent that write by its own
  // clock. The store counts the ttl from the write's commit, which comes
  // after the send, so measuring from the send errs on the safe side.
  std::uint64_t lease_revision = 0;
  core::TimeUs lease_sent_us = 0;
  // The revision of this keeper's last write of its service's position key.
  std::uint64_t optime_revision = 0;
  std::string following;    // the leader its database streams from; empty: none
  core::Term timeline = 0;  // the timeline it promoted to, when it led
  std::uint32_t boots = 0;  // agent starts, to keep request keys unique
  bool restart_asked = false;
  // Listed in the service's members key: once true, it stays true.
  bool registered = false;

  bool holds_lease() const { return lease_revision != 0; }

  friend bool operator==(const Keeper&, const Keeper&) = default;
};

std::string describe(const Service& service);
std::string describe(const Keeper& keeper);

// "db1" for "db1-2": a node's service is its name up to the last '-'.
std::string service_of(std::string_view node);

// Declares every kind above with its codec, so the plane's Store can be kept
// in a database (seam::PlaneInfo::entities).
void add_entities(core::EntityCodecs& codecs);

}  // namespace unwedge::lease
