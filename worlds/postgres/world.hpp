// World: the simulated Postgres fleet the control plane manages.
//
// Hosts (each with its own clock, monitoring agent and at most one database
// node), service endpoints that route client writes, clients that remember
// every write acknowledged to them, monitor vantage points that hold the
// latest check-in of every host, and the network between all of them. The
// world is passive data plus the rules of the data path (a write, a
// replication catch-up); the simulator's engine moves it through time.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/infra.hpp"
#include "core/telemetry.hpp"
#include "core/time.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/sim_clock.hpp"
#include "worlds/postgres/fleet_api.hpp"
#include "worlds/postgres/wal_history.hpp"

namespace unwedge::pgworld {

using HostIndex = std::uint32_t;

enum class HostState : std::uint8_t { kBooting, kUp, kDown, kDestroyed };
const char* to_string(HostState state);

// A Postgres-like node. Fencing is kept on disk, so it survives a restart;
// the log keeps exactly what was flushed, which is everything this model
// ever writes (commits are flushed before they are acknowledged).
struct DbNode {
  WalHistory wal;
  bool running = false;  // the database process
  bool primary = true;   // accepts writes unless fenced; false: replays from upstream
  bool fenced = false;
  std::optional<HostIndex> upstream;  // the node this one streams from
  // Counts toward synchronous commit: an HA standby of a synchronous
  // service (customer followers never do).
  bool sync_standby = false;
  // The TLS certificate it serves clients: its id, serial and expiry; empty:
  // none.
  std::string certificate;
  std::uint32_t certificate_serial = 0;
  core::TimeUs certificate_not_after_us = 0;

  bool accepts_writes() const { return running && primary && !fenced; }
};

// A check-in as a vantage point keeps it: what the agent sent, its number
// and when the vantage point heard it. The vantage point's name and the
// check-in's age are filled in when monitoring asks (core::Checkin): a
// fleet of 10,000 services holds 90,000 of these.
struct HeardCheckin {
  std::uint64_t sequence = 0;    // the agent's numbering, from 1; 0: none heard
  core::TimeUs received_us = 0;  // by the vantage point's clock
  core::TimeUs sent_us = 0;      // by the host's clock
  core::LogPosition log_position = 0;
  core::Term term = 0;
  bool accepts_writes = false;

  bool heard() const { return sequence > 0; }
};

struct Host {
  Host(std::string name_, std::string service_, sim::EndpointId endpoint_,
       const core::TimeUs& now_us)
      : name(std::move(name_)), service(std::move(service_)), endpoint(endpoint_), clock(now_us) {}

  std::string name;  // == the control plane's server id
  std::string service;
  std::string created_by;  // the idempotency key of the request that created it
  sim::EndpointId endpoint;
  HostState state = HostState::kBooting;
  // Bumped whenever the host goes down, so events meant for an earlier life
  // (a boot finishing, a process restart) are recognised and dropped.
  std::uint32_t incarnation = 0;
  sim::SimClock clock;
  DbNode db;
  // Monitoring faults on this host's agent.
  std::uint32_t agent_pauses = 0;             // active pauses; none: it checks in
  core::TimeUs checkins_late_us = 0;          // extra delivery delay
  core::TimeUs checkins_repeat_after_us = 0;  // each check-in arrives again this much later
  std::optional<HeardCheckin> stale;          // a stuck relay re-sends this
  // The agent numbers its check-ins, so a monitor can tell a late or
  // repeated copy of an older one from news.
  std::uint64_t checkins_sent = 0;

  // The latest check-in each vantage point received from this host, latest
  // by the agent's numbering: a copy of an older one does not replace it.
  std::vector<HeardCheckin> received;  // by vantage point

  bool up() const { return state == HostState::kUp; }
};

// The highest acknowledged write on one timeline of one service. Logs are
// prefix-closed, so if this write survives every earlier one on its timeline
// does too: the lost-write check needs no list of writes.
struct AckedWrite {
  std::uint64_t write_id = 0;
  Lsn lsn = 0;
  Timeline timeline = 0;
  HostIndex node = 0;
  core::TimeUs at_us = 0;
};

struct ServiceEndpoint {
  std::string name;  // == the service id
  bool synchronous = true;
  std::vector<HostIndex> hosts;  // every host ever created for the service
  std::optional<HostIndex> target;
  std::map<Timeline, AckedWrite> acked;  // per timeline: the highest
  std::uint64_t writes_acked = 0;
  std::uint64_t writes_failed = 0;
  // The service's certificate as the certificate authority issued it last:
  // its id, serial (0: none issued yet) and expiry.
  std::string certificate;
  std::uint32_t certificate_serial = 0;
  core::TimeUs certificate_not_after_us = 0;
  // Serials 1..this of `certificate` are revoked: clients that check the
  // authority's revocation list refuse them.
  std::uint32_t certificate_revoked_through = 0;
};

// A replica unfollowed out of its service: a database of its own, written
// by its customer's application directly (not through the service's
// endpoint). Every write it acknowledged must stay in its log: nothing but
// its own writes may change it once it takes them.
struct IndependentDb {
  HostIndex host = 0;
  std::optional<AckedWrite> last;  // its latest acknowledged write
  std::uint64_t writes_acked = 0;
};

struct Client {
  std::string name;
  std::uint32_t service = 0;  // index into World::services
  sim::EndpointId endpoint = 0;
  std::optional<HostIndex> connected;
};

struct Vantage {
  Vantage(std::string name_, sim::EndpointId endpoint_, const core::TimeUs& now_us)
      : name(std::move(name_)), endpoint(endpoint_), clock(now_us) {}
  std::string name;
  sim::EndpointId endpoint;
  sim::SimClock clock;
};

// How long the fleet's cloud takes to finish an operation when nothing is
// wrong: drawn uniformly from [min_us, max_us].
struct OperationLatency {
  core::TimeUs min_us;
  core::TimeUs max_us;
};
// Hosts take minutes, database role changes seconds.
OperationLatency operation_latency(core::InfraVerb verb);

// What a client's write attempt came to.
struct WriteOutcome {
  enum class Kind : std::uint8_t { kAcked, kNoEndpoint, kRefused, kUnacknowledged };
  Kind kind = Kind::kNoEndpoint;
  std::optional<HostIndex> node;
  Lsn lsn = 0;
  Timeline timeline = 0;
  std::string why;  // for refusals
};

class World {
 public:
  explicit World(const core::TimeUs& now_us);
  // A copy of `other` whose clocks read `now_us`: the world of a copied
  // simulation (Simulation::restore).
  World(const World& other, const core::TimeUs& now_us);

  sim::Network network;
  sim::EndpointId control_plane = 0;
  std::deque<Host> hosts;  // a deque: hosts keep their address as the fleet grows
  std::deque<Vantage> vantages;
  std::vector<ServiceEndpoint> services;
  std::vector<Client> clients;
  std::vector<IndependentDb> independents;
  // Timelines for unfollowed replicas, which leave their service: drawn from
  // a range no service reaches, so (LSN, timeline) names one write only.
  Timeline next_independent_timeline = Timeline{1} << 32;

  HostIndex add_host(std::string name, std::string service);
  std::uint32_t add_service(std::string name, bool synchronous);
  void add_vantage(std::string name);
  void add_client(std::uint32_t service);

  std::optional<HostIndex> find_host(std::string_view name) const;
  std::optional<std::uint32_t> find_service(std::string_view name) const;
  std::optional<std::uint32_t> find_vantage(std::string_view name) const;
  // A client by its name ("client-db1-1"), as an index into `clients`.
  std::optional<std::uint32_t> find_client(std::string_view name) const;

  // Both directions open: a TCP session (replication, a client connection,
  // the control plane's agent calls) needs both.
  bool connected(sim::EndpointId a, sim::EndpointId b) const {
    return network.reachable(a, b) && network.reachable(b, a);
  }

  // A client's write through its connection, or through the endpoint when it
  // has none. A connection that fails is dropped; the next write reconnects.
  WriteOutcome write(Client& client, std::uint64_t write_id);
  // Whether a read the client sends now is answered: by the node it is
  // connected to, or else the one the endpoint routes to, if that node is up,
  // its database runs and the client reaches it (a fenced or read-only node
  // answers reads). Changes nothing.
  bool can_read(const Client& client) const;
  // The customer's application writing to an unfollowed database.
  WriteOutcome write(IndependentDb& db, std::uint64_t write_id);
  // Brings `replica` up to its upstream's log when they can talk. True if it
  // moved. A replica whose log diverged from its upstream's does not move
  // (it needs a rewind); a node opened for writes with its replication
  // connection still up goes on applying the stream over its own writes.
  bool catch_up(HostIndex replica);
  // Catches up every running replica that streams from `upstream`.
  void catch_up_replicas_of(HostIndex upstream);

  // Takes the host down: its process, its connections and its agent stop.
  void take_down(HostIndex host, HostState state);

  // What the fleet API's requests do to a database node, an endpoint or a
  // certificate, once delivered: nullopt, or why it could not be done (then
  // nothing changed). Each is idempotent: delivered again, it changes
  // nothing more. The ones on a node's database (promote, follow, stop
  // replication, unfollow, installing a certificate) take a node the caller
  // could reach; the simulator checks the host and the network first.
  //
  // The node on `host` refuses writes until unfenced (`fenced` false).
  std::optional<std::string> fence(std::string_view host, bool fenced);
  // `node` starts `timeline` and takes writes, streaming from nobody; done
  // already when it leads on that timeline or a later one.
  std::optional<std::string> promote(HostIndex node, Timeline timeline);
  // `node` streams from the host named `leader`, caught up at once when they
  // can talk; refused by a node on a newer timeline than the leader's, or
  // holding records the leader's history lacks (it needs a rewind).
  std::optional<std::string> follow(HostIndex node, std::string_view leader);
  // pg_rewind: winds `node`'s log back to the history it shares with the
  // running host named `leader`, which it must reach; the node restarts in
  // recovery, following nobody.
  std::optional<std::string> rewind(HostIndex node, std::string_view leader);
  // `node` stops applying its upstream's log.
  void stop_replication(HostIndex node);
  // Opens a replica for writes on a timeline of its own: true if it was a
  // replica until now, false if it took writes already.
  bool unfollow(HostIndex node);
  // The endpoint of `service` routes to the host named `host` (empty: nowhere).
  std::optional<std::string> point_endpoint(std::string_view service, std::string_view host);
  // The authority issues `certificate` for `service`, with the next serial,
  // valid until `not_after_us`.
  std::optional<std::string> issue_certificate(std::string_view certificate,
                                               std::string_view service, core::TimeUs not_after_us);
  // `node` serves `certificate` as the authority issued it last (one it never
  // issued: serial 0, expired).
  void install_certificate(HostIndex node, std::string_view certificate);
  // The authority revokes every serial it issued under `certificate` so far.
  void revoke_certificate(std::string_view certificate);

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using ByName = std::unordered_map<std::string, V, NameHash, std::equal_to<>>;

  // The client can talk to the database on `host`: up, running, connected.
  bool reaches(const Client& client, HostIndex host) const;

  const core::TimeUs* now_us_;
  // Lookups only, never iterated: hash order cannot leak into a run.
  ByName<HostIndex> host_by_name_;
  ByName<std::uint32_t> service_by_name_;
  ByName<std::uint32_t> client_by_name_;
};

}  // namespace unwedge::pgworld
