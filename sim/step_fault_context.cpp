#include "sim/step_fault_context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <initializer_list>

#include "core/assert.hpp"
#include "sim/guided_search.hpp"

namespace unwedge::sim {

std::string StepFaultContext::fault_label(const FaultSpec& spec) {
  const bool control_plane =
      std::find(spec.targets.begin(), spec.targets.end(), "control-plane") != spec.targets.end();
  // A kind whose amount takes both signs works opposite ways with each: a
  // clock stepped ahead makes waits end early and its heal makes them last
  // longer, a clock stepped back the reverse.
  const bool signed_amount = info(spec.kind).amount.low < 0;
  const std::string_view sign = !signed_amount ? "" : spec.amount < 0 ? "-" : "+";
  return fmt::format("{}{}{}", info(spec.kind).name, sign, control_plane ? "@control-plane" : "");
}

namespace {

// FNV-1a over the pieces in turn: the same number as feature_id() of them
// joined, without building the string on every step of a run.
std::uint64_t continue_hash(std::uint64_t hash, std::string_view piece) {
  for (char c : piece) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::uint64_t hash_of(std::initializer_list<std::string_view> pieces) {
  std::uint64_t hash = feature_id("");
  for (std::string_view piece : pieces)
    hash = continue_hash(hash, piece);
  return hash;
}

std::string_view how_many(std::uint32_t active) {
  UNWEDGE_ASSERT_LT(0u, active);
  return active == 1 ? " x1" : " x2";
}

}  // namespace

std::uint64_t StepFaultContext::feature(std::string_view action, std::string_view step,
                                        std::string_view verdict, std::string_view fault_label,
                                        std::uint32_t active) {
  return hash_of(
      {"sf ", action, " ", step, " ", verdict, " under ", fault_label, how_many(active)});
}

std::uint64_t StepFaultContext::healed_feature(std::string_view action, std::string_view step,
                                               std::string_view fault_label, std::uint32_t active) {
  return hash_of(
      {"sf ", action, " ", step, " waiting as ", fault_label, how_many(active), " healed"});
}

void StepFaultContext::step(const core::StepEvent& event, core::TimeUs) {
  for (const auto& [label, count] : active_) {
    seen_.insert(feature(event.action, event.step, event.verdict, label, count));
  }
  auto waiting = waiting_.find(event.action_id);
  if (event.verdict != "wait" || event.over) {
    if (waiting != waiting_.end()) waiting_.erase(waiting);
  } else if (waiting == waiting_.end()) {
    waiting_.emplace(std::string(event.action_id),
                     std::pair{std::string(event.action), std::string(event.step)});
  } else if (waiting->second.second != event.step) {
    waiting->second = {std::string(event.action), std::string(event.step)};
  }
}

void StepFaultContext::fault_started(std::uint64_t id, const FaultSpec& spec, core::TimeUs) {
  std::string label = fault_label(spec);
  ++active_[label];
  const bool fresh = labels_.emplace(id, std::move(label)).second;
  UNWEDGE_ASSERT_MSG(fresh, "fault {} started twice", id);
}

void StepFaultContext::fault_healed(std::uint64_t id, core::TimeUs) {
  auto it = labels_.find(id);
  if (it == labels_.end()) return;  // healed before it was told started: never counted
  auto count = active_.find(it->second);
  UNWEDGE_ASSERT(count != active_.end() && count->second > 0);
  for (const auto& [id_waiting, action_step] : waiting_) {
    seen_.insert(healed_feature(action_step.first, action_step.second, it->second, count->second));
  }
  if (--count->second == 0) active_.erase(count);
  labels_.erase(it);
}

std::vector<std::uint64_t> StepFaultContext::features() const {
  return {seen_.begin(), seen_.end()};
}

}  // namespace unwedge::sim
