#include "sim/kernel/trace.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

#include "core/assert.hpp"
#include "sim/kernel/rng.hpp"

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
      "transition", "refused", "signal",  "decision",  "step", "infra",       "fault",
      "heal",       "ack",     "checkin", "violation", "note", "coordination"};
  const auto index = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_LT(index, kTraceKinds);
  return kNames[index];
}

Trace::Trace(std::size_t recent_max, TraceSink* sink)
    : recent_max_(recent_max), sink_(sink), digest_(kDigestBasis) {}

Trace::Trace(const Trace& other, TraceSink* sink)
    : recent_max_(other.recent_max_),
      sink_(sink),
      recent_(other.recent_),
      next_(other.next_),
      spare_(other.spare_),
      digest_(other.digest_),
      records_(other.records_) {
  std::copy(std::begin(other.counts_), std::end(other.counts_), std::begin(counts_));
}

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

  TraceRecord* r = &spare_;
  if (recent_max_ > 0) {
    if (recent_.size() < recent_max_) recent_.emplace_back();
    r = &recent_[next_];
    next_ = (next_ + 1) % recent_max_;
  }
  r->at_us = at_us;
  r->kind = kind;
  r->entity.assign(entity);
  r->detail.assign(detail);
  if (sink_ != nullptr) sink_->write(*r);
}

std::vector<TraceRecord> Trace::recent() const {
  // Until the ring is full, next_ is its size and the oldest is at 0.
  std::vector<TraceRecord> oldest_first;
  oldest_first.reserve(recent_.size());
  const std::size_t start = recent_.size() < recent_max_ ? 0 : next_;
  for (std::size_t i = 0; i < recent_.size(); ++i)
    oldest_first.push_back(recent_[(start + i) % recent_.size()]);
  return oldest_first;
}

std::string format_record(const TraceRecord& record) {
  return fmt::format("{:>12}.{:06} s  {:<10}  {:<14}  {}", record.at_us / core::kSecond,
                     record.at_us % core::kSecond, to_string(record.kind), record.entity,
                     record.detail);
}

}  // namespace unwedge::sim
