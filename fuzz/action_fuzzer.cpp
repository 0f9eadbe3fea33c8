// action_fuzzer: searches for a store of the reference control plane, with
// its entities in any state of their machines (ones they "should never" be
// in included), and a set of signals, on which the decision tables and the
// actions break a contract: an assertion, a state change the machine's table
// refuses, or one idempotency key asked with two different requests.
//
// The input sets up one service with up to five servers (leader, standbys,
// a follower, a retired one; each with its state, replica link and request
// flags), its certificate, what
// monitoring last heard from each host, and a fleet API that answers each
// new key at the input's choice (pending, done, failed or timed out) and
// keeps its word for a key once it has answered it. Then:
//   1. one entity is handed an arbitrary signal set; its table decides and
//      the action decided is started, as the controller would start it;
//   2. that action is driven for up to 16 passes, 5 s apart;
//   3. the controller itself runs 8 ticks, deriving signals from the store.
// No simulator is involved: the control plane runs over an in-memory store,
// so an input runs in microseconds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/action.hpp"
#include "core/assert.hpp"
#include "core/clock.hpp"
#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "core/infra.hpp"
#include "core/journal.hpp"
#include "core/scheduler.hpp"
#include "core/telemetry.hpp"
#include "planes/postgres/actions.hpp"
#include "planes/postgres/controller.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "planes/postgres/settings.hpp"
#include "planes/postgres/tables.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace {

using namespace unwedge;
using core::kSecond;
using core::TimeUs;

constexpr int kDrivePasses = 16;
constexpr int kControllerTicks = 8;
constexpr TimeUs kPass = 5 * kSecond;

class Clock final : public core::Clock {
 public:
  TimeUs now_us() const override { return now_us_; }
  void advance(TimeUs by_us) { now_us_ += by_us; }

 private:
  TimeUs now_us_ = 1'000 * kSecond;
};

// Check-ins as the input sets them; their ages grow with the clock.
class Telemetry final : public core::Telemetry {
 public:
  explicit Telemetry(const Clock& clock) : clock_(clock) {}
  void add(const std::string& host, core::Checkin checkin) {
    checkins_[host].push_back(std::move(checkin));
  }
  std::vector<core::Checkin> checkins(std::string_view host) const override {
    auto found = checkins_.find(host);
    if (found == checkins_.end()) return {};
    std::vector<core::Checkin> aged = found->second;
    for (core::Checkin& c : aged)
      c.age_us = clock_.now_us() - c.received_us;
    return aged;
  }

 private:
  const Clock& clock_;
  std::map<std::string, std::vector<core::Checkin>, std::less<>> checkins_;
};

// A fleet API that answers each key as the input says, then keeps its word:
// a key done or failed stays so; a pending or timed-out one is answered
// afresh when asked again. The same key with a different request is the
// control plane's bug, not the API's.
class Infra final : public core::Infra {
 public:
  explicit Infra(FuzzedDataProvider& in) : in_(in) {}

  core::Operation request(const core::InfraRequest& request) override {
    auto [it, first] = asked_.try_emplace(request.idempotency_key, Asked{request, {}});
    UNWEDGE_ASSERT_MSG(first || it->second.request == request,
                       "key {} asked for {} {} ({}) after {} {} ({})", request.idempotency_key,
                       pgworld::to_string(request.verb), request.target, request.argument,
                       pgworld::to_string(it->second.request.verb), it->second.request.target,
                       it->second.request.argument);
    core::Operation& op = it->second.answer;
    if (first || op.state == core::OperationState::kPending ||
        op.state == core::OperationState::kTimedOut) {
      constexpr core::OperationState kStates[] = {
          core::OperationState::kSucceeded, core::OperationState::kPending,
          core::OperationState::kFailed, core::OperationState::kTimedOut};
      op.state = kStates[in_.ConsumeIntegralInRange<std::size_t>(0, std::size(kStates) - 1)];
      if (op.state == core::OperationState::kFailed) op.detail = "refused by the fuzz input";
      if (op.state == core::OperationState::kSucceeded && request.verb == pgworld::kCreateHost) {
        op.result = fmt::format("10.0.0.{}", asked_.size());
      }
    }
    return op;
  }

 private:
  struct Asked {
    core::InfraRequest request;
    core::Operation answer;
  };
  FuzzedDataProvider& in_;
  std::map<std::string, Asked, std::less<>> asked_;
};

// Keeps the story so far (started actions, steps, state changes) for the
// report of a failed assertion, and traps on a change the machine's table
// refuses: the actions must check where an entity stands before they move it.
class StoryJournal final : public core::Journal {
 public:
  void transition(const core::TransitionEvent& e) override {
    remember(fmt::format("{} {} {} -> {} on {}", e.action_id, e.entity,
                         e.machine->state_name(e.from), e.machine->state_name(e.to), e.cause));
    UNWEDGE_ASSERT_MSG(!e.refused, "{} asked {} {} -> {} on {}, which its machine refuses",
                       e.action_id, e.entity, e.machine->state_name(e.from),
                       e.machine->state_name(e.to), e.cause);
  }
  void step(const core::StepEvent& e) override {
    remember(fmt::format("{} step {}: {} {}", e.action_id, e.step, e.verdict, e.note));
  }
  void remember(std::string line) {
    if (story_.size() == kStoryMax) story_.erase(story_.begin());
    story_.push_back(std::move(line));
  }
  std::string story() const { return fmt::format("{}", fmt::join(story_, "\n  ")); }

 private:
  static constexpr std::size_t kStoryMax = 40;
  std::vector<std::string> story_;
};

// A failed assertion prints the story that led to it, then fails as usual
// (libFuzzer's abort, or the replay's report).
const StoryJournal* g_story = nullptr;
core::AssertionHandler g_previous_handler = nullptr;

void tell_story_then_fail(const std::string& message) {
  if (g_story != nullptr)
    std::fprintf(stderr, "the story so far:\n  %s\n", g_story->story().c_str());
  g_previous_handler(message);
}

core::MachineState any_state(FuzzedDataProvider& in, const core::MachineDef& machine) {
  return {.id = in.ConsumeIntegralInRange<core::StateId>(
              0, static_cast<core::StateId>(machine.state_count() - 1)),
          .entered_us = in.ConsumeIntegralInRange<TimeUs>(0, 1'000 * kSecond)};
}

// The fleet's shape is well-formed, as the actions that build it leave it:
// the plan's leader and standbys (each standby with its link), maybe a
// customer follower and a retired server. What is arbitrary is where each
// entity stands: its state, its request flags, its counters, and what
// monitoring last heard.
std::size_t seed_store(FuzzedDataProvider& in, core::Store& store, Telemetry& telemetry,
                       const Clock& clock) {
  const auto standbys = in.ConsumeIntegralInRange<std::uint32_t>(0, 2);
  std::vector<postgres::Role> roles = {postgres::Role::kLeader};
  roles.insert(roles.end(), standbys, postgres::Role::kStandby);
  if (in.ConsumeBool()) roles.push_back(postgres::Role::kFollower);
  if (in.ConsumeBool()) roles.push_back(postgres::Role::kRetired);
  const auto servers = roles.size();
  auto txn = store.begin();
  txn->put(postgres::Service{.id = "db1",
                             .state = any_state(in, postgres::service_machine()),
                             .leader = "db1-1",
                             .timeline = in.ConsumeIntegralInRange<pgworld::Timeline>(1, 4),
                             .standbys = standbys,
                             .synchronous = standbys > 0 && in.ConsumeBool(),
                             .certificate = "db1-cert",
                             .servers_named = static_cast<std::uint32_t>(servers),
                             .failover_requested = in.ConsumeBool(),
                             .deprovision_requested = in.ConsumeBool()});
  for (std::size_t n = 1; n <= servers; ++n) {
    const std::string id = fmt::format("db1-{}", n);
    const postgres::Role role = roles[n - 1];
    txn->put(postgres::Server{.id = id,
                              .service = "db1",
                              .state = any_state(in, postgres::server_machine()),
                              .role = role,
                              .restarts = in.ConsumeIntegralInRange<std::uint32_t>(0, 5),
                              .replace_requested = in.ConsumeBool(),
                              .destroy_requested = in.ConsumeBool()});
    if (role == postgres::Role::kStandby || role == postgres::Role::kFollower) {
      txn->put(postgres::ReplicaLink{.id = id,
                                     .service = "db1",
                                     .state = any_state(in, postgres::replica_link_machine()),
                                     .standby = role == postgres::Role::kStandby,
                                     .promote_requested = in.ConsumeBool(),
                                     .unfollow_requested = in.ConsumeBool()});
    }
    const auto checkins = in.ConsumeIntegralInRange<int>(0, 2);
    for (int c = 0; c < checkins; ++c) {
      telemetry.add(
          id, core::Checkin{.vantage = c == 0 ? "monitor-a" : "monitor-b",
                            .received_us = clock.now_us() -
                                           in.ConsumeIntegralInRange<TimeUs>(0, 600) * kSecond,
                            .sent_us = clock.now_us(),
                            .log_position = in.ConsumeIntegralInRange<pgworld::Lsn>(0, 1 << 24),
                            .term = in.ConsumeIntegralInRange<pgworld::Timeline>(1, 4),
                            .accepts_writes = in.ConsumeBool()});
    }
  }
  const auto holder = in.ConsumeIntegralInRange<std::size_t>(0, servers);
  txn->put(postgres::Certificate{
      .id = "db1-cert",
      .service = "db1",
      .state = any_state(in, postgres::certificate_machine()),
      .installed_on = holder == 0 ? "" : fmt::format("db1-{}", holder),
      .serial = in.ConsumeIntegralInRange<std::uint32_t>(0, 3),
      .not_after_us =
          clock.now_us() + in.ConsumeIntegralInRange<TimeUs>(-10, 100) * 86'400 * kSecond,
      .revoke_requested = in.ConsumeBool()});
  const unwedge::core::Status committed = txn->commit();
  UNWEDGE_ASSERT(committed.ok());
  return servers;
}

// Step 1: one entity, handed an arbitrary signal set; its kind's table
// decides and the action decided is started as the controller would start
// it. One action alone, so what it does from that state is its own doing.
template <class Entity>
void start_one(FuzzedDataProvider& in, core::Store& store, core::Scheduler& scheduler,
               const core::DecisionTable& table, StoryJournal& journal) {
  const std::vector<std::string> ids = store.begin()->ids(Entity::kKind);
  if (ids.empty()) return;
  const std::string& id = ids[in.ConsumeIntegralInRange<std::size_t>(0, ids.size() - 1)];
  const std::shared_ptr<const Entity> entity = store.begin()->view<Entity>(id);
  const auto signals =
      core::SignalSet::from_bits(in.ConsumeIntegral<std::uint32_t>() & table.all_signals().bits());
  const core::Decision decision = table.decide(entity->state.id, signals);
  // A cell the table declares impossible is never decided on.
  if (decision.kind != core::DecisionKind::kAct) return;
  const std::string& action = table.action_name(*decision.action);
  journal.remember(fmt::format("{} {}: {} -> {}", Entity::kKind, id,
                               table.describe_cell(entity->state.id, signals), action));
  const postgres::Slot slot = postgres::slot_for(*entity, action);
  (void)scheduler.offer(slot.kind, slot.entity, action, id);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_previous_handler = core::set_assertion_handler(&tell_story_then_fail);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Clock clock;
  Telemetry telemetry(clock);
  Infra infra(in);
  StoryJournal journal;
  g_story = &journal;
  core::InMemoryStore store;
  seed_store(in, store, telemetry, clock);
  const core::Environment env{
      .store = store, .infra = infra, .clock = clock, .telemetry = telemetry, .journal = &journal};
  const postgres::Settings settings;
  const std::vector<core::ActionDef> actions = postgres::make_actions(settings);
  core::Scheduler scheduler(env, actions);

  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      start_one<postgres::Service>(in, store, scheduler, postgres::service_table(), journal);
      break;
    case 1:
      start_one<postgres::Server>(in, store, scheduler, postgres::server_table(), journal);
      break;
    case 2:
      start_one<postgres::ReplicaLink>(in, store, scheduler, postgres::replica_link_table(),
                                       journal);
      break;
    default:
      start_one<postgres::Certificate>(in, store, scheduler, postgres::certificate_table(),
                                       journal);
      break;
  }
  for (int pass = 0; pass < kDrivePasses; ++pass) {
    scheduler.drive_all();
    clock.advance(kPass);
  }
  postgres::Controller controller(env, settings);
  for (int tick = 0; tick < kControllerTicks; ++tick) {
    controller.tick();
    clock.advance(kPass);
  }
  g_story = nullptr;
  return 0;
}
