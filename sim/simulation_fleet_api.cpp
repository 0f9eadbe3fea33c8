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

// The effects of fleet API operations, applied once per idempotency key
// (SimInfra drops a second delivery of finished work).
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
    case pgworld::kUnfence:
      // Fencing works through the cloud's network controls, so it reaches a
      // host the control plane cannot talk to (that is its point).
      return world_.fence(r.target, r.verb == pgworld::kFence);
    case pgworld::kPromote:
      if (auto why = db_unreachable(r.target, index)) return why;
      return world_.promote(index, std::stoull(r.argument));
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
      return std::nullopt;
    }
    case pgworld::kRewind:
      if (auto why = db_unreachable(r.target, index)) return why;
      return world_.rewind(index, r.argument);
    case pgworld::kStopReplication:
      if (auto why = db_unreachable(r.target, index)) return why;
      world_.stop_replication(index);
      return std::nullopt;
    case pgworld::kUnfollow:
      if (auto why = db_unreachable(r.target, index)) return why;
      // A database of its own now: its customer's application writes to it.
      if (world_.unfollow(index)) start_independent(index);
      return std::nullopt;
    case pgworld::kPointEndpoint:
      return world_.point_endpoint(r.target, r.argument);
    case pgworld::kIssueCertificate:
      return world_.issue_certificate(r.target, r.argument,
                                      now_us_ + fleet_.certificate_validity_us);
    case pgworld::kInstallCertificate:
      if (auto why = db_unreachable(r.target, index)) return why;
      world_.install_certificate(index, r.argument);
      return std::nullopt;
    case pgworld::kRevokeCertificate:
      world_.revoke_certificate(r.target);
      return std::nullopt;
  }
  return "unknown operation";
}

}  // namespace unwedge::sim
