// Simulation, the fleet API's effects: what each request of the Postgres
// fleet's vocabulary (worlds/postgres/fleet_api.hpp) does to the simulated
// fleet once SimInfra delivers it. What a request does to a node, an
// endpoint or a certificate is the world's (World::promote, follow, ...);
// here is what only the engine knows: whether the control plane can reach
// the node, the hosts' boots and check-ins, and the plane's configuration.
#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/simulation.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {
namespace {

// A host's service as Placement counts it: the service's index + 1, or 0
// for a host of no service the world knows.
std::uint32_t placement_key(std::optional<std::uint32_t> service) {
  return service ? *service + 1 : 0;
}

}  // namespace

Latency Simulation::latency_of(core::InfraVerb verb) const {
  const pgworld::OperationLatency latency = pgworld::operation_latency(verb);
  return {.min_us = latency.min_us, .max_us = latency.max_us};
}

const char* Simulation::verb_name(core::InfraVerb verb) const {
  return pgworld::to_string(verb);
}

std::optional<std::string> Simulation::db_unreachable(const std::string& name,
                                                      HostIndex& index) const {
  std::optional<HostIndex> found = world_.find_host(name);
  if (!found) return "no host " + name;
  index = *found;
  const Host& host = world_.hosts[index];
  if (!host.up()) return fmt::format("{} is {}", name, to_string(host.state));
  if (!host.db.running) return "the database on " + name + " is not running";
  // An agent's local command does not cross the network; the fleet API's does.
  if (!local_request_ && !world_.connected(world_.control_plane, host.endpoint)) {
    return name + " cannot be reached from the control plane";
  }
  // A request on a node's database reaches only a running database.
  UNWEDGE_ASSERT_EQ(host.name, name);
  UNWEDGE_ASSERT(host.up() && host.db.running);
  return std::nullopt;
}

// The effects of fleet API operations, applied once per idempotency key
// (SimInfra drops a second delivery of finished work).
std::optional<std::string> Simulation::apply(const core::InfraRequest& r) {
  using core::InfraVerb;
  // Every request names what it acts on and carries its idempotency key.
  UNWEDGE_ASSERT(!r.target.empty());
  UNWEDGE_ASSERT(!r.idempotency_key.empty());
  // Whatever it does, it does to the host it names (a host it creates is
  // booting, so not sound, as a host never seen is held).
  if (std::optional<HostIndex> target = world_.find_host(r.target)) touch_health(*target);
  HostIndex index = 0;
  switch (r.verb) {
    case pgworld::kCreateHost: {
      if (std::optional<HostIndex> existing = world_.find_host(r.target)) {
        const Host& host = world_.hosts[*existing];
        if (host.state == HostState::kDestroyed) {
          return r.target + " was destroyed; host names are not reused";
        }
        if (host.created_by != r.idempotency_key) {
          // A real cloud would build a second machine here: names are labels,
          // only the key makes a request idempotent.
          checker_.add(Violation{
              .invariant = Invariant::kIdempotentEffects,
              .entity = r.target,
              .at_us = now_us_,
              .message = fmt::format("host {} was created under key {} and asked for again under "
                                     "key {}: a cloud would now run two machines for one server",
                                     r.target, host.created_by, r.idempotency_key)});
        }
        return std::nullopt;
      }
      // The account's quota and the zones' room are the cloud's to refuse;
      // refused, nothing was created and a new request may try again.
      const std::optional<std::uint32_t> service = world_.find_service(r.argument);
      const std::uint32_t placed_as = placement_key(service);
      if (config_.host_quota != 0 && live_hosts_ >= config_.host_quota) {
        hosts_refused_++;
        return fmt::format("quota exceeded: the account has {} of {} hosts", live_hosts_,
                           config_.host_quota);
      }
      const std::optional<Spot> spot = placement_.place(placed_as);
      if (!spot) {
        hosts_refused_++;
        return "insufficient capacity: every zone is full";
      }
      index = world_.add_host(r.target, r.argument);
      UNWEDGE_ASSERT_EQ(spots_.size(), std::size_t{index});
      spots_.push_back(*spot);
      live_hosts_++;
      Host& host = world_.hosts[index];
      host.created_by = r.idempotency_key;
      if (std::optional<std::uint32_t> s = world_.find_service(r.argument)) {
        host.db.sync_standby = world_.services[*s].synchronous;
      }
      boot(index);
      push(now_us_ + jitter(config_.checkin_interval_us, rng_world_),
           {.kind = EventKind::kCheckin, .a = index});
      // The host exists under its name, created by this key, and boots.
      UNWEDGE_ASSERT(world_.find_host(r.target) == index);
      UNWEDGE_ASSERT(host.state == HostState::kBooting);
      UNWEDGE_ASSERT_EQ(host.created_by, r.idempotency_key);
      return std::nullopt;
    }
    case pgworld::kStartHost: {
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      if (world_.hosts[*h].state == HostState::kDestroyed) return r.target + " was destroyed";
      if (world_.hosts[*h].state == HostState::kDown) boot(*h);
      // Booting or up: a started host is not down.
      UNWEDGE_ASSERT(world_.hosts[*h].state == HostState::kBooting || world_.hosts[*h].up());
      return std::nullopt;
    }
    case pgworld::kStopHost:
    case pgworld::kDestroyHost: {
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      Host& host = world_.hosts[*h];
      if (r.verb == pgworld::kDestroyHost) {
        if (host.state != HostState::kDestroyed) {
          world_.take_down(*h, HostState::kDestroyed);
          // Its room in its zone and its place in the quota are free again.
          const std::optional<std::uint32_t> service = world_.find_service(host.service);
          placement_.release(spots_.at(*h), placement_key(service));
          UNWEDGE_ASSERT_LT(0u, live_hosts_);
          live_hosts_--;
        }
      } else if (host.state == HostState::kDestroyed) {
        return r.target + " was destroyed";
      } else if (host.state != HostState::kDown) {
        world_.take_down(*h, HostState::kDown);
      }
      // Down (or gone), its database stopped: it serves nothing.
      UNWEDGE_ASSERT(host.state ==
                     (r.verb == pgworld::kDestroyHost ? HostState::kDestroyed : HostState::kDown));
      UNWEDGE_ASSERT(!host.db.running && !host.db.accepts_writes());
      return std::nullopt;
    }
    case pgworld::kFence:
    case pgworld::kUnfence: {
      // Fencing works through the cloud's network controls, so it reaches a
      // host the control plane cannot talk to (that is its point).
      const bool fence = r.verb == pgworld::kFence;
      if (auto why = world_.fence(r.target, fence)) return why;
      // A fenced node accepts no write until it is unfenced.
      const std::optional<HostIndex> h = world_.find_host(r.target);
      UNWEDGE_ASSERT(h.has_value());
      UNWEDGE_ASSERT(world_.hosts[*h].db.fenced == fence);
      UNWEDGE_ASSERT(!fence || !world_.hosts[*h].db.accepts_writes());
      return std::nullopt;
    }
    case pgworld::kPromote: {
      if (auto why = db_unreachable(r.target, index)) return why;
      const pgworld::Timeline timeline = std::stoull(r.argument);
      if (auto why = world_.promote(index, timeline)) return why;
      // A leader on the new timeline (or a later one), writable unless fenced.
      const DbNode& db = world_.hosts[index].db;
      UNWEDGE_ASSERT(db.primary);
      UNWEDGE_ASSERT_LE(timeline, db.wal.timeline());
      UNWEDGE_ASSERT(db.accepts_writes() == !db.fenced);
      return std::nullopt;
    }
    case pgworld::kFollow: {
      if (auto why = db_unreachable(r.target, index)) return why;
      if (auto why = world_.follow(index, r.argument)) return why;
      // Which replicas count toward synchronous commit is the control
      // plane's configuration (synchronous_standby_names): HA standbys of a
      // synchronous service do, customer followers never. The fleet API
      // carries no such flag, so the node's agent reads the server's role.
      std::optional<std::uint32_t> s = world_.find_service(world_.hosts[index].service);
      world_.hosts[index].db.sync_standby =
          s && world_.services[*s].synchronous &&
          plane_->role_of(*durable_.begin(), r.target) == "standby";
      // A replica of the leader named, taking no write of its own.
      const DbNode& db = world_.hosts[index].db;
      UNWEDGE_ASSERT(db.upstream == world_.find_host(r.argument));
      UNWEDGE_ASSERT(!db.primary && !db.accepts_writes());
      return std::nullopt;
    }
    case pgworld::kRewind: {
      if (auto why = db_unreachable(r.target, index)) return why;
      if (auto why = world_.rewind(index, r.argument)) return why;
      // In recovery, following nobody until asked to.
      const DbNode& db = world_.hosts[index].db;
      UNWEDGE_ASSERT(!db.primary && !db.upstream);
      return std::nullopt;
    }
    case pgworld::kStopReplication:
      if (auto why = db_unreachable(r.target, index)) return why;
      world_.stop_replication(index);
      UNWEDGE_ASSERT(!world_.hosts[index].db.upstream);
      return std::nullopt;
    case pgworld::kUnfollow:
      if (auto why = db_unreachable(r.target, index)) return why;
      // A database of its own now: its customer's application writes to it.
      if (world_.unfollow(index)) start_independent(index);
      UNWEDGE_ASSERT(world_.hosts[index].db.primary);
      return std::nullopt;
    case pgworld::kPointEndpoint: {
      if (auto why = world_.point_endpoint(r.target, r.argument)) return why;
      // The service's clients are now routed to the host named, or nowhere.
      const std::optional<std::uint32_t> s = world_.find_service(r.target);
      UNWEDGE_ASSERT(s.has_value());
      UNWEDGE_ASSERT(world_.services[*s].target ==
                     (r.argument.empty() ? std::nullopt : world_.find_host(r.argument)));
      return std::nullopt;
    }
    case pgworld::kIssueCertificate: {
      if (auto why = world_.issue_certificate(r.target, r.argument,
                                              now_us_ + fleet_.certificate_validity_us)) {
        return why;
      }
      // The authority's newest serial of the certificate, trusted until it expires.
      const std::optional<std::uint32_t> s = world_.find_service(r.argument);
      UNWEDGE_ASSERT(s.has_value());
      UNWEDGE_ASSERT_EQ(world_.services[*s].certificate, r.target);
      UNWEDGE_ASSERT_LT(world_.services[*s].certificate_revoked_through,
                        world_.services[*s].certificate_serial);
      return std::nullopt;
    }
    case pgworld::kInstallCertificate:
      if (auto why = db_unreachable(r.target, index)) return why;
      world_.install_certificate(index, r.argument);
      UNWEDGE_ASSERT_EQ(world_.hosts[index].db.certificate, r.argument);
      return std::nullopt;
    case pgworld::kRevokeCertificate:
      world_.revoke_certificate(r.target);
      return std::nullopt;
  }
  return "unknown operation";
}

}  // namespace unwedge::sim
