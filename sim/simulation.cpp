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
      control_plane_clock_(now_us_),
      journal_(trace_, now_us_, config_.observer),
      checker_(world_),
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
  for (const auto& [state, bound_us] : config_.dwell_overrides) {
    checker_.override_dwell(state, bound_us);
  }
  journal_.on_transition = [this](const core::TransitionEvent& e) { on_transition(e); };
  journal_.on_state_seen = [this](const core::MachineDef& machine, std::string_view entity,
                                  core::StateId state) {
    checker_.on_state_seen(machine, entity, state, now_us_);
    if (config_.observer != nullptr) config_.observer->state_seen(machine, entity, state, now_us_);
  };
  for (std::uint32_t v = 0; v < fleet_.vantage_points; ++v) {
    world_.add_vantage(fmt::format("monitor-{}", static_cast<char>('a' + v)));
  }
  // The customers' requests: every service starts in provisioning, with its
  // plan, and the control plane takes it from there.
  auto txn = durable_.begin();
  for (const ServiceSpec& spec : config_.services) {
    const std::uint32_t service = world_.add_service(spec.id, spec.synchronous);
    for (std::uint32_t c = 0; c < config_.clients_per_service; ++c)
      world_.add_client(service);
    plane_->order_service(
        *txn, {.id = spec.id, .standbys = spec.standbys, .synchronous = spec.synchronous}, 0);
  }
  UNWEDGE_ASSERT(txn->commit().ok());

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

Simulation::~Simulation() = default;

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
  if (finding_) return false;
  ThrowingAssertions throwing;
  try {
    while (!queue_.empty() && queue_.top().at_us < until_us) {
      EventQueue<Event>::Entry entry = queue_.pop();
      now_us_ = entry.at_us;
      ++events_;
      dispatch(entry.payload);
      if (take_violation()) return false;
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

void Simulation::on_transition(const core::TransitionEvent& e) {
  checker_.on_transition(e, now_us_);
  // A new leader must hold every write acknowledged so far.
  if (std::optional<std::string> writer = plane_->new_writer(e)) {
    std::optional<HostIndex> leader = world_.find_host(*writer);
    if (!leader) return;
    if (std::optional<std::uint32_t> s = world_.find_service(world_.hosts[*leader].service)) {
      checker_.check_writes_on(*s, *leader, now_us_, "after its promotion");
    }
  }
}

bool Simulation::check_end_state() {
  if (finding_) return false;
  if (std::optional<Violation> v = end_state_violation()) checker_.add(std::move(*v));
  return !take_violation();
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
      if (std::optional<Violation> lost =
              checker_.missing_write_on(s, *leader, now_us_, "at the end of the run")) {
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

std::optional<Violation> Simulation::certificate_violation(std::uint32_t service,
                                                           HostIndex leader) const {
  const ServiceEndpoint& endpoint = world_.services[service];
  const DbNode& db = world_.hosts[leader].db;
  if (endpoint.certificate_serial == 0) return std::nullopt;  // none issued yet: nothing to serve
  if (db.certificate == endpoint.certificate && db.certificate_not_after_us > now_us_) {
    return std::nullopt;
  }
  const std::string serves =
      db.certificate != endpoint.certificate
          ? std::string("no certificate of the service")
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
               .trace_records = trace_.records(),
               .simulated_us = now_us_,
               .finding = finding_,
               .faults_started = faults_started_,
               .control_plane_crashes = control_plane_crashes_};
  for (const ServiceEndpoint& service : world_.services) {
    s.writes_acked += service.writes_acked;
    s.writes_failed += service.writes_failed;
  }
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
      trace_.record(now_us_, TraceKind::kNote, host.name, "booted; database running");
      return;
    }
    case EventKind::kDatabaseRestart: {
      Host& host = world_.hosts[e.a];
      if (host.incarnation != e.b || !host.up() || host.db.running) return;
      host.db.running = true;
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

bool Simulation::controller_pass() {
  try {
    if (!process_) process_ = plane_->start(env_);
    if (process_->wants_changes()) {
      std::sort(changed_hosts_.begin(), changed_hosts_.end());
      changed_hosts_.erase(std::unique(changed_hosts_.begin(), changed_hosts_.end()),
                           changed_hosts_.end());
      for (HostIndex h : changed_hosts_)
        changed_entities_.push_back(world_.hosts[h].name);
      std::sort(changed_entities_.begin(), changed_entities_.end());
      changed_entities_.erase(std::unique(changed_entities_.begin(), changed_entities_.end()),
                              changed_entities_.end());
      process_->inputs_changed(changed_entities_);
    }
    changed_hosts_.clear();
    changed_entities_.clear();
    process_->tick();
  } catch (const ProcessCrash& crash) {
    // The process is gone with everything in flight; only the Store remains.
    control_plane_crashes_++;
    process_.reset();
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
  return true;
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
  std::unique_ptr<core::Transaction> txn = durable_.begin();
  plane_->committed_states(
      *txn, [this](const core::MachineDef& machine, std::string_view id, core::StateId state) {
        if (checker_.on_state_seen(machine, id, state, now_us_)) {
          trace_.record(now_us_, TraceKind::kNote, id,
                        "{} is {}: committed by the process that crashed, never journaled",
                        machine.name(), machine.state_name(state));
        }
        if (config_.observer != nullptr) config_.observer->state_seen(machine, id, state, now_us_);
      });
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
  } else {
    if (!host.up() || !host.db.running || host.agent_pauses > 0) return;
    // Replicas stream continuously; catching up when the agent looks is
    // the same as far as anyone can observe.
    world_.catch_up(index);
    arrive.flag = host.db.accepts_writes();
    arrive.sent_us = host.clock.now_us();
    arrive.lsn = host.db.wal.flushed_lsn();
    arrive.timeline = host.db.wal.timeline();
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
  host.received[e.b] = core::Checkin{.vantage = vantage.name,
                                     .received_us = vantage.clock.now_us(),
                                     .sent_us = e.sent_us,
                                     .log_position = e.lsn,
                                     .term = e.timeline,
                                     .accepts_writes = e.flag};
  trace_.record(now_us_, TraceKind::kCheckin, host.name, "{} lsn {} tl {}{}", vantage.name, e.lsn,
                e.timeline, e.flag ? " writable" : "");
}

void Simulation::on_write(std::uint32_t index) {
  push(now_us_ + jitter(config_.write_interval_us, rng_world_),
       {.kind = EventKind::kWrite, .a = index});
  Client& client = world_.clients[index];
  const std::uint64_t write_id = next_write_id_++;
  WriteOutcome outcome = world_.write(client, write_id);
  switch (outcome.kind) {
    case WriteOutcome::Kind::kAcked:
      trace_.record(now_us_, TraceKind::kClientAck, client.name, "w-{} acked by {} at lsn {} tl {}",
                    write_id, world_.hosts[*outcome.node].name, outcome.lsn, outcome.timeline);
      checker_.on_ack(client.service, write_id, outcome, now_us_);
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

void Simulation::boot(HostIndex index) {
  Host& host = world_.hosts[index];
  host.state = HostState::kBooting;
  const core::TimeUs boot_us =
      static_cast<core::TimeUs>(rng_world_.between(config_.boot_min_us, config_.boot_max_us));
  push(now_us_ + boot_us, {.kind = EventKind::kBootDone, .a = index, .b = host.incarnation});
}

std::optional<std::string> Simulation::db_unreachable(const std::string& name,
                                                      HostIndex& index) const {
  std::optional<HostIndex> found = world_.find_host(name);
  if (!found) return "no host " + name;
  index = *found;
  const Host& host = world_.hosts[index];
  if (!host.up()) return fmt::format("{} is {}", name, to_string(host.state));
  if (!host.db.running) return "the database on " + name + " is not running";
  if (!world_.connected(world_.control_plane, host.endpoint)) {
    return name + " cannot be reached from the control plane";
  }
  return std::nullopt;
}

// The effects of fleet API operations. Every effect is idempotent: applying
// it again (a duplicate delivery) changes nothing more.
std::optional<std::string> Simulation::apply(const core::InfraRequest& r) {
  using core::InfraVerb;
  HostIndex index = 0;
  switch (r.verb) {
    case pgworld::kCreateHost: {
      if (std::optional<HostIndex> existing = world_.find_host(r.target)) {
        const Host& host = world_.hosts[*existing];
        if (host.state == HostState::kDestroyed) {
          return r.target + " was destroyed; host names are not reused";
        }
        if (host.created_by != r.idempotency_key) {
          // A real cloud would build a second machine here: names are labels,
          // only the key makes a request idempotent.
          checker_.add(Violation{
              .invariant = Invariant::kIdempotentEffects,
              .entity = r.target,
              .at_us = now_us_,
              .message = fmt::format("host {} was created under key {} and asked for again under "
                                     "key {}: a cloud would now run two machines for one server",
                                     r.target, host.created_by, r.idempotency_key)});
        }
        return std::nullopt;
      }
      index = world_.add_host(r.target, r.argument);
      Host& host = world_.hosts[index];
      host.created_by = r.idempotency_key;
      if (std::optional<std::uint32_t> s = world_.find_service(r.argument)) {
        host.db.sync_standby = world_.services[*s].synchronous;
      }
      boot(index);
      push(now_us_ + jitter(config_.checkin_interval_us, rng_world_),
           {.kind = EventKind::kCheckin, .a = index});
      return std::nullopt;
    }
    case pgworld::kStartHost: {
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      if (world_.hosts[*h].state == HostState::kDestroyed) return r.target + " was destroyed";
      if (world_.hosts[*h].state == HostState::kDown) boot(*h);
      return std::nullopt;
    }
    case pgworld::kStopHost:
    case pgworld::kDestroyHost: {
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      Host& host = world_.hosts[*h];
      if (r.verb == pgworld::kDestroyHost) {
        if (host.state != HostState::kDestroyed) world_.take_down(*h, HostState::kDestroyed);
      } else if (host.state == HostState::kDestroyed) {
        return r.target + " was destroyed";
      } else if (host.state != HostState::kDown) {
        world_.take_down(*h, HostState::kDown);
      }
      return std::nullopt;
    }
    case pgworld::kFence:
    case pgworld::kUnfence: {
      // Fencing works through the cloud's network controls, so it reaches a
      // host the control plane cannot talk to (that is its point).
      std::optional<HostIndex> h = world_.find_host(r.target);
      if (!h) return "no host " + r.target;
      world_.hosts[*h].db.fenced = r.verb == pgworld::kFence;
      return std::nullopt;
    }
    case pgworld::kPromote: {
      if (auto why = db_unreachable(r.target, index)) return why;
      DbNode& db = world_.hosts[index].db;
      const pgworld::Timeline timeline = std::stoull(r.argument);
      if (db.primary && db.wal.timeline() >= timeline) return std::nullopt;
      if (db.wal.timeline() >= timeline) {
        return fmt::format("{} is on timeline {} already, not before {}", r.target,
                           db.wal.timeline(), timeline);
      }
      db.wal.promote(timeline);
      db.primary = true;
      db.upstream.reset();
      return std::nullopt;
    }
    case pgworld::kFollow: {
      if (auto why = db_unreachable(r.target, index)) return why;
      std::optional<HostIndex> leader = world_.find_host(r.argument);
      if (!leader) return "no host " + r.argument;
      if (*leader == index) return r.target + " cannot follow itself";
      DbNode& db = world_.hosts[index].db;
      // A node cannot stream from a leader whose history stops short of its
      // own timeline, as PostgreSQL refuses to; and every leader change
      // raises the timeline, so such a request is always a stale one (a late
      // duplicate of a re-point made before the node was promoted).
      if (const pgworld::Timeline upstream = world_.hosts[*leader].db.wal.timeline();
          db.wal.timeline() > upstream) {
        return fmt::format("{} is on timeline {}, ahead of {}'s timeline {}", r.target,
                           db.wal.timeline(), r.argument, upstream);
      }
      db.primary = false;
      db.upstream = *leader;
      // Which replicas count toward synchronous commit is the control
      // plane's configuration (synchronous_standby_names): HA standbys of a
      // synchronous service do, customer followers never. The fleet API
      // carries no such flag, so the node's agent reads the server's role.
      {
        std::optional<std::uint32_t> s = world_.find_service(world_.hosts[index].service);
        db.sync_standby = s && world_.services[*s].synchronous &&
                          plane_->role_of(*durable_.begin(), r.target) == "standby";
      }
      world_.catch_up(index);
      return std::nullopt;
    }
    case pgworld::kStopReplication: {
      if (auto why = db_unreachable(r.target, index)) return why;
      world_.hosts[index].db.upstream.reset();
      return std::nullopt;
    }
    case pgworld::kUnfollow: {
      // Opens the node for writes; it does not touch replication, which a
      // correct unfollow has stopped first (kStopReplication). A node still
      // streaming from its old leader goes on applying that log over the
      // writes it now takes (World::catch_up).
      if (auto why = db_unreachable(r.target, index)) return why;
      DbNode& db = world_.hosts[index].db;
      if (db.primary) return std::nullopt;
      db.wal.promote(world_.next_independent_timeline++);
      db.primary = true;
      start_independent(index);
      return std::nullopt;
    }
    case pgworld::kPointEndpoint: {
      std::optional<std::uint32_t> s = world_.find_service(r.target);
      if (!s) return "no service endpoint " + r.target;
      if (r.argument.empty()) {
        world_.services[*s].target.reset();
        return std::nullopt;
      }
      std::optional<HostIndex> h = world_.find_host(r.argument);
      if (!h) return "no host " + r.argument;
      world_.services[*s].target = *h;
      return std::nullopt;
    }
    case pgworld::kIssueCertificate: {
      std::optional<std::uint32_t> s = world_.find_service(r.argument);
      if (!s) return "no service " + r.argument;
      ServiceEndpoint& service = world_.services[*s];
      service.certificate = r.target;
      service.certificate_serial++;
      service.certificate_not_after_us = now_us_ + fleet_.certificate_validity_us;
      return std::nullopt;
    }
    case pgworld::kInstallCertificate: {
      if (auto why = db_unreachable(r.target, index)) return why;
      // What the authority issued last under that id is what gets installed.
      DbNode& db = world_.hosts[index].db;
      db.certificate = r.argument;
      db.certificate_serial = 0;
      db.certificate_not_after_us = 0;
      for (const ServiceEndpoint& service : world_.services) {
        if (service.certificate != r.argument) continue;
        db.certificate_serial = service.certificate_serial;
        db.certificate_not_after_us = service.certificate_not_after_us;
      }
      return std::nullopt;
    }
    case pgworld::kRevokeCertificate:
      return std::nullopt;
  }
  return "unknown operation";
}

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
    }
  }
  return out;
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
    if (colon == std::string::npos) {
      out.push_back(name);
      continue;
    }
    const std::string role = name.substr(0, colon);
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
    // standby / follower: the first live server of the service in that
    // role, as the control plane's Store records it.
    if (role != "standby" && role != "follower") continue;
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

namespace {

// What a fault's start and heal touch, lent by the simulator for the call.
struct FaultScene {
  const FaultSpec& spec;  // its targets resolved
  World& world;
  SimInfra& infra;
  SimStore& store;
  std::optional<CutId>& cut;
  std::vector<HostIndex> hosts;                     // the targets that are hosts
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
  return true;
}

void heal_host_crash(FaultScene& s) {
  for (HostIndex h : s.hosts) {
    if (s.world.hosts[h].state == HostState::kDown) s.boot(h);
  }
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
    for (const std::optional<core::Checkin>& c : host.received) {
      if (c && (!host.stale || c->sent_us > host.stale->sent_us)) host.stale = c;
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
      .clocks = clocks(spec.targets),
      .target_endpoints = endpoints(spec.targets),
      .other_endpoints = endpoints(spec.others),
  };
  if (!effect(spec.kind).start(scene)) return 0;
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
  FaultScene scene{
      .spec = spec,
      .world = world_,
      .infra = infra_,
      .store = store_,
      .cut = it->second.cut,
      .hosts = hosts_named(world_, spec.targets),
      .clocks = clocks(spec.targets),
      .boot = [this](HostIndex h) { boot(h); },
      .restart_database =
          [this](HostIndex h) {
            push(now_us_ + config_.database_restart_us,
                 {.kind = EventKind::kDatabaseRestart, .a = h, .b = world_.hosts[h].incarnation});
          },
  };
  effect(spec.kind).heal(scene);
  trace_.record(now_us_, TraceKind::kHeal, "", "#{} {}", id, describe(spec));
  if (config_.observer != nullptr) config_.observer->fault_healed(id, now_us_);
  if (on_control_plane_clock(spec)) {
    UNWEDGE_ASSERT_LT(0u, control_plane_clock_faults_);
    checker_.set_control_plane_clock_faulty(--control_plane_clock_faults_ > 0);
    // Healing a jump ahead steps the clock back by as much.
    const bool stepped_back = spec.kind == FaultKind::kClockJump && spec.amount > 0;
    checker_.control_plane_timers_trusted_from(now_us_ + (stepped_back ? spec.amount : 0));
  }
  active_.erase(it);
  checker_.set_faults_active(!active_.empty(), now_us_);
  return true;
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
  store_.disarm();
  trace_.record(now_us_, TraceKind::kHeal, "", "everything healed: the liveness phase begins");
}

void Simulation::on_random_fault() {
  if (healed_) return;
  push(now_us_ + rng_faults_.exponential(config_.faults.mean_gap_us),
       {.kind = EventKind::kRandomFault});
  if (active_.size() >= config_.faults.active_max) return;
  std::vector<FaultKind> kinds = config_.faults.kinds;
  if (kinds.empty()) {
    for (const FaultKindInfo& k : fault_kinds())
      kinds.push_back(k.kind);
  }
  const FaultKind kind = kinds[rng_faults_.below(kinds.size())];
  if (std::optional<FaultSpec> spec = draw_fault(kind, world_, rng_faults_)) {
    if (start_fault(*spec) != 0) drawn_faults_.push_back({.at_us = now_us_, .spec = *spec});
  }
}

void Simulation::apply_operator(const OperatorRequest& requested) {
  OperatorRequest request = requested;
  if (std::vector<std::string> target = resolve({requested.target}); target.size() == 1) {
    request.target = target.front();
  }
  trace_.record(now_us_, TraceKind::kNote, request.target, "operator: " + describe(request));
  if (!takes_request(*plane_info_, request.kind)) {
    trace_.record(now_us_, TraceKind::kNote, request.target, "{} takes no {} request: ignored",
                  plane_info_->name, info(request.kind).name);
    return;
  }
  if (request.kind == OperatorKind::kAddFollower) {
    std::optional<std::uint32_t> service = world_.find_service(request.target);
    if (!service || !world_.services[*service].target) return;  // no leader to follow yet
  }
  auto txn = durable_.begin();
  const seam::RequestOutcome outcome =
      plane_->request(*txn, info(request.kind).name, request.target, now_us_);
  if (!outcome.raised) return;
  UNWEDGE_ASSERT(txn->commit().ok());
  if (process_ != nullptr && process_->wants_changes()) changed_entities_.push_back(request.target);
  if (outcome.new_replica) add_follower(request.target, *outcome.new_replica);
}

// A customer's read replica the plane has taken on: a running host that
// follows the service's current leader.
void Simulation::add_follower(const std::string& service_id, const std::string& id) {
  std::optional<std::uint32_t> service_index = world_.find_service(service_id);
  UNWEDGE_ASSERT(service_index.has_value());
  UNWEDGE_ASSERT(world_.services[*service_index].target.has_value());
  UNWEDGE_ASSERT(!world_.find_host(id).has_value());
  const HostIndex index = world_.add_host(id, service_id);
  Host& host = world_.hosts[index];
  host.state = HostState::kUp;
  host.db.running = true;
  host.db.primary = false;
  host.db.upstream = world_.services[*service_index].target;
  world_.catch_up(index);
  push(now_us_ + jitter(config_.checkin_interval_us, rng_world_),
       {.kind = EventKind::kCheckin, .a = index});
}

void Simulation::on_random_operator() {
  push(now_us_ + rng_operator_.exponential(config_.operator_mean_gap_us),
       {.kind = EventKind::kRandomOperator});
  if (healed_ || world_.services.empty()) return;
  const ServiceEndpoint& service = world_.services[rng_operator_.below(world_.services.size())];
  const std::vector<std::string> followers =
      plane_->members(*durable_.begin(), service.name, "follower");
  const auto drawn = [this](OperatorRequest request) {
    drawn_operators_.push_back({.at_us = now_us_, .request = request});
    apply_operator(request);
  };
  // A kind the plane does not take is never drawn.
  const auto takes = [this](OperatorKind kind) {
    return takes_request(*plane_info_, kind) ? 1U : 0U;
  };
  const std::uint32_t weights[] = {
      3 * takes(OperatorKind::kRequestFailover),
      (followers.size() < 2 ? 3U : 0U) * takes(OperatorKind::kAddFollower),
      (followers.empty() ? 0U : 1U) * takes(OperatorKind::kPromoteFollower),
      (followers.empty() ? 0U : 1U) * takes(OperatorKind::kUnfollow)};
  if (weights[0] + weights[1] + weights[2] + weights[3] == 0) return;
  switch (rng_operator_.weighted(weights)) {
    case 0:
      return drawn({.kind = OperatorKind::kRequestFailover, .target = service.name});
    case 1:
      return drawn({.kind = OperatorKind::kAddFollower, .target = service.name});
    case 2: {
      const std::string follower = followers[rng_operator_.below(followers.size())];
      drawn({.kind = OperatorKind::kPromoteFollower, .target = follower});
      // Half the customers who promote a follower also ask, in the same
      // breath, to unfollow it (two clicks, two API calls): the tables must
      // settle the pair the same way every time.
      if (rng_operator_.below(2) == 0) drawn({.kind = OperatorKind::kUnfollow, .target = follower});
      return;
    }
    default:
      return drawn({.kind = OperatorKind::kUnfollow,
                    .target = followers[rng_operator_.below(followers.size())]});
  }
}

}  // namespace unwedge::sim
