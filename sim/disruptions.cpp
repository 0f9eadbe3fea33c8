#include "sim/disruptions.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/duration_text.hpp"

namespace unwedge::sim {
namespace {

// The signals the deciding rules needed, by name, in catalogue order.
std::vector<std::string> needed_signals(const core::DecisionTable& table,
                                        const core::Decision& decision) {
  core::SignalSet needed;
  for (std::size_t r : decision.rules)
    needed = needed | table.rules()[r].when;
  std::vector<std::string> names;
  for (std::size_t s = 0; s < table.signal_names().size(); ++s) {
    if (needed.contains(static_cast<core::SignalId>(s))) names.push_back(table.signal_names()[s]);
  }
  return names;
}

std::string rule_names(const core::DecisionTable& table, const core::Decision& decision) {
  std::string out;
  for (std::size_t r : decision.rules) {
    if (!out.empty()) out += "+";
    out += table.rules()[r].name;
  }
  return out;
}

}  // namespace

std::optional<Disruption> DisruptionLog::record(const core::DecisionEvent& event,
                                                core::TimeUs now_us) {
  if (event.action.empty() || event.slot_busy) return std::nullopt;
  const core::DisruptiveAction* declared =
      core::find_disruptive(model_, event.table->name(), event.action);
  if (declared == nullptr) return std::nullopt;
  // The table is pure: asking it again gives the rules the plane acted on.
  const core::Decision decision = event.table->decide(event.state, event.signals);
  UNWEDGE_ASSERT(decision.kind == core::DecisionKind::kAct);
  Disruption d{.kind = declared->kind,
               .entity = std::string(event.entity),
               .action = std::string(event.action),
               .cause = rule_names(*event.table, decision),
               .signals = needed_signals(*event.table, decision),
               .at_us = now_us};
  for (const std::string& request : declared->requested_by) {
    d.requested =
        d.requested || std::find(d.signals.begin(), d.signals.end(), request) != d.signals.end();
  }
  if (event.evidence != nullptr) d.evidence = *event.evidence;
  ++counts_[{core::to_string(d.kind), d.cause}];
  return d;
}

std::vector<DisruptionTally> DisruptionLog::tallies() const {
  std::vector<DisruptionTally> out;
  for (const auto& [key, count] : counts_) {
    out.push_back({.kind = key.first, .cause = key.second, .count = count});
  }
  return out;
}

std::uint64_t count_of(const std::vector<DisruptionTally>& tallies, core::DisruptionKind kind) {
  std::uint64_t n = 0;
  for (const DisruptionTally& t : tallies) {
    if (t.kind == core::to_string(kind)) n += t.count;
  }
  return n;
}

std::string causes_of(const std::vector<DisruptionTally>& tallies, core::DisruptionKind kind) {
  std::string out;
  for (const DisruptionTally& t : tallies) {
    if (t.kind != core::to_string(kind)) continue;
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", t.cause, t.count);
  }
  return out;
}

std::string describe(const Disruption& d) {
  std::string out = fmt::format("{} of {} (rule {}{}{}{})", core::to_string(d.kind), d.entity,
                                d.cause, d.signals.empty() ? "" : " on ",
                                fmt::join(d.signals, ", "), d.requested ? ", requested" : "");
  if (!d.evidence || d.evidence->target.empty()) return out;
  out += fmt::format(" against {}", d.evidence->target);
  if (d.evidence->window_us > 0)
    out += fmt::format(" over a {} window", core::seconds_text(d.evidence->window_us));
  if (!d.evidence->vantages.empty()) out += ": " + core::describe(*d.evidence);
  return out;
}

std::optional<Violation> judge(const Disruption& d, const World& world, const HostHealth& health,
                               core::TimeUs slack_us) {
  if (d.requested || !d.evidence || d.evidence->window_us <= 0) return std::nullopt;
  const std::optional<HostIndex> target = world.find_host(d.evidence->target);
  if (!target) return std::nullopt;
  const std::optional<core::TimeUs> since_us = health.sound_since(*target);
  const core::TimeUs from_us = d.at_us - d.evidence->window_us - slack_us;
  if (!since_us || *since_us > from_us) return std::nullopt;
  return Violation{
      .invariant = Invariant::kNoNeedlessDisruption,
      .entity = d.entity,
      .at_us = d.at_us,
      .message = fmt::format(
          "needless {}: {} was {} since {} and throughout the decision's window (from {}, "
          "the {} window and {} of check-in slack), yet the control plane decided {}",
          core::to_string(d.kind), d.evidence->target, HostHealth::describe(world, *target),
          core::seconds_text(*since_us), core::seconds_text(std::max<core::TimeUs>(from_us, 0)),
          core::seconds_text(d.evidence->window_us), core::seconds_text(slack_us), describe(d))};
}

}  // namespace unwedge::sim
