// The entities of the reference control plane, as kept in its Store.
//
// Every entity is plain data found by id; relations are ids too (a server
// names its service, a link names its server), so a step always reads the
// exact entity it works on and never "the latest row". Operator and customer
// requests are flags on the entity they concern: raising one is all an
// operator does; the decision tables take it from there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/machine_state.hpp"
#include "core/telemetry.hpp"
#include "core/time.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::core {
class EntityCodecs;
}

namespace unwedge::postgres {

enum class Role : std::uint8_t {
  kLeader,       // accepts writes for its service
  kStandby,      // HA standby of its service, a failover candidate
  kFollower,     // a customer's read replica
  kIndependent,  // unfollowed: a database of its own
  kRetired,      // replaced or failed for good; no longer part of the service
};

const char* to_string(Role role);

struct Service {
  static constexpr std::string_view kKind = "service";

  std::string id;
  core::MachineState state;
  std::string leader;  // server id
  pgworld::Timeline timeline = 1;
  std::uint32_t standbys = 1;       // HA standbys the plan asks for
  bool synchronous = true;          // writes acknowledged only once a standby has them
  std::string certificate;          // certificate id
  std::uint32_t servers_named = 0;  // servers are named <service>-<n>, n counting up
  bool failover_requested = false;
  bool deprovision_requested = false;
  // The action id of the last leader change (Failover or Promote) that
  // finished on the service, succeeded or abandoned. A finished execution's
  // record is erased, so a duplicate delivery of it starts again from its
  // first step; this is how that step sees the work already done.
  std::string last_leader_change;

  friend bool operator==(const Service&, const Service&) = default;
};

struct Server {
  static constexpr std::string_view kKind = "server";

  std::string id;
  std::string service;
  core::MachineState state;
  Role role = Role::kStandby;
  std::string replaces;        // the server this one replaces, if any
  std::uint32_t restarts = 0;  // restarts tried on this host; bounded, then it is replaced
  bool replace_requested = false;
  bool destroy_requested = false;

  friend bool operator==(const Server&, const Server&) = default;
};

// Replication into one server. A link has the id of the server it feeds.
struct ReplicaLink {
  static constexpr std::string_view kKind = "replica_link";

  std::string id;  // == the replica's server id
  std::string service;
  core::MachineState state;
  bool standby = true;  // an HA standby; false for a customer follower
  bool promote_requested = false;
  bool unfollow_requested = false;

  friend bool operator==(const ReplicaLink&, const ReplicaLink&) = default;
};

struct Certificate {
  static constexpr std::string_view kKind = "certificate";

  std::string id;
  std::string service;
  core::MachineState state;
  std::string installed_on;  // server id holding the current serial
  std::uint32_t serial = 0;
  core::TimeUs not_after_us = 0;
  // The action id of the execution that issued `serial`: a duplicate
  // delivery of it finds here that its serial exists, rather than counting
  // one the fleet API (asked again under the same key) never issued.
  std::string issued_by;
  bool revoke_requested = false;

  friend bool operator==(const Certificate&, const Certificate&) = default;
};

std::string describe(const Service& service);
std::string describe(const Server& server);
std::string describe(const ReplicaLink& link);
std::string describe(const Certificate& certificate);

// Declares every kind above with its codec, so the plane's Store can be kept
// in a database (seam::PlaneInfo::entities).
void add_entities(core::EntityCodecs& codecs);

}  // namespace unwedge::postgres
