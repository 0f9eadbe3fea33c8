#include "sim/trace.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "sim/rng.hpp"

namespace unwedge::sim {
namespace {

constexpr std::uint64_t kDigestBasis = 0xcbf29ce484222325ULL;

// Feeds an integer to the digest as 8 little-endian bytes, whatever the host.
std::uint64_t feed(std::uint64_t hash, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    hash ^= (value >> (8 * i)) & 0xFF;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

const char* to_string(TraceKind kind) {
  static constexpr const char* kNames[kTraceKinds] = {
      "transition", "refused", "signal", "decision", "step",      "infra",
      "fault",      "heal",    "ack",    "checkin",  "violation", "note"};
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kTraceKinds);
  return kNames[index];
}

Trace::Trace(std::size_t recent_max, TraceSink* sink)
    : recent_max_(recent_max), sink_(sink), digest_(kDigestBasis) {}

void Trace::record(core::TimeUs at_us, TraceKind kind, std::string_view entity,
                   std::string_view detail) {
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kTraceKinds);
  // Lengths go in before the text so ("ab", "c") and ("a", "bc") differ.
  std::uint64_t h = feed(digest_, static_cast<std::uint64_t>(at_us));
  h = feed(h, index);
  h = fnv1a(entity, feed(h, entity.size()));
  h = fnv1a(detail, feed(h, detail.size()));
  digest_ = h;
  ++records_;
  ++counts_[index];

  TraceRecord r{at_us, kind, std::string(entity), std::string(detail)};
  if (sink_ != nullptr) sink_->write(r);
  if (recent_max_ == 0) return;
  if (recent_.size() == recent_max_) recent_.pop_front();
  recent_.push_back(std::move(r));
}

std::string format_record(const TraceRecord& record) {
  return fmt::format("{:>12}.{:06} s  {:<10}  {:<14}  {}", record.at_us / core::kSecond,
                     record.at_us % core::kSecond, to_string(record.kind), record.entity,
                     record.detail);
}

}  // namespace unwedge::sim
