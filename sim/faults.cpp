#include "sim/faults.hpp"

#include <array>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/world.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;

constexpr std::array<FaultKindInfo, 16> kKinds = {{
    {FaultKind::kPartitionComplete, "partition_complete",
     "the targets are cut from every other endpoint, both ways"},
    {FaultKind::kPartitionPartial, "partition_partial",
     "the targets and the others cannot reach each other; everyone else reaches both"},
    {FaultKind::kPartitionOneWay, "partition_one_way",
     "messages from the targets to the others are dropped; the reverse direction works"},
    {FaultKind::kHostCrash, "host_crash", "the target hosts go down; healed, they boot again"},
    {FaultKind::kDatabaseCrash, "database_crash",
     "the database process on the target hosts dies; healed, it restarts"},
    {FaultKind::kAgentPause, "agent_pause", "the targets' monitoring agents stop checking in"},
    {FaultKind::kLateCheckins, "late_checkins", "the targets' check-ins arrive `amount` us late"},
    {FaultKind::kDuplicateCheckins, "duplicate_checkins",
     "each of the targets' check-ins arrives again `amount` us later"},
    {FaultKind::kStaleCheckins, "stale_checkins",
     "a stuck relay re-sends the targets' last check-in, whether they live or not"},
    {FaultKind::kClockDrift, "clock_drift", "the target clocks gain `amount` ppm (negative: lose)"},
    {FaultKind::kClockJump, "clock_jump", "the target clocks step by `amount` us"},
    {FaultKind::kInfraSlow, "infra_slow", "every fleet API call takes `amount` times longer"},
    {FaultKind::kInfraFailing, "infra_failing", "fleet API calls fail with chance `amount` ppm"},
    {FaultKind::kInfraTimeouts, "infra_timeouts",
     "fleet API calls time out, outcome unknown, with chance `amount` ppm"},
    {FaultKind::kInfraDuplicates, "infra_duplicates",
     "completed fleet API calls are delivered again with chance `amount` ppm"},
    {FaultKind::kControlPlaneCrash, "control_plane_crash",
     "the control plane dies `amount` transactions from now, at crash point targets[0]"},
}};

std::string names(const std::vector<std::string>& list) {
  return fmt::format("{{{}}}", fmt::join(list, ", "));
}

template <class T>
const T& pick(const std::vector<T>& from, Rng& rng) {
  UNWEDGE_ASSERT(!from.empty());
  return from[rng.below(from.size())];
}

// What a drawn fault aims at: a live host, preferably a service's leader
// (the endpoint's target), and the rest of that host's world.
struct Aim {
  const Host* host = nullptr;
  std::vector<std::string> peers;  // the host's service siblings that are not destroyed
};

std::optional<Aim> aim(const World& world, Rng& rng) {
  std::vector<HostIndex> live;
  for (HostIndex h = 0; h < world.hosts.size(); ++h) {
    if (world.hosts[h].state != HostState::kDestroyed) live.push_back(h);
  }
  if (live.empty()) return std::nullopt;
  HostIndex chosen = pick(live, rng);
  if (rng.chance(600'000)) {
    const ServiceEndpoint& service = world.services[rng.below(world.services.size())];
    if (service.target && world.hosts[*service.target].state != HostState::kDestroyed) {
      chosen = *service.target;
    }
  }
  Aim a{.host = &world.hosts[chosen]};
  if (std::optional<std::uint32_t> s = world.find_service(a.host->service)) {
    for (HostIndex h : world.services[*s].hosts) {
      if (h != chosen && world.hosts[h].state != HostState::kDestroyed) {
        a.peers.push_back(world.hosts[h].name);
      }
    }
  }
  return a;
}

std::vector<std::string> all_vantages(const World& world) {
  std::vector<std::string> out;
  for (const Vantage& v : world.vantages)
    out.push_back(v.name);
  return out;
}

// The far side of a partial or one-way cut: the host's monitors (monitoring
// blind, data path fine), its siblings (replication cut), the control plane,
// or its service's clients (data path cut, monitoring fine).
std::vector<std::string> far_side(const World& world, const Aim& a, Rng& rng) {
  // A world without monitors (or clients, or siblings) still has the
  // control plane on the far side.
  const std::vector<std::string> vantages = all_vantages(world);
  const std::vector<std::string> fallback =
      vantages.empty() ? std::vector<std::string>{"control-plane"} : vantages;
  switch (rng.below(5)) {
    case 4: {
      std::vector<std::string> clients;
      std::optional<std::uint32_t> service = world.find_service(a.host->service);
      for (const Client& client : world.clients) {
        if (service && client.service == *service) clients.push_back(client.name);
      }
      return clients.empty() ? fallback : clients;
    }
    case 0:
      return fallback;
    case 1:
      if (!a.peers.empty()) return {pick(a.peers, rng)};
      return {pick(fallback, rng)};
    case 2:
      return {"control-plane"};
    default:
      return {pick(fallback, rng)};
  }
}

core::TimeUs duration(Rng& rng, core::TimeUs mean_us) {
  return 10 * kSecond + rng.exponential(mean_us);
}

std::int64_t signed_between(Rng& rng, std::int64_t low, std::int64_t high) {
  const auto magnitude = static_cast<std::int64_t>(
      rng.between(static_cast<std::uint64_t>(low), static_cast<std::uint64_t>(high)));
  return rng.chance(500'000) ? magnitude : -magnitude;
}

}  // namespace

std::span<const FaultKindInfo> fault_kinds() {
  return kKinds;
}

const FaultKindInfo& info(FaultKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kKinds.size());
  UNWEDGE_ASSERT(kKinds[index].kind == kind);
  return kKinds[index];
}

std::optional<FaultKind> find_fault_kind(std::string_view name) {
  for (const FaultKindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::string describe(const FaultSpec& spec) {
  std::string out{info(spec.kind).name};
  switch (spec.kind) {
    case FaultKind::kPartitionPartial:
      out += fmt::format(" {} x {}", names(spec.targets), names(spec.others));
      break;
    case FaultKind::kPartitionOneWay:
      out += fmt::format(" {} -> {}", names(spec.targets), names(spec.others));
      break;
    default:
      out += " " + names(spec.targets);
      break;
  }
  if (spec.amount != 0) out += fmt::format(" amount {}", spec.amount);
  if (spec.duration_us > 0) out += fmt::format(" for {}s", spec.duration_us / kSecond);
  return out;
}

std::optional<FaultSpec> draw_fault(FaultKind kind, const World& world, Rng& rng) {
  FaultSpec spec{.kind = kind};
  auto host_fault = [&](core::TimeUs mean_us) -> std::optional<FaultSpec> {
    std::optional<Aim> a = aim(world, rng);
    if (!a) return std::nullopt;
    spec.targets = {a->host->name};
    spec.duration_us = duration(rng, mean_us);
    return spec;
  };
  // Clocks belong to hosts, monitors and the control plane.
  auto clock_target = [&]() -> std::optional<std::string> {
    switch (rng.below(3)) {
      case 0:
        return "control-plane";
      case 1:
        if (world.vantages.empty()) return "control-plane";
        return pick(all_vantages(world), rng);
      default:
        if (std::optional<Aim> a = aim(world, rng)) return a->host->name;
        return "control-plane";
    }
  };
  switch (kind) {
    case FaultKind::kPartitionComplete:
      return host_fault(3 * kMinute);
    case FaultKind::kPartitionPartial:
    case FaultKind::kPartitionOneWay: {
      std::optional<Aim> a = aim(world, rng);
      if (!a) return std::nullopt;
      spec.targets = {a->host->name};
      spec.others = far_side(world, *a, rng);
      // One-way cuts go either way round: the host deaf or the host mute.
      if (kind == FaultKind::kPartitionOneWay && rng.chance(500'000)) {
        std::swap(spec.targets, spec.others);
      }
      spec.duration_us = duration(rng, 3 * kMinute);
      return spec;
    }
    case FaultKind::kHostCrash:
      return host_fault(5 * kMinute);
    case FaultKind::kDatabaseCrash:
      return host_fault(30 * kSecond);
    case FaultKind::kAgentPause:
      return host_fault(2 * kMinute);
    case FaultKind::kLateCheckins:
      spec.amount = static_cast<std::int64_t>(rng.between(20 * kSecond, 120 * kSecond));
      return host_fault(3 * kMinute);
    case FaultKind::kDuplicateCheckins:
      spec.amount = static_cast<std::int64_t>(rng.between(30 * kSecond, 90 * kSecond));
      return host_fault(3 * kMinute);
    case FaultKind::kStaleCheckins:
      return host_fault(2 * kMinute);
    case FaultKind::kClockDrift:
      spec.targets = {*clock_target()};
      spec.amount = signed_between(rng, 1'000, 50'000);
      spec.duration_us = duration(rng, 20 * kMinute);
      return spec;
    case FaultKind::kClockJump:
      spec.targets = {*clock_target()};
      spec.amount = signed_between(rng, 10 * kSecond, 10 * kMinute);
      spec.duration_us = duration(rng, 5 * kMinute);
      return spec;
    case FaultKind::kInfraSlow:
      spec.amount = static_cast<std::int64_t>(rng.between(3, 20));
      spec.duration_us = duration(rng, 10 * kMinute);
      return spec;
    case FaultKind::kInfraFailing:
    case FaultKind::kInfraTimeouts:
      spec.amount = static_cast<std::int64_t>(rng.between(100'000, 600'000));
      spec.duration_us = duration(rng, 10 * kMinute);
      return spec;
    case FaultKind::kInfraDuplicates:
      spec.amount = static_cast<std::int64_t>(rng.between(200'000, 1'000'000));
      spec.duration_us = duration(rng, 10 * kMinute);
      return spec;
    case FaultKind::kControlPlaneCrash:
      spec.targets = {std::string(kCrashPointNames[rng.below(std::size(kCrashPointNames))])};
      spec.amount = static_cast<std::int64_t>(rng.below(40));
      return spec;
  }
  return std::nullopt;
}

}  // namespace unwedge::sim
