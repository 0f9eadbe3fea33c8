// Determinism re-check: a run replayed from the same seed must do exactly
// the same things in the same order. Each seed is run twice; the first run's
// trace is kept record by record, so a mismatch names the first record where
// the two runs parted (its time, kind, entity and detail in both), which is
// where to look for the wall clock, the unordered iteration or the
// uninitialised byte that crept in.
//
//   DeterminismCheck check = check_determinism({1, 11, 21}, [](std::uint64_t seed,
//                                                            TraceSink& sink) {
//     SimConfig config = my_config(seed);
//     config.trace_sink = &sink;
//     return Simulation(config).run(6 * kHour, kHour).digest;
//   });
//   for (const DeterminismMismatch& m : check.mismatches) print(m.describe());
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/trace.hpp"

namespace unwedge::sim {

// One seeded run: streams every trace record to `sink` and returns the
// run's digest.
using SeededRun = std::function<std::uint64_t(std::uint64_t seed, TraceSink& sink)>;

struct DeterminismMismatch {
  std::uint64_t seed = 0;
  std::uint64_t first_digest = 0;
  std::uint64_t second_digest = 0;
  std::uint64_t record = 0;  // index of the first record that differs
  // The two records at that index; nullopt where that run had ended.
  std::optional<TraceRecord> first;
  std::optional<TraceRecord> second;

  std::string describe() const;
};

struct DeterminismCheck {
  std::uint64_t seeds_checked = 0;
  std::uint64_t records_compared = 0;
  std::vector<DeterminismMismatch> mismatches;

  bool ok() const { return mismatches.empty(); }
};

DeterminismCheck check_determinism(const std::vector<std::uint64_t>& seeds, const SeededRun& run);

// Every `every`-th of `count` seeds from `first`: the sample a campaign
// re-checks (`every` 0 or 1: all of them).
std::vector<std::uint64_t> determinism_sample(std::uint64_t first, std::uint64_t count,
                                              std::uint64_t every);

}  // namespace unwedge::sim
