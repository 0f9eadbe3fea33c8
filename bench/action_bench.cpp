// Benchmarks of the action runtime's hot path: an InMemoryStore transaction
// (begin, get, put, commit) and ActionRunner::step, the per-step overhead of
// an action whose steps do almost nothing.
//
// The fakes are local (a trivial Infra that succeeds at once, a fixed clock)
// so the programs build without the test support library.
//
//   ./action_bench --benchmark_filter=StoreTransaction/10000
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_support.hpp"
#include "core/action_runner.hpp"
#include "core/in_memory_store.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::bench {
namespace {

using core::ActionDef;
using core::ActionRecord;
using core::InMemoryStore;
using core::StepContext;
using core::StepResult;

struct Service {
  static constexpr std::string_view kKind = "service";
  std::string id;
  std::string leader;
  std::uint32_t generation = 0;
  friend bool operator==(const Service&, const Service&) = default;
};

// Every request succeeds at once: what remains is the framework's own cost.
class InstantInfra final : public core::Infra {
 public:
  core::Operation request(const core::InfraRequest& request) override {
    UNWEDGE_ASSERT(!request.idempotency_key.empty());
    ++requests_;
    return core::Operation{.state = core::OperationState::kSucceeded};
  }
  std::size_t requests() const { return requests_; }

 private:
  std::size_t requests_ = 0;
};

// The steps measured here read no monitoring.
class NoTelemetry final : public core::Telemetry {
 public:
  std::vector<core::Checkin> checkins(std::string_view) const override { return {}; }
};

class FixedClock final : public core::Clock {
 public:
  core::TimeUs now_us() const override { return 42 * core::kSecond; }
};

std::string service_id(std::size_t i) {
  return fmt::format("db{:06}", i);
}

void add_services(InMemoryStore& store, std::size_t count) {
  std::unique_ptr<core::Transaction> txn = store.begin();
  for (std::size_t i = 0; i < count; ++i) {
    txn->put(Service{.id = service_id(i), .leader = service_id(i) + "-a"});
  }
  core::Status committed = txn->commit();
  UNWEDGE_ASSERT_MSG(committed.ok(), "{}", committed.error().message);
  UNWEDGE_ASSERT_EQ(store.snapshot().size(), count);
}

// A power of two, so the loop indexes it with a mask.
constexpr std::size_t kPickCount = 4096;

// One read-modify-write transaction on a random existing entity, the shape of
// a step that updates the entity it works on.
void BM_StoreTransaction(benchmark::State& state) {
  const auto entity_count = static_cast<std::size_t>(state.range(0));
  InMemoryStore store;
  add_services(store, entity_count);
  Xorshift rng(kSeed);
  std::vector<std::string> picks;
  for (std::size_t i = 0; i < kPickCount; ++i)
    picks.push_back(service_id(rng.below(entity_count)));

  std::size_t i = 0;
  const std::uint64_t allocations_before = allocation_count();
  for (auto _ : state) {
    std::unique_ptr<core::Transaction> txn = store.begin();
    std::optional<Service> service = txn->get<Service>(picks[i++ & (kPickCount - 1)]);
    service->generation++;
    txn->put(std::move(*service));
    core::Status committed = txn->commit();
    if (!committed) {
      state.SkipWithError(committed.error().message.c_str());
      break;
    }
  }
  report_allocations(state, allocations_before);
  UNWEDGE_ASSERT_EQ(store.conflicts(), std::uint64_t{0});
}
BENCHMARK(BM_StoreTransaction)->Arg(1)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);

StepResult call_step(StepContext& ctx, core::InfraVerb verb) {
  core::Operation op = ctx.call(verb, ctx.subject());
  if (!op.done()) return StepResult::wait("pending");
  return StepResult::next();
}

ActionDef four_step_action() {
  return ActionDef{
      .name = "Failover",
      .steps = {
          {"fence", [](StepContext& ctx) { return call_step(ctx, pgworld::kFence); }},
          {"promote", [](StepContext& ctx) { return call_step(ctx, pgworld::kPromote); }},
          {"follow", [](StepContext& ctx) { return call_step(ctx, pgworld::kFollow); }},
          {"repoint", [](StepContext& ctx) { return call_step(ctx, pgworld::kPointEndpoint); }}}};
}

// The simulator steps every running action once per tick, so the benchmark
// steps a batch of actions round-robin. Refilling the batch (erasing the
// finished records, starting new ones) happens with the timer paused, once
// per batch, so the store stays at the fleet's size.
constexpr std::size_t kServiceCount = 100;
constexpr std::size_t kActionBatch = 256;

void start_batch(core::ActionRunner& runner, InMemoryStore& store, const ActionDef& def,
                 const std::vector<std::string>& action_ids) {
  std::unique_ptr<core::Transaction> txn = store.begin();
  for (const std::string& id : action_ids)
    txn->erase<ActionRecord>(id);
  core::Status erased = txn->commit();
  UNWEDGE_ASSERT_MSG(erased.ok(), "{}", erased.error().message);
  for (std::size_t a = 0; a < action_ids.size(); ++a) {
    core::Status started = runner.start(def, action_ids[a], service_id(a % kServiceCount));
    UNWEDGE_ASSERT_MSG(started.ok(), "{}", started.error().message);
  }
}

void BM_RunnerStep(benchmark::State& state) {
  InMemoryStore store;
  add_services(store, kServiceCount);
  InstantInfra infra;
  FixedClock clock;
  NoTelemetry telemetry;
  core::Environment env{.store = store, .infra = infra, .clock = clock, .telemetry = telemetry};
  core::ActionRunner runner(env);
  const ActionDef def = four_step_action();
  std::vector<std::string> action_ids;
  for (std::size_t a = 0; a < kActionBatch; ++a)
    action_ids.push_back(fmt::format("failover/{}/{}", service_id(a % kServiceCount), a));
  const std::size_t steps_per_batch = kActionBatch * def.steps.size();

  std::size_t step = steps_per_batch;  // refill before the first step
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    if (step == steps_per_batch) {
      state.PauseTiming();
      start_batch(runner, store, def, action_ids);
      step = 0;
      state.ResumeTiming();
    }
    const std::uint64_t before = allocation_count();
    core::Result<core::StepOutcome> outcome = runner.step(def, action_ids[step % kActionBatch]);
    allocations += allocation_count() - before;
    if (!outcome) {
      state.SkipWithError(outcome.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(outcome);
    ++step;
  }
  state.counters["allocs/op"] =
      benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
  if (!state.error_occurred()) {
    UNWEDGE_ASSERT_EQ(infra.requests(), static_cast<std::size_t>(state.iterations()));
  }
}
BENCHMARK(BM_RunnerStep)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace unwedge::bench
