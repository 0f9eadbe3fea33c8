// Simulation: one deterministic run of a control plane (any registered
// plug-in, seam/registry.hpp) against a simulated fleet.
//
// Everything happens as events on one queue in virtual time: the control
// plane's ticks, each host's monitoring check-ins and their delivery, client
// writes, fleet API operations finishing, hosts booting, faults starting and
// healing. Randomness comes from named streams of one seed, so a run is a
// pure function of its config and seed; the trace digest proves it.
//
// The control plane runs unchanged, through SimStore, SimInfra, MonitorTelemetry
// and a SimClock, and is reached only through the seam
// (seam/control_plane.hpp). When it crashes (a ProcessCrash from the store) it is gone
// with everything in flight; a new process starts over the same store after
// a restart delay. A failed assertion anywhere in the run ends the run with a
// finding; it never escapes to the caller.
//
// Its definitions are split by concern: simulation.cpp (construction, the
// event loop, the control plane's passes, check-ins and writes),
// simulation_fleet_api.cpp (what fleet API requests do), simulation_faults.cpp
// (faults and the nemesis), simulation_console.cpp (operators' requests) and
// simulation_judge.cpp (findings and the final checks).
//
//   SimConfig config{.seed = 7, .services = {{.id = "db1"}}};
//   config.faults.mean_gap_us = 10 * kMinute;
//   Simulation sim(config);
//   RunSummary summary = sim.run(kDay, 30 * kMinute);
//   fmt::print("{:016x}\n", summary.digest);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/in_memory_store.hpp"
#include "seam/control_plane.hpp"
#include "seam/registry.hpp"
#include "sim/availability.hpp"
#include "sim/coordination_client.hpp"
#include "sim/disruptions.hpp"
#include "sim/faults.hpp"
#include "sim/fleet.hpp"
#include "sim/host_health.hpp"
#include "sim/invariants.hpp"
#include "sim/kernel/event_queue.hpp"
#include "sim/kernel/network.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/kernel/sim_clock.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/local_infra.hpp"
#include "sim/local_telemetry.hpp"
#include "sim/operator_requests.hpp"
#include "sim/placement.hpp"
#include "sim/run_observer.hpp"
#include "sim/sim_infra.hpp"
#include "sim/sim_store.hpp"
#include "sim/store_cluster.hpp"
#include "sim/trace_journal.hpp"

namespace unwedge::sim {

struct ServiceSpec {
  std::string id;
  std::uint32_t standbys = 1;
  bool synchronous = true;
  std::uint32_t followers = 0;  // customer read replicas added once it is available

  friend bool operator==(const ServiceSpec&, const ServiceSpec&) = default;
};

// Faults drawn at random while the safety phase lasts.
struct RandomFaults {
  core::TimeUs mean_gap_us = 0;  // 0: none
  std::vector<FaultKind> kinds;  // empty: every kind
  std::uint32_t active_max = 3;  // never more at once

  friend bool operator==(const RandomFaults&, const RandomFaults&) = default;
};

struct SimConfig {
  std::uint64_t seed = 1;
  std::vector<ServiceSpec> services;
  // The control plane under test, by its registered name (empty: the
  // default plane), and its settings as text (absent: its defaults).
  std::string control_plane;
  seam::SettingsText plane_settings;
  std::uint32_t clients_per_service = 1;
  core::TimeUs tick_interval_us = 5 * core::kSecond;
  core::TimeUs checkin_interval_us = 10 * core::kSecond;
  core::TimeUs write_interval_us = 10 * core::kSecond;
  core::TimeUs boot_min_us = 20 * core::kSecond;
  core::TimeUs boot_max_us = 60 * core::kSecond;
  core::TimeUs database_restart_us = 5 * core::kSecond;
  core::TimeUs control_plane_restart_us = 15 * core::kSecond;
  LinkQuality network;
  // The fleet's zones and racks, and each zone's room (sim/placement.hpp).
  ZoneShape zones;
  // The fleet API's limits: how fast the control plane may ask it
  // (throttled past it), and how many live hosts the account may have at
  // once (a creation past it fails; 0: no quota).
  RateLimit api_rate;
  std::uint32_t host_quota = 0;
  // The consensus store's timing and its client's, when the plane asks for
  // one (FleetConfiguration::coordination_members).
  StoreSettings store;
  RandomFaults faults;
  // Random operator requests (failovers, follower promotions, unfollows);
  // 0: none.
  core::TimeUs operator_mean_gap_us = 0;
  // Dwell bounds replacing the machines' own, by "machine/state".
  std::map<std::string, core::TimeUs> dwell_overrides;
  // False: disruptions are counted but never judged needless, which shows
  // what the other checkers alone say of a run (tests/mutants).
  bool judge_disruptions = true;
  // How often a process that decides only what changed is audited
  // (Process::audit): after the first pass at or after every such interval
  // of simulated time; 0: after every pass, as the fuzz targets and debug
  // builds do.
#ifdef NDEBUG
  core::TimeUs audit_interval_us = 5 * core::kMinute;
#else
  core::TimeUs audit_interval_us = 0;
#endif
  // How long a client may go unserved while the control plane reports its
  // service healthy and no fault touching the service is active
  // (serving_when_healthy, sim/availability.hpp).
  core::TimeUs serving_when_healthy_max_us = kServingWhenHealthyDefaultUs;
  std::size_t trace_recent = 256;
  // A run stops at this many events, its summary saying so
  // (RunSummary::events_max_reached): a scenario of a simulated year with
  // writes every microsecond would otherwise run for weeks. 0: no limit.
  std::uint64_t events_max = 0;
  TraceSink* trace_sink = nullptr;
  // Told what the run does, for coverage and timelines; never changes the
  // run or its digest. nullptr: none.
  RunObserver* observer = nullptr;

  // Compares the sink and the observer by address: configs that differ only in where their
  // trace goes give the same run but are not equal.
  friend bool operator==(const SimConfig&, const SimConfig&) = default;
};

// What ended a run early: a violated invariant, or a failed assertion in the
// control plane or in the simulator's own contracts.
struct Finding {
  Invariant invariant = Invariant::kAssertion;
  std::string entity;
  core::TimeUs at_us = 0;
  std::string what;
  std::vector<TraceRecord> excerpt;
};

struct RunSummary {
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
  // The run stopped at SimConfig::events_max, short of its end: no verdict.
  bool events_max_reached = false;
  std::uint64_t trace_records = 0;
  core::TimeUs simulated_us = 0;
  std::optional<Finding> finding;
  std::uint64_t faults_started = 0;
  std::uint64_t control_plane_crashes = 0;
  std::uint64_t writes_acked = 0;
  std::uint64_t writes_failed = 0;
  // The consensus store's history, when the run has one: the clients'
  // operations, and the keys whose history was too large to check for
  // linearizability (traced, and counted in a campaign's runs.jsonl, its
  // summaries and report.json; never a pass, never a violation).
  std::uint64_t store_operations = 0;
  std::uint64_t store_keys_unchecked = 0;
  // Fleet API requests the rate limit turned away, and host creations
  // refused for want of room in every zone or for the quota.
  std::uint64_t infra_throttled = 0;
  std::uint64_t hosts_refused = 0;
  // The disruptions the control plane decided (failovers, restarts, ...),
  // by kind then cause (sim/disruptions.hpp).
  std::vector<DisruptionTally> disruptions;
  // What the clients felt: per service, and the longest write outages.
  std::vector<ServiceAvailability> availability;
  std::vector<OutageWindow> worst_windows;
};

// Outage windows a run summary keeps.
inline constexpr std::size_t kWorstWindowsKept = 5;

// Every member is copied by the restoring constructor (the one taking a
// snapshot): a member added here must be added there too, or a restored run
// drifts from the one it copies (ProvisionedFleets' tests compare digests).
class Simulation final : private InfraBackend {
 public:
  explicit Simulation(SimConfig config);
  // A copy of `snapshot` that goes its own way from the snapshot's moment,
  // tracing to `sink` and telling `observer` (both may be null): how a run
  // starts from a provisioned fleet kept per shape instead of simulating
  // the provisioning again (ProvisionedFleets). The plane's process and
  // agents are the plane's own code and cannot be copied, so the snapshot
  // must have just restarted them (restart_processes), as every run that
  // starts from it does; the copy then runs exactly as the snapshot would.
  // The plane object is copied by its clone(), which a snapshot must have
  // (restorable()).
  Simulation(const Simulation& snapshot, TraceSink* sink, RunObserver* observer);
  ~Simulation() override;
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // The control plane's process and every agent stop now and start again
  // with nothing in memory, as after a deploy: the process at its next pass,
  // each agent at its next tick. Only the Stores remain.
  void restart_processes();
  // Whether a copy may start from this one now: its processes restarted
  // and not run since, and its plane copied by clone() with the same model.
  bool restorable() const;

  // A scenario's timeline.
  void schedule_fault(core::TimeUs at_us, FaultSpec spec);
  void schedule_operator(core::TimeUs at_us, OperatorRequest request);

  // Runs every event due before `until_us`. False if a finding ended the run.
  bool run_until(core::TimeUs until_us);
  // Ends every active fault and stops drawing new ones: the end of the
  // safety phase. Scheduled faults still pending are dropped.
  void heal_all();
  // The safety phase (faults) for `duration_us`, then heal_all() and the
  // liveness phase for `recovery_us`, then the final checks: every service
  // healthy and stable, every acknowledged write on its leader.
  RunSummary run(core::TimeUs duration_us, core::TimeUs recovery_us);
  // As run(), but the recovery phase ends early, at the first check (every
  // `settle_check_us` of virtual time; 0: never) that finds the run settled.
  // A run that never settles is judged at the end of the full recovery, so
  // everything this finds the full run finds too; it may miss a failure
  // that would only have come after the early end. For fuzzing, where runs
  // per second count.
  RunSummary run(core::TimeUs duration_us, core::TimeUs recovery_us, core::TimeUs settle_check_us);
  // Healed, no action in flight, and the final checks would pass now.
  bool settled();
  // The final checks alone, for callers that drive run_until themselves.
  bool check_end_state();

  // Starts a fault now; returns its id (0 when it had no effect). Targets
  // may name roles, resolved now: "leader:db1" (the host the service's
  // endpoint points at), a role the plane declares ("standby:db1": the
  // service's first live server in that role by the plane's Store),
  // "clients:db1", "monitors", or a server outright ("node:db1-2"); with a
  // consensus store, "stores" (every member) and "store:leader" (the member
  // leading it now); "zone:b" and "rack:b/2": every live host placed there.
  std::uint64_t start_fault(const FaultSpec& spec);
  bool heal_fault(std::uint64_t id);
  // The request's target may name a role, as a fault's may.
  void apply_operator(const OperatorRequest& request);
  void deliver_to_agent(const OperatorRequest& request);

  core::TimeUs now_us() const override { return now_us_; }
  const Trace& trace() const { return trace_; }
  const World& world() const { return world_; }
  const Placement& placement() const { return placement_; }
  // Where host `host` was placed.
  Spot spot_of(HostIndex host) const { return spots_.at(host); }
  core::InMemoryStore& durable_store() { return durable_; }
  const SimConfig& config() const { return config_; }
  const seam::ControlPlane& plane() const { return *plane_; }
  const std::optional<Finding>& finding() const { return finding_; }
  // The consensus store, when the plane asks for one; null otherwise.
  const StoreCluster* coordination() const { return coordination_.get(); }
  const InvariantChecker& checker() const { return checker_; }
  const DisruptionLog& disruptions() const { return *disruptions_; }
  std::size_t active_faults() const { return active_.size(); }
  // What the random nemesis and the random operator did, as a timeline
  // (targets resolved): a scenario with these and no random mix replays the
  // same story, which is how a random run is shrunk.
  const std::vector<ScheduledFault>& drawn_faults() const { return drawn_faults_; }
  const std::vector<ScheduledOperator>& drawn_operators() const { return drawn_operators_; }
  RunSummary summary() const;

 private:
  enum class EventKind : std::uint8_t {
    kControllerTick,
    kControlPlaneRestart,
    kCheckin,          // a: host
    kCheckinArrive,    // a: host, b: vantage, checkin fields
    kWrite,            // a: client
    kInfraComplete,    // a: operation, flag: replay
    kBootDone,         // a: host, b: incarnation
    kDatabaseRestart,  // a: host, b: incarnation
    kScheduledFault,   // a: index into scheduled_faults_
    kFaultHeal,        // id: fault id
    kRandomFault,
    kScheduledOperator,  // a: index into scheduled_operators_
    kRandomOperator,
    kDwellCheck,
    kIndependentWrite,  // a: index into World::independents
    kControllerDue,     // a pass the process asked for (Process::next_due_us)
    kAgentTick,         // a: host, b: incarnation; a pass of the host's agent
    kStore,             // a: index, b: StoreEventKind, id: id; the consensus store's
  };
  struct Event {
    EventKind kind = EventKind::kControllerTick;
    bool flag = false;
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    std::uint64_t id = 0;
    // kCheckinArrive: the check-in's content (flag: it accepts writes; id:
    // the agent's number for it).
    core::TimeUs sent_us = 0;
    pgworld::Lsn lsn = 0;
    pgworld::Timeline timeline = 0;
  };
  struct ActiveFault {
    FaultSpec spec;
    std::optional<CutId> cut;
    std::vector<std::uint32_t> store_down;  // store members it took down (store_quorum_loss)
    // Which services it touches (faults_touching), worked out when the
    // fleet had `reach_hosts` hosts: a host created since may be one its
    // targets name.
    std::size_t reach_hosts = 0;
    bool touches_all = false;
    std::vector<std::uint32_t> touches;  // sorted
    std::string described;               // "#3 partition_partial ..."
  };
  // Works out what `fault` touches, if the fleet grew since it last did.
  void work_out_reach(std::uint64_t id, ActiveFault& fault);

  // InfraBackend
  Latency latency_of(core::InfraVerb verb) const override;
  const char* verb_name(core::InfraVerb verb) const override;
  void schedule_operation(core::TimeUs at_us, std::uint32_t op, bool replay) override;
  std::optional<std::string> apply(const core::InfraRequest& request) override;

  void push(core::TimeUs at_us, Event event) { queue_.push(at_us, std::move(event)); }
  // The disruption judge's ground truth (health_) is re-read, after each
  // event, for the hosts the event touched: one the fleet API or an agent's
  // command acted on, one that booted or whose database restarted, a
  // follower taken on. Faults re-read every host as they start and heal.
  // Check-ins, writes, the store's messages and the control plane's passes
  // change no host's ground truth. In a run audited after every pass (the
  // fuzz targets, debug builds) every host is re-read after every event and
  // must agree: a change missed here would be a judge misled.
  void touch_health(HostIndex host) { health_touched_.push_back(host); }
  void settle_health();
  // Whether the run's network loses or delays check-ins past their interval
  // (then no host is held sound).
  bool doubt_all_hosts() const;
  void dispatch(const Event& event);
  void on_controller_tick();
  // One pass of the control plane's process (started if need be), told first
  // what changed; false if the process crashed in it.
  bool controller_pass();
  // Asks for a pass at the process's next due time, if before `next_tick_us`.
  void schedule_due(core::TimeUs next_tick_us);
  // Shows the checker every entity's committed state (see its definition).
  void see_committed_states();
  void on_checkin(HostIndex host);
  void on_checkin_arrive(const Event& event);
  void on_write(std::uint32_t client);
  // Shows the availability meter a client's request: its write's outcome,
  // whether its read was answered, and what the plane reports of the service.
  void measure(std::uint32_t client, const WriteOutcome& outcome, bool read);
  // The active faults that touch `service` (its hosts, its clients, or
  // anything every service depends on: the control plane, the monitors, the
  // fleet API, the consensus store), each described.
  std::vector<std::string> faults_touching(std::uint32_t service);
  // A replica was opened for writes as a database of its own: its
  // customer's application starts writing to it.
  void start_independent(HostIndex host);
  void on_independent_write(std::uint32_t index);
  // False, with a violation, once a write the database acknowledged is gone.
  bool independent_writes_survive(const IndependentDb& independent);
  // The violation independent_writes_survive would record, without recording it.
  std::optional<Violation> independent_write_lost(const IndependentDb& independent) const;
  // Every acknowledged write of `service` must be on `leader`: a missing one
  // is a no_lost_writes violation, recorded (the world's WriteChecks find it).
  void check_writes_on(std::uint32_t service, HostIndex leader, std::string_view why);
  // The violation check_writes_on would record, without recording it.
  std::optional<Violation> missing_write_on(std::uint32_t service, HostIndex leader,
                                            std::string_view why) const;
  void on_random_fault();
  void on_random_operator();
  void on_transition(const core::TransitionEvent& event);
  // A decision to act: a disruptive one is counted and judged
  // (no_needless_disruption); returns its reason for the trace.
  std::string on_action(const core::DecisionEvent& event);
  // Re-reads every host's ground truth for the disruption judge; after
  // anything that may change it.
  void refresh_health();
  // A violation of the control plane's own end-of-run checks, as the checker's.
  std::optional<Violation> plane_violation();
  // The plane's own invariants after a pass of its process or an agent; a
  // violation goes to the checker.
  void check_plane_invariants();
  void audit_process();
  std::vector<std::int64_t> monitoring_view();
  void note_monitoring_view();
  // A violation a plane's or an agent's check() or a process's audit() found, as a
  // finding of `invariant`.
  void judge_plane_violation(const std::optional<seam::PlaneViolation>& found,
                             Invariant invariant = Invariant::kPlaneInvariant);
  // At the end of a run the leader must serve an unexpired certificate of
  // its service (once one was issued); the violation when it does not.
  std::optional<Violation> certificate_violation(std::uint32_t service, HostIndex leader) const;
  // The violation the final checks find now, without recording it.
  std::optional<Violation> end_state_violation();
  // Ends the run with the checker's first new violation, if any.
  bool take_violation();
  // The store's history checked for linearizability, once, at the end: the
  // violation if it is not; a key too large to check is traced and counted.
  std::optional<Violation> store_violation();
  // The store members among `names`, by index.
  std::vector<std::uint32_t> store_members_named(const std::vector<std::string>& names) const;
  void boot(HostIndex host);
  // A new incarnation of the plane's process, with a client of the
  // consensus store of its own when the fleet runs one.
  void start_process();
  // The plane's agent on a host that has just come up, if the plane has
  // agents: launched, and its ticks begun.
  void start_agent(HostIndex host);
  // A new agent on the host, over the host's agent Store (its ticks run already).
  void launch_agent(HostIndex host);
  // Routes the journal's entries to the checkers; once per Simulation.
  void wire_journal();
  // Puts the consensus store's events on the queue.
  StoreCluster::Schedule store_schedule();
  void on_agent_tick(const Event& event);
  // The node's own database as its agent reads it; nothing while it is down.
  std::optional<core::Checkin> local_reading(HostIndex host);
  // A node's local command from its agent: nullopt, or why it could not be done.
  std::optional<std::string> apply_local(HostIndex host, const core::InfraRequest& request);
  void add_follower(const std::string& service, const std::string& id);
  // The host named `name` if the control plane can reach its database, else
  // why not.
  std::optional<std::string> db_unreachable(const std::string& name, HostIndex& index) const;
  std::vector<EndpointId> endpoints(const std::vector<std::string>& names) const;
  std::vector<SimClock*> clocks(const std::vector<std::string>& names);
  core::TimeUs jitter(core::TimeUs interval_us, Rng& rng);
  // Role names ("leader:db1", "monitors", "node:db1-2", ...) replaced by
  // what they name now; plain names kept; roles naming nothing dropped.
  std::vector<std::string> resolve(const std::vector<std::string>& names);
  // A clock fault on the control plane's own clock.
  static bool on_control_plane_clock(const FaultSpec& spec);
  // A clock fault started or healed on store members: their timers are re-armed.
  void clocks_changed(const FaultSpec& spec);

  SimConfig config_;
  core::TimeUs now_us_ = 0;
  EventQueue<Event> queue_;
  Trace trace_;
  Rng rng_world_;
  Rng rng_network_;
  Rng rng_faults_;
  Rng rng_operator_;
  World world_;
  core::InMemoryStore durable_;
  SimStore store_;
  SimInfra infra_;
  MonitorTelemetry telemetry_;
  Placement placement_;
  std::vector<Spot> spots_;       // by host
  std::uint32_t live_hosts_ = 0;  // created and not destroyed, against the quota
  std::uint64_t hosts_refused_ = 0;
  SimClock control_plane_clock_;
  TraceJournal journal_;
  InvariantChecker checker_;
  WriteChecks write_checks_;
  HostHealth health_;
  std::unique_ptr<DisruptionLog> disruptions_;  // over the plane's model, once it is built
  AvailabilityMeter availability_;
  std::size_t violations_taken_ = 0;
  core::Environment env_;
  const seam::PlaneInfo* plane_info_ = nullptr;
  std::unique_ptr<seam::ControlPlane> plane_;
  seam::FleetConfiguration fleet_;
  std::unique_ptr<seam::Process> process_;
  bool control_plane_up_ = true;
  // The plane's agent on each up host, with the incarnation it started in: a
  // host that went down since has lost it.
  struct RunningAgent {
    std::uint32_t incarnation = 0;
    std::unique_ptr<LocalInfra> local;
    std::unique_ptr<LocalTelemetry> telemetry;
    std::unique_ptr<core::Environment> env;
    std::unique_ptr<CoordinationClient> coordination;  // when the fleet runs a store
    std::unique_ptr<seam::Agent> agent;                // last: it goes before what it was handed
  };
  // The consensus store's members, when the plane asks for them; declared
  // before the agents, so every client goes before the store it asks.
  std::unique_ptr<StoreCluster> coordination_;
  // The process's client of that store, made at its first ask; one per
  // process, lost with it. Declared after the store, so it goes first.
  std::unique_ptr<DeferredCoordination> process_coordination_;
  std::uint32_t process_starts_ = 0;  // which process a client was made for
  // Every node's agent Store, kept on the node's disk: it outlives the agent.
  std::map<HostIndex, std::unique_ptr<core::InMemoryStore>> agent_stores_;
  std::map<HostIndex, RunningAgent> agents_;
  bool local_request_ = false;  // apply() is serving an agent's local command
  // Inputs changed since the last pass (Process::inputs_changed): hosts whose
  // check-ins arrived, and entities requests were raised on.
  std::vector<HostIndex> changed_hosts_;
  std::vector<HostIndex> health_touched_;  // hosts to re-read once the event is over
  std::vector<std::string> changed_entities_;
  std::vector<std::string> requested_entities_;  // Process::records_changed
  // Monitoring's own view moved (Process::all_inputs_changed): what it was
  // at the last pass, and whether it changed since.
  std::vector<std::int64_t> monitoring_view_;
  bool monitoring_moved_ = false;
  core::TimeUs next_audit_us_ = 0;  // the first pass at or after it is audited
  core::TimeUs next_tick_us_ = 0;   // the next periodic pass
  core::TimeUs due_at_us_ = -1;     // the pass the process asked for; -1: none
  bool healed_ = false;             // heal_all() ran: no new random faults
  core::TimeUs healed_at_us_ = 0;
  std::vector<FaultSpec> scheduled_faults_;
  std::vector<ScheduledFault> drawn_faults_;
  std::vector<ScheduledOperator> drawn_operators_;
  std::vector<OperatorRequest> scheduled_operators_;
  std::map<std::uint64_t, ActiveFault> active_;
  std::uint64_t next_fault_id_ = 1;
  std::uint64_t next_write_id_ = 1;
  std::uint64_t events_ = 0;
  std::uint64_t events_max_ = UINT64_MAX;  // SimConfig::events_max; none: UINT64_MAX
  bool events_max_reached_ = false;
  std::uint64_t faults_started_ = 0;
  std::uint32_t control_plane_clock_faults_ = 0;
  std::uint64_t control_plane_crashes_ = 0;
  bool store_checked_ = false;
  std::uint64_t store_keys_unchecked_ = 0;
  std::optional<Finding> finding_;
};

}  // namespace unwedge::sim
