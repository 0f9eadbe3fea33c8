// Benchmarks of one Store transaction of one read and one write (begin, get
// an entity, put it changed, commit) on every store: InMemoryStore, SQLite
// (a file under /tmp, synchronous=FULL as stores::open_store opens it, and
// NORMAL to show what the fsync of every commit costs), and PostgreSQL when
// UNWEDGE_BENCH_POSTGRES names a server (skipped otherwise).
//
//   ./store_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//   UNWEDGE_BENCH_POSTGRES='host=/tmp/pg dbname=unwedge' ./store_bench
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "bench/bench_support.hpp"
#include "core/entity_codec.hpp"
#include "core/in_memory_store.hpp"
#include "stores/open_store.hpp"
#include "stores/sqlite_store.hpp"

namespace unwedge::bench {
namespace {

struct Service {
  static constexpr std::string_view kKind = "service";
  std::string id;
  std::string leader;
  std::uint32_t generation = 0;
  friend bool operator==(const Service&, const Service&) = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Service, id, leader, generation)

constexpr std::size_t kServices = 1000;
constexpr std::size_t kPickCount = 1024;

core::EntityCodecs codecs() {
  core::EntityCodecs c;
  core::add_framework_entities(c);
  c.add<Service>();
  return c;
}

std::string service_id(std::size_t i) {
  return fmt::format("db{}", i);
}

// The file for one SQLite benchmark, removed first with its WAL.
std::string sqlite_path(std::string_view name) {
  const std::string path = fmt::format("/tmp/unwedge-store-bench-{}-{}.db", ::getpid(), name);
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(path + suffix);
  return path;
}

// The measured loop: the same on every store.
void run_transactions(benchmark::State& state, core::Store& store) {
  {
    auto txn = store.begin();
    for (std::size_t i = 0; i < kServices; ++i)
      txn->put(Service{.id = service_id(i), .leader = "a"});
    const core::Status committed = txn->commit();
    UNWEDGE_ASSERT_MSG(committed.ok(), "{}", committed.ok() ? "" : committed.error().message);
  }
  Xorshift rng(kSeed);
  std::vector<std::string> picks;
  for (std::size_t i = 0; i < kPickCount; ++i)
    picks.push_back(service_id(rng.below(kServices)));
  std::size_t i = 0;
  const std::uint64_t allocations_before = allocation_count();
  for (auto _ : state) {
    std::unique_ptr<core::Transaction> txn = store.begin();
    std::optional<Service> service = txn->get<Service>(picks[i++ % kPickCount]);
    service->generation++;
    txn->put(std::move(*service));
    const core::Status committed = txn->commit();
    if (!committed.ok()) {
      state.SkipWithError(committed.error().message.c_str());
      break;
    }
  }
  report_allocations(state, allocations_before);
}

void BM_InMemoryTransaction(benchmark::State& state) {
  core::InMemoryStore store;
  run_transactions(state, store);
}
BENCHMARK(BM_InMemoryTransaction);

void sqlite_transactions(benchmark::State& state, stores::SqliteStore::Synchronous synchronous,
                         std::string_view name) {
  const std::string path = sqlite_path(name);
  core::Result<std::unique_ptr<stores::SqliteStore>> store =
      stores::SqliteStore::open(path, codecs(), {.empty = true, .synchronous = synchronous});
  if (!store) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  run_transactions(state, **store);
  store->reset();
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(path + suffix);
}

// As open_store opens it: every commit on disk when commit() returns.
void BM_SqliteTransaction(benchmark::State& state) {
  sqlite_transactions(state, stores::SqliteStore::Synchronous::kFull, "full");
}
BENCHMARK(BM_SqliteTransaction)->UseRealTime();

void BM_SqliteTransactionSynchronousNormal(benchmark::State& state) {
  sqlite_transactions(state, stores::SqliteStore::Synchronous::kNormal, "normal");
}
BENCHMARK(BM_SqliteTransactionSynchronousNormal)->UseRealTime();

void BM_PostgresTransaction(benchmark::State& state) {
  const char* conninfo = std::getenv("UNWEDGE_BENCH_POSTGRES");
  if (conninfo == nullptr || *conninfo == '\0') {
    state.SkipWithError("UNWEDGE_BENCH_POSTGRES names no PostgreSQL server");
    return;
  }
  core::Result<std::unique_ptr<core::DurableStore>> store =
      stores::open_store(conninfo, codecs(), {.empty = true});
  if (!store) {
    state.SkipWithError(store.error().message.c_str());
    return;
  }
  run_transactions(state, **store);
}
BENCHMARK(BM_PostgresTransaction)->UseRealTime();

}  // namespace
}  // namespace unwedge::bench
