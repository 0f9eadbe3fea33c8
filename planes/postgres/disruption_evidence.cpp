#include "planes/postgres/disruption_evidence.hpp"

#include "planes/postgres/fleet.hpp"

namespace unwedge::postgres {
namespace {

// The span the health signals that held had to hold: the longest of them.
core::TimeUs window_of(const core::DecisionTable& table, core::SignalSet signals,
                       const Settings& settings) {
  const auto raised = [&](std::string_view name) {
    std::optional<core::SignalId> id = table.find_signal(name);
    return id && signals.contains(*id);
  };
  if (raised("ConsistentlyUnreachable")) return settings.unreachable_after_us;
  if (raised("MissedCheckin")) return settings.missed_after_us;
  return 0;
}

// What every vantage point had heard of `host`, counting silence as the
// judge of `silence` does.
core::DisruptionEvidence seen_of(const core::Telemetry& telemetry, const Settings& settings,
                                 core::TimeUs now_us, const std::string& host,
                                 core::TimeUs watched_since_us, Silence silence) {
  core::DisruptionEvidence evidence{.target = host};
  const std::vector<core::Checkin> checkins = telemetry.checkins(host);
  for (const core::Checkin& c : checkins) {
    const core::TimeUs silent_us = silence == Silence::kSinceCheckin
                                       ? c.age_us
                                       : std::min(c.age_us, now_us - watched_since_us);
    evidence.vantages.push_back({.vantage = c.vantage,
                                 .silent_us = silent_us,
                                 .counted_against = c.age_us > settings.missed_after_us});
  }
  for (std::size_t v = checkins.size(); v < settings.vantage_points; ++v) {
    evidence.vantages.push_back({.counted_against = true});  // never heard: unnamed
  }
  return evidence;
}

}  // namespace

core::DisruptionEvidence disruption_evidence(core::Transaction& txn,
                                             const core::Telemetry& telemetry,
                                             const Settings& settings, core::TimeUs now_us,
                                             const Service& service,
                                             const core::DecisionTable& table,
                                             core::SignalSet signals) {
  std::shared_ptr<const Server> leader = txn.view<Server>(service.leader);
  if (!leader) return {.target = service.leader};
  core::DisruptionEvidence evidence = seen_of(telemetry, settings, now_us, leader->id,
                                              leader->state.entered_us, Silence::kSinceCheckin);
  evidence.window_us = window_of(table, signals, settings);
  return evidence;
}

core::DisruptionEvidence disruption_evidence(core::Transaction& /*txn*/,
                                             const core::Telemetry& telemetry,
                                             const Settings& settings, core::TimeUs now_us,
                                             const Server& server, const core::DecisionTable& table,
                                             core::SignalSet signals) {
  core::DisruptionEvidence evidence = seen_of(telemetry, settings, now_us, server.id,
                                              server.state.entered_us, Silence::kSinceWatched);
  evidence.window_us = window_of(table, signals, settings);
  return evidence;
}

core::DisruptionEvidence disruption_evidence(core::Transaction& txn,
                                             const core::Telemetry& /*telemetry*/,
                                             const Settings& /*settings*/, core::TimeUs /*now_us*/,
                                             const ReplicaLink& link,
                                             const core::DecisionTable& /*table*/,
                                             core::SignalSet /*signals*/) {
  std::shared_ptr<const Service> service = txn.view<Service>(link.service);
  return {.target = service ? service->leader : std::string()};
}

core::DisruptionEvidence disruption_evidence(core::Transaction& /*txn*/,
                                             const core::Telemetry& /*telemetry*/,
                                             const Settings& /*settings*/, core::TimeUs /*now_us*/,
                                             const Certificate& /*certificate*/,
                                             const core::DecisionTable& /*table*/,
                                             core::SignalSet /*signals*/) {
  return {};
}

}  // namespace unwedge::postgres
