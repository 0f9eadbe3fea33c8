// Isolation as a finding: at READ COMMITTED, PostgreSQL's default, two
// controller processes over one store (as during a rolling deploy, when the
// old process has not yet stopped) lose an update, and the check catches
// it; at SERIALIZABLE one of them gets a conflict and the outcome is as if
// they had run one after the other.
//
// The processes run in one thread, interleaved the same way every time: a
// Store decorator runs process B's whole transaction while process A's is
// open, just before A's commit goes to the database. First on one entity
// with bare transactions, then with the framework itself: both processes'
// schedulers start the same entity's action (core/scheduler.hpp), and both
// run the same read-modify-write step of one action (core/action_runner.hpp).
#include <functional>

#include <gtest/gtest.h>

#include "core/action_runner.hpp"
#include "core/environment.hpp"
#include "core/scheduler.hpp"
#include "tests/stores/postgres_database.hpp"
#include "tests/support/fake_infra.hpp"
#include "tests/support/fake_telemetry.hpp"
#include "tests/support/manual_clock.hpp"

namespace unwedge::testing {
namespace {

using stores::Isolation;

// A Store whose next commit first runs a hook: another process's whole
// transaction, run while this one's is open.
class InterleavingStore final : public core::Store {
 public:
  explicit InterleavingStore(core::Store& inner) : inner_(inner) {}

  // Runs `hook` once, just before the next commit of a transaction begun here.
  void before_next_commit(std::function<void()> hook) { hook_ = std::move(hook); }

  std::unique_ptr<core::Transaction> begin() override {
    return std::make_unique<Txn>(*this, inner_.begin());
  }

 private:
  class Txn final : public core::Transaction {
   public:
    Txn(InterleavingStore& store, std::unique_ptr<core::Transaction> inner)
        : store_(store), inner_(std::move(inner)) {}
    std::vector<std::string> ids(std::string_view kind) override { return inner_->ids(kind); }
    core::Status commit() override {
      if (store_.hook_) std::exchange(store_.hook_, nullptr)();
      return inner_->commit();
    }
    void rollback() override { inner_->rollback(); }
    std::shared_ptr<const core::StoredValue> find(std::string_view kind,
                                                  std::string_view id) override {
      return inner_->find(kind, id);
    }
    void write(std::string kind, std::string id,
               std::shared_ptr<const core::StoredValue> value) override {
      inner_->write(std::move(kind), std::move(id), std::move(value));
    }

   private:
    InterleavingStore& store_;
    std::unique_ptr<core::Transaction> inner_;
  };

  core::Store& inner_;
  std::function<void()> hook_;
};

// An action of one step that bumps its subject's counter: read, add one,
// write back.
core::ActionDef bump() {
  return core::ActionDef{
      .name = "Bump",
      .steps = {{.name = "bump",
                 .run =
                     [](core::StepContext& ctx) {
                       Counter counter = ctx.txn()
                                             .get<Counter>(ctx.subject())
                                             .value_or(Counter{.id = ctx.subject()});
                       counter.count++;
                       ctx.txn().put(counter);
                       return core::StepResult::next();
                     }}},
      .summary = "bumps a counter",
      .transitions = {},
      .waits_max = 10,
  };
}

// One controller process: its own connections to the database, its own
// scheduler and action runner.
struct Process {
  explicit Process(std::unique_ptr<stores::PostgresStore> opened) : database(std::move(opened)) {}

  std::unique_ptr<stores::PostgresStore> database;
  InterleavingStore store{*database};
  FakeInfra infra;
  ManualClock clock{1'000};
  FakeTelemetry telemetry;
  core::Environment env{.store = store, .infra = infra, .clock = clock, .telemetry = telemetry};
  std::vector<core::ActionDef> actions{bump()};
  core::Scheduler scheduler{env, actions};
  core::ActionRunner runner{env};
};

// The check: every start the processes were told of is an execution its
// slot counts, and one action record per start. What disagrees, in words.
std::vector<std::string> check_slot(core::Store& store, const std::string& slot_id,
                                    int starts_reported) {
  std::vector<std::string> findings;
  auto txn = store.begin();
  const core::ActionSlot slot =
      txn->get<core::ActionSlot>(slot_id).value_or(core::ActionSlot{.id = slot_id});
  const auto records = static_cast<int>(txn->ids(core::ActionRecord::kKind).size());
  if (static_cast<int>(slot.executions) != starts_reported) {
    findings.push_back(fmt::format(
        "{}: {} starts were reported but the slot counts {} execution{}: a start was lost, and "
        "{} processes each believe they run {}",
        slot_id, starts_reported, slot.executions, slot.executions == 1 ? "" : "s", starts_reported,
        slot.running));
  }
  if (records != starts_reported) {
    findings.push_back(fmt::format("{}: {} starts were reported but {} action records exist",
                                   slot_id, starts_reported, records));
  }
  return findings;
}

// The check for a step: the counter went up once per step that committed.
std::vector<std::string> check_counter(core::Store& store, const std::string& id,
                                       int steps_committed) {
  auto txn = store.begin();
  const std::int64_t count = txn->get<Counter>(id).value_or(Counter{.id = id}).count;
  if (count == steps_committed) return {};
  return {fmt::format("counter {}: {} bump steps committed but it counts {}: an update was lost",
                      id, steps_committed, count)};
}

class PostgresIsolationTest : public PostgresDatabaseTest {
 protected:
  std::unique_ptr<Process> process(Isolation isolation) {
    auto store = open({.isolation = isolation});
    return store ? std::make_unique<Process>(std::move(store)) : nullptr;
  }
};

// The bare anomaly: two transactions read one counter and both write it
// plus one.
TEST_F(PostgresIsolationTest, ReadCommittedLosesAnUpdateThatSerializableRefuses) {
  for (Isolation isolation : {Isolation::kReadCommitted, Isolation::kSerializable}) {
    SCOPED_TRACE(isolation == Isolation::kSerializable ? "serializable" : "read committed");
    auto store = open({.isolation = isolation, .empty = true});
    ASSERT_TRUE(store);
    auto first = store->begin();
    auto second = store->begin();
    Counter a = first->get<Counter>("c").value_or(Counter{.id = "c"});
    Counter b = second->get<Counter>("c").value_or(Counter{.id = "c"});
    ++a.count;
    ++b.count;
    first->put(a);
    second->put(b);
    ASSERT_TRUE(first->commit().ok());
    core::Status committed = second->commit();
    int commits = 1 + (committed.ok() ? 1 : 0);
    if (isolation == Isolation::kReadCommitted) {
      EXPECT_TRUE(committed.ok());
      EXPECT_FALSE(check_counter(*store, "c", commits).empty()) << "the lost update went unseen";
    } else {
      ASSERT_FALSE(committed.ok());
      EXPECT_TRUE(committed.error().message.starts_with("conflict:")) << committed.error().message;
      EXPECT_EQ(check_counter(*store, "c", commits), std::vector<std::string>{});
    }
  }
}

TEST_F(PostgresIsolationTest, AtReadCommittedTwoProcessesStartOneSlotsActionTwice) {
  auto a = process(Isolation::kReadCommitted);
  auto b = process(Isolation::kReadCommitted);
  ASSERT_TRUE(a && b);
  std::optional<core::Result<bool>> b_started;
  a->store.before_next_commit([&] { b_started = b->scheduler.offer("counter", "db1", "Bump"); });
  core::Result<bool> a_started = a->scheduler.offer("counter", "db1", "Bump");
  ASSERT_TRUE(b_started.has_value());
  ASSERT_TRUE(b_started->ok()) << b_started->error().message;
  ASSERT_TRUE(a_started.ok()) << a_started.error().message;
  // Both were told they started it: two executions of one slot at once.
  EXPECT_TRUE(**b_started);
  EXPECT_TRUE(*a_started);
  const int starts = (**b_started ? 1 : 0) + (*a_started ? 1 : 0);
  std::vector<std::string> findings = check_slot(*a->database, "counter/db1", starts);
  ASSERT_FALSE(findings.empty()) << "the check missed two starts of one slot";
  for (const std::string& finding : findings)
    fmt::print("the check finds: {}\n", finding);
  EXPECT_NE(findings[0].find("a start was lost"), std::string::npos) << findings[0];
}

TEST_F(PostgresIsolationTest, AtSerializableTheSecondStartConflictsAndTheRetryFindsTheSlotBusy) {
  auto a = process(Isolation::kSerializable);
  auto b = process(Isolation::kSerializable);
  ASSERT_TRUE(a && b);
  std::optional<core::Result<bool>> b_started;
  a->store.before_next_commit([&] { b_started = b->scheduler.offer("counter", "db1", "Bump"); });
  core::Result<bool> a_started = a->scheduler.offer("counter", "db1", "Bump");
  ASSERT_TRUE(b_started.has_value() && b_started->ok());
  EXPECT_TRUE(**b_started);
  ASSERT_FALSE(a_started.ok());
  EXPECT_TRUE(a_started.error().message.starts_with("conflict:")) << a_started.error().message;
  fmt::print("process A's offer: {}\n", a_started.error().message);
  // A runs its offer again, as its next pass would: B's action runs.
  core::Result<bool> retried = a->scheduler.offer("counter", "db1", "Bump");
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_FALSE(*retried);
  EXPECT_EQ(check_slot(*a->database, "counter/db1", 1), std::vector<std::string>{});
  // As if B ran first, then A: one execution, B's.
  auto txn = a->database->begin();
  EXPECT_EQ(txn->get<core::ActionSlot>("counter/db1"),
            (core::ActionSlot{.id = "counter/db1", .running = "Bump/db1/1", .executions = 1}));
}

// Both processes run the same step of one action (the old process still
// drives what the new one has picked up): the step reads the counter, adds
// one, writes it back.
TEST_F(PostgresIsolationTest, OneStepRunByTwoProcessesLosesAnUpdateOnlyAtReadCommitted) {
  for (Isolation isolation : {Isolation::kReadCommitted, Isolation::kSerializable}) {
    SCOPED_TRACE(isolation == Isolation::kSerializable ? "serializable" : "read committed");
    auto a = process(isolation);
    auto b = process(isolation);
    ASSERT_TRUE(a && b);
    {
      auto txn = a->database->begin();
      for (const std::string& kind : {std::string("counter"), std::string("action")}) {
        for (const std::string& id : txn->ids(kind))
          txn->write(kind, id, nullptr);
      }
      ASSERT_TRUE(txn->commit().ok());
    }
    ASSERT_TRUE(a->runner.start(a->actions[0], "Bump/db1/1", "db1").ok());
    std::optional<core::Result<core::StepOutcome>> b_step;
    a->store.before_next_commit([&] { b_step = b->runner.step(b->actions[0], "Bump/db1/1"); });
    core::Result<core::StepOutcome> a_step = a->runner.step(a->actions[0], "Bump/db1/1");
    ASSERT_TRUE(b_step.has_value() && b_step->ok());
    const int committed = 1 + (a_step.ok() ? 1 : 0);
    std::vector<std::string> findings = check_counter(*a->database, "db1", committed);
    if (isolation == Isolation::kReadCommitted) {
      EXPECT_TRUE(a_step.ok());
      ASSERT_EQ(findings.size(), 1u) << "the check missed a lost update";
      fmt::print("the check finds: {}\n", findings[0]);
      EXPECT_NE(findings[0].find("an update was lost"), std::string::npos);
    } else {
      ASSERT_FALSE(a_step.ok());
      EXPECT_NE(a_step.error().message.find("conflict:"), std::string::npos)
          << a_step.error().message;
      EXPECT_EQ(findings, std::vector<std::string>{});
      // A's next pass finds the action done: the step ran once.
      core::Result<core::StepOutcome> again = a->runner.step(a->actions[0], "Bump/db1/1");
      ASSERT_TRUE(again.ok()) << again.error().message;
      EXPECT_EQ(again->status, core::ActionStatus::kSucceeded);
      EXPECT_EQ(check_counter(*a->database, "db1", 1), std::vector<std::string>{});
    }
  }
}

}  // namespace
}  // namespace unwedge::testing
