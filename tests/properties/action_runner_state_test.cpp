// The action runtime against a model, with rc::state: an action of three
// steps, each asking the fleet API for one effect and recording it, driven
// step by step while the process crashes at any point of a step's
// transaction, the fleet API finishes, fails or does not answer, and the
// action is started again (as a scheduler re-reading its decisions does).
//
// What the runtime promises, and the model predicts: start() creates the
// record once; a step that commits advances the record together with its
// own writes, a step that does not commit changes nothing in the Store; a
// waiting step counts its waits up to the action's bound; a finished record
// is never run again; and asking again after a crash uses the same key, so
// each effect is started exactly once.
#include <array>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "core/action_runner.hpp"
#include "core/in_memory_store.hpp"
#include "sim/sim_store.hpp"
#include "tests/support/entities.hpp"
#include "tests/support/fake_telemetry.hpp"
#include "tests/support/manual_clock.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::core {
namespace {

using sim::CrashPoint;
using testing::TestServer;

constexpr std::size_t kSteps = 3;
constexpr std::uint32_t kWaitsMax = 4;
constexpr char kActionId[] = "chain/db1/1";

std::string host(std::size_t step) {
  return "host-" + std::to_string(step);
}

// A fleet API whose operations finish when the test says so. Each request
// body starts one operation per idempotency key; `timeout_next` makes the
// next request about a host go unanswered (the operation is unaffected).
class ScriptedInfra final : public Infra {
 public:
  Operation request(const InfraRequest& request) override {
    auto [it, created] = ops_.try_emplace(request.idempotency_key, Op{request});
    started_[request.target] += created ? 1 : 0;
    if (timeout_next_.erase(request.target) > 0) {
      return {OperationState::kTimedOut, "", "no answer"};
    }
    if (!(it->second.request == request)) return {OperationState::kFailed, "", "key reused"};
    return {it->second.state, "", ""};
  }
  void finish(const std::string& target, OperationState state) {
    for (auto& [key, op] : ops_) {
      if (op.request.target == target) op.state = state;
    }
  }
  void timeout_next(const std::string& target) { timeout_next_.insert(target); }
  int started(const std::string& target) const {
    auto s = started_.find(target);
    return s == started_.end() ? 0 : s->second;
  }

 private:
  struct Op {
    InfraRequest request;
    OperationState state = OperationState::kPending;
  };
  std::map<std::string, Op> ops_;
  std::map<std::string, int> started_;
  std::set<std::string> timeout_next_;
};

// Each step asks for its host's start and records it once done. With
// `*fail_after_call` set, the step throws right after asking, as a step
// whose later read fails would: the runner commits nothing.
ActionDef chain(const bool* fail_after_call) {
  ActionDef def{.name = "Chain", .waits_max = kWaitsMax};
  for (std::size_t i = 0; i < kSteps; ++i) {
    def.steps.push_back({"effect" + std::to_string(i), [i, fail_after_call](StepContext& ctx) {
                           const Operation op = ctx.call(pgworld::kStartHost, host(i));
                           if (*fail_after_call) throw std::runtime_error("read failed");
                           if (op.state == OperationState::kFailed)
                             return StepResult::end(op.detail);
                           if (!op.done()) return StepResult::wait("waiting for " + host(i));
                           ctx.txn().put(TestServer{.id = "done-" + std::to_string(i)});
                           return StepResult::next();
                         }});
  }
  return def;
}

enum class OpState : std::uint8_t { kNone, kPending, kSucceeded, kFailed };

struct ChainModel {
  bool started = false;
  std::uint32_t next_step = 0;
  std::uint32_t waits = 0;
  ActionStatus status = ActionStatus::kRunning;
  std::array<OpState, kSteps> ops{};
  std::array<bool, kSteps> timeout_next{};
};

struct ChainSut {
  InMemoryStore durable;
  sim::SimStore store{durable};
  ScriptedInfra infra;
  sim::ManualClock clock{1'000};
  testing::FakeTelemetry telemetry;
  Environment env{.store = store, .infra = infra, .clock = clock, .telemetry = telemetry};
  bool fail_after_call = false;
  ActionDef def = chain(&fail_after_call);
};

using ChainCommand = rc::state::Command<ChainModel, ChainSut>;

// What the Store holds must be what the model says, after every command.
void check_store(const ChainModel& m, ChainSut& sut) {
  std::unique_ptr<Transaction> txn = sut.durable.begin();
  const std::optional<ActionRecord> record = txn->get<ActionRecord>(kActionId);
  RC_ASSERT(record.has_value() == m.started);
  if (record) {
    RC_ASSERT(record->next_step == m.next_step);
    RC_ASSERT(record->waits == m.waits);
    RC_ASSERT(record->status == m.status);
  }
  for (std::size_t i = 0; i < kSteps; ++i) {
    RC_ASSERT(txn->get<TestServer>("done-" + std::to_string(i)).has_value() == (i < m.next_step));
    RC_ASSERT(sut.infra.started(host(i)) == (m.ops[i] == OpState::kNone ? 0 : 1));
  }
}

struct Start : ChainCommand {
  void apply(ChainModel& m) const override { m.started = true; }
  void run(const ChainModel& m, ChainSut& sut) const override {
    RC_ASSERT(ActionRunner(sut.env).start(sut.def, kActionId, "db1").ok());
    ChainModel after = m;
    apply(after);
    check_store(after, sut);
  }
  void show(std::ostream& os) const override { os << "start"; }
};

// One step in a fresh process, which may die at `crash` in the step's
// transaction (mid-transaction: at its first read, before the step body),
// or whose body may throw after asking the fleet API.
struct Step : ChainCommand {
  std::optional<CrashPoint> crash =
      *rc::gen::weightedElement<std::optional<CrashPoint>>({{5, std::nullopt},
                                                            {1, CrashPoint::kBeforeBegin},
                                                            {1, CrashPoint::kMidTransaction},
                                                            {1, CrashPoint::kAfterCommit}});
  bool throws = !crash && *rc::gen::weightedElement<bool>({{4, false}, {1, true}});

  // The model after the step body ran and its transaction committed.
  static ChainModel stepped(ChainModel m) {
    const std::uint32_t i = m.next_step;
    if (m.ops[i] == OpState::kNone) m.ops[i] = OpState::kPending;
    const bool answered = !m.timeout_next[i];
    m.timeout_next[i] = false;
    if (answered && m.ops[i] == OpState::kFailed) {
      m.status = ActionStatus::kEnded;
    } else if (answered && m.ops[i] == OpState::kSucceeded) {
      m.next_step++;
      m.waits = 0;
      if (m.next_step == kSteps) m.status = ActionStatus::kSucceeded;
    } else if (++m.waits >= kWaitsMax) {
      m.status = ActionStatus::kEnded;
    }
    return m;
  }

  void apply(ChainModel& m) const override {
    if (!m.started || m.status != ActionStatus::kRunning) return;
    if (crash == CrashPoint::kBeforeBegin || crash == CrashPoint::kMidTransaction) return;
    ChainModel after = stepped(m);
    if (throws) {
      // The fleet API was asked; nothing the step wrote was committed.
      m.ops = after.ops;
      m.timeout_next = after.timeout_next;
      return;
    }
    m = after;
  }

  void run(const ChainModel& m, ChainSut& sut) const override {
    ChainModel after = m;
    apply(after);
    if (crash && m.started && m.status == ActionStatus::kRunning) {
      sut.store.crash_at(sut.store.transactions_begun(), *crash);
      bool crashed = false;
      try {
        static_cast<void>(ActionRunner(sut.env).step(sut.def, kActionId));
      } catch (const sim::ProcessCrash&) {
        crashed = true;
      }
      RC_ASSERT(crashed);
      check_store(after, sut);
      return;
    }
    sut.fail_after_call = throws;
    const Result<StepOutcome> out = ActionRunner(sut.env).step(sut.def, kActionId);
    sut.fail_after_call = false;
    const bool runs = m.started && m.status == ActionStatus::kRunning;
    RC_ASSERT(out.ok() == (m.started && !(throws && runs)));
    if (out.ok()) RC_ASSERT(out->status == after.status);
    check_store(after, sut);
  }
  void show(std::ostream& os) const override {
    os << "step";
    if (crash) os << ", crashing at point " << static_cast<int>(*crash);
    if (throws) os << ", throwing after the call";
  }
};

// The fleet API finishes (or fails) the operation of one step.
struct Finish : ChainCommand {
  std::size_t i = *rc::gen::inRange<std::size_t>(0, kSteps);
  bool fails = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});
  void checkPreconditions(const ChainModel& m) const override {
    RC_PRE(m.ops[i] == OpState::kPending);
  }
  void apply(ChainModel& m) const override {
    m.ops[i] = fails ? OpState::kFailed : OpState::kSucceeded;
  }
  void run(const ChainModel&, ChainSut& sut) const override {
    sut.infra.finish(host(i), fails ? OperationState::kFailed : OperationState::kSucceeded);
  }
  void show(std::ostream& os) const override { os << (fails ? "fail " : "finish ") << host(i); }
};

// The next request about one step's host goes unanswered.
struct TimeOut : ChainCommand {
  std::size_t i = *rc::gen::inRange<std::size_t>(0, kSteps);
  void apply(ChainModel& m) const override { m.timeout_next[i] = true; }
  void run(const ChainModel&, ChainSut& sut) const override { sut.infra.timeout_next(host(i)); }
  void show(std::ostream& os) const override { os << "time out the next request for " << host(i); }
};

RC_GTEST_PROP(ActionRunnerModel, StepsCrashesAndFleetAnswersBehaveAsTheModelSays, ()) {
  ChainSut sut;
  rc::state::check(ChainModel{}, sut,
                   rc::state::gen::execOneOfWithArgs<Start, Step, Step, Step, Finish, TimeOut>());
}

}  // namespace
}  // namespace unwedge::core
