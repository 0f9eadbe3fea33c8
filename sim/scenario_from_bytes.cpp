#include "sim/scenario_from_bytes.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/plane.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;
using core::TimeUs;

constexpr std::uint8_t kFuzzServicesMax = 2;
constexpr std::uint32_t kSafetyMinutesMax = 20;
// Version 2's fault phase, in tens of seconds: 10 s to 5 min.
constexpr std::uint32_t kFaultPhaseTensMax = 30;
// Operators ask once the services have had time to come up.
constexpr TimeUs kOperatorsFrom = 3 * kMinute;

class Decoder {
 public:
  Decoder(std::span<const std::uint8_t> bytes, std::uint8_t version, const seam::PlaneInfo& plane,
          std::uint32_t store_members, Scenario& scenario)
      : in_(bytes.data(), bytes.size()),
        version_(version),
        scenario_(scenario),
        store_members_(store_members),
        kinds_(fault_kinds_for(store_members > 0)) {
    for (const OperatorKindInfo& kind : operator_kinds()) {
      if (takes_request(plane, kind.kind)) requests_.push_back({.kind = kind.kind});
    }
    for (const seam::RequestInfo& own : plane.own_requests) {
      requests_.push_back({.kind = OperatorKind::kPlaneOwn, .name = own.name});
      own_aims_.push_back(own.aim);
    }
    roles_.push_back("leader");
    roles_.insert(roles_.end(), plane.roles.begin(), plane.roles.end());
  }

  void fleet() {
    const auto services = in_.ConsumeIntegralInRange<std::uint8_t>(1, kFuzzServicesMax);
    for (std::uint8_t s = 1; s <= services; ++s) {
      ServiceSpec spec{.id = fmt::format("db{}", s)};
      spec.standbys = in_.ConsumeIntegralInRange<std::uint32_t>(0, 2);
      // A synchronous service with no standby could never acknowledge a write.
      spec.synchronous = in_.ConsumeBool() && spec.standbys > 0;
      spec.followers = in_.ConsumeIntegralInRange<std::uint32_t>(0, 1);
      scenario_.config.services.push_back(spec);
    }
    scenario_.config.clients_per_service = in_.ConsumeIntegralInRange<std::uint32_t>(1, 2);
    if (version_ == 1) {
      scenario_.duration_us =
          in_.ConsumeIntegralInRange<std::uint32_t>(1, kSafetyMinutesMax) * kMinute;
    } else {
      scenario_.provisioning_us = kScenarioBytesProvisioningUs;
      scenario_.duration_us =
          kScenarioBytesProvisioningUs +
          in_.ConsumeIntegralInRange<std::uint32_t>(1, kFaultPhaseTensMax) * 10 * kSecond;
    }
    scenario_.recovery_us = core::kHour;
  }

  void timeline() {
    for (std::size_t n = 0; n < kScenarioBytesEntriesMax && in_.remaining_bytes() > 0; ++n) {
      if (in_.ConsumeIntegralInRange<std::uint8_t>(0, 7) == 0) {
        operator_request();
      } else {
        fault();
      }
    }
    // Entries come in any order; the timeline reads in time order.
    std::stable_sort(scenario_.faults.begin(), scenario_.faults.end(),
                     [](const auto& a, const auto& b) { return a.at_us < b.at_us; });
    std::stable_sort(scenario_.operators.begin(), scenario_.operators.end(),
                     [](const auto& a, const auto& b) { return a.at_us < b.at_us; });
  }

 private:
  // A second of the safety phase from `from_us` (version 2: from the end of
  // the provisioning at the earliest) to its end.
  TimeUs moment(TimeUs from_us) {
    from_us = std::max(from_us, scenario_.provisioning_us);
    const auto last_s = static_cast<std::uint32_t>(scenario_.duration_us / kSecond) - 1;
    const auto first_s = static_cast<std::uint32_t>(std::min<TimeUs>(from_us / kSecond, last_s));
    return in_.ConsumeIntegralInRange<std::uint32_t>(first_s, last_s) * kSecond;
  }

  const std::string& service() {
    const auto& services = scenario_.config.services;
    return services[in_.ConsumeIntegralInRange<std::size_t>(0, services.size() - 1)].id;
  }

  // A host by role (the leader or one the plane declares); the role is
  // resolved when the entry fires.
  std::string host() {
    const auto r = in_.ConsumeIntegralInRange<std::size_t>(0, roles_.size() - 1);
    return fmt::format("{}:{}", roles_[r], service());
  }

  // A store member by role or name: "store:leader", "stores" or "store-N".
  std::string store_target() {
    const auto pick = in_.ConsumeIntegralInRange<std::uint32_t>(0, store_members_ + 1);
    if (pick == 0) return "store:leader";
    if (pick == 1) return "stores";
    return store_member_name(pick - 2);
  }

  // In a plane with a store, a host or any endpoint may be a store member
  // (a plane without one spends no byte on it).
  bool aims_at_store() {
    return store_members_ > 0 && in_.ConsumeIntegralInRange<std::uint8_t>(0, 4) == 0;
  }

  // The far side of a partial or one-way cut; with a store, the whole store too.
  std::string far_side() {
    switch (in_.ConsumeIntegralInRange<std::uint8_t>(0, store_members_ > 0 ? 4 : 3)) {
      case 4:
        return "stores";
      case 0:
        return "monitors";
      case 1:
        return "control-plane";
      case 2:
        return fmt::format("clients:{}", service());
      default:
        return host();
    }
  }

  std::string clock_owner() {
    switch (in_.ConsumeIntegralInRange<std::uint8_t>(0, store_members_ > 0 ? 3 : 2)) {
      case 3:
        return store_target();
      case 0:
        return "control-plane";
      case 1:
        return in_.ConsumeBool() ? "monitor-a" : "monitor-b";
      default:
        return host();
    }
  }

  // A fault's targets by its kind's class of targets.
  std::vector<std::string> targets_of(FaultTargetClass aim) {
    switch (aim) {
      case FaultTargetClass::kServers:
        return {host()};
      case FaultTargetClass::kEndpoints:
      case FaultTargetClass::kHosts:
        return {aims_at_store() ? store_target() : host()};
      case FaultTargetClass::kClocks:
        return {clock_owner()};
      case FaultTargetClass::kStoreMembers:
        return {store_target()};
      case FaultTargetClass::kFleet:
      case FaultTargetClass::kStore:
        return {};
      case FaultTargetClass::kCrashPoint: {
        const auto point =
            in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kCrashPointNames) - 1);
        return {std::string(kCrashPointNames[point])};
      }
    }
    return {};
  }

  // As the kind's entry encodes it: its targets, its far side (a one-way cut
  // either way round), then its amount.
  void fault() {
    const FaultKindInfo& kind =
        info(kinds_[in_.ConsumeIntegralInRange<std::size_t>(0, kinds_.size() - 1)]);
    FaultSpec spec{.kind = kind.kind};
    const TimeUs at_us = moment(0);
    const TimeUs duration_us = in_.ConsumeIntegralInRange<std::uint32_t>(10, 600) * kSecond;
    spec.duration_us = kind.lasts ? duration_us : 0;
    spec.targets = targets_of(kind.targets);
    if (kind.others != FaultOthers::kNone) {
      // A store member is cut from the other members.
      spec.others = {names_store_member(spec.targets[0]) ? std::string("stores") : far_side()};
      if (kind.others == FaultOthers::kOneWay && in_.ConsumeBool()) {
        std::swap(spec.targets, spec.others);
      }
    }
    if (kind.amount.unit != FaultUnit::kNone) {
      const FaultEncoding& e = kind.encoded;
      spec.amount =
          in_.ConsumeIntegralInRange<std::int64_t>(e.amount_low, e.amount_high) * e.amount_scale;
    }
    scenario_.faults.push_back({.at_us = at_us, .spec = std::move(spec)});
  }

  // Drawn from the requests the plane under test takes (in the vocabulary's
  // order): a plane that takes none gets no operator entries, and bytes are
  // never spent on a request the simulator would drop.
  void operator_request() {
    if (requests_.empty()) return;
    const std::size_t drawn = in_.ConsumeIntegralInRange<std::size_t>(0, requests_.size() - 1);
    const OperatorKind kind = requests_[drawn].kind;
    ScheduledOperator op{.at_us = moment(kOperatorsFrom), .request = requests_[drawn]};
    switch (kind) {
      case OperatorKind::kAddFollower:
      case OperatorKind::kRequestFailover:
        op.request.target = service();
        break;
      case OperatorKind::kPromoteFollower:
      case OperatorKind::kUnfollow:
        op.request.target = fmt::format("follower:{}", service());
        break;
      case OperatorKind::kReplaceServer:
        op.request.target = host();
        break;
      case OperatorKind::kDeprovision:
        // Only while another service lives on, so the story keeps a fleet.
        if (scenario_.config.services.size() < 2) return;
        op.request.target = service();
        break;
      case OperatorKind::kPlaneOwn: {
        const seam::RequestInfo::Aim aim = own_aims_[drawn - (requests_.size() - own_aims_.size())];
        op.request.target = aim == seam::RequestInfo::Aim::kServer ? host() : service();
        break;
      }
    }
    // A safety phase too short for the services to come up has no requests.
    if (op.at_us < kOperatorsFrom) return;
    // A customer may promote a follower and unfollow it in one breath.
    if (kind == OperatorKind::kPromoteFollower && in_.ConsumeBool()) {
      scenario_.operators.push_back(
          {.at_us = op.at_us,
           .request = {.kind = OperatorKind::kUnfollow, .target = op.request.target}});
    }
    scenario_.operators.push_back(std::move(op));
  }

  FuzzedDataProvider in_;
  std::uint8_t version_;
  Scenario& scenario_;
  // What the plane under test takes: the simulator's kinds, then its own
  // (whose aims own_aims_ holds, in the same order).
  std::vector<OperatorRequest> requests_;
  std::vector<seam::RequestInfo::Aim> own_aims_;
  std::vector<std::string> roles_;  // "leader", then the plane's roles
  std::uint32_t store_members_;     // the plane's consensus store; 0: none
  std::vector<FaultKind> kinds_;    // what a fault entry chooses from
};

}  // namespace

core::Result<Scenario> scenario_from_bytes(std::span<const std::uint8_t> bytes,
                                           std::string_view source,
                                           std::string_view control_plane) {
  if (bytes.empty()) {
    return core::Error{
        fmt::format("{}: empty; a fleet_fuzzer input starts with its encoding "
                    "version byte ({})",
                    source, kScenarioBytesVersion)};
  }
  const std::uint8_t version = bytes[0];
  if (version < 1 || version > kScenarioBytesVersion) {
    return core::Error{
        fmt::format("{}: encoding version {} is not one this build reads (it reads "
                    "versions 1 to {}); decode it with the unwedge that found it",
                    source, version, kScenarioBytesVersion)};
  }
  core::Result<const seam::PlaneInfo*> plane = find_plane_or_error(control_plane);
  if (!plane.ok()) return core::Error{fmt::format("{}: {}", source, plane.error().message)};
  Scenario scenario;
  scenario.name = "fuzzed";
  scenario.source = std::string(source);
  scenario.config.seed = 1;
  scenario.config.control_plane = std::string(control_plane);
  // A fuzz input is short: the controller is audited after every pass.
  scenario.config.audit_interval_us = 0;
  core::Result<std::unique_ptr<seam::ControlPlane>> created =
      (*plane)->create(scenario.config.plane_settings);
  if (!created.ok()) return core::Error{fmt::format("{}: {}", source, created.error().message)};
  Decoder decoder(bytes.subspan(1), version, **plane, (*created)->fleet().coordination_members,
                  scenario);
  decoder.fleet();
  decoder.timeline();
  scenario.description = fmt::format(
      "decoded from {} ({} bytes, encoding version {}): {} service{}, {} fault{} and {} operator "
      "request{} in {}",
      source, bytes.size(), version, scenario.config.services.size(),
      scenario.config.services.size() == 1 ? "" : "s", scenario.faults.size(),
      scenario.faults.size() == 1 ? "" : "s", scenario.operators.size(),
      scenario.operators.size() == 1 ? "" : "s",
      scenario.provisioning_us == 0
          ? fmt::format("{} min", scenario.duration_us / kMinute)
          : fmt::format("{} s after {} min of provisioning",
                        (scenario.duration_us - scenario.provisioning_us) / kSecond,
                        scenario.provisioning_us / kMinute));
  return scenario;
}

std::vector<std::uint8_t> random_scenario_bytes(std::uint64_t n, std::uint8_t version) {
  Rng rng = Rng::stream(n, "fleet-fuzz");
  std::vector<std::uint8_t> bytes = {version};
  const std::uint64_t size = rng.between(32, 256);
  for (std::uint64_t i = 0; i < size; ++i)
    bytes.push_back(static_cast<std::uint8_t>(rng.below(256)));
  return bytes;
}

}  // namespace unwedge::sim
