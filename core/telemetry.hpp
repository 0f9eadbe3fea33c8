// Telemetry: what monitoring has observed about the fleet.
//
// A monitoring agent on each host checks in periodically with one or more
// vantage points. The control plane never asks a host directly whether it is
// alive; it reads the latest check-in each vantage point received and decides
// from those, which is exactly why a partition between a host and one vantage
// point can mislead it.
//
// Freshness is an age the vantage point measures on its own clock, the way a
// monitoring system answers "how old is the latest sample": comparing its
// timestamps with the control plane's clock would make every host look dead
// (or alive) whenever the two clocks disagree.
//
//   for (const Checkin& c : telemetry.checkins("db1-a")) {
//     if (c.age_us > missed_after_us) ++missed;
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace unwedge::core {

// What every replicated data service reports in some form: how far its log
// is durable, and the term (epoch, generation) it writes in, bumped by every
// change of leader. A world names them in its own words.
using LogPosition = std::uint64_t;
using Term = std::uint64_t;

struct Checkin {
  std::string vantage;           // the monitor vantage point that received it
  TimeUs received_us = 0;        // when the vantage point received it, by its clock
  TimeUs age_us = 0;             // how long before the query it was received, by the same clock
  TimeUs sent_us = 0;            // when the agent sent it, by the host's clock
  LogPosition log_position = 0;  // the durable log position the node reported
  Term term = 0;
  bool accepts_writes = false;  // the node reported itself leader and unfenced
};

class Telemetry {
 public:
  virtual ~Telemetry() = default;
  // The latest check-in from `host` at each vantage point that has heard from
  // it, sorted by vantage point. Empty if none has.
  virtual std::vector<Checkin> checkins(std::string_view host) const = 0;
};

}  // namespace unwedge::core
