// Simulation, the faults: each kind's effect on the world (started and
// healed as the fault table, sim/faults.hpp, describes the kind), the
// targets a fault resolves to, and the random nemesis of the safety phase.
#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <functional>

#include "core/assert.hpp"
#include "sim/simulation.hpp"

namespace unwedge::sim {

std::vector<EndpointId> Simulation::endpoints(const std::vector<std::string>& names) const {
  std::vector<EndpointId> out;
  for (const std::string& name : names) {
    if (std::optional<EndpointId> id = world_.network.find(name)) out.push_back(*id);
  }
  return out;
}

std::vector<SimClock*> Simulation::clocks(const std::vector<std::string>& names) {
  std::vector<SimClock*> out;
  for (const std::string& name : names) {
    if (name == "control-plane") {
      out.push_back(&control_plane_clock_);
    } else if (std::optional<std::uint32_t> v = world_.find_vantage(name)) {
      out.push_back(&world_.vantages[*v].clock);
    } else if (std::optional<HostIndex> h = world_.find_host(name)) {
      out.push_back(&world_.hosts[*h].clock);
    } else if (coordination_ != nullptr) {
      if (std::optional<std::uint32_t> m = coordination_->find(name)) {
        out.push_back(&coordination_->clock(*m));
      }
    }
  }
  return out;
}

std::vector<std::uint32_t> Simulation::store_members_named(
    const std::vector<std::string>& names) const {
  std::vector<std::uint32_t> out;
  if (coordination_ == nullptr) return out;
  for (const std::string& name : names) {
    if (std::optional<std::uint32_t> m = coordination_->find(name)) out.push_back(*m);
  }
  return out;
}

namespace {

// What a fault's start and heal touch, lent by the simulator for the call.
struct FaultScene {
  const FaultSpec& spec;  // its targets resolved
  World& world;
  SimInfra& infra;
  SimStore& store;
  std::optional<CutId>& cut;
  std::vector<HostIndex> hosts;                     // the targets that are database hosts
  StoreCluster* coordination = nullptr;             // the consensus store, if the run has one
  std::vector<std::uint32_t> members;               // the targets that are store members
  std::vector<std::uint32_t>& store_down;           // members the fault took down itself
  std::vector<SimClock*> clocks;                    // the targets' clocks
  std::vector<EndpointId> target_endpoints;         // the targets' network endpoints
  std::vector<EndpointId> other_endpoints;          // the others'
  std::function<void(HostIndex)> boot;              // a host that is down boots again
  std::function<void(HostIndex)> restart_database;  // the host's database restarts, in due time
};

// A kind's effect on the world. start returns false when the fault found
// nothing to act on and did not start.
struct FaultEffect {
  FaultKind kind;
  bool (*start)(FaultScene&);
  void (*heal)(FaultScene&);
};

bool start_cut(FaultScene& s) {
  Network& network = s.world.network;
  const std::vector<EndpointId>& a = s.target_endpoints;
  const std::vector<EndpointId>& b = s.other_endpoints;
  if (a.empty()) return false;
  switch (info(s.spec.kind).others) {
    case FaultOthers::kNone:
      s.cut = network.cut_complete(a);
      return true;
    case FaultOthers::kBothWays:
      if (b.empty()) return false;
      s.cut = network.cut_partial(a, b);
      return true;
    case FaultOthers::kOneWay:
      if (b.empty()) return false;
      s.cut = network.cut_one_way(a, b);
      return true;
  }
  return false;
}

void heal_cut(FaultScene& s) {
  UNWEDGE_ASSERT(s.cut.has_value());
  s.world.network.heal(*s.cut);
}

bool start_host_crash(FaultScene& s) {
  for (HostIndex h : s.hosts) {
    const HostState state = s.world.hosts[h].state;
    if (state == HostState::kUp || state == HostState::kBooting) {
      s.world.take_down(h, HostState::kDown);
    }
  }
  for (std::uint32_t m : s.members)
    s.coordination->crash(m);
  return true;
}

void heal_host_crash(FaultScene& s) {
  for (HostIndex h : s.hosts) {
    if (s.world.hosts[h].state == HostState::kDown) s.boot(h);
  }
  for (std::uint32_t m : s.members)
    s.coordination->heal_crash(m);
}

bool start_database_crash(FaultScene& s) {
  for (HostIndex h : s.hosts)
    s.world.hosts[h].db.running = false;
  return true;
}

void heal_database_crash(FaultScene& s) {
  for (HostIndex h : s.hosts)
    s.restart_database(h);
}

bool start_agent_pause(FaultScene& s) {
  for (HostIndex h : s.hosts)
    s.world.hosts[h].agent_pauses++;
  return true;
}

void heal_agent_pause(FaultScene& s) {
  for (HostIndex h : s.hosts) {
    if (s.world.hosts[h].agent_pauses > 0) s.world.hosts[h].agent_pauses--;
  }
}

// Check-ins delayed or repeated by the amount; healed, back to 0.
template <core::TimeUs Host::*kDelay>
bool start_checkin_delay(FaultScene& s) {
  for (HostIndex h : s.hosts)
    s.world.hosts[h].*kDelay = s.spec.amount;
  return true;
}

template <core::TimeUs Host::*kDelay>
void heal_checkin_delay(FaultScene& s) {
  for (HostIndex h : s.hosts)
    s.world.hosts[h].*kDelay = 0;
}

bool start_stale_checkins(FaultScene& s) {
  for (HostIndex h : s.hosts) {
    Host& host = s.world.hosts[h];
    // The relay repeats what it last passed on.
    for (const HeardCheckin& heard : host.received) {
      if (heard.heard() && (!host.stale || heard.sequence > host.stale->sequence))
        host.stale = heard;
    }
  }
  return true;
}

void heal_stale_checkins(FaultScene& s) {
  for (HostIndex h : s.hosts)
    s.world.hosts[h].stale.reset();
}

bool start_clock_drift(FaultScene& s) {
  for (SimClock* clock : s.clocks)
    clock->set_drift_ppm(static_cast<std::int32_t>(s.spec.amount));
  return true;
}

bool start_clock_jump(FaultScene& s) {
  for (SimClock* clock : s.clocks)
    clock->jump(s.spec.amount);
  return true;
}

void heal_clock(FaultScene& s) {
  for (SimClock* clock : s.clocks)
    clock->reset();
}

bool start_infra_slow(FaultScene& s) {
  s.infra.conditions.latency_factor =
      static_cast<std::uint32_t>(std::max<std::int64_t>(s.spec.amount, 1));
  return true;
}

void heal_infra_slow(FaultScene& s) {
  s.infra.conditions.latency_factor = 1;
  s.infra.recover();
}

// A chance in ppm of something going wrong with a fleet API call.
template <std::uint32_t InfraConditions::*kPpm>
bool start_infra_chance(FaultScene& s) {
  s.infra.conditions.*kPpm = static_cast<std::uint32_t>(s.spec.amount);
  return true;
}

template <std::uint32_t InfraConditions::*kPpm>
void heal_infra_chance(FaultScene& s) {
  s.infra.conditions.*kPpm = 0;
}

bool start_control_plane_crash(FaultScene& s) {
  CrashPoint point = CrashPoint::kMidTransaction;
  for (std::size_t p = 0; p < std::size(kCrashPointNames); ++p) {
    if (!s.spec.targets.empty() && s.spec.targets[0] == kCrashPointNames[p]) {
      point = static_cast<CrashPoint>(p);
    }
  }
  s.store.crash_at(s.store.transactions_begun() + static_cast<std::uint64_t>(s.spec.amount), point,
                   /*or_later=*/true);
  return true;
}

void heal_nothing(FaultScene&) {}  // the process restarts on its own

// Acts once: a leader among the targets hands its leadership on. Nothing
// started when none of them leads.
bool start_store_leader_change(FaultScene& s) {
  bool stepped_down = false;
  for (std::uint32_t m : s.members)
    stepped_down = s.coordination->step_down(m) || stepped_down;
  return stepped_down;
}

bool start_store_slow_commit(FaultScene& s) {
  for (std::uint32_t m : s.members)
    s.coordination->set_slow(m, s.spec.amount);
  return !s.members.empty();
}

void heal_store_slow_commit(FaultScene& s) {
  for (std::uint32_t m : s.members)
    s.coordination->set_slow(m, 0);
}

bool start_store_quorum_loss(FaultScene& s) {
  if (s.coordination == nullptr) return false;
  s.store_down = s.coordination->majority();
  for (std::uint32_t m : s.store_down)
    s.coordination->crash(m);
  return true;
}

void heal_store_quorum_loss(FaultScene& s) {
  for (std::uint32_t m : s.store_down)
    s.coordination->heal_crash(m);
}

constexpr std::array<FaultEffect, kFaultKindCount> kEffects = {{
    {FaultKind::kPartitionComplete, start_cut, heal_cut},
    {FaultKind::kPartitionPartial, start_cut, heal_cut},
    {FaultKind::kPartitionOneWay, start_cut, heal_cut},
    {FaultKind::kHostCrash, start_host_crash, heal_host_crash},
    {FaultKind::kDatabaseCrash, start_database_crash, heal_database_crash},
    {FaultKind::kAgentPause, start_agent_pause, heal_agent_pause},
    {FaultKind::kLateCheckins, start_checkin_delay<&Host::checkins_late_us>,
     heal_checkin_delay<&Host::checkins_late_us>},
    {FaultKind::kDuplicateCheckins, start_checkin_delay<&Host::checkins_repeat_after_us>,
     heal_checkin_delay<&Host::checkins_repeat_after_us>},
    {FaultKind::kStaleCheckins, start_stale_checkins, heal_stale_checkins},
    {FaultKind::kClockDrift, start_clock_drift, heal_clock},
    {FaultKind::kClockJump, start_clock_jump, heal_clock},
    {FaultKind::kInfraSlow, start_infra_slow, heal_infra_slow},
    {FaultKind::kInfraFailing, start_infra_chance<&InfraConditions::fail_ppm>,
     heal_infra_chance<&InfraConditions::fail_ppm>},
    {FaultKind::kInfraTimeouts, start_infra_chance<&InfraConditions::timeout_ppm>,
     heal_infra_chance<&InfraConditions::timeout_ppm>},
    {FaultKind::kInfraDuplicates, start_infra_chance<&InfraConditions::duplicate_ppm>,
     heal_infra_chance<&InfraConditions::duplicate_ppm>},
    {FaultKind::kControlPlaneCrash, start_control_plane_crash, heal_nothing},
    {FaultKind::kStoreLeaderChange, start_store_leader_change, heal_nothing},
    {FaultKind::kStoreSlowCommit, start_store_slow_commit, heal_store_slow_commit},
    {FaultKind::kStoreQuorumLoss, start_store_quorum_loss, heal_store_quorum_loss},
}};

constexpr bool every_kind_has_an_effect() {
  for (std::size_t i = 0; i < kEffects.size(); ++i) {
    if (static_cast<std::size_t>(kEffects[i].kind) != i) return false;
    if (kEffects[i].start == nullptr || kEffects[i].heal == nullptr) return false;
  }
  return true;
}
static_assert(every_kind_has_an_effect(), "a fault kind's effect is missing or out of order");

const FaultEffect& effect(FaultKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kEffects.size());
  UNWEDGE_ASSERT(kEffects[index].kind == kind);
  return kEffects[index];
}

std::vector<HostIndex> hosts_named(const World& world, const std::vector<std::string>& names) {
  std::vector<HostIndex> hosts;
  for (const std::string& name : names) {
    if (std::optional<HostIndex> h = world.find_host(name)) hosts.push_back(*h);
  }
  return hosts;
}

}  // namespace

std::uint64_t Simulation::start_fault(const FaultSpec& requested) {
  const FaultKindInfo& about = info(requested.kind);
  FaultSpec spec = requested;
  spec.targets = resolve(requested.targets);
  spec.others = resolve(requested.others);
  if (aims_at_endpoints(about) && spec.targets.empty()) {
    trace_.record(now_us_, TraceKind::kNote, "", "{} not started: its targets name nobody now",
                  describe(requested));
    return 0;
  }
  ActiveFault fault{.spec = spec};
  FaultScene scene{
      .spec = spec,
      .world = world_,
      .infra = infra_,
      .store = store_,
      .cut = fault.cut,
      .hosts = hosts_named(world_, spec.targets),
      .coordination = coordination_.get(),
      .members = store_members_named(spec.targets),
      .store_down = fault.store_down,
      .clocks = clocks(spec.targets),
      .target_endpoints = endpoints(spec.targets),
      .other_endpoints = endpoints(spec.others),
  };
  if (!effect(spec.kind).start(scene)) return 0;
  clocks_changed(spec);
  refresh_health();
  note_monitoring_view();
  const std::uint64_t id = next_fault_id_++;
  faults_started_++;
  if (config_.observer != nullptr) config_.observer->fault_started(id, spec, now_us_);
  if (!about.lasts) {
    // Acts once, on the control plane's process: nothing to heal (it restarts).
    trace_.record(now_us_, TraceKind::kFault, "control-plane", "#{} {}", id, describe(spec));
    return id;
  }
  trace_.record(now_us_, TraceKind::kFault, fault.cut ? world_.network.describe(*fault.cut) : "",
                fmt::format("#{} {}", id, describe(spec)));
  if (spec.duration_us > 0)
    push(now_us_ + spec.duration_us, {.kind = EventKind::kFaultHeal, .id = id});
  if (on_control_plane_clock(spec)) {
    control_plane_clock_faults_++;
    checker_.set_control_plane_clock_faulty(true);
  }
  active_.emplace(id, std::move(fault));
  checker_.set_faults_active(true, now_us_);
  return id;
}

bool Simulation::heal_fault(std::uint64_t id) {
  auto it = active_.find(id);
  if (it == active_.end()) return false;
  const FaultSpec& spec = it->second.spec;
  // What the heal does to the control plane's clock, measured rather than
  // inferred from this fault's amount: overlapping jumps add up and one heal
  // resets them all, and drift gains time that the reset takes back too.
  const core::TimeUs control_plane_clock_before_us = control_plane_clock_.now_us();
  FaultScene scene{
      .spec = spec,
      .world = world_,
      .infra = infra_,
      .store = store_,
      .cut = it->second.cut,
      .hosts = hosts_named(world_, spec.targets),
      .coordination = coordination_.get(),
      .members = store_members_named(spec.targets),
      .store_down = it->second.store_down,
      .clocks = clocks(spec.targets),
      .boot = [this](HostIndex h) { boot(h); },
      .restart_database =
          [this](HostIndex h) {
            push(now_us_ + config_.database_restart_us,
                 {.kind = EventKind::kDatabaseRestart, .a = h, .b = world_.hosts[h].incarnation});
          },
  };
  effect(spec.kind).heal(scene);
  clocks_changed(spec);
  trace_.record(now_us_, TraceKind::kHeal, "", "#{} {}", id, describe(spec));
  if (config_.observer != nullptr) config_.observer->fault_healed(id, now_us_);
  if (on_control_plane_clock(spec)) {
    UNWEDGE_ASSERT_LT(0u, control_plane_clock_faults_);
    checker_.set_control_plane_clock_faulty(--control_plane_clock_faults_ > 0);
    // A clock stepped back by a minute delays every timer by a minute.
    const core::TimeUs stepped_back_us =
        std::max<core::TimeUs>(0, control_plane_clock_before_us - control_plane_clock_.now_us());
    checker_.control_plane_timers_trusted_from(now_us_ + stepped_back_us);
  }
  active_.erase(it);
  checker_.set_faults_active(!active_.empty(), now_us_);
  refresh_health();
  note_monitoring_view();
  return true;
}

void Simulation::work_out_reach(std::uint64_t id, ActiveFault& fault) {
  if (fault.reach_hosts == world_.hosts.size() && !fault.described.empty()) return;
  fault.reach_hosts = world_.hosts.size();
  fault.described = fmt::format("#{} {}", id, describe(fault.spec));
  // Whose an endpoint is: a service's (a host or client of it), or shared
  // by all (the control plane, monitors, store members): nullopt.
  auto owner = [&](const std::string& endpoint) -> std::optional<std::uint32_t> {
    if (std::optional<HostIndex> h = world_.find_host(endpoint)) {
      return world_.find_service(world_.hosts[*h].service);
    }
    if (std::optional<std::uint32_t> c = world_.find_client(endpoint)) {
      return world_.clients[*c].service;
    }
    return std::nullopt;
  };
  const FaultSpec& spec = fault.spec;
  // One on the fleet API, the control plane's process or the store touches
  // every service; one on endpoints, the services it names, or every one
  // if it aims at shared endpoints only (a cut between another service and
  // the monitors does not touch this one).
  fault.touches_all = !aims_at_endpoints(info(spec.kind));
  bool shared_only = true;
  fault.touches.clear();
  for (const std::vector<std::string>* names : {&spec.targets, &spec.others}) {
    for (const std::string& endpoint : *names) {
      const bool is_owned = world_.find_host(endpoint) || world_.find_client(endpoint);
      if (names == &spec.targets && is_owned) shared_only = false;
      if (std::optional<std::uint32_t> service = owner(endpoint)) fault.touches.push_back(*service);
    }
  }
  fault.touches_all = fault.touches_all || shared_only;
  std::sort(fault.touches.begin(), fault.touches.end());
  fault.touches.erase(std::unique(fault.touches.begin(), fault.touches.end()), fault.touches.end());
}

std::vector<std::string> Simulation::faults_touching(std::uint32_t service) {
  std::vector<std::string> out;
  for (auto& [id, fault] : active_) {
    work_out_reach(id, fault);
    if (fault.touches_all ||
        std::binary_search(fault.touches.begin(), fault.touches.end(), service)) {
      out.push_back(fault.described);
    }
  }
  return out;
}

void Simulation::clocks_changed(const FaultSpec& spec) {
  if (info(spec.kind).targets != FaultTargetClass::kClocks) return;
  for (std::uint32_t m : store_members_named(spec.targets))
    coordination_->clock_changed(m);
}

bool Simulation::on_control_plane_clock(const FaultSpec& spec) {
  if (info(spec.kind).targets != FaultTargetClass::kClocks) return false;
  return std::find(spec.targets.begin(), spec.targets.end(), "control-plane") != spec.targets.end();
}

void Simulation::heal_all() {
  healed_ = true;
  healed_at_us_ = now_us_;
  while (!active_.empty())
    heal_fault(active_.begin()->first);
  world_.network.heal_all();
  refresh_health();
  note_monitoring_view();
  store_.disarm();
  trace_.record(now_us_, TraceKind::kHeal, "", "everything healed: the liveness phase begins");
}

void Simulation::on_random_fault() {
  if (healed_) return;
  push(now_us_ + rng_faults_.exponential(config_.faults.mean_gap_us),
       {.kind = EventKind::kRandomFault});
  if (active_.size() >= config_.faults.active_max) return;
  std::vector<FaultKind> kinds = config_.faults.kinds;
  // Every kind that means something here: a run without a store draws none of its kinds.
  if (kinds.empty()) kinds = fault_kinds_for(coordination_ != nullptr);
  const FaultKind kind = kinds[rng_faults_.below(kinds.size())];
  const std::uint32_t members = coordination_ == nullptr ? 0 : coordination_->size();
  if (std::optional<FaultSpec> spec =
          draw_fault(kind, world_, rng_faults_, members, config_.zones)) {
    if (start_fault(*spec) != 0) drawn_faults_.push_back({.at_us = now_us_, .spec = *spec});
  }
}

}  // namespace unwedge::sim
