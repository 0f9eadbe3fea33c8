// Trace: everything that happened in a run, as a running 64-bit digest.
//
// Every event of interest (a transition, a decision, an action step, an Infra
// call, a fault, a client acknowledgement) is recorded with its virtual time,
// kind, entity and a detail line. Each record feeds the digest, so two runs
// with equal digests did the same things in the same order; the digest is
// computed from bytes alone, identically under every compiler. The trace
// keeps only its most recent records (for the excerpt a violation quotes)
// and streams the rest to an optional sink, so a year-long run does not hold
// its whole history in memory.
//
//   Trace trace(/*recent_max=*/256);
//   trace.record(now_us, TraceKind::kFault, "db1-a", "partition {db1-a} | rest");
//   fmt::print("digest {:016x}\n", trace.digest());
#pragma once

#include <cstdint>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace unwedge::sim {

enum class TraceKind : std::uint8_t {
  kTransition,
  kRefusedTransition,
  kSignal,
  kDecision,
  kActionStep,
  kInfraCall,
  kFault,
  kHeal,
  kClientAck,
  kCheckin,
  kViolation,
  kNote,
  kCoordination,  // a client's ask of a consensus store, its answer or its failure
};
inline constexpr std::size_t kTraceKinds = 13;

const char* to_string(TraceKind kind);

struct TraceRecord {
  core::TimeUs at_us = 0;
  TraceKind kind = TraceKind::kNote;
  std::string entity;
  std::string detail;
};

// Receives every record as it is made (a file writer, a test's collector).
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceRecord& record) = 0;
};

class Trace {
 public:
  explicit Trace(std::size_t recent_max = 256, TraceSink* sink = nullptr);
  // `other`'s digest, counts and recent records, going on to `sink` (a
  // copied simulation's trace).
  Trace(const Trace& other, TraceSink* sink);

  void record(core::TimeUs at_us, TraceKind kind, std::string_view entity, std::string_view detail);
  // The detail formatted into a buffer the trace keeps, so a record costs no
  // allocation once the buffer and the recent ring have grown.
  template <class... Args>
  void record(core::TimeUs at_us, TraceKind kind, std::string_view entity,
              fmt::format_string<Args...> detail, Args&&... args) {
    scratch_.clear();
    fmt::format_to(std::back_inserter(scratch_), detail, std::forward<Args>(args)...);
    record(at_us, kind, entity, std::string_view(scratch_.data(), scratch_.size()));
  }

  // The same, with a format compiled ahead (FMT_COMPILE), for the records
  // made on every check-in and client write: nothing is parsed at run time,
  // and the detail, so the digest, is the same as record()'s.
  template <class CompiledFormat, class... Args>
  void record_compiled(core::TimeUs at_us, TraceKind kind, std::string_view entity,
                       const CompiledFormat& detail, Args&&... args) {
    scratch_.clear();
    fmt::format_to(std::back_inserter(scratch_), detail, std::forward<Args>(args)...);
    record(at_us, kind, entity, std::string_view(scratch_.data(), scratch_.size()));
  }

  std::uint64_t digest() const { return digest_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t count(TraceKind kind) const { return counts_[static_cast<std::size_t>(kind)]; }
  // The most recent records, oldest first.
  std::vector<TraceRecord> recent() const;

 private:
  std::size_t recent_max_;
  TraceSink* sink_;
  // A ring: once full, the oldest record's strings are overwritten in place,
  // their capacity reused. `next_` is where the next record goes.
  std::vector<TraceRecord> recent_;
  std::size_t next_ = 0;
  TraceRecord spare_;  // the record a sink sees when no ring is kept
  fmt::memory_buffer scratch_;
  std::uint64_t digest_;
  std::uint64_t records_ = 0;
  std::uint64_t counts_[kTraceKinds] = {};
};

// "   12.345678 s  fault       db1-a  partition {db1-a} | rest"
std::string format_record(const TraceRecord& record);

}  // namespace unwedge::sim
