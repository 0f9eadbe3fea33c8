// The seam: how the simulator, the campaign, the swarm, the fuzz targets,
// crash exploration and the reports reach a control plane under test.
//
// A control plane is a plug-in. It is registered by name (registry.hpp) with
// a factory that builds it from its settings; everything the harness needs to
// know about it goes through the two interfaces below, which name no
// particular plane and no particular database:
//
// - ControlPlane: one run's view of the plane: it writes what a customer's
//   order puts in the Store, answers who holds a role ("standby:db1"),
//   raises operators' and customers' requests as its console would, lists
//   every entity's committed state, and adds its own invariants (judged
//   during the run) and end-of-run checks.
// - Process: one incarnation of the plane's main loop over an Environment.
//   The simulator starts one, ticks it, and starts another over the same
//   Store after a crash.
//
//   const seam::PlaneInfo* info = seam::find_plane("my_plane");
//   core::Result<std::unique_ptr<seam::ControlPlane>> plane = info->create({});
//   std::unique_ptr<seam::Process> process = (*plane)->start({.env = env});
//   process->tick();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/action.hpp"
#include "core/control_plane_model.hpp"
#include "core/coordination.hpp"
#include "core/environment.hpp"
#include "core/journal.hpp"
#include "core/machine.hpp"
#include "core/store.hpp"
#include "core/time.hpp"

namespace unwedge::seam {

// A plane's settings as a scenario writes them: "missed_after" -> "30s".
// Absent keys take the plane's defaults.
using SettingsText = std::map<std::string, std::string, std::less<>>;

// One setting a plane declares: its name, its default as text, what it means.
struct SettingInfo {
  std::string name;
  std::string default_text;
  std::string summary;
};

// A service as a scenario orders it.
struct ServiceOrder {
  std::string id;
  std::uint32_t standbys = 1;
  bool synchronous = true;
};

// What a request did. A request that asks the fleet for a new node (a
// customer's read replica) names it: the world creates the node, following
// the service's leader.
struct RequestOutcome {
  bool raised = false;  // false: the target is gone or the request meant nothing now
  std::optional<std::string> new_replica;
};

// A service as the plane's Store describes it, for the end-of-run checks.
struct ServiceView {
  std::string id;
  const core::StateDef* state = nullptr;
  bool ending = false;  // being deprovisioned, or gone: no longer judged
  std::string leader;   // the node the plane made its writer; empty if none
};

// What the plane configures of the fleet it runs on: how many monitoring
// vantage points every node checks in with, how long a certificate the
// fleet's authority issues at its request lasts, and the consensus store.
struct FleetConfiguration {
  std::uint32_t vantage_points = 2;
  core::TimeUs certificate_validity_us = 90 * 24 * core::kHour;
  // Members of the consensus store its agents share (3 or 5, on hosts of
  // their own); 0: the fleet runs none.
  std::uint32_t coordination_members = 0;
};

// A violation the plane's own checks found.
struct PlaneViolation {
  std::string entity;
  std::string message;
};

// One incarnation of the plane's main loop. Runs on the control plane's
// simulated host; everything it keeps in memory is lost with it.
//
// Besides its periodic pass, a process is told what changed and asked when
// it next wants to run, so a plane that decides only what changed (as
// Kubernetes controllers do with a work queue) needs nothing more from the
// simulator; a plane that decides everything on every pass ignores both.
class Process {
 public:
  virtual ~Process() = default;
  // One pass of the main loop; true when it started and drove nothing.
  virtual bool tick() = 0;
  // True for a process that wants inputs_changed(); the simulator then keeps
  // the list, which costs a little on every check-in.
  virtual bool wants_changes() const { return false; }
  // Before a pass: the entities whose inputs changed since the last one (a
  // node whose check-in arrived, an entity a request was raised on), each
  // once, sorted.
  virtual void inputs_changed(const std::vector<std::string>& entities) {
    static_cast<void>(entities);
  }
  // Before a pass: the entities whose records someone other than the
  // process wrote in the Store since the last one (a request raised on
  // them), each once, sorted; they are in inputs_changed() too.
  virtual void records_changed(const std::vector<std::string>& entities) {
    static_cast<void>(entities);
  }
  // Before a pass: something every entity's inputs may rest on moved
  // (monitoring's own view: a monitor cut off from the control plane or
  // back, a monitor's or the control plane's clock stepped or set drifting).
  // A process that decides only what changed decides everything next.
  virtual void all_inputs_changed() {}
  // A process that decides only what changed checks itself: after its pass,
  // every entity it did not just decide would decide now what it decided
  // last, or is queued to be decided on the next pass. The first
  // disagreement, if any: a missed decision, which the simulator reports as
  // a finding with a reproducer. Asked at sampled passes (every pass in the
  // fuzz and debug builds); it must not write the Store or journal.
  virtual std::optional<PlaneViolation> audit() { return std::nullopt; }
  // When, by its own clock, something it waits on falls due with no input
  // changing (a timeout, a renewal); the simulator runs a pass then if that
  // comes before the next periodic one. Nothing: the next periodic pass.
  virtual std::optional<core::TimeUs> next_due_us() const { return std::nullopt; }
  // Every action the process may run, for delivering one again.
  virtual const std::vector<core::ActionDef>& actions() const = 0;
};

// Code of the plane that runs on one node of the fleet: a keeper that decides
// locally (fences its own database when it loses its lease, promotes itself
// when told). The simulator runs one on every up host of the fleet, on that
// host: its loop is timed by the host's own clock, it does not run while the
// host is down or its agents are paused, and a crash of the host loses it and
// everything it held in memory (a new one starts when the host is up again).
class Agent {
 public:
  virtual ~Agent() = default;
  // One pass of its loop.
  virtual void tick() = 0;
  // An operator's request aimed at this agent's node: one the plane declares
  // with RequestInfo::to_agent, delivered as an operator's tool calls a
  // node's agent over its own API (Patroni's REST API behind `patronictl
  // restart`). Never delivered while the agent is not running: its host is
  // down, or its agents are paused. `now_us` is the host's clock.
  virtual RequestOutcome request(std::string_view kind, core::TimeUs now_us) {
    static_cast<void>(kind);
    static_cast<void>(now_us);
    return {};
  }
  // The plane's own invariant over what this agent holds (its node's Store,
  // its clock), judged after each of its passes like ControlPlane::check:
  // a violation is a finding of `plane_invariant`.
  virtual std::optional<PlaneViolation> check() const { return std::nullopt; }
};

// What an agent is handed: its node's name, the node's own world as an
// Environment, and the fleet's consensus store.
//
// The Environment is the node's, as a process's is the control plane's:
//   - clock: the host's own clock;
//   - store: the node's own Store, kept on its disk: it survives the host's
//     crash (the agent's memory does not), so an agent's actions resume
//     where they stood, as a process's do;
//   - infra: the node's local commands, on its own database only, answered
//     at once (they do not go through the fleet API, so that API's faults do
//     not reach them, but a node whose database is down refuses them);
//   - telemetry: the node's own database as the agent reads it locally: one
//     reading ("local", age 0) while it runs, none while it is down;
//   - journal: the simulator's, so the agent's state changes are checked
//     (valid transitions, dwell), covered and traced like the process's.
struct AgentContext {
  std::string node;
  const core::Environment& env;
  // The fleet's consensus store, reached over the network from this node;
  // null when the plane asks for none (FleetConfiguration::coordination_members).
  core::Coordination* coordination = nullptr;
};

// What a process is handed: the control plane's own world as an Environment,
// and the fleet's consensus store.
//
// The Environment is the control plane's: its clock, its Store (which
// outlives the process: a new one starts over it after a crash), the fleet
// API as Infra, monitoring as Telemetry, the simulator's journal. The
// consensus store is the one the plane's agents share
// (FleetConfiguration::coordination_members), reached from the control
// plane's host over the network as an agent reaches it from its node: a
// partition of the control plane cuts it off, and a crash of the process
// loses every answer it waited for (the next process asks afresh). Null
// when the fleet runs none. A monitor that assigns its nodes' agents goals
// through the store (pg_auto_failover's) writes and reads it here.
struct ProcessContext {
  const core::Environment& env;
  core::Coordination* coordination = nullptr;
};

class ControlPlane {
 public:
  virtual ~ControlPlane() = default;

  // Machines, tables, actions and claims: for bounds, coverage and checks.
  virtual const core::ControlPlaneModel& model() const = 0;
  virtual FleetConfiguration fleet() const = 0;
  // A new process over `env`, which must outlive it.
  virtual std::unique_ptr<Process> start(const core::Environment& env) const = 0;
  // A new process over `context`, whose environment and store outlive it. The
  // simulator starts every process through this one; the default, for a
  // plane whose process never reads the consensus store, starts it over the
  // environment alone.
  virtual std::unique_ptr<Process> start(const ProcessContext& context) const {
    return start(context.env);
  }
  // A copy of this object, with whatever it remembers of the run (requests
  // kept for end_check()), whose model() is the very object this one's is
  // (a model built once, as a function's static, is shared by copies). It
  // lets a run start from a provisioned fleet kept per shape instead of
  // simulating the provisioning again (sim::ProvisionedFleets: fleet_fuzzer's
  // encoding version 2). Null, the default: not copied, and every such run
  // simulates its provisioning, the same run, only slower.
  virtual std::unique_ptr<ControlPlane> clone() const { return nullptr; }
  // How often, by its host's clock, an agent runs; 0 (the default): the
  // plane has no per-node agents and start_agent() is never called.
  virtual core::TimeUs agent_interval_us() const { return 0; }
  // A new agent on `context.node`, which outlives it.
  virtual std::unique_ptr<Agent> start_agent(const AgentContext& context) const {
    static_cast<void>(context);
    return nullptr;
  }

  // Writes what a customer's order of `service` puts in the Store.
  virtual void order_service(core::Transaction& txn, const ServiceOrder& service,
                             core::TimeUs now_us) const = 0;
  // The role the plane's Store gives `node` ("standby", "follower", ...:
  // one of PlaneInfo::roles); empty when it has none. Role targets
  // ("standby:db1") resolve by it, and
  // a world may read it too: the simulated database fleet counts a node
  // toward synchronous commit only when its role is "standby".
  virtual std::string role_of(core::Transaction& txn, std::string_view node) const = 0;
  // The nodes of `service` in `role`, in id order.
  virtual std::vector<std::string> members(core::Transaction& txn, std::string_view service,
                                           std::string_view role) const = 0;
  // Raises an operator's or customer's request (`kind` from the request
  // vocabulary, "request_failover") on `target`, as the plane's console does.
  // The plane may remember it for end_check().
  virtual RequestOutcome request(core::Transaction& txn, std::string_view kind,
                                 std::string_view target, core::TimeUs now_us) = 0;

  // Every entity's committed state, for checkers that must see the Store's
  // truth (after a process died between a commit and its journal). Asked of
  // the plane's Store and of every node's agent Store.
  using StateSeen =
      std::function<void(const core::MachineDef&, std::string_view entity, core::StateId)>;
  virtual void committed_states(core::Transaction& txn, const StateSeen& seen) const = 0;
  // The node a committed transition made the writer of its service, if it
  // did: the world then checks it holds every acknowledged write.
  virtual std::optional<std::string> new_writer(const core::TransitionEvent& event) const = 0;
  // Every service the Store knows, for the end-of-run checks.
  virtual std::vector<ServiceView> services(core::Transaction& txn) const = 0;
  // One service by id, as services() describes it; nothing if the Store
  // has none. The simulator asks it on every client request, so a plane of
  // many services overrides it with a lookup: the default lists them all.
  virtual std::optional<ServiceView> service(core::Transaction& txn, std::string_view id) const {
    for (ServiceView& view : services(txn)) {
      if (view.id == id) return std::move(view);
    }
    return std::nullopt;
  }
  // The plane's own invariants, judged while the run goes on: after every
  // pass of its process and of its agents, over the Store as committed
  // then. The first violation, if any, ends the run as a finding of
  // `plane_invariant`, with a reproducer like any other. None by default.
  virtual std::optional<PlaneViolation> check(core::Transaction& txn, core::TimeUs now_us) const {
    static_cast<void>(txn);
    static_cast<void>(now_us);
    return std::nullopt;
  }
  // The plane's own end-of-run checks (a request it took that was never
  // carried out); the first violation, if any.
  virtual std::optional<PlaneViolation> end_check(core::Transaction& txn,
                                                  core::TimeUs now_us) const = 0;
};

}  // namespace unwedge::seam
