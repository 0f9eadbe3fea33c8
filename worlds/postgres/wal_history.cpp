#include "worlds/postgres/wal_history.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/assert.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::pgworld {

Lsn WalHistory::append() {
  return ++flushed_lsn_;
}

void WalHistory::promote(Timeline timeline) {
  UNWEDGE_ASSERT_LT(this->timeline(), timeline);
  // A switch at the very same LSN as the previous one replaces it: the
  // previous timeline never wrote anything.
  if (switches_.size() > 1 && switches_.back().begin_lsn == flushed_lsn_) switches_.pop_back();
  switches_.push_back({timeline, flushed_lsn_});
}

Timeline WalHistory::timeline_at(Lsn lsn) const {
  UNWEDGE_ASSERT(lsn >= 1 && lsn <= flushed_lsn_);
  // The last switch that began before `lsn`.
  for (auto it = switches_.rbegin(); it != switches_.rend(); ++it) {
    if (it->begin_lsn < lsn) return it->timeline;
  }
  return switches_.front().timeline;
}

bool WalHistory::contains(Lsn lsn, Timeline timeline) const {
  if (lsn == 0 || lsn > flushed_lsn_) return false;
  return timeline_at(lsn) == timeline;
}

Lsn WalHistory::common_end(const WalHistory& other) const {
  const Lsn end = std::min(flushed_lsn_, other.flushed_lsn_);
  // Walk both switch lists in step: the histories agree up to the first
  // point where their timelines differ.
  Lsn agreed = end;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < switches_.size() && j < other.switches_.size()) {
    const Switch& a = switches_[i];
    const Switch& b = other.switches_[j];
    if (a.begin_lsn >= end && b.begin_lsn >= end) break;
    if (a != b) {
      agreed = std::min({agreed, a.begin_lsn, b.begin_lsn});
      break;
    }
    ++i;
    ++j;
  }
  // A switch list may end early: one history promoted where the other did
  // not. The later switch marks where they part.
  if (i < switches_.size() && j == other.switches_.size() && switches_[i].begin_lsn < end) {
    agreed = std::min(agreed, switches_[i].begin_lsn);
  }
  if (j < other.switches_.size() && i == switches_.size() && other.switches_[j].begin_lsn < end) {
    agreed = std::min(agreed, other.switches_[j].begin_lsn);
  }
  return agreed;
}

bool WalHistory::is_prefix_of(const WalHistory& other) const {
  return flushed_lsn_ <= other.flushed_lsn_ && common_end(other) == flushed_lsn_;
}

void WalHistory::truncate(Lsn lsn) {
  UNWEDGE_ASSERT_LE(lsn, flushed_lsn_);
  flushed_lsn_ = lsn;
  // A switch at the new end is kept: the node stays on its timeline.
  while (switches_.size() > 1 && switches_.back().begin_lsn > lsn)
    switches_.pop_back();
}

std::string WalHistory::describe() const {
  std::string out = fmt::format("tl {}, lsn {} (", timeline(), flushed_lsn_);
  for (std::size_t i = 0; i < switches_.size(); ++i) {
    out += fmt::format("{}tl {} @{}", i == 0 ? "" : ", ", switches_[i].timeline,
                       switches_[i].begin_lsn);
  }
  return out + ")";
}

}  // namespace unwedge::pgworld
