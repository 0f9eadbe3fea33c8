#include "worlds/postgres/world.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"

namespace unwedge::pgworld {

const char* to_string(HostState state) {
  switch (state) {
    case HostState::kBooting:
      return "booting";
    case HostState::kUp:
      return "up";
    case HostState::kDown:
      return "down";
    case HostState::kDestroyed:
      return "destroyed";
  }
  return "?";
}

OperationLatency operation_latency(core::InfraVerb verb) {
  using core::kSecond;
  switch (verb) {
    case kCreateHost:
      return {30 * kSecond, 120 * kSecond};
    case kStartHost:
      return {10 * kSecond, 40 * kSecond};
    case kStopHost:
    case kDestroyHost:
      return {5 * kSecond, 20 * kSecond};
    case kFollow:
      return {5 * kSecond, 30 * kSecond};
    case kRewind:
      // A restart of the database on each side of the copy of what differs.
      return {10 * kSecond, 60 * kSecond};
    case kPromote:
    case kUnfollow:
    case kStopReplication:
    case kPointEndpoint:
      return {1 * kSecond, 5 * kSecond};
    case kFence:
    case kUnfence:
      return {500'000, 3 * kSecond};
    case kIssueCertificate:
    case kInstallCertificate:
    case kRevokeCertificate:
      return {1 * kSecond, 10 * kSecond};
  }
  return {kSecond, kSecond};
}

World::World(const core::TimeUs& now_us) : now_us_(&now_us) {
  control_plane = network.add("control-plane");
}

World::World(const World& other, const core::TimeUs& now_us) : World(other) {
  now_us_ = &now_us;
  for (Host& host : hosts)
    host.clock = sim::SimClock(host.clock, now_us);
  for (Vantage& vantage : vantages)
    vantage.clock = sim::SimClock(vantage.clock, now_us);
}

HostIndex World::add_host(std::string name, std::string service) {
  UNWEDGE_ASSERT_MSG(!host_by_name_.contains(name), "host {} exists", name);
  const auto index = static_cast<HostIndex>(hosts.size());
  const sim::EndpointId endpoint = network.add(name);
  host_by_name_.emplace(name, index);
  if (std::optional<std::uint32_t> s = find_service(service)) services[*s].hosts.push_back(index);
  Host& host = hosts.emplace_back(std::move(name), std::move(service), endpoint, *now_us_);
  host.received.resize(vantages.size());
  return index;
}

std::uint32_t World::add_service(std::string name, bool synchronous) {
  UNWEDGE_ASSERT_MSG(!service_by_name_.contains(name), "service {} exists", name);
  const auto index = static_cast<std::uint32_t>(services.size());
  service_by_name_.emplace(name, index);
  services.push_back(ServiceEndpoint{.name = std::move(name), .synchronous = synchronous});
  return index;
}

void World::add_vantage(std::string name) {
  UNWEDGE_ASSERT_MSG(hosts.empty(), "vantage point {} added after the first host", name);
  const sim::EndpointId endpoint = network.add(name);
  vantages.emplace_back(std::move(name), endpoint, *now_us_);
}

void World::add_client(std::uint32_t service) {
  UNWEDGE_ASSERT_LT(service, services.size());
  std::string name = "client-" + services[service].name + "-" + std::to_string(clients.size() + 1);
  const sim::EndpointId endpoint = network.add(name);
  client_by_name_.emplace(name, static_cast<std::uint32_t>(clients.size()));
  clients.push_back(Client{.name = std::move(name), .service = service, .endpoint = endpoint});
}

std::optional<std::uint32_t> World::find_client(std::string_view name) const {
  auto it = client_by_name_.find(name);
  if (it == client_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<HostIndex> World::find_host(std::string_view name) const {
  auto it = host_by_name_.find(name);
  if (it == host_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> World::find_service(std::string_view name) const {
  auto it = service_by_name_.find(name);
  if (it == service_by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> World::find_vantage(std::string_view name) const {
  for (std::uint32_t i = 0; i < vantages.size(); ++i) {
    if (vantages[i].name == name) return i;
  }
  return std::nullopt;
}

bool World::reaches(const Client& client, HostIndex h) const {
  const Host& host = hosts[h];
  return host.up() && host.db.running && connected(client.endpoint, host.endpoint);
}

bool World::can_read(const Client& client) const {
  auto usable = [&](HostIndex h) { return reaches(client, h); };
  if (client.connected && usable(*client.connected)) return true;
  const ServiceEndpoint& service = services[client.service];
  return service.target && usable(*service.target);
}

WriteOutcome World::write(Client& client, std::uint64_t write_id) {
  ServiceEndpoint& service = services[client.service];
  auto usable = [&](HostIndex h) {
    const Host& host = hosts[h];
    return host.up() && host.db.running && connected(client.endpoint, host.endpoint);
  };
  if (client.connected && !usable(*client.connected)) client.connected.reset();
  if (!client.connected) {
    if (!service.target) {
      service.writes_failed++;
      return {.kind = WriteOutcome::Kind::kNoEndpoint, .why = "the endpoint routes nowhere"};
    }
    if (!usable(*service.target)) {
      service.writes_failed++;
      return {.kind = WriteOutcome::Kind::kRefused,
              .node = service.target,
              .why = hosts[*service.target].name + " cannot be reached"};
    }
    client.connected = service.target;
  }
  const HostIndex node_index = *client.connected;
  DbNode& node = hosts[node_index].db;
  if (!node.accepts_writes()) {
    client.connected.reset();
    service.writes_failed++;
    return {.kind = WriteOutcome::Kind::kRefused,
            .node = node_index,
            .why = hosts[node_index].name + (node.fenced ? " is fenced" : " is read-only")};
  }
  WriteOutcome outcome{.kind = WriteOutcome::Kind::kAcked,
                       .node = node_index,
                       .lsn = node.wal.append(),
                       .timeline = node.wal.timeline()};
  if (service.synchronous) {
    // Synchronous commit: acknowledged only once a synchronous standby
    // holds the record. Otherwise the commit waits, the client gives up,
    // and the record stays on the leader unacknowledged.
    bool confirmed = false;
    // Asynchronous replicas catch up on their own schedule (see catch_up).
    for (HostIndex h : service.hosts) {
      const DbNode& standby = hosts[h].db;
      if (!standby.sync_standby || standby.upstream != node_index) continue;
      catch_up(h);
      if (standby.running && standby.wal.contains(outcome.lsn, outcome.timeline)) confirmed = true;
    }
    if (!confirmed) {
      client.connected.reset();
      service.writes_failed++;
      outcome.kind = WriteOutcome::Kind::kUnacknowledged;
      outcome.why = "no synchronous standby confirmed it";
      return outcome;
    }
  }
  AckedWrite& highest = service.acked[outcome.timeline];
  if (outcome.lsn > highest.lsn) {
    highest = AckedWrite{.write_id = write_id,
                         .lsn = outcome.lsn,
                         .timeline = outcome.timeline,
                         .node = node_index,
                         .at_us = *now_us_};
  }
  service.writes_acked++;
  return outcome;
}

WriteOutcome World::write(IndependentDb& independent, std::uint64_t write_id) {
  Host& host = hosts[independent.host];
  if (!host.up() || !host.db.accepts_writes()) {
    return {.kind = WriteOutcome::Kind::kRefused,
            .node = independent.host,
            .why = host.name + " takes no writes"};
  }
  WriteOutcome outcome{.kind = WriteOutcome::Kind::kAcked,
                       .node = independent.host,
                       .lsn = host.db.wal.append(),
                       .timeline = host.db.wal.timeline()};
  independent.last = AckedWrite{.write_id = write_id,
                                .lsn = outcome.lsn,
                                .timeline = outcome.timeline,
                                .node = independent.host,
                                .at_us = *now_us_};
  independent.writes_acked++;
  return outcome;
}

bool World::catch_up(HostIndex replica) {
  Host& r = hosts[replica];
  if (!r.up() || !r.db.running || !r.db.upstream) return false;
  const Host& u = hosts[*r.db.upstream];
  if (!u.up() || !u.db.running || !connected(r.endpoint, u.endpoint)) return false;
  if (r.db.wal == u.db.wal) return false;
  if (!r.db.wal.is_prefix_of(u.db.wal)) {
    // A replica whose log diverged from its upstream's stops streaming, as
    // PostgreSQL's does, and waits for a rewind. One opened for writes with
    // its replication still up is the exception: the world models that
    // mistake by applying the stream over the writes it took.
    if (!r.db.primary) return false;
    r.db.wal.truncate(r.db.wal.common_end(u.db.wal));
  }
  r.db.wal = u.db.wal;
  return true;
}

void World::catch_up_replicas_of(HostIndex upstream) {
  const Host& u = hosts[upstream];
  std::optional<std::uint32_t> service = find_service(u.service);
  if (!service) return;
  for (HostIndex h : services[*service].hosts) {
    if (hosts[h].db.upstream == upstream) catch_up(h);
  }
}

void World::take_down(HostIndex host, HostState state) {
  UNWEDGE_ASSERT(state == HostState::kDown || state == HostState::kDestroyed);
  Host& h = hosts[host];
  h.state = state;
  h.incarnation++;
  h.db.running = false;
}

std::optional<std::string> World::fence(std::string_view host, bool fenced) {
  std::optional<HostIndex> h = find_host(host);
  if (!h) return "no host " + std::string(host);
  UNWEDGE_ASSERT_LT(*h, hosts.size());
  DbNode& db = hosts[*h].db;
  db.fenced = fenced;
  // A fenced node takes no write, whatever else it is.
  UNWEDGE_ASSERT(db.fenced == fenced);
  UNWEDGE_ASSERT(!fenced || !db.accepts_writes());
  return std::nullopt;
}

std::optional<std::string> World::promote(HostIndex node, Timeline timeline) {
  UNWEDGE_ASSERT_LT(node, hosts.size());
  DbNode& db = hosts[node].db;
  if (db.primary && db.wal.timeline() >= timeline) return std::nullopt;
  if (db.wal.timeline() >= timeline) {
    return fmt::format("{} is on timeline {} already, not before {}", hosts[node].name,
                       db.wal.timeline(), timeline);
  }
  const Lsn end_before = db.wal.flushed_lsn();
  db.wal.promote(timeline);
  db.primary = true;
  db.upstream.reset();
  // A leader on the new timeline, streaming from nobody, with every record it
  // held.
  UNWEDGE_ASSERT_EQ(db.wal.timeline(), timeline);
  UNWEDGE_ASSERT_EQ(db.wal.flushed_lsn(), end_before);
  UNWEDGE_ASSERT(db.primary && !db.upstream);
  return std::nullopt;
}

std::optional<std::string> World::follow(HostIndex node, std::string_view leader) {
  UNWEDGE_ASSERT_LT(node, hosts.size());
  std::optional<HostIndex> upstream = find_host(leader);
  if (!upstream) return "no host " + std::string(leader);
  if (*upstream == node) return hosts[node].name + " cannot follow itself";
  DbNode& db = hosts[node].db;
  // A node cannot stream from a leader whose history stops short of its
  // own timeline, as PostgreSQL refuses to; and every leader change
  // raises the timeline, so such a request is always a stale one (a late
  // duplicate of a re-point made before the node was promoted).
  if (const Timeline theirs = hosts[*upstream].db.wal.timeline(); db.wal.timeline() > theirs) {
    return fmt::format("{} is on timeline {}, ahead of {}'s timeline {}", hosts[node].name,
                       db.wal.timeline(), leader, theirs);
  }
  // PostgreSQL cannot stream to a node holding records the leader does not
  // have (the old leader's last writes, or a standby's that got further than
  // the promoted one): it needs pg_rewind first, a step of its own.
  if (const WalHistory& theirs = hosts[*upstream].db.wal; !db.wal.is_prefix_of(theirs)) {
    return fmt::format("{}'s log diverged from {}'s history after lsn {}: rewind it first",
                       hosts[node].name, leader, db.wal.common_end(theirs));
  }
  db.primary = false;
  db.upstream = *upstream;
  catch_up(node);
  // A replica of the named leader, holding nothing the leader lacks.
  UNWEDGE_ASSERT(!db.primary && db.upstream == upstream);
  UNWEDGE_ASSERT(db.wal.is_prefix_of(hosts[*upstream].db.wal));
  return std::nullopt;
}

std::optional<std::string> World::rewind(HostIndex node, std::string_view leader) {
  UNWEDGE_ASSERT_LT(node, hosts.size());
  std::optional<HostIndex> source = find_host(leader);
  if (!source) return "no host " + std::string(leader);
  if (*source == node) return hosts[node].name + " cannot rewind to itself";
  const Host& from = hosts[*source];
  if (!from.up() || !from.db.running) return std::string(leader) + " is not running";
  if (!connected(hosts[node].endpoint, from.endpoint)) {
    return fmt::format("{} cannot reach {}", hosts[node].name, leader);
  }
  DbNode& db = hosts[node].db;
  if (!db.wal.is_prefix_of(from.db.wal)) {
    // What it keeps is the shared history, with the leader's timeline
    // switches up to there (pg_rewind copies the timeline history files).
    WalHistory shared = from.db.wal;
    shared.truncate(db.wal.common_end(from.db.wal));
    db.wal = std::move(shared);
  }
  // Restarted in recovery: no longer a leader, not yet anyone's replica.
  db.primary = false;
  db.upstream.reset();
  // It can now follow the leader it was rewound to.
  UNWEDGE_ASSERT(db.wal.is_prefix_of(from.db.wal));
  UNWEDGE_ASSERT(!db.accepts_writes());
  return std::nullopt;
}

void World::stop_replication(HostIndex node) {
  UNWEDGE_ASSERT_LT(node, hosts.size());
  hosts[node].db.upstream.reset();
  UNWEDGE_ASSERT(!hosts[node].db.upstream);
}

bool World::unfollow(HostIndex node) {
  // Opens the node for writes; it does not touch replication, which a
  // correct unfollow has stopped first (stop_replication). A node still
  // streaming from its old leader goes on applying that log over the
  // writes it now takes (catch_up).
  UNWEDGE_ASSERT_LT(node, hosts.size());
  DbNode& db = hosts[node].db;
  if (db.primary) return false;
  const Timeline timeline = next_independent_timeline++;
  UNWEDGE_ASSERT_LT(timeline, next_independent_timeline);
  db.wal.promote(timeline);
  db.primary = true;
  // A timeline of its own, which no service and no other database reaches.
  UNWEDGE_ASSERT_EQ(db.wal.timeline(), timeline);
  UNWEDGE_ASSERT(db.primary);
  return true;
}

std::optional<std::string> World::point_endpoint(std::string_view service, std::string_view host) {
  std::optional<std::uint32_t> s = find_service(service);
  if (!s) return "no service endpoint " + std::string(service);
  if (host.empty()) {
    services[*s].target.reset();
    UNWEDGE_ASSERT(!services[*s].target);
    return std::nullopt;
  }
  std::optional<HostIndex> h = find_host(host);
  if (!h) return "no host " + std::string(host);
  services[*s].target = *h;
  // Clients of the service are now sent to that host.
  UNWEDGE_ASSERT(services[*s].target == h);
  UNWEDGE_ASSERT_EQ(hosts[*services[*s].target].name, host);
  return std::nullopt;
}

std::optional<std::string> World::issue_certificate(std::string_view certificate,
                                                    std::string_view service,
                                                    core::TimeUs not_after_us) {
  std::optional<std::uint32_t> s = find_service(service);
  if (!s) return "no service " + std::string(service);
  ServiceEndpoint& endpoint = services[*s];
  const std::uint32_t serial_before =
      endpoint.certificate == certificate ? endpoint.certificate_serial : 0;
  endpoint.certificate = certificate;
  endpoint.certificate_serial++;
  endpoint.certificate_not_after_us = not_after_us;
  // A serial only grows: a new one is never one issued (or revoked) before.
  UNWEDGE_ASSERT_LT(serial_before, endpoint.certificate_serial);
  UNWEDGE_ASSERT_LT(endpoint.certificate_revoked_through, endpoint.certificate_serial);
  return std::nullopt;
}

void World::install_certificate(HostIndex node, std::string_view certificate) {
  UNWEDGE_ASSERT_LT(node, hosts.size());
  // What the authority issued last under that id is what gets installed.
  DbNode& db = hosts[node].db;
  db.certificate = certificate;
  db.certificate_serial = 0;
  db.certificate_not_after_us = 0;
  for (const ServiceEndpoint& service : services) {
    if (service.certificate != certificate) continue;
    db.certificate_serial = service.certificate_serial;
    db.certificate_not_after_us = service.certificate_not_after_us;
  }
  UNWEDGE_ASSERT_EQ(db.certificate, certificate);
}

void World::revoke_certificate(std::string_view certificate) {
  for (ServiceEndpoint& service : services) {
    if (service.certificate == certificate) {
      service.certificate_revoked_through = service.certificate_serial;
    }
    // Nothing issued under the certificate is trusted any more.
    UNWEDGE_ASSERT(service.certificate != certificate ||
                   service.certificate_revoked_through == service.certificate_serial);
  }
}

}  // namespace unwedge::pgworld
