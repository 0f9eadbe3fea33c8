#include "planes/postgres/group_inputs.hpp"

#include <algorithm>

#include "planes/postgres/entities.hpp"
#include "planes/postgres/fleet.hpp"

namespace unwedge::postgres {
namespace {

// A wait measured on monitors' clocks, shortened for the control plane's:
// the two may run at rates a few percent apart (drift), and a wake-up that
// comes late misses the pass on which the fact changed, while one that
// comes early only finds nothing new and sets the next.
core::TimeUs with_drift_margin(core::TimeUs wait_us) {
  if (wait_us == core::kForever) return wait_us;
  return std::max<core::TimeUs>(1, wait_us - wait_us / 8 - core::kMillisecond);
}

void add_counts(std::vector<std::int64_t>& out, const HostView& view) {
  out.push_back(view.fresh);
  out.push_back(view.missed);
  out.push_back(view.long_missed);
  out.push_back(view.latest.has_value());
}

}  // namespace

std::optional<Group> read_group(core::Transaction& txn, const std::string& service_id) {
  std::shared_ptr<const Service> service = txn.view<Service>(service_id);
  if (!service) return std::nullopt;
  Group group{
      .service = service->id,
      .certificate = service->certificate,
      .shape = {.leader = service->leader, .failover_requested = service->failover_requested}};
  for (std::string& id : server_ids(*service)) {
    if (std::shared_ptr<const Server> server = txn.view<Server>(id)) {
      UNWEDGE_ASSERT_EQ(server->service, service->id);
      group.shape.hosts.push_back({.id = id, .watched_since_us = server->state.entered_us});
      group.servers.push_back(id);
    }
    if (txn.view<ReplicaLink>(id)) group.links.push_back(std::move(id));
  }
  if (!group.certificate.empty()) {
    std::shared_ptr<const Certificate> certificate = txn.view<Certificate>(group.certificate);
    if (!certificate) {
      group.certificate.clear();
    } else if (certificate->serial != 0) {
      group.shape.certificate_not_after_us = certificate->not_after_us;
    }
  }
  return group;
}

GroupFacts facts(const GroupShape& shape, const core::Telemetry& telemetry,
                 const Settings& settings, core::TimeUs now_us) {
  GroupFacts out;
  out.values.reserve(shape.hosts.size() * 10 + 1);
  // Each host judged both ways a table judges it (signals.cpp): its own
  // server counts silence from when it was last heard or restarted, its
  // service from the last check-in alone.
  struct Seen {
    HostView watched;
    HostView since_checkin;
  };
  std::vector<Seen> seen;
  seen.reserve(shape.hosts.size());
  bool failover_in_view = shape.failover_requested;
  std::optional<core::LogPosition> leader_position;
  for (const HostShape& host : shape.hosts) {
    std::vector<core::Checkin> checkins = telemetry.checkins(host.id);
    Seen s{.watched = view_checkins(checkins, settings, now_us, host.watched_since_us),
           .since_checkin = view_checkins(checkins, settings, now_us, host.watched_since_us,
                                          Silence::kSinceCheckin)};
    add_counts(out.values, s.watched);
    add_counts(out.values, s.since_checkin);
    out.steady_for_us = std::min({out.steady_for_us, with_drift_margin(s.watched.steady_for_us),
                                  with_drift_margin(s.since_checkin.steady_for_us)});
    if (consistently_unreachable(s.watched, settings) ||
        consistently_unreachable(s.since_checkin, settings)) {
      failover_in_view = true;
    }
    if (host.id == shape.leader && s.watched.latest) {
      leader_position = s.watched.latest->log_position;
    }
    seen.push_back(std::move(s));
  }
  // Positions against the leader's. Lag past the bound is judged on every
  // pass; whether a standby holds all the leader reported (StandbyCaughtUp)
  // moves with every write, and the service table reads it only with a
  // failover in view (asked for, or the leader unreachable), so only then.
  for (const Seen& s : seen) {
    if (!leader_position || !s.watched.latest) {
      out.values.push_back(-1);
      continue;
    }
    const core::LogPosition mine = s.watched.latest->log_position;
    out.values.push_back(*leader_position > mine &&
                         *leader_position - mine > settings.lag_bytes_max);
    if (failover_in_view) out.values.push_back(mine >= *leader_position);
    // MUTANT (restart_leader_on_lag) reads the bound in megabytes.
    if (UNWEDGE_MUTANT(settings, kRestartLeaderOnLag)) {
      out.values.push_back(mine + (settings.lag_bytes_max >> 20) < *leader_position);
    }
  }
  out.values.push_back(failover_in_view);
  // A certificate's expiry is judged by the control plane's own clock.
  if (shape.certificate_not_after_us) {
    const core::TimeUs not_after_us = *shape.certificate_not_after_us;
    for (core::TimeUs at_us : {not_after_us - settings.certificate_renew_before_us, not_after_us}) {
      out.values.push_back(now_us >= at_us);
      if (now_us < at_us) out.steady_for_us = std::min(out.steady_for_us, at_us - now_us);
    }
  }
  return out;
}

}  // namespace unwedge::postgres
