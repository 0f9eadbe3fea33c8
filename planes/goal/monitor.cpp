#include "planes/goal/monitor.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "planes/goal/goal_keys.hpp"
#include "planes/goal/monitor_table.hpp"
#include "planes/goal/node_machine.hpp"
#include "planes/goal/service_machine.hpp"

namespace unwedge::goal {
namespace {

using core::KvKind;
using core::KvState;

std::optional<core::Checkin> freshest(const core::Telemetry& telemetry, std::string_view node) {
  std::optional<core::Checkin> best;
  for (const core::Checkin& c : telemetry.checkins(node)) {
    if (!best || c.age_us < best->age_us) best = c;
  }
  return best;
}

bool fresh(const std::optional<core::Checkin>& checkin, const Settings& settings) {
  return checkin.has_value() && checkin->age_us <= settings.unhealthy_after_us;
}

core::SignalSet raise(const core::GroupTable& table, core::SignalSet signals,
                      const std::string& member, std::string_view signal) {
  const std::optional<core::SignalId> id = table.find_signal(fmt::format("{}.{}", member, signal));
  UNWEDGE_ASSERT_MSG(id.has_value(), "table {} has no signal {}.{}", table.name(), member, signal);
  return signals.with(*id);
}

bool in(const core::MachineDef& machine, core::StateId state,
        std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (machine.state_name(state) == name) return true;
  }
  return false;
}

std::vector<Member> members_of(core::Transaction& txn, const Service& service) {
  std::vector<Member> out;
  for (const std::string& id : service.members) {
    std::optional<Member> member = txn.get<Member>(id);
    UNWEDGE_ASSERT_MSG(member.has_value(), "service {} lists {}, which has no record", service.id,
                       id);
    out.push_back(std::move(*member));
  }
  return out;
}

}  // namespace

core::SignalSet monitor_signals(const core::GroupTable& table, const core::Telemetry& telemetry,
                                const std::vector<std::string>& members, const Settings& settings) {
  UNWEDGE_ASSERT_EQ(members.size(), table.member_count());
  std::vector<std::optional<core::Checkin>> heard;
  for (const std::string& node : members)
    heard.push_back(freshest(telemetry, node));
  core::SignalSet signals;
  for (std::size_t m = 0; m < members.size(); ++m) {
    const std::string& name = table.member_names()[m];
    if (!fresh(heard[m], settings)) {
      signals = raise(table, signals, name, "Unhealthy");
      continue;  // what it last said is no word on its lag
    }
    // Caught up with every other member heard lately: it follows (it takes
    // no writes), on the other's timeline, within the lag allowed.
    const core::Checkin& own = *heard[m];
    bool caught_up = !own.accepts_writes;
    for (std::size_t o = 0; o < members.size() && caught_up; ++o) {
      if (o == m || !fresh(heard[o], settings)) continue;
      caught_up = heard[o]->term == own.term &&
                  heard[o]->log_position <= own.log_position + settings.caught_up_lag_max;
    }
    if (caught_up) signals = raise(table, signals, name, "CaughtUp");
  }
  return signals;
}

std::optional<std::string> leading_member(const std::vector<Member>& members, Mutant mutant) {
  const core::MachineDef& machine = node_machine(mutant);
  std::optional<std::string> leader;
  for (const Member& m : members) {
    if (!m.heard) continue;
    if (!in(machine, m.reported, {"single", "wait_primary", "primary"})) continue;
    if (!in(machine, m.goal, {"single", "wait_primary", "primary"})) continue;
    if (leader) return std::nullopt;  // two claim it: wait for one to demote
    leader = m.id;
  }
  return leader;
}

Monitor::Monitor(const core::Environment& env, core::Coordination* coordination,
                 const Settings& settings)
    : env_(env),
      coordination_(coordination),
      settings_(settings),
      actions_(monitor_actions(settings.mutant)),
      scheduler_(env_, actions_) {
  start();
}

void Monitor::start() {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  MonitorBoots record = txn->get<MonitorBoots>("monitor").value_or(MonitorBoots{.id = "monitor"});
  record.boots++;
  boots_ = record.boots;
  txn->put(record);
  // A failed commit could repeat an earlier boot's keys: the monitor insists.
  const core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
  UNWEDGE_ASSERT_LT(0u, boots_);
}

// Both reports read together; an answer that names a state is kept as the
// member's report. A member never heard keeps none.
bool Monitor::read_reports(const Service& service) {
  if (coordination_ == nullptr) return false;
  auto [it, fresh] = reading_.try_emplace(service.id, reads_ + 1);
  if (fresh) ++reads_;
  std::vector<core::KvAnswer> answers;
  for (const std::string& node : service.members) {
    answers.push_back(
        coordination_->ask(fmt::format("monitor/boot{}/read{}/{}", boots_, it->second, node),
                           {.kind = KvKind::kGet, .key = state_key(node)}));
  }
  for (const core::KvAnswer& answer : answers) {
    if (answer.state == KvState::kPending) return false;
  }
  reading_.erase(it);
  for (const core::KvAnswer& answer : answers) {
    if (answer.state != KvState::kAnswered) return false;
  }
  const core::MachineDef& machine = node_machine(settings_.mutant);
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  for (std::size_t m = 0; m < answers.size(); ++m) {
    if (!answers[m].succeeded) continue;
    const std::optional<Report> report = parse_report(answers[m].value);
    UNWEDGE_ASSERT_MSG(report.has_value(), "{} reports '{}', which no keeper writes",
                       service.members[m], answers[m].value);
    const std::optional<core::StateId> state = machine.find_state(report->state);
    UNWEDGE_ASSERT_MSG(state.has_value(), "{} reports '{}', a state of no node machine",
                       service.members[m], answers[m].value);
    std::optional<Member> member = txn->get<Member>(service.members[m]);
    UNWEDGE_ASSERT(member.has_value());
    if (member->heard && member->reported == *state && member->final == report->final) continue;
    member->heard = true;
    member->reported = *state;
    member->final = report->final;
    txn->put(*member);
  }
  return txn->commit().ok();
}

// The table decides over both members' reports; a goal it changes is kept
// in the Store, unsent, before it is written to the store for the keeper.
void Monitor::assign_goals(const Service& service) {
  const core::GroupTable& table = monitor_table(settings_.mutant);
  const core::MachineDef& machine = node_machine(settings_.mutant);
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  std::vector<Member> members = members_of(*txn, service);
  UNWEDGE_ASSERT_EQ(members.size(), table.member_count());
  core::GroupStates states;
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (!members[m].heard) return;
    states.of[m] = members[m].reported;
  }
  const core::SignalSet signals =
      monitor_signals(table, env_.telemetry, service.members, settings_);
  const core::GroupDecision decision = table.decide(states, signals);
  UNWEDGE_ASSERT_MSG(decision.kind == core::GroupDecision::Kind::kAssign ||
                         decision.kind == core::GroupDecision::Kind::kNothing,
                     "monitor of {}: {} for {}", service.id, table.describe(decision),
                     table.describe_cell(states, signals));
  if (decision.kind != core::GroupDecision::Kind::kAssign) return;
  bool changed = false;
  for (std::size_t m = 0; m < members.size(); ++m) {
    const std::optional<core::StateId>& goal = decision.assign.goal[m];
    if (!goal) continue;
    // A standby's goal names the primary it follows: the other member.
    const std::string upstream =
        in(machine, *goal, {"catchingup", "secondary"}) ? members[1 - m].id : std::string();
    Member& member = members[m];
    const Member& other = members[1 - m];
    // A promotion replays the old primary's log to where it was fenced; with
    // that position not yet reported, the monitor writes no promotion.
    std::optional<Position> reach;
    if (in(machine, member.reported, {"prepare_promotion"}) &&
        in(machine, *goal, {"wait_primary"})) {
      UNWEDGE_ASSERT(in(machine, other.reported, {"demoted"}));
      if (!other.final) return;
      reach = other.final;
    }
    if (member.goal == *goal && member.upstream == upstream && member.reach == reach) continue;
    member.goal = *goal;
    member.upstream = upstream;
    member.reach = reach;
    member.goal_sent = false;
    member.goal_version++;
    txn->put(member);
    changed = true;
  }
  if (changed) static_cast<void>(txn->commit());  // failed: decided again on the next pass
}

void Monitor::send_goals(const Service& service) {
  if (coordination_ == nullptr) return;
  const core::MachineDef& machine = node_machine(settings_.mutant);
  std::unique_ptr<core::Transaction> txn = env_.store.begin();
  bool sent = false;
  for (Member& member : members_of(*txn, service)) {
    if (member.goal_sent) continue;
    const std::uint32_t attempt = attempts_[member.id];
    const Goal goal{.state = machine.state_name(member.goal),
                    .upstream = member.upstream,
                    .reach = member.reach};
    const core::KvAnswer answer = coordination_->ask(
        fmt::format("monitor/boot{}/goal/{}/v{}.{}", boots_, member.id, member.goal_version,
                    attempt),
        {.kind = KvKind::kPut, .key = goal_key(member.id), .value = format_goal(goal)});
    if (answer.state == KvState::kPending) continue;
    if (answer.state == KvState::kFailed) {
      attempts_[member.id] = attempt + 1;  // the put may have landed: it is put again
      continue;
    }
    attempts_.erase(member.id);
    member.goal_sent = true;
    txn->put(member);
    sent = true;
  }
  if (sent) static_cast<void>(txn->commit());  // failed: put again on the next pass
}

bool Monitor::decide_service(const std::string& id) {
  std::unique_ptr<core::Transaction> txn = env_.store.begin();  // read only
  std::shared_ptr<const Service> service = txn->view<Service>(id);
  if (!service || scheduler_.busy(*txn, Service::kKind, id)) return false;
  const core::DecisionTable& table = service_table();
  const core::MachineDef& machine = node_machine(settings_.mutant);
  const std::vector<Member> members = members_of(*txn, *service);
  const std::optional<std::string> leader = leading_member(members, settings_.mutant);
  bool settled = members.size() == 2;
  std::size_t primaries = 0;
  for (const Member& m : members) {
    const bool primary = in(machine, m.reported, {"primary"}) && m.goal == m.reported;
    const bool secondary = in(machine, m.reported, {"secondary"}) && m.goal == m.reported;
    settled = settled && m.heard && m.goal_sent && (primary || secondary);
    primaries += primary ? 1 : 0;
  }
  settled = settled && primaries == 1;
  std::vector<std::string_view> raised;
  if (service->hosts_created) raised.push_back("HostsCreated");
  if (settled) raised.push_back("Settled");
  if (leader && *leader != service->endpoint) raised.push_back("EndpointStale");
  core::SignalSet signals;
  for (std::string_view name : raised)
    signals = signals.with(*table.find_signal(name));
  const core::Decision decision = table.decide(service->state.id, signals);
  UNWEDGE_ASSERT(decision.kind == core::DecisionKind::kAct ||
                 decision.kind == core::DecisionKind::kNothing);
  const std::string_view action =
      decision.action ? std::string_view(table.action_name(*decision.action)) : "";
  if (env_.journal != nullptr) {
    env_.journal->decision({.table = &table,
                            .kind = Service::kKind,
                            .entity = id,
                            .state = service->state.id,
                            .signals = signals,
                            .action = action,
                            .at_us = env_.clock.now_us()});
  }
  if (decision.kind != core::DecisionKind::kAct) return false;
  core::Result<bool> offered = scheduler_.offer(Service::kKind, id, action);
  return offered.ok() && *offered;
}

bool Monitor::tick() {
  std::uint32_t started = 0;
  for (const std::string& id : env_.store.begin()->ids(Service::kKind)) {
    std::optional<Service> service = env_.store.begin()->get<Service>(id);
    UNWEDGE_ASSERT(service.has_value());
    if (service->hosts_created) {
      if (read_reports(*service)) assign_goals(*service);
      send_goals(*service);
    }
    started += decide_service(id) ? 1 : 0;
  }
  const core::DriveStats drive = scheduler_.drive_all();
  return started == 0 && drive.driven == 0;
}

}  // namespace unwedge::goal
