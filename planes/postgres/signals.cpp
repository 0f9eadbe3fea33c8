#include "planes/postgres/signals.hpp"

#include "planes/postgres/fleet.hpp"
#include "planes/postgres/machines.hpp"
#include "planes/postgres/tables.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {
namespace {

core::SignalId signal(const core::DecisionTable& table, std::string_view name) {
  std::optional<core::SignalId> id = table.find_signal(name);
  UNWEDGE_ASSERT_MSG(id.has_value(), "table {} has no signal {}", table.name(), name);
  return *id;
}

// Check-in signals of a host, shared by the service (its leader) and server
// tables, which name them alike.
core::SignalSet checkin_signals(const core::DecisionTable& table, const HostView& view,
                                const Settings& settings) {
  core::SignalSet s;
  if (missing(view, settings)) s = s.with(signal(table, "MissedCheckin"));
  if (heard(view, settings)) s = s.with(signal(table, "CheckinOk"));
  if (consistently_unreachable(view, settings))
    s = s.with(signal(table, "ConsistentlyUnreachable"));
  return s;
}

bool in_state(const core::MachineDef& machine, core::StateId state,
              std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (machine.find_state(name) == state) return true;
  }
  return false;
}

// MUTANT (failover_on_replica_silence): the service reads the silence of any
// of its servers as its leader's, so a standby's crash fails over a
// healthy leader. The signals stay consistent (a leader judged silent is
// not heard), so nothing but the failover itself shows.
core::SignalSet any_server_silent(core::Transaction& txn, const core::Telemetry& telemetry,
                                  const Settings& settings, core::TimeUs now_us,
                                  const Service& service, core::SignalSet s) {
  const core::DecisionTable& table = service_table();
  for (const std::string& id : server_ids(service)) {
    std::shared_ptr<const Server> server = txn.view<Server>(id);
    if (!server || id == service.leader ||
        !in_state(server_machine(), server->state.id, {"running", "unreachable", "restarting"})) {
      continue;
    }
    HostView view = view_host(telemetry, id, settings, now_us, server->state.entered_us,
                              Silence::kSinceCheckin);
    if (!consistently_unreachable(view, settings)) continue;
    return s.without(signal(table, "CheckinOk"))
        .with(signal(table, "MissedCheckin"))
        .with(signal(table, "ConsistentlyUnreachable"));
  }
  return s;
}

// MUTANT (restart_leader_on_lag): a leader that a standby reports itself
// behind is taken for a stuck one and restarted. The lag bound is read in
// megabytes, as the monitoring dashboard shows it, not in bytes, and the
// standby's position is its latest report, however old.
bool standby_behind(core::Transaction& txn, const core::Telemetry& telemetry,
                    const Settings& settings, core::TimeUs now_us, const Server& leader) {
  std::shared_ptr<const Service> service = txn.view<Service>(leader.service);
  if (!service) return false;
  HostView mine = view_host(telemetry, leader.id, settings, now_us, leader.state.entered_us);
  if (!mine.latest) return false;
  for (const std::string& id : server_ids(*service)) {
    std::shared_ptr<const ReplicaLink> link = txn.view<ReplicaLink>(id);
    if (!link || !link->standby ||
        !in_state(replica_link_machine(), link->state.id, {"syncing", "following", "lagging"})) {
      continue;
    }
    HostView theirs = view_host(telemetry, id, settings, now_us, 0);
    if (theirs.latest &&
        theirs.latest->log_position + (settings.lag_bytes_max >> 20) < mine.latest->log_position) {
      return true;
    }
  }
  return false;
}

}  // namespace

core::SignalSet service_signals(core::Transaction& txn, const core::Telemetry& telemetry,
                                const Settings& settings, core::TimeUs now_us,
                                const Service& service) {
  const core::DecisionTable& table = service_table();
  core::SignalSet s;
  if (service.failover_requested) s = s.with(signal(table, "NeedsFailover"));
  if (service.deprovision_requested) s = s.with(signal(table, "NeedsDeprovision"));
  std::shared_ptr<const Server> leader = txn.view<Server>(service.leader);
  // Health is judged only once the service has a leader that should be up.
  if (!leader || !in_state(server_machine(), leader->state.id,
                           {"running", "unreachable", "restarting", "fenced"})) {
    return s;
  }
  // The service counts its leader's silence from the last check-in: the
  // server's restart bookkeeping (unreachable, restarting, running again)
  // changes nothing for customers, who have heard nothing since, and
  // restarting the count with each step could hold the service in
  // `uncertain` past its bound while the control plane restarts the leader.
  // Only a vantage point that has never heard the leader counts from when
  // the leader's server entered its state.
  HostView view = view_host(telemetry, leader->id, settings, now_us, leader->state.entered_us,
                            Silence::kSinceCheckin);
  s = s | checkin_signals(table, view, settings);
  if (UNWEDGE_MUTANT(settings, kFailoverOnReplicaSilence)) {
    s = any_server_silent(txn, telemetry, settings, now_us, service, s);
  }
  // MUTANT (no_uncertain_timeout): an uncertain service never learns that
  // its leader is consistently unreachable.
  if (UNWEDGE_MUTANT(settings, kNoUncertainTimeout) &&
      in_state(service_machine(), service.state.id, {"uncertain"})) {
    s = s.without(signal(table, "ConsistentlyUnreachable"));
  }
  if (choose_standby(txn, telemetry, settings, now_us, service)) {
    s = s.with(signal(table, "StandbyCaughtUp"));
  }
  return s;
}

core::SignalSet server_signals(core::Transaction& txn, const core::Telemetry& telemetry,
                               const Settings& settings, core::TimeUs now_us,
                               const Server& server) {
  const core::DecisionTable& table = server_table();
  core::SignalSet s;
  // A leader is replaced only once a failover has made it an old leader.
  if (std::shared_ptr<const Service> service = txn.view<Service>(server.service);
      service && service->leader == server.id) {
    s = s.with(signal(table, "Leader"));
  }
  // The candidate of an in-flight leader change: its link is fencing or
  // promoting until the endpoint moves, and the service names it leader in
  // the same transaction, so one of the two signals is always up.
  const std::shared_ptr<const ReplicaLink> link = txn.view<ReplicaLink>(server.id);
  if (link && in_state(replica_link_machine(), link->state.id, {"fencing", "promoting"})) {
    s = s.with(signal(table, "BeingPromoted"));
  }
  if (stands_alone(server, link.get())) s = s.with(signal(table, "StandsAlone"));
  if (server.replace_requested) s = s.with(signal(table, "NeedsReplace"));
  if (server.destroy_requested) s = s.with(signal(table, "NeedsDestroy"));
  if (!in_state(server_machine(), server.state.id, {"running", "unreachable", "restarting"})) {
    return s;
  }
  HostView view = view_host(telemetry, server.id, settings, now_us, server.state.entered_us);
  if (UNWEDGE_MUTANT(settings, kRestartLeaderOnLag) && s.contains(signal(table, "Leader")) &&
      standby_behind(txn, telemetry, settings, now_us, server)) {
    return s.with(signal(table, "MissedCheckin")).with(signal(table, "ConsistentlyUnreachable"));
  }
  return s | checkin_signals(table, view, settings);
}

core::SignalSet replica_link_signals(core::Transaction& txn, const core::Telemetry& telemetry,
                                     const Settings& settings, core::TimeUs now_us,
                                     const ReplicaLink& link) {
  const core::DecisionTable& table = replica_link_table();
  core::SignalSet s;
  if (link.promote_requested) s = s.with(signal(table, "NeedsPromote"));
  if (link.unfollow_requested) s = s.with(signal(table, "NeedsUnfollow"));
  std::shared_ptr<const Service> service = txn.view<Service>(link.service);
  std::shared_ptr<const Server> replica = txn.view<Server>(link.id);
  if (!service || !replica) return s;
  std::shared_ptr<const Server> leader = txn.view<Server>(service->leader);
  if (!leader) return s;
  HostView mine = view_host(telemetry, link.id, settings, now_us, replica->state.entered_us);
  HostView theirs = view_host(telemetry, leader->id, settings, now_us, leader->state.entered_us);
  // Lag is judged only when both positions are current.
  if (mine.fresh == 0 || theirs.fresh == 0 || !mine.latest || !theirs.latest) return s;
  const pgworld::Lsn behind = theirs.latest->log_position > mine.latest->log_position
                                  ? theirs.latest->log_position - mine.latest->log_position
                                  : 0;
  s = s.with(signal(table, behind > settings.lag_bytes_max ? "StandbyLagging" : "CaughtUp"));
  return s;
}

core::SignalSet certificate_signals(core::Transaction& txn, const Settings& settings,
                                    core::TimeUs now_us, const Certificate& certificate) {
  const core::DecisionTable& table = certificate_table();
  core::SignalSet s;
  if (certificate.revoke_requested) s = s.with(signal(table, "NeedsRevoke"));
  if (certificate.serial == 0) return s;  // not issued yet
  if (now_us >= certificate.not_after_us) {
    s = s.with(signal(table, "CertExpired"));
  } else if (now_us >= certificate.not_after_us - settings.certificate_renew_before_us) {
    s = s.with(signal(table, "CertExpiring"));
  }
  std::shared_ptr<const Service> service = txn.view<Service>(certificate.service);
  if (service && !service->leader.empty() && certificate.installed_on != service->leader) {
    s = s.with(signal(table, "LeaderChanged"));
  }
  return s;
}

}  // namespace unwedge::postgres
