// Timeline: a run's trace as lines a person reads, aligned by virtual time.
//
// `unwedge replay` re-runs a scenario (a run is a pure function of its
// scenario and seed, so the replay is the run) and prints what happened:
// transitions, signal changes, decisions, action steps, fleet API calls,
// faults and heals, acknowledged writes, check-ins and violations, one per
// line, filtered to a window of time and to the entities of interest.
//
//   TimelineWriter timeline(stdout, {.from_us = kHour, .entity = "db1"});
//   SimConfig config = ...;
//   config.trace_sink = &timeline;
//   Simulation(config).run(2 * kHour, 30 * kMinute);
//
//        1:00:05.000  transition  db1-1      server running -> unreachable (missed_checkin) by ...
#pragma once

#include <cstdio>
#include <optional>
#include <set>
#include <string>

#include "core/time.hpp"
#include "sim/kernel/trace.hpp"

namespace unwedge::sim {

struct TimelineFilter {
  core::TimeUs from_us = 0;
  std::optional<core::TimeUs> to_us;  // inclusive; nullopt: to the end
  // Only records about this entity: its own, those of entities named after
  // it ("db1" takes in "db1-2" and "client-db1-1"), and those whose detail
  // names it. Empty: every entity.
  std::string entity;
  // Kinds left out (check-ins are many and rarely what one looks for).
  std::set<TraceKind> hidden = {TraceKind::kCheckin};
};

bool shown(const TraceRecord& record, const TimelineFilter& filter);

// "1:00:05.000  transition  db1-1      server running -> unreachable ..."
std::string timeline_line(const TraceRecord& record);

// "2:03:04.500": hours, minutes, seconds and milliseconds of virtual time.
std::string clock_time(core::TimeUs at_us);

// Writes each record the filter shows as a line to `out`.
class TimelineWriter final : public TraceSink {
 public:
  TimelineWriter(std::FILE* out, TimelineFilter filter) : out_(out), filter_(std::move(filter)) {}
  void write(const TraceRecord& record) override;
  std::uint64_t lines() const { return lines_; }

 private:
  std::FILE* out_;
  TimelineFilter filter_;
  std::uint64_t lines_ = 0;
};

}  // namespace unwedge::sim
