#include "sim/invariants.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/duration_text.hpp"

namespace unwedge::sim {
namespace {

constexpr std::array<const char*, kInvariants> kNames = {"assertion",
                                                         "valid_transitions",
                                                         "bounded_dwell",
                                                         "no_lost_writes",
                                                         "single_writer",
                                                         "eventually_healthy",
                                                         "idempotent_effects",
                                                         "plane_invariant",
                                                         "store_linearizable",
                                                         "serving_when_healthy",
                                                         "no_needless_disruption",
                                                         "missed_decision",
                                                         "vacuous"};
static_assert(kNames.back() != nullptr, "every invariant has a name");

}  // namespace

const char* to_string(Invariant invariant) {
  return kNames[static_cast<std::size_t>(invariant)];
}

std::optional<Invariant> find_invariant(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i]) return static_cast<Invariant>(i);
  }
  return std::nullopt;
}

std::uint64_t DwellHistogram::total() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : counts)
    n += c;
  return n;
}

void DwellHistogram::add(core::TimeUs dwell_us) {
  std::size_t bucket = 0;
  for (core::TimeUs s = dwell_us / core::kSecond; s > 0 && bucket + 1 < kBuckets; s >>= 1) {
    ++bucket;
  }
  counts[bucket]++;
  max_us = std::max(max_us, dwell_us);
}

core::TimeUs DwellHistogram::percentile_bound_us(double fraction) const {
  const std::uint64_t n = total();
  if (n == 0) return 0;
  const auto wanted = static_cast<std::uint64_t>(fraction * static_cast<double>(n) + 0.999999);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += counts[b];
    if (seen >= wanted) return std::min(max_us, (core::TimeUs{1} << b) * core::kSecond);
  }
  return max_us;
}

void InvariantChecker::override_dwell(std::string machine_state, core::TimeUs bound_us) {
  dwell_overrides_[std::move(machine_state)] = bound_us;
}

core::TimeUs InvariantChecker::bound_of(const core::MachineDef& machine,
                                        core::StateId state) const {
  if (!dwell_overrides_.empty()) {
    auto it =
        dwell_overrides_.find(fmt::format("{}/{}", machine.name(), machine.state_name(state)));
    if (it != dwell_overrides_.end()) return it->second;
  }
  return machine.state(state).traits.dwell_max_us.value_or(0);
}

void InvariantChecker::enter(Tracked& tracked, core::StateId state, core::TimeUs now_us) {
  if (tracked.machine != nullptr) {
    DwellHistogram& histogram = dwell_[fmt::format("{}/{}", tracked.machine->name(),
                                                   tracked.machine->state_name(tracked.state))];
    histogram.add(now_us - tracked.since_us);
    histogram.judged_max_us = std::max(histogram.judged_max_us, tracked.judged_us);
  }
  tracked.state = state;
  tracked.since_us = now_us;
  tracked.judged_us = 0;
  tracked.reported = false;
}

bool InvariantChecker::on_state_seen(const core::MachineDef& machine, std::string_view entity,
                                     core::StateId state, core::TimeUs now_us) {
  const std::string key = fmt::format("{}/{}", machine.name(), entity);
  auto it = entities_.find(key);
  if (it == entities_.end()) {
    entities_.emplace(key, Tracked{.machine = &machine, .state = state, .since_us = now_us});
    return false;
  }
  if (it->second.state == state) return false;
  // A change committed by a process that died before it could journal it.
  enter(it->second, state, now_us);
  return true;
}

void InvariantChecker::on_transition(const core::TransitionEvent& e, core::TimeUs now_us) {
  const core::MachineDef& machine = *e.machine;
  if (e.refused || !machine.check_transition(e.from, e.to, e.cause).ok()) {
    violations_.push_back(Violation{
        .invariant = Invariant::kValidTransitions,
        .entity = e.entity,
        .at_us = now_us,
        .message = fmt::format("{} {} was moved {} -> {} on cause {} by {}; the {} machine has "
                               "no such transition",
                               machine.name(), e.entity, machine.state_name(e.from),
                               machine.state_name(e.to), e.cause, e.action_id, machine.name())});
    return;
  }
  const std::string key = fmt::format("{}/{}", machine.name(), e.entity);
  auto it = entities_.find(key);
  if (it == entities_.end()) {
    it = entities_.emplace(key, Tracked{.machine = &machine, .state = e.from, .since_us = now_us})
             .first;
  }
  enter(it->second, e.to, now_us);
}

void InvariantChecker::set_faults_active(bool active, core::TimeUs now_us) {
  if (faults_active_ && !active) quiet_since_us_ = now_us;
  faults_active_ = active;
}

void InvariantChecker::check_dwell(core::TimeUs now_us) {
  for (auto& [key, tracked] : entities_) {
    if (tracked.reported) continue;
    const core::TimeUs bound_us = bound_of(*tracked.machine, tracked.state);
    if (bound_us <= 0) continue;
    const core::StateDef& state = tracked.machine->state(tracked.state);
    // Most bounds count only the time with no fault active; a state the
    // control plane leaves on its own timer is bounded faults or not.
    const bool always = state.traits.bound_holds_during_faults;
    if (always ? control_plane_clock_faulty_ : faults_active_) continue;
    // Either way the control plane's own timers, which every state's way out
    // may wait on (a failover's bounded wait for a final position, a retry's
    // pause), run long after its clock stepped back or its process restarted.
    const core::TimeUs from_us = std::max(
        {tracked.since_us, timers_trusted_from_us_, always ? core::TimeUs{0} : quiet_since_us_});
    tracked.judged_us = std::max(tracked.judged_us, now_us - from_us);
    if (now_us - from_us <= bound_us) continue;
    tracked.reported = true;
    const std::string counted =
        always
            ? fmt::format("{} of it counted, faults or not", core::seconds_text(now_us - from_us))
            : fmt::format("{} of it with no fault active", core::seconds_text(now_us - from_us));
    violations_.push_back(Violation{
        .invariant = Invariant::kBoundedDwell,
        .entity = key.substr(key.find('/') + 1),
        .at_us = now_us,
        .message = fmt::format("{} has been {} since {} ({} ago; {}), over its bound of {}{}", key,
                               state.name, core::seconds_text(tracked.since_us),
                               core::seconds_text(now_us - tracked.since_us), counted,
                               core::seconds_text(bound_us),
                               state.traits.healthy ? "" : " for an unhealthy state")});
  }
}

}  // namespace unwedge::sim
