// WalHistory: what one database node's write-ahead log holds, kept the way
// Postgres keeps timeline history files.
//
// A node's log is a sequence of LSNs 1..flushed_lsn, each written on some
// timeline. A promotion starts a new timeline at the node's current end, so
// the whole log is described by its timeline switches and its end: a few
// words per node whatever the number of writes. A write is identified by
// (LSN, timeline) and belongs to a history exactly when that history wrote
// that LSN on that timeline, which is what the lost-write check asks of a
// new leader.
//
//   WalHistory leader;                 // timeline 1, empty
//   Lsn w = leader.append();           // 1, on timeline 1
//   WalHistory standby = leader;       // replicated
//   standby.promote(2);                // timeline 2 starts after LSN 1
//   standby.contains(w, 1);            // true: the write survived
#pragma once

#include <string>
#include <vector>

#include "core/telemetry.hpp"
#include "worlds/postgres/fleet_api.hpp"

namespace unwedge::pgworld {

class WalHistory {
 public:
  WalHistory() = default;

  Timeline timeline() const { return switches_.back().timeline; }
  Lsn flushed_lsn() const { return flushed_lsn_; }

  // Writes one more record on the current timeline; returns its LSN.
  Lsn append();
  // Starts `timeline` (greater than the current one) at the current end.
  void promote(Timeline timeline);

  // True if this history wrote `lsn` on `timeline`.
  bool contains(Lsn lsn, Timeline timeline) const;
  // The timeline LSN `lsn` (1..flushed) was written on.
  Timeline timeline_at(Lsn lsn) const;
  // True if everything this history holds is held, identically, by `other`:
  // then `other` can stream to this node without rewinding it.
  bool is_prefix_of(const WalHistory& other) const;
  // The last LSN both histories hold identically.
  Lsn common_end(const WalHistory& other) const;
  // Drops everything after `lsn` (a rewind before following a new leader).
  void truncate(Lsn lsn);

  // "tl 3, lsn 88 (tl 1 @0, tl 2 @40, tl 3 @80)"
  std::string describe() const;

  friend bool operator==(const WalHistory&, const WalHistory&) = default;

 private:
  struct Switch {
    Timeline timeline;
    Lsn begin_lsn;  // LSNs after this one are on `timeline`

    friend bool operator==(const Switch&, const Switch&) = default;
  };

  std::vector<Switch> switches_{{1, 0}};
  Lsn flushed_lsn_ = 0;
};

}  // namespace unwedge::pgworld
