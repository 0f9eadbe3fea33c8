// Simulation, the judge: what ends a run with a finding (the checker's first
// new violation) and the final checks of the liveness phase: every service
// healthy and stable with every acknowledged write on its leader and a valid
// certificate, every unfollowed database's writes kept, and the plane's own
// end-of-run checks; and the plane's own invariants during the run.
#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/simulation.hpp"

namespace unwedge::sim {

void Simulation::on_transition(const core::TransitionEvent& e) {
  checker_.on_transition(e, now_us_);
  // A new leader must hold every write acknowledged so far.
  if (std::optional<std::string> writer = plane_->new_writer(e)) {
    std::optional<HostIndex> leader = world_.find_host(*writer);
    if (!leader) return;
    if (std::optional<std::uint32_t> s = world_.find_service(world_.hosts[*leader].service)) {
      check_writes_on(*s, *leader, "after its promotion");
    }
  }
}

bool Simulation::doubt_all_hosts() const {
  const LinkQuality& link = world_.network.quality();
  // Check-ins lost at random, or delayed past their interval: monitoring may
  // honestly miss any host, so none is held sound.
  return link.loss_ppm > 0 || link.delay_max_us >= config_.checkin_interval_us;
}

void Simulation::refresh_health() {
  health_touched_.clear();
  health_.refresh(world_, now_us_, doubt_all_hosts());
}

void Simulation::settle_health() {
  const bool doubt_all = doubt_all_hosts();
  for (const HostIndex host : health_touched_)
    health_.refresh_host(world_, host, now_us_, doubt_all);
  health_touched_.clear();
  if (config_.audit_interval_us == 0) {
    const std::optional<HostIndex> missed = health_.first_disagreeing(world_, doubt_all);
    UNWEDGE_ASSERT_MSG(!missed, "the ground truth of {} changed and nothing re-read it",
                       world_.hosts[*missed].name);
  }
}

std::string Simulation::on_action(const core::DecisionEvent& e) {
  std::optional<Disruption> disruption = disruptions_->record(e, now_us_);
  if (!disruption) return {};
  // What this event changed so far (an agent's own command before it
  // decided); the rest of the fleet was re-read as it changed.
  settle_health();
  // A check-in's worth of jitter, twice, and the network's delay: how long
  // after a fault heals a sound host may still look silent.
  const core::TimeUs slack_us = 2 * config_.checkin_interval_us + config_.network.delay_max_us;
  if (!config_.judge_disruptions) return describe(*disruption);
  if (std::optional<Violation> v = judge(*disruption, world_, health_, slack_us)) {
    checker_.add(std::move(*v));
  }
  return describe(*disruption);
}

bool Simulation::check_end_state() {
  if (finding_) return false;
  if (std::optional<Violation> v = end_state_violation()) checker_.add(std::move(*v));
  if (take_violation()) return false;
  if (std::optional<Violation> v = store_violation()) checker_.add(std::move(*v));
  return !take_violation();
}

// Once per run: the search is the costliest check there is, and the history
// only grows, so checking it earlier would find nothing this does not.
std::optional<Violation> Simulation::store_violation() {
  if (coordination_ == nullptr || store_checked_) return std::nullopt;
  store_checked_ = true;
  const consensus::CheckResult result = coordination_->check();
  for (const consensus::KeyResult& key : result.keys) {
    if (key.verdict != consensus::Verdict::kTooLarge) continue;
    // Not checked is not passed: said where every reader of the trace sees it.
    store_keys_unchecked_++;
    trace_.record(now_us_, TraceKind::kNote, "store", "key {} not checked for linearizability: {}",
                  key.key, key.explanation);
  }
  trace_.record(now_us_, TraceKind::kNote, "store",
                "history of {} operations and {} expiries: {} ({} keys, {} states searched)",
                coordination_->history().operations.size(),
                coordination_->history().expirations.size(), consensus::to_string(result.verdict),
                result.keys.size(), result.states);
  if (result.verdict != consensus::Verdict::kViolation) return std::nullopt;
  return Violation{.invariant = Invariant::kStoreLinearizable,
                   .entity = "store",
                   .at_us = now_us_,
                   .message = result.explanation};
}

std::optional<Violation> Simulation::end_state_violation() {
  auto txn = durable_.begin();
  const std::vector<seam::ServiceView> views = plane_->services(*txn);
  for (std::uint32_t s = 0; s < world_.services.size(); ++s) {
    auto view = std::find_if(views.begin(), views.end(), [&](const seam::ServiceView& v) {
      return v.id == world_.services[s].name;
    });
    if (view == views.end() || view->ending) continue;
    UNWEDGE_ASSERT(view->state != nullptr);
    if (!view->state->safe()) {
      return Violation{.invariant = Invariant::kEventuallyHealthy,
                       .entity = view->id,
                       .at_us = now_us_,
                       .message = fmt::format(
                           "service {} is {} at the end of the run, {} after the last "
                           "fault healed; it should be healthy and stable",
                           view->id, view->state->name,
                           fmt::format("{:.0f} s", static_cast<double>(now_us_ - healed_at_us_) /
                                                       core::kSecond))};
    }
    if (std::optional<HostIndex> leader = world_.find_host(view->leader)) {
      if (std::optional<Violation> lost = missing_write_on(s, *leader, "at the end of the run")) {
        return lost;
      }
      if (std::optional<Violation> certificate = certificate_violation(s, *leader)) {
        return certificate;
      }
    }
  }
  for (const IndependentDb& independent : world_.independents) {
    if (world_.hosts[independent.host].state == HostState::kDestroyed) continue;
    if (std::optional<Violation> lost = independent_write_lost(independent)) return lost;
  }
  return plane_violation();
}

std::optional<Violation> Simulation::plane_violation() {
  auto txn = durable_.begin();
  std::optional<seam::PlaneViolation> found = plane_->end_check(*txn, now_us_);
  if (!found) return std::nullopt;
  return Violation{.invariant = Invariant::kEventuallyHealthy,
                   .entity = found->entity,
                   .at_us = now_us_,
                   .message = found->message};
}

void Simulation::check_plane_invariants() {
  auto txn = durable_.begin();
  judge_plane_violation(plane_->check(*txn, now_us_));
}

void Simulation::judge_plane_violation(const std::optional<seam::PlaneViolation>& found,
                                       Invariant invariant) {
  if (!found) return;
  UNWEDGE_ASSERT_MSG(!found->message.empty(), "{} found a violation ({}) it did not describe",
                     plane_info_->name, to_string(invariant));
  checker_.add(Violation{.invariant = invariant,
                         .entity = found->entity,
                         .at_us = now_us_,
                         .message = found->message});
}

std::optional<Violation> Simulation::certificate_violation(std::uint32_t service,
                                                           HostIndex leader) const {
  const ServiceEndpoint& endpoint = world_.services[service];
  const DbNode& db = world_.hosts[leader].db;
  if (endpoint.certificate_serial == 0) return std::nullopt;  // none issued yet: nothing to serve
  const bool revoked = db.certificate_serial <= endpoint.certificate_revoked_through;
  if (db.certificate == endpoint.certificate && db.certificate_not_after_us > now_us_ && !revoked) {
    return std::nullopt;
  }
  const std::string serves =
      db.certificate != endpoint.certificate ? std::string("no certificate of the service")
      : revoked
          ? fmt::format("{} serial {}, revoked", db.certificate, db.certificate_serial)
          : fmt::format("{} serial {}, expired at {:.0f} s", db.certificate, db.certificate_serial,
                        static_cast<double>(db.certificate_not_after_us) / core::kSecond);
  return Violation{
      .invariant = Invariant::kEventuallyHealthy,
      .entity = endpoint.name,
      .at_us = now_us_,
      .message = fmt::format("service {}'s leader {} serves {} at the end of the run (the latest "
                             "issued is {} serial {}): clients cannot connect over TLS",
                             endpoint.name, world_.hosts[leader].name, serves, endpoint.certificate,
                             endpoint.certificate_serial)};
}

bool Simulation::settled() {
  if (finding_ || !active_.empty()) return false;
  if (!durable_.begin()->ids(core::ActionRecord::kKind).empty()) return false;
  return !end_state_violation().has_value();
}

bool Simulation::independent_writes_survive(const IndependentDb& independent) {
  std::optional<Violation> lost = independent_write_lost(independent);
  if (lost) checker_.add(std::move(*lost));
  return !lost;
}

std::optional<Violation> Simulation::independent_write_lost(
    const IndependentDb& independent) const {
  const Host& host = world_.hosts[independent.host];
  if (!independent.last ||
      host.db.wal.contains(independent.last->lsn, independent.last->timeline)) {
    return std::nullopt;
  }
  return Violation{
      .invariant = Invariant::kNoLostWrites,
      .entity = host.name,
      .at_us = now_us_,
      .message = fmt::format(
          "write w-{} acknowledged by the unfollowed database {} at LSN {} on timeline {} is "
          "gone from it ({}): the log of the leader it was unfollowed from overwrote it",
          independent.last->write_id, host.name, independent.last->lsn, independent.last->timeline,
          host.db.wal.describe())};
}

}  // namespace unwedge::sim
