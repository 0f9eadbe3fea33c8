// Scenario generators for rapidcheck: a small fleet, an explicit timeline of
// faults and operator requests, a safety phase and a recovery phase, drawn
// with a slant toward what can break one invariant.
//
// Everything is built from rapidcheck's own combinators over plain draws
// (a fraction of the safety phase, a fault kind, a role index, a duration in
// seconds), resolved against the fleet only at the end, so shrinking comes
// for free and goes the natural way: fewer faults and requests, the second
// service gone, no standbys or followers, shorter phases and faults, earlier
// times, smaller amounts. Targets name roles (`leader:db1`), as the swarm's
// timelines do, so a shrunk fleet still gives a meaningful scenario.
//
//   const sim::Scenario s = *scenario_gen(slant_for(sim::Invariant::kNoLostWrites));
#pragma once

#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include "sim/scenario.hpp"
#include "sim/scenario_yaml.hpp"

namespace unwedge::sim {

// How rapidcheck prints a counterexample: as the scenario file it is.
inline void showValue(const Scenario& scenario, std::ostream& os) {
  os << "\n" << to_yaml(scenario);
}

}  // namespace unwedge::sim

namespace unwedge::properties {

using core::kHour;
using core::kMinute;
using core::kSecond;
using core::TimeUs;

// What a generator leans toward. Weights are relative; a kind with weight 0
// (or left out) is never drawn.
struct Slant {
  std::string name;  // the invariant it aims at, as scenarios spell it
  std::vector<std::pair<std::uint32_t, sim::FaultKind>> faults;
  std::vector<std::pair<std::uint32_t, sim::OperatorKind>> operators;
  // The far side of a partial or one-way cut: 0 the monitors, 1 a sibling
  // server, 2 the control plane, 3 the service's clients, 4 one monitor
  // (the same draw picks whose clock a clock fault hits and a crash point).
  std::vector<std::pair<std::uint32_t, int>> far_sides = {{1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}};
  std::size_t faults_max = 6;
  std::size_t operators_max = 3;
  TimeUs duration_min_us = 5 * kMinute;
  TimeUs duration_max_us = kHour;
  TimeUs recovery_min_us = 30 * kMinute;
  TimeUs recovery_max_us = kHour;
  TimeUs fault_max_us = 10 * kMinute;  // how long one fault lasts at most
  std::uint32_t standbys_min = 0;
  bool asynchronous = false;  // every service replicates asynchronously
  TimeUs write_interval_us = 10 * kSecond;
};

namespace detail {

// Requests come once the services are up, as the swarm's do.
constexpr TimeUs kOperatorsFrom = 20 * kMinute;

struct ServiceDraw {
  std::uint32_t standbys = 0;
  bool synchronous = false;
  std::uint32_t followers = 0;
};

struct FaultDraw {
  int permille = 0;  // when, as a fraction of the safety phase
  sim::FaultKind kind = sim::FaultKind::kHostCrash;
  int service = 0;  // 0: db1, 1: db2 (when there is one)
  int role = 0;     // 0 leader, 1 standby, 2 follower (the leader when there is none)
  int far = 0;      // the far side of a cut, or whose clock
  int seconds = 10;
  int amount = 0;  // 0-999, scaled to the kind's range
  bool negative = false;
};

struct OperatorDraw {
  int permille = 0;
  sim::OperatorKind kind = sim::OperatorKind::kRequestFailover;
  int service = 0;
  int role = 0;
};

struct Draws {
  std::uint64_t seed = 1;
  ServiceDraw first;
  rc::Maybe<ServiceDraw> second;
  std::uint32_t clients = 1;
  int duration_min = 5;
  int recovery_min = 30;
  std::vector<FaultDraw> faults;
  std::vector<OperatorDraw> operators;
};

template <class T>
std::vector<T> pool(const std::vector<std::pair<std::uint32_t, T>>& weights) {
  std::vector<T> values;
  for (const auto& [weight, value] : weights)
    values.insert(values.end(), weight, value);
  return values;
}

inline std::string role_of(int role, const sim::ServiceSpec& service) {
  if (role == 1 && service.standbys > 0) return fmt::format("standby:{}", service.id);
  if (role == 2 && service.followers > 0) return fmt::format("follower:{}", service.id);
  return fmt::format("leader:{}", service.id);
}

inline std::vector<std::string> far_side(const FaultDraw& d, const sim::ServiceSpec& service,
                                         const std::string& host) {
  switch (d.far % 5) {
    case 0:
      return {"monitors"};
    case 1: {
      const std::string sibling = role_of(d.role == 0 ? 1 : 0, service);
      return {sibling == host ? "control-plane" : sibling};
    }
    case 2:
      return {"control-plane"};
    case 3:
      return {fmt::format("clients:{}", service.id)};
    default:
      return {"monitor-a"};
  }
}

// Scales a draw of 0-999 onto [low, high].
inline std::int64_t scaled(int draw, std::int64_t low, std::int64_t high) {
  return low + (high - low) * draw / 999;
}

inline sim::FaultSpec resolve(const FaultDraw& d, const std::vector<sim::ServiceSpec>& services) {
  const sim::ServiceSpec& service = services[static_cast<std::size_t>(d.service) % services.size()];
  const std::string host = role_of(d.role, service);
  const std::int64_t sign = d.negative ? -1 : 1;
  sim::FaultSpec spec{.kind = d.kind, .duration_us = d.seconds * kSecond};
  using sim::FaultKind;
  switch (d.kind) {
    case FaultKind::kPartitionPartial:
    case FaultKind::kPartitionOneWay:
      spec.targets = {host};
      spec.others = far_side(d, service, host);
      // One-way cuts go either way round: the host deaf or the host mute.
      if (d.kind == FaultKind::kPartitionOneWay && d.negative) std::swap(spec.targets, spec.others);
      break;
    case FaultKind::kLateCheckins:
      spec.targets = {host};
      spec.amount = scaled(d.amount, 20, 120) * kSecond;
      break;
    case FaultKind::kDuplicateCheckins:
      spec.targets = {host};
      spec.amount = scaled(d.amount, 30, 90) * kSecond;
      break;
    case FaultKind::kClockDrift:
    case FaultKind::kClockJump:
      spec.targets = {d.far % 3 == 0   ? std::string("control-plane")
                      : d.far % 3 == 1 ? std::string("monitor-a")
                                       : host};
      spec.amount = d.kind == FaultKind::kClockDrift ? sign * scaled(d.amount, 1'000, 50'000)
                                                     : sign * scaled(d.amount, 10, 600) * kSecond;
      break;
    case FaultKind::kInfraSlow:
      spec.amount = scaled(d.amount, 3, 20);
      break;
    case FaultKind::kInfraFailing:
    case FaultKind::kInfraTimeouts:
      spec.amount = scaled(d.amount, 100'000, 600'000);
      break;
    case FaultKind::kInfraDuplicates:
      spec.amount = scaled(d.amount, 200'000, 1'000'000);
      break;
    case FaultKind::kControlPlaneCrash:
      spec.targets = {std::string(sim::kCrashPointNames[static_cast<std::size_t>(d.far) %
                                                        std::size(sim::kCrashPointNames)])};
      spec.amount = d.amount % 40;
      spec.duration_us = 0;  // instantaneous
      break;
    default:  // the rest strike one host
      spec.targets = {host};
      break;
  }
  return spec;
}

inline sim::OperatorRequest resolve(const OperatorDraw& d,
                                    const std::vector<sim::ServiceSpec>& services) {
  const sim::ServiceSpec& service = services[static_cast<std::size_t>(d.service) % services.size()];
  using sim::OperatorKind;
  switch (d.kind) {
    case OperatorKind::kPromoteFollower:
    case OperatorKind::kUnfollow:
      return {.kind = d.kind, .target = fmt::format("follower:{}", service.id)};
    case OperatorKind::kReplaceServer:
      return {.kind = d.kind, .target = role_of(d.role, service)};
    default:
      return {.kind = d.kind, .target = service.id};
  }
}

inline sim::ServiceSpec service_spec(std::string id, const ServiceDraw& d, const Slant& slant) {
  return {.id = std::move(id),
          .standbys = d.standbys,
          // A synchronous service with no standby could never acknowledge a write.
          .synchronous = d.synchronous && !slant.asynchronous && d.standbys > 0,
          .followers = d.followers};
}

inline sim::Scenario build(const Draws& d, const Slant& slant) {
  sim::Scenario s;
  s.name = fmt::format("property-{}", slant.name);
  s.source = fmt::format("property {}", slant.name);
  sim::SimConfig& config = s.config;
  config.seed = d.seed;
  config.services.push_back(service_spec("db1", d.first, slant));
  if (d.second) config.services.push_back(service_spec("db2", *d.second, slant));
  config.clients_per_service = d.clients;
  config.write_interval_us = slant.write_interval_us;
  // Nothing is drawn inside the run: the timeline is the whole story.
  config.faults.mean_gap_us = 0;
  config.operator_mean_gap_us = 0;
  s.duration_us = d.duration_min * kMinute;
  s.recovery_us = d.recovery_min * kMinute;
  for (const FaultDraw& f : d.faults) {
    const TimeUs at_us = s.duration_us * f.permille / 1000 / kSecond * kSecond;
    s.faults.push_back({.at_us = at_us, .spec = resolve(f, config.services)});
  }
  bool deprovisioned = false;
  for (const OperatorDraw& o : d.operators) {
    if (s.duration_us <= kOperatorsFrom) break;
    sim::OperatorRequest request = resolve(o, config.services);
    // Only the second service is ever deprovisioned, once: the story keeps
    // a fleet to happen to.
    if (request.kind == sim::OperatorKind::kDeprovision) {
      if (config.services.size() < 2 || deprovisioned) continue;
      request.target = "db2";
      deprovisioned = true;
    }
    const TimeUs at_us =
        kOperatorsFrom + (s.duration_us - kOperatorsFrom) * o.permille / 1000 / kSecond * kSecond;
    // A customer may promote a follower and unfollow it in one breath; the
    // unfollow must not be lost to the promotion. Half the promotions do.
    // The pair counts as two requests against the slant's bound.
    if (s.operators.size() >= slant.operators_max) break;
    const bool with_unfollow = request.kind == sim::OperatorKind::kPromoteFollower &&
                               o.role % 2 == 1 && s.operators.size() + 2 <= slant.operators_max;
    if (with_unfollow) {
      s.operators.push_back(
          {.at_us = at_us,
           .request = {.kind = sim::OperatorKind::kUnfollow, .target = request.target}});
    }
    s.operators.push_back({.at_us = at_us, .request = std::move(request)});
  }
  s.description = fmt::format(
      "Drawn by the {} property: {} service{}, {} fault{} and {} operator request{} over {} min, "
      "then {} min of recovery.",
      slant.name, config.services.size(), config.services.size() > 1 ? "s" : "", s.faults.size(),
      s.faults.size() == 1 ? "" : "s", s.operators.size(), s.operators.size() == 1 ? "" : "s",
      d.duration_min, d.recovery_min);
  return s;
}

// rapidcheck scales every draw with the case's size (small cases first);
// here only the number of faults and requests grows with it, and each draw
// spans its whole range from the first case, so a fault lands anywhere in
// the safety phase and lasts anything up to the slant's bound.
template <class T>
rc::Gen<T> full(rc::Gen<T> gen) {
  return rc::gen::resize(rc::kNominalSize, std::move(gen));
}

// Up to `max` elements, fewer in small cases (a container is at most as
// long as its size), shrinking by dropping any of them and by shrinking each.
template <class T>
rc::Gen<std::vector<T>> up_to(std::size_t max, rc::Gen<T> element) {
  return rc::gen::withSize([max, element](int size) {
    const auto length = static_cast<int>(max) * size / rc::kNominalSize;
    return rc::gen::resize(length, rc::gen::container<std::vector<T>>(full(element)));
  });
}

// Nothing or a value, evenly, whatever the size.
template <class T>
rc::Gen<rc::Maybe<T>> maybe(rc::Gen<T> gen) {
  return rc::gen::resize(1, rc::gen::maybe(full(std::move(gen))));
}

}  // namespace detail

inline rc::Gen<sim::Scenario> scenario_gen(const Slant& slant) {
  using namespace rc;
  using detail::FaultDraw;
  using detail::OperatorDraw;
  using detail::ServiceDraw;
  const Gen<ServiceDraw> service = gen::build<ServiceDraw>(
      gen::set(&ServiceDraw::standbys, gen::inRange<std::uint32_t>(slant.standbys_min, 3)),
      gen::set(&ServiceDraw::synchronous, gen::arbitrary<bool>()),
      gen::set(&ServiceDraw::followers, gen::inRange<std::uint32_t>(0, 2)));
  const Gen<FaultDraw> fault = gen::build<FaultDraw>(
      gen::set(&FaultDraw::permille, gen::inRange(0, 1000)),
      gen::set(&FaultDraw::kind, gen::elementOf(detail::pool(slant.faults))),
      gen::set(&FaultDraw::service, gen::inRange(0, 2)),
      gen::set(&FaultDraw::role, gen::inRange(0, 3)),
      gen::set(&FaultDraw::far, gen::elementOf(detail::pool(slant.far_sides))),
      gen::set(&FaultDraw::seconds,
               gen::inRange(10, static_cast<int>(slant.fault_max_us / kSecond) + 1)),
      gen::set(&FaultDraw::amount, gen::inRange(0, 1000)),
      gen::set(&FaultDraw::negative, gen::arbitrary<bool>()));
  const Gen<OperatorDraw> request =
      slant.operators.empty()
          ? gen::just(OperatorDraw{})
          : gen::build<OperatorDraw>(
                gen::set(&OperatorDraw::permille, gen::inRange(0, 1000)),
                gen::set(&OperatorDraw::kind, gen::elementOf(detail::pool(slant.operators))),
                gen::set(&OperatorDraw::service, gen::inRange(0, 2)),
                gen::set(&OperatorDraw::role, gen::inRange(0, 3)));
  const Gen<detail::Draws> draws = gen::build<detail::Draws>(
      gen::set(&detail::Draws::seed, detail::full(gen::inRange<std::uint64_t>(1, 1'000'000))),
      gen::set(&detail::Draws::first, detail::full(service)),
      gen::set(&detail::Draws::second, detail::maybe(service)),
      gen::set(&detail::Draws::clients, detail::full(gen::inRange<std::uint32_t>(1, 3))),
      gen::set(&detail::Draws::duration_min,
               detail::full(gen::inRange(static_cast<int>(slant.duration_min_us / kMinute),
                                         static_cast<int>(slant.duration_max_us / kMinute) + 1))),
      gen::set(&detail::Draws::recovery_min,
               detail::full(gen::inRange(static_cast<int>(slant.recovery_min_us / kMinute),
                                         static_cast<int>(slant.recovery_max_us / kMinute) + 1))),
      gen::set(&detail::Draws::faults, detail::up_to(slant.faults_max, fault)),
      gen::set(&detail::Draws::operators,
               detail::up_to(slant.operators.empty() ? 0 : slant.operators_max, request)));
  return gen::map(draws, [slant](const detail::Draws& d) { return detail::build(d, slant); });
}

}  // namespace unwedge::properties
