#include "planes/postgres/fleet.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/probe.hpp"
#include "planes/postgres/machines.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::postgres {

HostView view_host(const core::Telemetry& telemetry, std::string_view host,
                   const Settings& settings, core::TimeUs now_us, core::TimeUs watched_since_us,
                   Silence silence) {
  return view_checkins(telemetry.checkins(host), settings, now_us, watched_since_us, silence);
}

HostView view_checkins(const std::vector<core::Checkin>& checkins, const Settings& settings,
                       core::TimeUs now_us, core::TimeUs watched_since_us, Silence silence) {
  HostView view;
  // The counts change when an age or a silence crosses a bound; both grow
  // with time as long as nothing new is heard.
  const auto steady_until = [&view](core::TimeUs so_far_us, core::TimeUs bound_us) {
    if (so_far_us < bound_us)
      view.steady_for_us = std::min(view.steady_for_us, bound_us - so_far_us);
  };
  const core::Checkin* latest = nullptr;
  core::TimeUs latest_age_us = 0;
  for (const core::Checkin& c : checkins) {
    core::TimeUs age_us = c.age_us;
    // MUTANT (age_from_receive_time): the age is the monitor's receive
    // timestamp read against the control plane's clock.
    if (UNWEDGE_MUTANT(settings, kAgeFromReceiveTime)) age_us = now_us - c.received_us;
    // MUTANT (age_from_sent_time): the age is the host's send
    // timestamp, by its own clock, read against the control plane's.
    if (UNWEDGE_MUTANT(settings, kAgeFromSentTime)) age_us = now_us - c.sent_us;
    if (latest == nullptr || age_us < latest_age_us) {
      latest = &c;
      latest_age_us = age_us;
    }
    // Silence counts from the later of the last check-in and the moment the
    // host was expected back (it was created, restarted or recovered then),
    // unless the caller counts from the check-in alone.
    const core::TimeUs silent_us =
        silence == Silence::kSinceCheckin ? age_us : std::min(age_us, now_us - watched_since_us);
    if (age_us <= settings.missed_after_us) {
      ++view.fresh;
    } else if (silent_us >= settings.unreachable_after_us) {
      ++view.long_missed;
    }
    steady_until(age_us, settings.missed_after_us + 1);
    steady_until(silent_us, settings.unreachable_after_us);
  }
  if (latest != nullptr) {
    view.latest = *latest;
    view.latest->age_us = latest_age_us;
  }
  const auto heard = static_cast<std::uint32_t>(checkins.size());
  const std::uint32_t silent =
      heard < settings.vantage_points ? settings.vantage_points - heard : 0;
  if (silent > 0 && now_us - watched_since_us >= settings.unreachable_after_us) {
    view.long_missed += silent;
  }
  if (silent > 0) steady_until(now_us - watched_since_us, settings.unreachable_after_us);
  const std::uint32_t expected = std::max(settings.vantage_points, heard);
  view.missed = expected - view.fresh;
  UNWEDGE_ASSERT_LE(view.long_missed, view.missed);
  return view;
}

std::uint32_t vantages_to_miss(const Settings& settings) {
  return std::max<std::uint32_t>(
      std::min(settings.unreachable_vantages_min, settings.vantage_points), 1);
}

bool missing(const HostView& view, const Settings& settings) {
  return view.missed >= vantages_to_miss(settings);
}

bool heard(const HostView& view, const Settings& settings) {
  return view.fresh > 0 && !missing(view, settings);
}

bool consistently_unreachable(const HostView& view, const Settings& settings) {
  return view.long_missed >= vantages_to_miss(settings);
}

std::vector<std::string> server_ids(const Service& service) {
  std::vector<std::string> ids;
  ids.reserve(service.servers_named);
  for (std::uint32_t n = 1; n <= service.servers_named; ++n) {
    ids.push_back(fmt::format("{}-{}", service.id, n));
  }
  return ids;
}

bool stands_alone(const Server& server, const ReplicaLink* link) {
  static const std::optional<core::StateId> unfollowing =
      replica_link_machine().find_state("unfollowing");
  return server.role == Role::kIndependent || (link != nullptr && link->state.id == unfollowing);
}

namespace {

struct Candidate {
  std::string id;
  pgworld::Lsn lsn = 0;
};

// Following HA standbys of the service on running servers, with the LSN
// monitoring last heard from each (nullopt when it has not heard lately).
std::vector<std::pair<std::string, std::optional<pgworld::Lsn>>> standby_positions(
    core::Transaction& txn, const core::Telemetry& telemetry, const Settings& settings,
    core::TimeUs now_us, const Service& service) {
  const core::StateId following = *replica_link_machine().find_state("following");
  const core::StateId running = *server_machine().find_state("running");
  std::vector<std::pair<std::string, std::optional<pgworld::Lsn>>> result;
  for (const std::string& id : server_ids(service)) {
    std::shared_ptr<const ReplicaLink> link = txn.view<ReplicaLink>(id);
    if (!link || !link->standby || link->state.id != following) continue;
    std::shared_ptr<const Server> server = txn.view<Server>(id);
    if (!server || server->state.id != running) continue;
    HostView view = view_host(telemetry, id, settings, now_us, server->state.entered_us);
    std::optional<pgworld::Lsn> lsn;
    if (view.fresh > 0 && view.latest) lsn = view.latest->log_position;
    result.emplace_back(id, lsn);
  }
  return result;
}

// A replacement whose ReplaceServer is still attaching it (the server it
// replaces is still `replacing`) may have a rewind or a re-point in flight:
// landing after a promotion, it would make the new leader a replica again
// (found by fleet_fuzzer:
// scenarios/regressions/a_replacement_being_attached_is_never_promoted.yaml).
bool being_attached(core::Transaction& txn, const std::string& id) {
  std::shared_ptr<const Server> server = txn.view<Server>(id);
  if (!server || server->replaces.empty()) return false;
  std::shared_ptr<const Server> old = txn.view<Server>(server->replaces);
  return old && old->state.id == *server_machine().find_state("replacing");
}

}  // namespace

std::optional<std::string> choose_standby(core::Transaction& txn, const core::Telemetry& telemetry,
                                          const Settings& settings, core::TimeUs now_us,
                                          const Service& service) {
  std::shared_ptr<const Server> leader = txn.view<Server>(service.leader);
  if (!leader) return std::nullopt;
  HostView leader_view =
      view_host(telemetry, service.leader, settings, now_us, leader->state.entered_us);
  // MUTANT (promote_lagging_standby): positions are not compared at all.
  const bool check_positions = !UNWEDGE_MUTANT(settings, kPromoteLaggingStandby);
  if (check_positions && !service.synchronous && !leader_view.reachable()) return std::nullopt;
  const pgworld::Lsn leader_lsn = leader_view.latest ? leader_view.latest->log_position : 0;

  std::optional<Candidate> best;
  for (const auto& [id, lsn] : standby_positions(txn, telemetry, settings, now_us, service)) {
    if (!lsn) {
      if (service.synchronous) return std::nullopt;  // the acknowledgements may be there
      continue;
    }
    if (check_positions && *lsn < leader_lsn) continue;
    if (being_attached(txn, id)) {
      UNWEDGE_PROBE("failover.candidate_still_attaching");
      continue;
    }
    if (!best || *lsn > best->lsn) best = Candidate{id, *lsn};
  }
  if (!best) return std::nullopt;
  return best->id;
}

}  // namespace unwedge::postgres
