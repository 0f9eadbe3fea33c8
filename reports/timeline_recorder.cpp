#include "reports/timeline_recorder.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace unwedge::reports {

void TimelineRecorder::enter(const core::MachineDef& machine, std::string_view entity,
                             core::StateId state, core::TimeUs now_us) {
  const std::string key = fmt::format("{}/{}", machine.name(), entity);
  auto it = lane_of_.find(key);
  if (it == lane_of_.end()) {
    if (lanes_.size() >= kLanesMax) return;
    it = lane_of_.emplace(key, lanes_.size()).first;
    lanes_.push_back({.entity = std::string(entity), .machine = machine.name()});
  }
  Lane& lane = lanes_[it->second];
  const core::StateDef& def = machine.state(state);
  if (!lane.spans.empty()) {
    if (lane.spans.back().label == def.name) return;
    lane.spans.back().to_us = now_us;
  }
  lane.spans.push_back({.from_us = now_us,
                        .to_us = now_us,
                        .label = def.name,
                        .healthy = def.healthy(),
                        .stable = def.stable()});
  if (lane.spans.size() > kSpansPerLaneMax) lane.spans.pop_front();
}

void TimelineRecorder::transition(const core::TransitionEvent& e, core::TimeUs now_us) {
  if (!e.refused) enter(*e.machine, e.entity, e.to, now_us);
}

void TimelineRecorder::state_seen(const core::MachineDef& machine, std::string_view entity,
                                  core::StateId state, core::TimeUs now_us) {
  enter(machine, entity, state, now_us);
}

void TimelineRecorder::fault_started(std::uint64_t id, const sim::FaultSpec& spec,
                                     core::TimeUs now_us) {
  TimelineSpan span{.from_us = now_us, .to_us = now_us, .label = sim::describe(spec)};
  if (spec.kind == sim::FaultKind::kControlPlaneCrash) {
    // Armed now and never healed: a mark, not a span.
    closed_faults_.push_back(std::move(span));
    if (closed_faults_.size() > kFaultsMax) closed_faults_.pop_front();
    return;
  }
  open_faults_[id] = std::move(span);
}

void TimelineRecorder::fault_healed(std::uint64_t id, core::TimeUs now_us) {
  auto it = open_faults_.find(id);
  if (it == open_faults_.end()) return;
  it->second.to_us = now_us;
  closed_faults_.push_back(std::move(it->second));
  open_faults_.erase(it);
  if (closed_faults_.size() > kFaultsMax) closed_faults_.pop_front();
}

RunTimeline TimelineRecorder::timeline(const sim::RunSummary& summary) const {
  RunTimeline t{.end_us = summary.simulated_us};
  for (const Lane& lane : lanes_) {
    TimelineLane out{.entity = lane.entity, .machine = lane.machine};
    out.spans.assign(lane.spans.begin(), lane.spans.end());
    if (!out.spans.empty()) out.spans.back().to_us = summary.simulated_us;
    t.lanes.push_back(std::move(out));
  }
  t.faults.assign(closed_faults_.begin(), closed_faults_.end());
  for (const auto& [id, span] : open_faults_) {
    TimelineSpan open = span;
    open.to_us = summary.simulated_us;
    t.faults.push_back(std::move(open));
  }
  std::stable_sort(
      t.faults.begin(), t.faults.end(),
      [](const TimelineSpan& a, const TimelineSpan& b) { return a.from_us < b.from_us; });
  if (summary.finding) {
    t.violation_at_us = summary.finding->at_us;
    t.violation_entity = summary.finding->entity;
  }
  return t;
}

}  // namespace unwedge::reports
