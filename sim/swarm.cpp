#include "sim/swarm.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/assert.hpp"
#include "sim/plane.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;
using core::TimeUs;

constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();
// Services should be up before customers and operators ask for anything.
constexpr TimeUs kOperatorsFrom = 20 * kMinute;
// As the random faults inside a run: never more at once.
constexpr std::size_t kActiveFaultsMax = 3;

template <class T>
const T& pick(const std::vector<T>& from, Rng& rng) {
  UNWEDGE_ASSERT(!from.empty());
  return from[rng.below(from.size())];
}

// Whole seconds, so a written scenario reads as a person would write it.
TimeUs seconds(TimeUs us) {
  return us / kSecond * kSecond;
}

std::string role(std::string_view name, const std::string& service) {
  return fmt::format("{}:{}", name, service);
}

// A service as the generator follows it along the timeline: which roles it
// has when, so a drawn target names someone.
struct ServicePlan {
  std::string id;
  std::uint32_t standbys = 0;
  std::uint32_t followers = 0;  // asked for in the config, added from 15 min on
  // Follower count changes the operator timeline makes: (at, +1 or -1).
  std::vector<std::pair<TimeUs, int>> follower_changes;
  TimeUs deprovisioned_at_us = kNever;

  bool live_at(TimeUs at_us) const { return at_us < deprovisioned_at_us; }
  // How many followers the service should have at `at_us` (an estimate: an
  // add asked for while the service is unhealthy adds nothing).
  std::uint32_t followers_at(TimeUs at_us) const {
    int count = 0;
    for (std::uint32_t f = 0; f < followers; ++f) {
      if (at_us >= 15 * kMinute + f * kMinute) count++;
    }
    for (const auto& [change_us, delta] : follower_changes) {
      if (change_us <= at_us) count += delta;
    }
    return static_cast<std::uint32_t>(std::max(count, 0));
  }
};

class Swarm {
 public:
  Swarm(std::uint64_t seed, const SwarmOptions& options)
      : seed_(seed), options_(options), rng_(Rng::stream(seed, "swarm")) {}

  Scenario draw() {
    draw_fleet();
    draw_fault_mix();
    draw_operators();
    draw_faults();
    draw_requests_during_faults();
    scenario_.name = fmt::format("swarm-{}", seed_);
    scenario_.source = fmt::format("swarm seed {}", seed_);
    scenario_.description = describe_draws();
    scenario_.expect = {};
    return std::move(scenario_);
  }

 private:
  void draw_fleet();
  void draw_fault_mix();
  void draw_operators();
  void draw_faults();
  void draw_requests_during_faults();
  std::optional<ScheduledOperator> draw_operator(TimeUs at_us);
  std::optional<ScheduledOperator> draw_request_on(TimeUs at_us, const ServicePlan& plan);
  ScheduledOperator draw_own_request(TimeUs at_us, const ServicePlan& plan, std::size_t index);
  std::vector<std::string> roles_of(const ServicePlan& plan, TimeUs at_us) const;
  FaultSpec draw_fault(FaultKind kind, TimeUs at_us);
  std::size_t live_service(TimeUs at_us);
  FaultAim aim(TimeUs at_us);
  std::string describe_draws() const;

  class RoleAimer;

  std::uint64_t seed_;
  SwarmOptions options_;
  Rng rng_;
  Scenario scenario_;
  std::vector<ServicePlan> plans_;
  std::vector<std::string> monitors_;
  std::vector<std::string> places_;  // zones and racks as fault targets; none without zones
  std::vector<FaultKind> kinds_;
  std::size_t kinds_available_ = 0;  // the kinds the mix was drawn from
  std::uint32_t store_members_ = 0;  // the plane's consensus store; 0: none
  TimeUs fault_gap_us_ = 0;
  TimeUs operator_gap_us_ = 0;
  const seam::PlaneInfo* plane_info_ = nullptr;  // set by draw_fleet()
};

void Swarm::draw_fleet() {
  UNWEDGE_ASSERT_LE(kMinute, options_.duration_min_us);
  UNWEDGE_ASSERT_LE(options_.duration_min_us, options_.duration_max_us);
  SimConfig& config = scenario_.config;
  config.seed = seed_;
  const std::uint64_t services = rng_.between(1, 4);
  for (std::uint64_t s = 1; s <= services; ++s) {
    ServiceSpec spec{.id = fmt::format("db{}", s)};
    spec.standbys = static_cast<std::uint32_t>(rng_.between(0, 2));
    // A synchronous service with no standby could never acknowledge a write.
    spec.synchronous = rng_.chance(500'000) && spec.standbys > 0;
    spec.followers = static_cast<std::uint32_t>(rng_.between(0, 1));
    config.services.push_back(spec);
    plans_.push_back({.id = spec.id, .standbys = spec.standbys, .followers = spec.followers});
  }
  config.clients_per_service = static_cast<std::uint32_t>(rng_.between(1, 2));
  // A quarter of the fleets sit in three zones of two racks, where a fault
  // may take a whole zone or rack. Drawn from a stream of its own, so the
  // other draws of a seed are what they were before fleets had zones.
  if (Rng::stream(seed_, "swarm-zones").chance(250'000)) {
    config.zones = ZoneShape{.names = {"a", "b", "c"}, .racks = 2};
    places_ = place_targets(config.zones);
  }
  core::Result<const seam::PlaneInfo*> info = find_plane_or_error(options_.control_plane);
  UNWEDGE_ASSERT_MSG(info.ok(), "{}", info ? "" : info.error().message);
  plane_info_ = *info;
  config.control_plane = (*info)->name;  // a swarm scenario names the plane it ran
  core::Result<std::unique_ptr<seam::ControlPlane>> plane =
      plane_info_->create(config.plane_settings);
  UNWEDGE_ASSERT_MSG(plane.ok(), "{}", plane ? "" : plane.error().message);
  for (std::uint32_t v = 0; v < (*plane)->fleet().vantage_points; ++v) {
    monitors_.push_back(fmt::format("monitor-{}", static_cast<char>('a' + v)));
  }
  store_members_ = (*plane)->fleet().coordination_members;
  scenario_.duration_us = static_cast<TimeUs>(rng_.between(
                              static_cast<std::uint64_t>(options_.duration_min_us / kMinute),
                              static_cast<std::uint64_t>(options_.duration_max_us / kMinute))) *
                          kMinute;
  scenario_.recovery_us = options_.recovery_us;
  // Nothing is drawn inside the run: the timeline is the whole story.
  config.faults.mean_gap_us = 0;
  config.operator_mean_gap_us = 0;
}

// A fifth of the seeds enable every kind; the rest a random subset of
// uniformly drawn size, so small mixes (one kind alone) are as likely as
// large ones. The store's kinds only when the plane runs a store.
void Swarm::draw_fault_mix() {
  std::vector<FaultKind> all = fault_kinds_for(store_members_ > 0);
  kinds_available_ = all.size();
  std::size_t count = all.size();
  if (!rng_.chance(200'000)) count = rng_.between(1, all.size());
  // A partial Fisher-Yates shuffle picks `count` distinct kinds.
  for (std::size_t i = 0; i < count; ++i) {
    std::swap(all[i], all[i + rng_.below(all.size() - i)]);
  }
  kinds_.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));
  std::sort(kinds_.begin(), kinds_.end());
  scenario_.config.faults.kinds = kinds_;
  fault_gap_us_ = static_cast<TimeUs>(rng_.between(2, 15)) * kMinute;
  operator_gap_us_ = static_cast<TimeUs>(rng_.between(30, 90)) * kMinute;
}

std::size_t Swarm::live_service(TimeUs at_us) {
  std::vector<std::size_t> live;
  for (std::size_t s = 0; s < plans_.size(); ++s) {
    if (plans_[s].live_at(at_us)) live.push_back(s);
  }
  // Faults after the last deprovision still aim somewhere; they name nobody.
  if (live.empty()) return rng_.below(plans_.size());
  return pick(live, rng_);
}

void Swarm::draw_operators() {
  TimeUs at_us = kOperatorsFrom;
  for (std::size_t n = 0; n < kSwarmOperatorsMax; ++n) {
    at_us += seconds(rng_.exponential(operator_gap_us_));
    if (at_us >= scenario_.duration_us) break;
    if (std::optional<ScheduledOperator> op = draw_operator(at_us)) {
      scenario_.operators.push_back(std::move(*op));
    }
  }
}

std::optional<ScheduledOperator> Swarm::draw_operator(TimeUs at_us) {
  std::size_t live = 0;
  for (const ServicePlan& p : plans_)
    live += p.live_at(at_us) ? 1 : 0;
  if (live == 0) return std::nullopt;
  ServicePlan& plan = plans_[live_service(at_us)];
  const std::uint32_t followers = plan.followers_at(at_us);
  // Indexed by OperatorKind, then the plane's own requests. A deprovision is
  // rare, and only while another service lives on, so the rest of the story
  // still has a fleet to happen to.
  std::vector<std::uint32_t> weights = {
      followers < 2 ? 6U : 0U,  // add_follower
      followers > 0 ? 4U : 0U,  // promote_follower
      followers > 0 ? 2U : 0U,  // unfollow
      6U,                       // request_failover
      6U,                       // replace_server
      live >= 2 ? 1U : 0U,      // deprovision
  };
  // Only what the plane under test takes.
  UNWEDGE_ASSERT(plane_info_ != nullptr);
  std::uint32_t total = 0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    if (!takes_request(*plane_info_, static_cast<OperatorKind>(k))) weights[k] = 0;
    total += weights[k];
  }
  const std::size_t own_first = weights.size();
  for (std::size_t o = 0; o < plane_info_->own_requests.size(); ++o) {
    weights.push_back(4);
    total += 4;
  }
  if (total == 0) return std::nullopt;
  const std::size_t drawn = rng_.weighted(weights);
  if (drawn >= own_first) return draw_own_request(at_us, plan, drawn - own_first);
  const auto kind = static_cast<OperatorKind>(drawn);
  ScheduledOperator op{.at_us = at_us, .request = {.kind = kind, .target = plan.id}};
  switch (kind) {
    case OperatorKind::kAddFollower:
      plan.follower_changes.emplace_back(at_us, +1);
      break;
    case OperatorKind::kPromoteFollower:
    case OperatorKind::kUnfollow:
      op.request.target = role("follower", plan.id);
      plan.follower_changes.emplace_back(at_us, -1);
      break;
    case OperatorKind::kRequestFailover:
      break;
    case OperatorKind::kReplaceServer: {
      // A leader's replacement waits until a failover has moved it. Only
      // roles the plane declares.
      const auto declares = [this](std::string_view r) {
        const std::vector<std::string>& roles = plane_info_->roles;
        return std::find(roles.begin(), roles.end(), r) != roles.end();
      };
      const std::array<std::uint32_t, 3> targets = {
          plan.standbys > 0 && declares("standby") ? 3U : 0U,
          followers > 0 && declares("follower") ? 1U : 0U, 1U};
      constexpr std::array<std::string_view, 3> kRoles = {"standby", "follower", "leader"};
      op.request.target = role(kRoles[rng_.weighted(targets)], plan.id);
      break;
    }
    case OperatorKind::kDeprovision:
      plan.deprovisioned_at_us = at_us;
      break;
    case OperatorKind::kPlaneOwn:
      UNWEDGE_ASSERT_MSG(false, "own requests are drawn by draw_own_request");
      break;
  }
  return op;
}

// The plane's own request `index`, on the service or, aimed at a server, on
// its leader or a server in one of the plane's roles.
ScheduledOperator Swarm::draw_own_request(TimeUs at_us, const ServicePlan& plan,
                                          std::size_t index) {
  const seam::RequestInfo& own = plane_info_->own_requests[index];
  ScheduledOperator op{
      .at_us = at_us,
      .request = {.kind = OperatorKind::kPlaneOwn, .target = plan.id, .name = own.name}};
  if (own.aim == seam::RequestInfo::Aim::kServer) {
    const std::vector<std::string>& roles = plane_info_->roles;
    const std::size_t r = rng_.below(roles.size() + 1);
    op.request.target = role(r == 0 ? std::string_view("leader") : roles[r - 1], plan.id);
  }
  return op;
}

// The roles a fault may aim at on `plan`'s service at `at_us`: its leader,
// then those the plane declares that the service has: "standby" while it
// has standbys, "follower" while it has followers, any other role of the
// plane's (its name for the leader's replicas) while it has standbys. A role
// the plane does not declare is never aimed at: a scenario file naming it
// would not read back.
std::vector<std::string> Swarm::roles_of(const ServicePlan& plan, TimeUs at_us) const {
  std::vector<std::string> roles = {"leader"};
  for (const std::string& r : plane_info_->roles) {
    const bool present = r == "follower" ? plan.followers_at(at_us) > 0 : plan.standbys > 0;
    if (present) roles.push_back(r);
  }
  return roles;
}

// Like the nemesis's aim: any role of any live service, but a service's
// leader (where faults hurt most) 60% of the time.
FaultAim Swarm::aim(TimeUs at_us) {
  const ServicePlan* plan = &plans_[live_service(at_us)];
  std::vector<std::string> roles = roles_of(*plan, at_us);
  std::string chosen = pick(roles, rng_);
  if (rng_.chance(600'000)) {
    plan = &plans_[live_service(at_us)];
    chosen = "leader";
    roles = roles_of(*plan, at_us);
  }
  FaultAim a{.host = role(chosen, plan->id), .clients = {role("clients", plan->id)}};
  for (const std::string& r : roles) {
    if (r != chosen) a.siblings.push_back(role(r, plan->id));
  }
  return a;
}

// The swarm aims at roles, resolved when the fault fires, so it always
// finds someone; "monitors" names them all.
class Swarm::RoleAimer final : public FaultAimer {
 public:
  RoleAimer(Swarm& swarm, TimeUs at_us) : swarm_(swarm), at_us_(at_us) {}

  std::optional<FaultAim> aim(Rng& rng) override {
    UNWEDGE_ASSERT(&rng == &swarm_.rng_);
    return swarm_.aim(at_us_);
  }
  const std::vector<std::string>& monitors() const override { return swarm_.monitors_; }
  std::vector<std::string> every_monitor() const override { return {"monitors"}; }
  std::uint32_t store_members() const override { return swarm_.store_members_; }
  const std::vector<std::string>& places() const override { return swarm_.places_; }

 private:
  Swarm& swarm_;
  TimeUs at_us_;
};

// As the fault kind's entry describes it, in whole seconds.
FaultSpec Swarm::draw_fault(FaultKind kind, TimeUs at_us) {
  RoleAimer aimer(*this, at_us);
  std::optional<FaultSpec> spec = sim::draw_fault(kind, aimer, rng_);
  UNWEDGE_ASSERT(spec.has_value());
  spec->duration_us = seconds(spec->duration_us);
  return std::move(*spec);
}

// Times by exponential gaps from the start; a moment when three faults are
// already active passes without one, as inside a run.
void Swarm::draw_faults() {
  std::vector<TimeUs> ends_us;
  TimeUs at_us = 0;
  for (std::size_t n = 0; n < kSwarmFaultsMax; ++n) {
    at_us += seconds(rng_.exponential(fault_gap_us_));
    if (at_us >= scenario_.duration_us) break;
    std::erase_if(ends_us, [&](TimeUs end_us) { return end_us <= at_us; });
    if (ends_us.size() >= kActiveFaultsMax) continue;
    const FaultKind kind = pick(kinds_, rng_);
    FaultSpec spec = draw_fault(kind, at_us);
    if (spec.duration_us > 0) ends_us.push_back(at_us + spec.duration_us);
    scenario_.faults.push_back({.at_us = at_us, .spec = std::move(spec)});
  }
}

// The service a fault's first target belongs to ("leader:db2": db2); none
// for the store, monitors, the control plane or the fleet.
const ServicePlan* service_struck(const std::vector<ServicePlan>& plans, const FaultSpec& spec) {
  if (spec.targets.empty()) return nullptr;
  const std::string& target = spec.targets.front();
  const std::size_t colon = target.find(':');
  if (colon == std::string::npos) return nullptr;
  const std::string_view service = std::string_view(target).substr(colon + 1);
  for (const ServicePlan& plan : plans) {
    if (plan.id == service) return &plan;
  }
  return nullptr;
}

// Failures that matter most come of a request made while a fault lasts: a
// switchover while the standby is cut off, a failover asked of a partitioned
// leader. Random timing makes such pairs rare, so a third of the faults that
// strike a service for long enough get a request on that service inside their
// window. Only requests that change nothing the timeline plans around
// (neither followers nor deprovisioning): a failover and the plane's own.
// Drawn after everything else, so the rest of a seed's story is unchanged.
void Swarm::draw_requests_during_faults() {
  const std::size_t faults = scenario_.faults.size();
  for (std::size_t f = 0; f < faults; ++f) {
    if (scenario_.operators.size() >= kSwarmOperatorsMax) break;
    const ScheduledFault fault = scenario_.faults[f];
    if (!rng_.chance(333'333)) continue;
    const ServicePlan* plan = service_struck(plans_, fault.spec);
    if (plan == nullptr || fault.spec.duration_us < kMinute) continue;
    const TimeUs at_us =
        seconds(fault.at_us + fault.spec.duration_us / 10 +
                rng_.below(static_cast<std::uint64_t>(fault.spec.duration_us) * 8 / 10));
    if (at_us < kOperatorsFrom || at_us >= scenario_.duration_us || !plan->live_at(at_us)) {
      continue;
    }
    if (std::optional<ScheduledOperator> op = draw_request_on(at_us, *plan)) {
      scenario_.operators.push_back(std::move(*op));
    }
  }
  std::stable_sort(
      scenario_.operators.begin(), scenario_.operators.end(),
      [](const ScheduledOperator& a, const ScheduledOperator& b) { return a.at_us < b.at_us; });
}

std::optional<ScheduledOperator> Swarm::draw_request_on(TimeUs at_us, const ServicePlan& plan) {
  const bool failover = takes_request(*plane_info_, OperatorKind::kRequestFailover);
  const std::size_t own = plane_info_->own_requests.size();
  const std::size_t choices = own + (failover ? 1 : 0);
  if (choices == 0) return std::nullopt;
  const std::size_t drawn = rng_.below(choices);
  if (drawn < own) return draw_own_request(at_us, plan, drawn);
  return ScheduledOperator{.at_us = at_us,
                           .request = {.kind = OperatorKind::kRequestFailover, .target = plan.id}};
}

std::string Swarm::describe_draws() const {
  std::vector<std::string> services;
  for (const ServiceSpec& s : scenario_.config.services) {
    std::string shape = s.standbys == 0
                            ? "single server"
                            : fmt::format("{} {} standby{}", s.standbys,
                                          s.synchronous ? "synchronous" : "asynchronous",
                                          s.standbys > 1 ? "s" : "");
    if (s.followers > 0) shape += fmt::format(", {} follower", s.followers);
    services.push_back(fmt::format("{} ({})", s.id, shape));
  }
  std::vector<std::string_view> kinds;
  for (FaultKind k : kinds_)
    kinds.push_back(info(k).name);
  const ZoneShape& zones = scenario_.config.zones;
  const std::string zoned = zones.names.empty()
                                ? ""
                                : fmt::format(" in {} zones of {} racks ({})", zones.names.size(),
                                              zones.racks, fmt::join(zones.names, ", "));
  return fmt::format(
      "{}{}, {} client{} each; {} of {} fault kinds ({}), one every {} min on average; an "
      "operator request every {} min on average; {} min of faults, {} min of recovery",
      fmt::join(services, ", "), zoned, scenario_.config.clients_per_service,
      scenario_.config.clients_per_service > 1 ? "s" : "", kinds_.size(), kinds_available_,
      fmt::join(kinds, ", "), fault_gap_us_ / kMinute, operator_gap_us_ / kMinute,
      scenario_.duration_us / kMinute, scenario_.recovery_us / kMinute);
}

}  // namespace

Scenario swarm_scenario(std::uint64_t seed, const SwarmOptions& options) {
  return Swarm(seed, options).draw();
}

}  // namespace unwedge::sim
