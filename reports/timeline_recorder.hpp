// TimelineRecorder: one run as the timeline chart draws it (RunTimeline):
// a lane per entity with its states as spans, the faults as spans, the
// violation as a mark.
//
// Recorded during every run (whether it fails is known only at its end) and
// kept only for failing ones. Bounded so a year-long run stays small: at
// most kLanesMax lanes (the first entities seen), and per lane and for the
// faults only the most recent spans, since a violation is at the end of its
// run and what led to it is just before.
//
//   TimelineRecorder timeline;
//   sim::ScenarioOutcome outcome = sim::run_scenario(scenario, {}, nullptr, &timeline);
//   if (!outcome.passed) result.timeline = timeline.timeline(outcome.run);
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "reports/report.hpp"
#include "sim/run_observer.hpp"
#include "sim/simulation.hpp"

namespace unwedge::reports {

class TimelineRecorder final : public sim::RunObserver {
 public:
  static constexpr std::size_t kLanesMax = 24;
  static constexpr std::size_t kSpansPerLaneMax = 64;
  static constexpr std::size_t kFaultsMax = 64;

  void transition(const core::TransitionEvent& e, core::TimeUs now_us) override;
  void state_seen(const core::MachineDef& machine, std::string_view entity, core::StateId state,
                  core::TimeUs now_us) override;
  void fault_started(std::uint64_t id, const sim::FaultSpec& spec, core::TimeUs now_us) override;
  void fault_healed(std::uint64_t id, core::TimeUs now_us) override;

  // The run so far, spans still open ending at the run's end.
  RunTimeline timeline(const sim::RunSummary& summary) const;

 private:
  struct Lane {
    std::string entity;
    std::string machine;
    std::deque<TimelineSpan> spans;  // the last one open (to_us unset) until the next
  };

  void enter(const core::MachineDef& machine, std::string_view entity, core::StateId state,
             core::TimeUs now_us);

  std::vector<Lane> lanes_;                                  // in order of first sighting
  std::map<std::string, std::size_t, std::less<>> lane_of_;  // "machine/entity"
  std::map<std::uint64_t, TimelineSpan> open_faults_;        // by fault id
  std::deque<TimelineSpan> closed_faults_;
};

}  // namespace unwedge::reports
