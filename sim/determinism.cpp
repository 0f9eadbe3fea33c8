#include "sim/determinism.hpp"

#include <fmt/format.h>

namespace unwedge::sim {
namespace {

bool same(const TraceRecord& a, const TraceRecord& b) {
  return a.at_us == b.at_us && a.kind == b.kind && a.entity == b.entity && a.detail == b.detail;
}

std::string line(const std::optional<TraceRecord>& r) {
  if (!r) return "(the run had ended)";
  return fmt::format("{:.3f} s {} {}: {}", static_cast<double>(r->at_us) / 1e6, to_string(r->kind),
                     r->entity, r->detail);
}

// Keeps every record of the first run.
class Recorder final : public TraceSink {
 public:
  void write(const TraceRecord& record) override { records.push_back(record); }
  std::vector<TraceRecord> records;
};

// Compares the second run with the first as it goes, keeping only the first
// difference.
class Comparer final : public TraceSink {
 public:
  explicit Comparer(const std::vector<TraceRecord>& expected) : expected_(expected) {}
  void write(const TraceRecord& record) override {
    if (!diverged_ && (seen_ >= expected_.size() || !same(record, expected_[seen_]))) {
      diverged_ = seen_;
      actual_ = record;
    }
    ++seen_;
  }
  // Where the runs parted, if they did, counting a run that ended early.
  std::optional<std::uint64_t> divergence() const {
    if (diverged_) return diverged_;
    if (seen_ != expected_.size()) return seen_;
    return std::nullopt;
  }
  const std::optional<TraceRecord>& actual() const { return actual_; }
  std::uint64_t seen() const { return seen_; }

 private:
  const std::vector<TraceRecord>& expected_;
  std::uint64_t seen_ = 0;
  std::optional<std::uint64_t> diverged_;
  std::optional<TraceRecord> actual_;
};

}  // namespace

std::string DeterminismMismatch::describe() const {
  return fmt::format(
      "seed {} is not deterministic: digest {:016x} then {:016x}; the runs part at trace record "
      "{}:\n  first run:  {}\n  second run: {}",
      seed, first_digest, second_digest, record, line(first), line(second));
}

DeterminismCheck check_determinism(const std::vector<std::uint64_t>& seeds, const SeededRun& run) {
  DeterminismCheck check;
  for (std::uint64_t seed : seeds) {
    Recorder recorder;
    const std::uint64_t first_digest = run(seed, recorder);
    Comparer comparer(recorder.records);
    const std::uint64_t second_digest = run(seed, comparer);
    check.seeds_checked++;
    check.records_compared += comparer.seen();
    std::optional<std::uint64_t> at = comparer.divergence();
    // Equal traces with unequal digests would mean a record the sink never
    // saw; report it at the end of the trace.
    if (!at && first_digest != second_digest) at = comparer.seen();
    if (!at) continue;
    DeterminismMismatch mismatch{.seed = seed,
                                 .first_digest = first_digest,
                                 .second_digest = second_digest,
                                 .record = *at,
                                 .second = comparer.actual()};
    if (*at < recorder.records.size()) mismatch.first = recorder.records[*at];
    check.mismatches.push_back(std::move(mismatch));
  }
  return check;
}

std::vector<std::uint64_t> determinism_sample(std::uint64_t first, std::uint64_t count,
                                              std::uint64_t every) {
  std::vector<std::uint64_t> seeds;
  const std::uint64_t step = every > 1 ? every : 1;
  for (std::uint64_t i = 0; i < count; i += step)
    seeds.push_back(first + i);
  return seeds;
}

}  // namespace unwedge::sim
