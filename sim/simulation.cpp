#include "sim/simulation.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <functional>

#include "core/assert.hpp"
#include "sim/plane.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::sim {
namespace {

using core::kSecond;

using core::ThrowingAssertions;

const char* to_string(CrashPoint point) {
  return kCrashPointNames[static_cast<std::size_t>(point)].data();
}

}  // namespace

Simulation::Simulation(SimConfig config)
    : config_(std::move(config)),
      trace_(config_.trace_recent, config_.trace_sink),
      rng_world_(Rng::stream(config_.seed, "world")),
      rng_network_(Rng::stream(config_.seed, "network")),
      rng_faults_(Rng::stream(config_.seed, "faults")),
      rng_operator_(Rng::stream(config_.seed, "operator")),
      world_(now_us_),
      store_(durable_),
      infra_(*this, trace_, Rng::stream(config_.seed, "infra")),
      telemetry_(world_),
      placement_(config_.zones),
      control_plane_clock_(now_us_),
      journal_(trace_, now_us_, config_.observer),
      write_checks_(world_),
      availability_(config_.serving_when_healthy_max_us),
      env_{.store = store_,
           .infra = infra_,
           .clock = control_plane_clock_,
           .telemetry = telemetry_,
           .journal = &journal_} {
  core::Result<const seam::PlaneInfo*> info = find_plane_or_error(config_.control_plane);
  UNWEDGE_ASSERT_MSG(info.ok(), "{}", info ? "" : info.error().message);
  plane_info_ = *info;
  core::Result<std::unique_ptr<seam::ControlPlane>> plane =
      plane_info_->create(config_.plane_settings);
  UNWEDGE_ASSERT_MSG(plane.ok(), "{}", plane ? "" : plane.error().message);
  plane_ = std::move(*plane);
  fleet_ = plane_->fleet();
  world_.network.set_quality(config_.network);
  infra_.rate_limit = config_.api_rate;
  if (config_.events_max > 0) events_max_ = config_.events_max;
  for (const auto& [state, bound_us] : config_.dwell_overrides) {
    checker_.override_dwell(state, bound_us);
  }
  disruptions_ = std::make_unique<DisruptionLog>(plane_->model());
  wire_journal();
  for (std::uint32_t v = 0; v < fleet_.vantage_points; ++v) {
    world_.add_vantage(fmt::format("monitor-{}", static_cast<char>('a' + v)));
  }
  if (fleet_.coordination_members > 0) {
    coordination_ =
        std::make_unique<StoreCluster>(fleet_.coordination_members, config_.store, config_.seed,
                                       world_.network, now_us_, trace_, store_schedule());
    coordination_->start();
  }
  // The customers' requests: every service starts in provisioning, with its
  // plan, and the control plane takes it from there.
  auto txn = durable_.begin();
  for (const ServiceSpec& spec : config_.services) {
    const std::uint32_t service = world_.add_service(spec.id, spec.synchronous);
    availability_.add_service(spec.id);
    for (std::uint32_t c = 0; c < config_.clients_per_service; ++c) {
      world_.add_client(service);
      availability_.add_client(world_.clients.back().name, service);
    }
    plane_->order_service(
        *txn, {.id = spec.id, .standbys = spec.standbys, .synchronous = spec.synchronous}, 0);
  }
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());

  monitoring_view_ = monitoring_view();
  push(0, {.kind = EventKind::kControllerTick});
  push(core::kMinute, {.kind = EventKind::kDwellCheck});
  for (std::uint32_t c = 0; c < world_.clients.size(); ++c) {
    push(jitter(config_.write_interval_us, rng_world_), {.kind = EventKind::kWrite, .a = c});
  }
  if (config_.faults.mean_gap_us > 0) {
    push(rng_faults_.exponential(config_.faults.mean_gap_us), {.kind = EventKind::kRandomFault});
  }
  if (config_.operator_mean_gap_us > 0) {
    push(rng_operator_.exponential(config_.operator_mean_gap_us),
         {.kind = EventKind::kRandomOperator});
  }
  // Customer followers arrive once their services should be up.
  for (const ServiceSpec& spec : config_.services) {
    for (std::uint32_t f = 0; f < spec.followers; ++f) {
      schedule_operator(15 * core::kMinute + f * core::kMinute,
                        {.kind = OperatorKind::kAddFollower, .target = spec.id});
    }
  }
}

Simulation::Simulation(const Simulation& snapshot, TraceSink* sink, RunObserver* observer)
    : config_(snapshot.config_),
      now_us_(snapshot.now_us_),
      queue_(snapshot.queue_),
      trace_(snapshot.trace_, sink),
      rng_world_(snapshot.rng_world_),
      rng_network_(snapshot.rng_network_),
      rng_faults_(snapshot.rng_faults_),
      rng_operator_(snapshot.rng_operator_),
      world_(snapshot.world_, now_us_),
      store_(snapshot.store_, durable_),
      infra_(snapshot.infra_, *this, trace_),
      telemetry_(snapshot.telemetry_, world_),
      placement_(snapshot.placement_),
      spots_(snapshot.spots_),
      live_hosts_(snapshot.live_hosts_),
      hosts_refused_(snapshot.hosts_refused_),
      control_plane_clock_(snapshot.control_plane_clock_, now_us_),
      journal_(snapshot.journal_, trace_, now_us_, observer),
      checker_(snapshot.checker_),
      write_checks_(snapshot.write_checks_, world_),
      health_(snapshot.health_),
      disruptions_(std::make_unique<DisruptionLog>(*snapshot.disruptions_)),
      availability_(snapshot.availability_),
      violations_taken_(snapshot.violations_taken_),
      env_{.store = store_,
           .infra = infra_,
           .clock = control_plane_clock_,
           .telemetry = telemetry_,
           .journal = &journal_},
      plane_info_(snapshot.plane_info_),
      plane_(snapshot.plane_->clone()),
      fleet_(snapshot.fleet_),
      control_plane_up_(snapshot.control_plane_up_),
      local_request_(snapshot.local_request_),
      changed_hosts_(snapshot.changed_hosts_),
      health_touched_(snapshot.health_touched_),
      changed_entities_(snapshot.changed_entities_),
      requested_entities_(snapshot.requested_entities_),
      monitoring_view_(snapshot.monitoring_view_),
      monitoring_moved_(snapshot.monitoring_moved_),
      next_audit_us_(snapshot.next_audit_us_),
      next_tick_us_(snapshot.next_tick_us_),
      due_at_us_(snapshot.due_at_us_),
      healed_(snapshot.healed_),
      healed_at_us_(snapshot.healed_at_us_),
      scheduled_faults_(snapshot.scheduled_faults_),
      drawn_faults_(snapshot.drawn_faults_),
      drawn_operators_(snapshot.drawn_operators_),
      scheduled_operators_(snapshot.scheduled_operators_),
      active_(snapshot.active_),
      next_fault_id_(snapshot.next_fault_id_),
      next_write_id_(snapshot.next_write_id_),
      events_(snapshot.events_),
      events_max_(snapshot.events_max_),
      events_max_reached_(snapshot.events_max_reached_),
      faults_started_(snapshot.faults_started_),
      control_plane_clock_faults_(snapshot.control_plane_clock_faults_),
      control_plane_crashes_(snapshot.control_plane_crashes_),
      store_checked_(snapshot.store_checked_),
      store_keys_unchecked_(snapshot.store_keys_unchecked_),
      finding_(snapshot.finding_) {
  UNWEDGE_ASSERT_MSG(snapshot.restorable(), "{} cannot be copied: see Simulation::restorable",
                     plane_info_->name);
  config_.trace_sink = sink;
  config_.observer = observer;
  durable_.copy_from(snapshot.durable_);
  wire_journal();
  if (snapshot.coordination_ != nullptr) {
    coordination_ = std::make_unique<StoreCluster>(*snapshot.coordination_, world_.network, now_us_,
                                                   trace_, store_schedule());
  }
  for (const auto& [host, store] : snapshot.agent_stores_) {
    auto& copy = agent_stores_[host];
    copy = std::make_unique<core::InMemoryStore>();
    copy->copy_from(*store);
  }
  for (const auto& [host, running] : snapshot.agents_)
    agents_[host].incarnation = running.incarnation;
}

bool Simulation::restorable() const {
  if (process_ != nullptr) return false;
  for (const auto& [host, running] : agents_) {
    if (running.agent != nullptr) return false;
  }
  const std::unique_ptr<seam::ControlPlane> copy = plane_->clone();
  return copy != nullptr && &copy->model() == &plane_->model();
}

Simulation::~Simulation() {
  process_.reset();  // before the store client it was handed
  process_coordination_.reset();
}

// The process reaches the consensus store from the control plane's host
// over the network, as an agent does from its node, through a client that
// serves only this process: one that crashed loses its answers with it.
void Simulation::start_process() {
  process_coordination_.reset();
  ++process_starts_;
  if (coordination_ != nullptr) {
    const std::uint32_t started = process_starts_;
    process_coordination_ = std::make_unique<DeferredCoordination>([this, started] {
      return std::make_unique<CoordinationClient>(
          *coordination_, "control-plane", world_.control_plane, control_plane_clock_, now_us_,
          trace_, [this, started] { return control_plane_up_ && process_starts_ == started; });
    });
  }
  process_ =
      plane_->start(seam::ProcessContext{.env = env_, .coordination = process_coordination_.get()});
}

void Simulation::wire_journal() {
  journal_.on_transition = [this](const core::TransitionEvent& e) { on_transition(e); };
  journal_.on_action = [this](const core::DecisionEvent& e) { return on_action(e); };
  journal_.on_state_seen = [this](const core::MachineDef& machine, std::string_view entity,
                                  core::StateId state) {
    checker_.on_state_seen(machine, entity, state, now_us_);
    if (config_.observer != nullptr) config_.observer->state_seen(machine, entity, state, now_us_);
  };
}

StoreCluster::Schedule Simulation::store_schedule() {
  return [this](core::TimeUs at_us, StoreEvent event) {
    push(at_us, {.kind = EventKind::kStore,
                 .a = event.index,
                 .b = static_cast<std::uint32_t>(event.kind),
                 .id = event.id});
  };
}

void Simulation::restart_processes() {
  process_.reset();
  process_coordination_.reset();  // after the process it served
  due_at_us_ = -1;                // what the old process asked for dies with it
  for (auto& [host, running] : agents_) {
    running.agent.reset();  // before what it was handed
    running.coordination.reset();
    running.env.reset();
    running.telemetry.reset();
    running.local.reset();
  }
  trace_.record(now_us_, TraceKind::kNote, "control-plane",
                "process and agents restarted; they start again with nothing in memory");
}

core::TimeUs Simulation::jitter(core::TimeUs interval_us, Rng& rng) {
  // Within +-10% of the interval, so periodic events of many hosts spread out.
  const core::TimeUs spread = std::max<core::TimeUs>(interval_us / 5, 1);
  return interval_us - spread / 2 + static_cast<core::TimeUs>(rng.below(spread));
}

void Simulation::schedule_fault(core::TimeUs at_us, FaultSpec spec) {
  scheduled_faults_.push_back(std::move(spec));
  push(std::max(at_us, now_us_), {.kind = EventKind::kScheduledFault,
                                  .a = static_cast<std::uint32_t>(scheduled_faults_.size() - 1)});
}

void Simulation::schedule_operator(core::TimeUs at_us, OperatorRequest request) {
  scheduled_operators_.push_back(std::move(request));
  push(std::max(at_us, now_us_),
       {.kind = EventKind::kScheduledOperator,
        .a = static_cast<std::uint32_t>(scheduled_operators_.size() - 1)});
}

void Simulation::schedule_operation(core::TimeUs at_us, std::uint32_t op, bool replay) {
  push(at_us, {.kind = EventKind::kInfraComplete, .flag = replay, .a = op});
}

bool Simulation::run_until(core::TimeUs until_us) {
  // A run stopped at its event limit stays stopped: provisioning may have
  // reached it, and run() asks again.
  if (finding_ || events_max_reached_) return false;
  ThrowingAssertions throwing;
  try {
    while (!queue_.empty() && queue_.top().at_us < until_us) {
      EventQueue<Event>::Entry entry = queue_.pop();
      now_us_ = entry.at_us;
      ++events_;
      dispatch(entry.payload);
      settle_health();
      if (take_violation()) return false;
      if ((events_ & (kProgressEvents - 1)) == 0 && config_.observer != nullptr)
        config_.observer->progress(now_us_, events_);
      // After the event's own violation: a finding outranks the limit.
      if (events_ >= events_max_) {
        events_max_reached_ = true;
        return false;
      }
    }
    now_us_ = std::max(now_us_, until_us);
  } catch (const core::AssertionFailure& failure) {
    // A refused transition is journaled (and judged) before the step that
    // asked for it fails its assertion: report the invariant, not the symptom.
    if (take_violation()) return false;
    trace_.record(now_us_, TraceKind::kViolation, "assertion", failure.what());
    finding_ = Finding{.invariant = Invariant::kAssertion,
                       .at_us = now_us_,
                       .what = failure.what(),
                       .excerpt = trace_.recent()};
    return false;
  }
  return true;
}

bool Simulation::take_violation() {
  if (checker_.violations().size() <= violations_taken_) return false;
  const Violation& v = checker_.violations()[violations_taken_];
  violations_taken_ = checker_.violations().size();
  trace_.record(now_us_, TraceKind::kViolation, v.entity, "{}: {}", to_string(v.invariant),
                v.message);
  finding_ = Finding{.invariant = v.invariant,
                     .entity = v.entity,
                     .at_us = v.at_us,
                     .what = v.message,
                     .excerpt = trace_.recent()};
  return true;
}

RunSummary Simulation::run(core::TimeUs duration_us, core::TimeUs recovery_us) {
  return run(duration_us, recovery_us, 0);
}

RunSummary Simulation::run(core::TimeUs duration_us, core::TimeUs recovery_us,
                           core::TimeUs settle_check_us) {
  if (run_until(duration_us)) {
    heal_all();
    const core::TimeUs end_us = duration_us + recovery_us;
    bool running = true;
    bool settled_early = false;
    // Stops early only on a pass: a run that has not settled goes on to the
    // end, so what fails here fails the full recovery too.
    while (settle_check_us > 0 && running && !settled_early && now_us_ + settle_check_us < end_us) {
      running = run_until(now_us_ + settle_check_us);
      settled_early = running && settled();
    }
    if (running && (settled_early || run_until(end_us))) check_end_state();
  }
  if (config_.observer != nullptr) config_.observer->run_ended(checker_, now_us_);
  return summary();
}

RunSummary Simulation::summary() const {
  RunSummary s{.digest = trace_.digest(),
               .events = events_,
               .events_max_reached = events_max_reached_,
               .trace_records = trace_.records(),
               .simulated_us = now_us_,
               .finding = finding_,
               .faults_started = faults_started_,
               .control_plane_crashes = control_plane_crashes_};
  for (const ServiceEndpoint& service : world_.services) {
    s.writes_acked += service.writes_acked;
    s.writes_failed += service.writes_failed;
  }
  if (coordination_ != nullptr) s.store_operations = coordination_->history().operations.size();
  s.store_keys_unchecked = store_keys_unchecked_;
  s.infra_throttled = infra_.throttled();
  s.hosts_refused = hosts_refused_;
  s.disruptions = disruptions_->tallies();
  s.availability = availability_.figures(now_us_);
  s.worst_windows = availability_.worst_windows(now_us_, kWorstWindowsKept);
  return s;
}

void Simulation::dispatch(const Event& e) {
  switch (e.kind) {
    case EventKind::kControllerTick:
      on_controller_tick();
      return;
    case EventKind::kControlPlaneRestart:
      control_plane_up_ = true;
      trace_.record(now_us_, TraceKind::kHeal, "control-plane", "process restarted");
      push(now_us_, {.kind = EventKind::kControllerTick});
      return;
    case EventKind::kCheckin:
      on_checkin(e.a);
      return;
    case EventKind::kCheckinArrive:
      on_checkin_arrive(e);
      return;
    case EventKind::kWrite:
      on_write(e.a);
      return;
    case EventKind::kInfraComplete:
      infra_.complete(e.a, e.flag);
      return;
    case EventKind::kBootDone: {
      Host& host = world_.hosts[e.a];
      if (host.incarnation != e.b || host.state != HostState::kBooting) return;
      host.state = HostState::kUp;
      host.db.running = true;
      touch_health(e.a);
      trace_.record(now_us_, TraceKind::kNote, host.name, "booted; database running");
      start_agent(e.a);
      return;
    }
    case EventKind::kDatabaseRestart: {
      Host& host = world_.hosts[e.a];
      if (host.incarnation != e.b || !host.up() || host.db.running) return;
      host.db.running = true;
      touch_health(e.a);
      trace_.record(now_us_, TraceKind::kNote, host.name, "database restarted");
      return;
    }
    case EventKind::kScheduledFault:
      // The safety phase is over: heal_all() dropped what was still to come.
      if (!healed_) start_fault(scheduled_faults_[e.a]);
      return;
    case EventKind::kFaultHeal:
      heal_fault(e.id);
      return;
    case EventKind::kRandomFault:
      on_random_fault();
      return;
    case EventKind::kScheduledOperator:
      apply_operator(scheduled_operators_[e.a]);
      return;
    case EventKind::kRandomOperator:
      on_random_operator();
      return;
    case EventKind::kDwellCheck:
      checker_.check_dwell(now_us_);
      push(now_us_ + core::kMinute, {.kind = EventKind::kDwellCheck});
      return;
    case EventKind::kIndependentWrite:
      on_independent_write(e.a);
      return;
    case EventKind::kAgentTick:
      on_agent_tick(e);
      return;
    case EventKind::kStore:
      UNWEDGE_ASSERT(coordination_ != nullptr);
      coordination_->dispatch({.kind = static_cast<StoreEventKind>(e.b), .index = e.a, .id = e.id});
      return;
    case EventKind::kControllerDue:
      // Only the latest request counts, and only while the process that made it lives.
      if (!control_plane_up_ || static_cast<core::TimeUs>(e.id) != due_at_us_) return;
      due_at_us_ = -1;
      if (controller_pass()) schedule_due(next_tick_us_);
      return;
  }
}

void Simulation::on_controller_tick() {
  if (!control_plane_up_) return;
  if (!controller_pass()) return;
  next_tick_us_ = now_us_ + config_.tick_interval_us;
  push(next_tick_us_, {.kind = EventKind::kControllerTick});
  schedule_due(next_tick_us_);
}

namespace {

// What a process is told changed: each name once, in order.
const std::vector<std::string>& each_once_sorted(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace

bool Simulation::controller_pass() {
  try {
    if (!process_) start_process();
    if (process_->wants_changes()) {
      for (HostIndex h : changed_hosts_)
        changed_entities_.push_back(world_.hosts[h].name);
      process_->inputs_changed(each_once_sorted(changed_entities_));
      process_->records_changed(each_once_sorted(requested_entities_));
      if (monitoring_moved_) process_->all_inputs_changed();
    }
    changed_hosts_.clear();
    changed_entities_.clear();
    requested_entities_.clear();
    monitoring_moved_ = false;
    process_->tick();
  } catch (const ProcessCrash& crash) {
    // The process is gone with everything in flight; only the Store remains.
    control_plane_crashes_++;
    process_.reset();
    process_coordination_.reset();  // its answers are lost with it
    control_plane_up_ = false;
    due_at_us_ = -1;
    trace_.record(now_us_, TraceKind::kFault, "control-plane",
                  "process crashed at transaction {} ({})", crash.transaction,
                  to_string(crash.point));
    if (crash.point == CrashPoint::kAfterCommit) see_committed_states();
    push(now_us_ + config_.control_plane_restart_us, {.kind = EventKind::kControlPlaneRestart});
    checker_.control_plane_timers_trusted_from(now_us_ + config_.control_plane_restart_us);
    return false;
  }
  check_plane_invariants();
  audit_process();
  return true;
}

void Simulation::audit_process() {
  if (now_us_ < next_audit_us_ || !process_->wants_changes()) return;
  next_audit_us_ = now_us_ + config_.audit_interval_us;
  std::optional<seam::PlaneViolation> missed;
  {
    const SimStore::LookingOn looking_on(store_);
    missed = process_->audit();
  }
  judge_plane_violation(missed, Invariant::kMissedDecision);
}

// What monitoring's own view of the fleet rests on, which no check-in
// tells of: whether the control plane reaches each monitor, and each
// monitor's and the control plane's clock (offset and rate).
std::vector<std::int64_t> Simulation::monitoring_view() {
  std::vector<std::int64_t> view;
  view.reserve(world_.vantages.size() * 3 + 2);
  for (const Vantage& vantage : world_.vantages) {
    view.push_back(world_.connected(world_.control_plane, vantage.endpoint));
    view.push_back(vantage.clock.now_us() - now_us_);
    view.push_back(vantage.clock.drift_ppm());
  }
  view.push_back(control_plane_clock_.now_us() - now_us_);
  view.push_back(control_plane_clock_.drift_ppm());
  return view;
}

void Simulation::note_monitoring_view() {
  std::vector<std::int64_t> view = monitoring_view();
  if (view == monitoring_view_) return;
  monitoring_view_ = std::move(view);
  monitoring_moved_ = true;
}

void Simulation::schedule_due(core::TimeUs next_tick_us) {
  UNWEDGE_ASSERT(process_ != nullptr);
  std::optional<core::TimeUs> due = process_->next_due_us();
  if (!due) return;
  // Its clock may be off the simulation's (clock faults): the wait is what counts.
  const core::TimeUs at_us =
      std::max(now_us_ + 1, now_us_ + (*due - control_plane_clock_.now_us()));
  if (at_us >= next_tick_us || at_us == due_at_us_) return;
  due_at_us_ = at_us;
  push(at_us, {.kind = EventKind::kControllerDue, .id = static_cast<std::uint64_t>(at_us)});
}

// A process that dies right after a commit never journals the transitions
// the commit made. The checker would go on judging those entities by the
// state they left; an entity is seen again when it is next decided, but one
// whose action slot is busy (the action that committed, resumed by the next
// process) is not decided until the action ends, which may be past the
// state's dwell bound. The store holds the truth: the checker is shown it.
void Simulation::see_committed_states() {
  const auto seen = [this](const core::MachineDef& machine, std::string_view id,
                           core::StateId state) {
    if (checker_.on_state_seen(machine, id, state, now_us_)) {
      trace_.record(now_us_, TraceKind::kNote, id,
                    "{} is {}: committed by the process that crashed, never journaled",
                    machine.name(), machine.state_name(state));
    }
    if (config_.observer != nullptr) config_.observer->state_seen(machine, id, state, now_us_);
  };
  plane_->committed_states(*durable_.begin(), seen);
  // The agents' Stores too, in host order.
  for (const auto& [host, store] : agent_stores_)
    plane_->committed_states(*store->begin(), seen);
}

void Simulation::on_checkin(HostIndex index) {
  Host& host = world_.hosts[index];
  if (host.state == HostState::kDestroyed) return;  // its agent is gone for good
  push(now_us_ + jitter(config_.checkin_interval_us, rng_world_),
       {.kind = EventKind::kCheckin, .a = index});
  Event arrive{.kind = EventKind::kCheckinArrive, .a = index};
  if (host.stale) {
    arrive.flag = host.stale->accepts_writes;
    arrive.sent_us = host.stale->sent_us;
    arrive.lsn = host.stale->log_position;
    arrive.timeline = host.stale->term;
    arrive.id = host.stale->sequence;
  } else {
    if (!host.up() || !host.db.running || host.agent_pauses > 0) return;
    // Replicas stream continuously; catching up when the agent looks is
    // the same as far as anyone can observe.
    world_.catch_up(index);
    arrive.flag = host.db.accepts_writes();
    arrive.sent_us = host.clock.now_us();
    arrive.lsn = host.db.wal.flushed_lsn();
    arrive.timeline = host.db.wal.timeline();
    arrive.id = ++host.checkins_sent;
  }
  for (std::uint32_t v = 0; v < world_.vantages.size(); ++v) {
    arrive.b = v;
    for (core::TimeUs delay_us :
         world_.network.deliveries(host.endpoint, world_.vantages[v].endpoint, rng_network_)) {
      const core::TimeUs at_us = now_us_ + delay_us + host.checkins_late_us;
      push(at_us, arrive);
      if (host.checkins_repeat_after_us > 0) push(at_us + host.checkins_repeat_after_us, arrive);
    }
  }
}

void Simulation::on_checkin_arrive(const Event& e) {
  Host& host = world_.hosts[e.a];
  const Vantage& vantage = world_.vantages[e.b];
  // Kept only for a process that wants it, and at most once per host.
  if (process_ != nullptr && process_->wants_changes() &&
      (changed_hosts_.empty() || changed_hosts_.back() != e.a)) {
    changed_hosts_.push_back(e.a);
  }
  // A monitor keeps the newest check-in by the agent's numbering: a late or
  // repeated copy of an older one is dropped, and a repeat of the one it
  // holds (a stuck relay, a duplicate) only refreshes when it was heard.
  UNWEDGE_ASSERT_LT(0u, e.id);  // numbered from 1: 0 is "none heard"
  HeardCheckin& held = host.received[e.b];
  if (e.id < held.sequence) {
    trace_.record(now_us_, TraceKind::kCheckin, host.name, "{} dropped check-in #{}: #{} is newer",
                  vantage.name, e.id, held.sequence);
    return;
  }
  held = HeardCheckin{.sequence = e.id,
                      .received_us = vantage.clock.now_us(),
                      .sent_us = e.sent_us,
                      .log_position = e.lsn,
                      .term = e.timeline,
                      .accepts_writes = e.flag};
  trace_.record_compiled(now_us_, TraceKind::kCheckin, host.name, FMT_COMPILE("{} lsn {} tl {}{}"),
                         vantage.name, e.lsn, e.timeline, e.flag ? " writable" : "");
}

void Simulation::on_write(std::uint32_t index) {
  push(now_us_ + jitter(config_.write_interval_us, rng_world_),
       {.kind = EventKind::kWrite, .a = index});
  Client& client = world_.clients[index];
  const std::uint64_t write_id = next_write_id_++;
  const bool read = world_.can_read(client);
  WriteOutcome outcome = world_.write(client, write_id);
  measure(index, outcome, read);
  switch (outcome.kind) {
    case WriteOutcome::Kind::kAcked:
      trace_.record_compiled(now_us_, TraceKind::kClientAck, client.name,
                             FMT_COMPILE("w-{} acked by {} at lsn {} tl {}"), write_id,
                             world_.hosts[*outcome.node].name, outcome.lsn, outcome.timeline);
      // Acknowledged writes of a service must form one history.
      if (std::optional<WriteFinding> diverged =
              write_checks_.on_ack(client.service, write_id, outcome)) {
        checker_.add(Violation{.invariant = Invariant::kSingleWriter,
                               .entity = std::move(diverged->entity),
                               .at_us = now_us_,
                               .message = std::move(diverged->message)});
      }
      return;
    case WriteOutcome::Kind::kUnacknowledged:
      trace_.record(now_us_, TraceKind::kNote, client.name,
                    "w-{} written by {} at lsn {} tl {} but not acknowledged: {}", write_id,
                    world_.hosts[*outcome.node].name, outcome.lsn, outcome.timeline, outcome.why);
      return;
    case WriteOutcome::Kind::kNoEndpoint:
    case WriteOutcome::Kind::kRefused:
      return;  // counted per service; an outage is told by the transitions
  }
}

void Simulation::measure(std::uint32_t index, const WriteOutcome& outcome, bool read) {
  const Client& client = world_.clients[index];
  const std::string& name = world_.services[client.service].name;
  RequestSample sample{.client = index,
                       .service = client.service,
                       .at_us = now_us_,
                       .wrote = outcome.kind == WriteOutcome::Kind::kAcked,
                       .read = read,
                       .why = outcome.why,
                       .awaits_standby = outcome.kind == WriteOutcome::Kind::kUnacknowledged};
  // What the plane reports, through the seam, as the end-of-run check reads it.
  if (std::optional<seam::ServiceView> view = plane_->service(*durable_.begin(), name)) {
    UNWEDGE_ASSERT(view->state != nullptr);
    UNWEDGE_ASSERT_EQ(view->id, name);
    sample.judged = !view->ending;
    sample.healthy = view->state->traits.healthy;
    sample.state = view->state->name;
  }
  if (!sample.wrote) sample.faults = faults_touching(client.service);
  availability_.on_request(std::move(sample));
  if (std::optional<Violation> v = availability_.take_violation()) checker_.add(std::move(*v));
}

void Simulation::check_writes_on(std::uint32_t service, HostIndex leader, std::string_view why) {
  if (std::optional<Violation> lost = missing_write_on(service, leader, why)) {
    checker_.add(std::move(*lost));
  }
}

std::optional<Violation> Simulation::missing_write_on(std::uint32_t service, HostIndex leader,
                                                      std::string_view why) const {
  std::optional<WriteFinding> missing = write_checks_.missing_write_on(service, leader, why);
  if (!missing) return std::nullopt;
  return Violation{.invariant = Invariant::kNoLostWrites,
                   .entity = std::move(missing->entity),
                   .at_us = now_us_,
                   .message = std::move(missing->message)};
}

void Simulation::start_independent(HostIndex host) {
  for (const IndependentDb& db : world_.independents) {
    if (db.host == host) return;
  }
  world_.independents.push_back(IndependentDb{.host = host});
  push(now_us_ + config_.write_interval_us,
       {.kind = EventKind::kIndependentWrite,
        .a = static_cast<std::uint32_t>(world_.independents.size() - 1)});
}

void Simulation::on_independent_write(std::uint32_t index) {
  IndependentDb& independent = world_.independents[index];
  const Host& host = world_.hosts[independent.host];
  if (host.state == HostState::kDestroyed) return;  // its customer has no database left
  push(now_us_ + config_.write_interval_us, {.kind = EventKind::kIndependentWrite, .a = index});
  if (!independent_writes_survive(independent)) return;
  const std::uint64_t write_id = next_write_id_++;
  WriteOutcome outcome = world_.write(independent, write_id);
  if (outcome.kind != WriteOutcome::Kind::kAcked) return;
  trace_.record(now_us_, TraceKind::kClientAck, "app-" + host.name,
                "w-{} acked by {} at lsn {} tl {}", write_id, host.name, outcome.lsn,
                outcome.timeline);
}

void Simulation::start_agent(HostIndex index) {
  const core::TimeUs interval_us = plane_->agent_interval_us();
  if (interval_us <= 0) return;
  Host& host = world_.hosts[index];
  UNWEDGE_ASSERT(host.up());
  agents_[index].incarnation = host.incarnation;
  launch_agent(index);
  push(now_us_ + interval_us, {.kind = EventKind::kAgentTick, .a = index, .b = host.incarnation});
}

void Simulation::launch_agent(HostIndex index) {
  Host& host = world_.hosts[index];
  RunningAgent& running = agents_.at(index);
  running.agent.reset();  // one of an earlier life goes before what it was handed
  UNWEDGE_ASSERT_EQ(running.incarnation, host.incarnation);
  running.local = std::make_unique<LocalInfra>(
      host.name, [this, index](const core::InfraRequest& r) { return apply_local(index, r); });
  running.telemetry = std::make_unique<LocalTelemetry>(
      host.name, [this, index]() -> std::optional<core::Checkin> { return local_reading(index); });
  std::unique_ptr<core::InMemoryStore>& store = agent_stores_[index];
  if (store == nullptr) store = std::make_unique<core::InMemoryStore>();
  running.env =
      std::make_unique<core::Environment>(core::Environment{.store = *store,
                                                            .infra = *running.local,
                                                            .clock = host.clock,
                                                            .telemetry = *running.telemetry,
                                                            .journal = &journal_});
  if (coordination_ != nullptr) {
    const std::uint32_t incarnation = host.incarnation;
    running.coordination =
        std::make_unique<CoordinationClient>(*coordination_, host.name, host.endpoint, host.clock,
                                             now_us_, trace_, [this, index, incarnation] {
                                               const Host& h = world_.hosts[index];
                                               return h.up() && h.incarnation == incarnation;
                                             });
  }
  running.agent = plane_->start_agent(
      {.node = host.name, .env = *running.env, .coordination = running.coordination.get()});
  UNWEDGE_ASSERT_MSG(running.agent != nullptr, "{} has agents but started none on {}",
                     plane_info_->name, host.name);
  trace_.record(now_us_, TraceKind::kNote, host.name, "agent started");
}

std::optional<core::Checkin> Simulation::local_reading(HostIndex index) {
  Host& host = world_.hosts[index];
  if (!host.up() || !host.db.running) return std::nullopt;
  // As for a check-in: replicas stream continuously, so catching up when the
  // agent looks is the same as far as anyone can observe.
  world_.catch_up(index);
  return core::Checkin{.received_us = host.clock.now_us(),
                       .sent_us = host.clock.now_us(),
                       .log_position = host.db.wal.flushed_lsn(),
                       .term = host.db.wal.timeline(),
                       .accepts_writes = host.db.accepts_writes()};
}

void Simulation::on_agent_tick(const Event& e) {
  Host& host = world_.hosts[e.a];
  auto running = agents_.find(e.a);
  // A host that went down since lost its agent; the next boot starts another.
  if (running == agents_.end() || running->second.incarnation != e.b || host.incarnation != e.b ||
      !host.up()) {
    if (running != agents_.end() && running->second.incarnation == e.b) agents_.erase(running);
    return;
  }
  // Its loop is timed by the host's clock: a fast clock runs it more often.
  const core::TimeUs interval_us = plane_->agent_interval_us();
  const double rate = 1.0 + host.clock.drift_ppm() / 1e6;
  const auto wait_us = std::max<core::TimeUs>(1, static_cast<core::TimeUs>(interval_us / rate));
  push(now_us_ + wait_us, {.kind = EventKind::kAgentTick, .a = e.a, .b = e.b});
  if (host.agent_pauses > 0) return;                        // paused with the host's other agents
  if (running->second.agent == nullptr) launch_agent(e.a);  // restarted since its last tick
  running->second.agent->tick();
  check_plane_invariants();
  judge_plane_violation(running->second.agent->check());
}

std::optional<std::string> Simulation::apply_local(HostIndex index, const core::InfraRequest& r) {
  const Host& host = world_.hosts[index];
  UNWEDGE_ASSERT_EQ(r.target, host.name);
  const bool on_database = r.verb == pgworld::kFence || r.verb == pgworld::kUnfence ||
                           r.verb == pgworld::kPromote || r.verb == pgworld::kFollow ||
                           r.verb == pgworld::kUnfollow || r.verb == pgworld::kStopReplication ||
                           r.verb == pgworld::kRewind;
  if (!on_database) {
    return fmt::format("{} is the fleet API's, not a local command of {}",
                       pgworld::to_string(r.verb), host.name);
  }
  trace_.record(now_us_, TraceKind::kInfraCall, host.name, "agent {} {} {} [{}]",
                pgworld::to_string(r.verb), r.target, r.argument, r.idempotency_key);
  local_request_ = true;
  std::optional<std::string> why = apply(r);
  local_request_ = false;
  return why;
}

void Simulation::boot(HostIndex index) {
  Host& host = world_.hosts[index];
  host.state = HostState::kBooting;
  const core::TimeUs boot_us =
      static_cast<core::TimeUs>(rng_world_.between(config_.boot_min_us, config_.boot_max_us));
  push(now_us_ + boot_us, {.kind = EventKind::kBootDone, .a = index, .b = host.incarnation});
}

std::vector<std::string> Simulation::resolve(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    const std::size_t colon = name.find(':');
    if (name == "monitors") {
      for (const Vantage& v : world_.vantages)
        out.push_back(v.name);
      continue;
    }
    // The consensus store's members: all of them, or the one leading now.
    if (name == "stores" || name == "store:leader") {
      if (coordination_ == nullptr) continue;
      if (name == "stores") {
        for (std::uint32_t m = 0; m < coordination_->size(); ++m)
          out.push_back(coordination_->name(m));
      } else if (std::optional<std::uint32_t> leader = coordination_->leader()) {
        out.push_back(coordination_->name(*leader));
      }
      continue;
    }
    if (colon == std::string::npos) {
      out.push_back(name);
      continue;
    }
    const std::string role = name.substr(0, colon);
    if (role == "node") {
      out.push_back(name.substr(colon + 1));
      continue;
    }
    // Every live host in a zone or on a rack: a zone's outage, a rack's
    // power, a zone's uplink.
    if (role == "zone" || role == "rack") {
      const std::string_view place = std::string_view(name).substr(colon + 1);
      const std::optional<std::uint16_t> zone = placement_.find_zone(place);
      const std::optional<Spot> rack = placement_.find_rack(place);
      if (role == "zone" ? !zone : !rack) continue;
      for (HostIndex h = 0; h < world_.hosts.size(); ++h) {
        if (world_.hosts[h].state == HostState::kDestroyed) continue;
        if (role == "zone" ? spots_[h].zone == *zone : spots_[h] == *rack) {
          out.push_back(world_.hosts[h].name);
        }
      }
      continue;
    }
    std::optional<std::uint32_t> s = world_.find_service(name.substr(colon + 1));
    if (!s) continue;
    const ServiceEndpoint& service = world_.services[*s];
    if (role == "clients") {
      for (const Client& c : world_.clients) {
        if (c.service == *s) out.push_back(c.name);
      }
      continue;
    }
    if (role == "leader") {
      if (service.target && world_.hosts[*service.target].state != HostState::kDestroyed) {
        out.push_back(world_.hosts[*service.target].name);
      }
      continue;
    }
    // A role the plane declares: the first live server of the service in
    // that role, as the control plane's Store records it.
    const std::vector<std::string>& roles = plane_info_->roles;
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) continue;
    auto txn = durable_.begin();
    for (HostIndex h : service.hosts) {
      const Host& host = world_.hosts[h];
      if (host.state == HostState::kDestroyed) continue;
      if (plane_->role_of(*txn, host.name) == role) {
        out.push_back(host.name);
        break;
      }
    }
  }
  return out;
}

}  // namespace unwedge::sim
