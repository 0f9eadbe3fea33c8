// Simulation, the fleet API's effects: what each request of the Postgres
// fleet's vocabulary (worlds/postgres/fleet_api.hpp) does to the simulated
// fleet once SimInfra delivers it.
#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/simulation.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {

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
  return std::nullopt;
}

// The effects of fleet API operations. Every effect is idempotent: applying
// it again (a duplicate delivery) changes nothing more.
std::optional<std::string> Simulation::apply(const core::InfraRequest& r) {
  using core::InfraVerb;
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
      index = world_.add_host(r.target, r.argument);
      Host& host = world_.hosts[index];
      host.created_by = r.idempotency_key;
      if (std::optional<std::uint32_t> s = world_.find_service(r.argument)) {
        host.db.sync_standby = world_.services[*s].synchronous;
      }
      boot(index);
      push(now_us_ + jitter(config_.checkin_interval_us, rng_world_),
           {.kind = EventKind::kCheckin, .a = index});
      return std::nullopt;
    }
    case pgworld::kStartHost: {
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      if (world_.hosts[*h].state == HostState::kDestroyed) return r.target + " was destroyed";
      if (world_.hosts[*h].state == HostState::kDown) boot(*h);
      return std::nullopt;
    }
    case pgworld::kStopHost:
    case pgworld::kDestroyHost: {
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      Host& host = world_.hosts[*h];
      if (r.verb == pgworld::kDestroyHost) {
        if (host.state != HostState::kDestroyed) world_.take_down(*h, HostState::kDestroyed);
      } else if (host.state == HostState::kDestroyed) {
        return r.target + " was destroyed";
      } else if (host.state != HostState::kDown) {
        world_.take_down(*h, HostState::kDown);
      }
      return std::nullopt;
    }
    case pgworld::kFence:
    case pgworld::kUnfence: {
      // Fencing works through the cloud's network controls, so it reaches a
      // host the control plane cannot talk to (that is its point).
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      world_.hosts[*h].db.fenced = r.verb == pgworld::kFence;
      return std::nullopt;
    }
    case pgworld::kPromote: {
      if (auto why = db_unreachable(r.target, index)) return why;
      DbNode& db = world_.hosts[index].db;
      const pgworld::Timeline timeline = std::stoull(r.argument);
      if (db.primary && db.wal.timeline() >= timeline) return std::nullopt;
      if (db.wal.timeline() >= timeline) {
        return fmt::format("{} is on timeline {} already, not before {}", r.target,
                           db.wal.timeline(), timeline);
      }
      db.wal.promote(timeline);
      db.primary = true;
      db.upstream.reset();
      return std::nullopt;
    }
    case pgworld::kFollow: {
      if (auto why = db_unreachable(r.target, index)) return why;
      std::optional<HostIndex> leader = world_.find_host(r.argument);
      if (!leader) return "no host " + r.argument;
      if (*leader == index) return r.target + " cannot follow itself";
      DbNode& db = world_.hosts[index].db;
      // A node cannot stream from a leader whose history stops short of its
      // own timeline, as PostgreSQL refuses to; and every leader change
      // raises the timeline, so such a request is always a stale one (a late
      // duplicate of a re-point made before the node was promoted).
      if (const pgworld::Timeline upstream = world_.hosts[*leader].db.wal.timeline();
          db.wal.timeline() > upstream) {
        return fmt::format("{} is on timeline {}, ahead of {}'s timeline {}", r.target,
                           db.wal.timeline(), r.argument, upstream);
      }
      db.primary = false;
      db.upstream = *leader;
      // Which replicas count toward synchronous commit is the control
      // plane's configuration (synchronous_standby_names): HA standbys of a
      // synchronous service do, customer followers never. The fleet API
      // carries no such flag, so the node's agent reads the server's role.
      {
        std::optional<std::uint32_t> s = world_.find_service(world_.hosts[index].service);
        db.sync_standby = s && world_.services[*s].synchronous &&
                          plane_->role_of(*durable_.begin(), r.target) == "standby";
      }
      world_.catch_up(index);
      return std::nullopt;
    }
    case pgworld::kStopReplication: {
      if (auto why = db_unreachable(r.target, index)) return why;
      world_.hosts[index].db.upstream.reset();
      return std::nullopt;
    }
    case pgworld::kUnfollow: {
      // Opens the node for writes; it does not touch replication, which a
      // correct unfollow has stopped first (kStopReplication). A node still
      // streaming from its old leader goes on applying that log over the
      // writes it now takes (World::catch_up).
      if (auto why = db_unreachable(r.target, index)) return why;
      DbNode& db = world_.hosts[index].db;
      if (db.primary) return std::nullopt;
      db.wal.promote(world_.next_independent_timeline++);
      db.primary = true;
      start_independent(index);
      return std::nullopt;
    }
    case pgworld::kPointEndpoint: {
      std::optional<std::uint32_t> s = world_.find_service(r.target);
      if (!s) return "no service endpoint " + r.target;
      if (r.argument.empty()) {
        world_.services[*s].target.reset();
        return std::nullopt;
      }
      std::optional<HostIndex> h = world_.find_host(r.argument);
      if (!h) return "no host " + r.argument;
      world_.services[*s].target = *h;
      return std::nullopt;
    }
    case pgworld::kIssueCertificate: {
      std::optional<std::uint32_t> s = world_.find_service(r.argument);
      if (!s) return "no service " + r.argument;
      ServiceEndpoint& service = world_.services[*s];
      service.certificate = r.target;
      service.certificate_serial++;
      service.certificate_not_after_us = now_us_ + fleet_.certificate_validity_us;
      return std::nullopt;
    }
    case pgworld::kInstallCertificate: {
      if (auto why = db_unreachable(r.target, index)) return why;
      // What the authority issued last under that id is what gets installed.
      DbNode& db = world_.hosts[index].db;
      db.certificate = r.argument;
      db.certificate_serial = 0;
      db.certificate_not_after_us = 0;
      for (const ServiceEndpoint& service : world_.services) {
        if (service.certificate != r.argument) continue;
        db.certificate_serial = service.certificate_serial;
        db.certificate_not_after_us = service.certificate_not_after_us;
      }
      return std::nullopt;
    }
    case pgworld::kRevokeCertificate:
      return std::nullopt;
  }
  return "unknown operation";
}

}  // namespace unwedge::sim
