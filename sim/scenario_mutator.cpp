#include "sim/scenario_mutator.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "core/assert.hpp"
#include "sim/faults.hpp"

namespace unwedge::sim {
namespace {

using core::kMinute;
using core::kSecond;
using core::TimeUs;

// Events land on whole seconds, as the swarm draws them and as a reader
// would write them.
TimeUs whole_seconds(TimeUs us) {
  return us / kSecond * kSecond;
}

// The latest start an event may have: inside the safety phase.
TimeUs last_start(const Scenario& s) {
  return std::max<TimeUs>(s.provisioning_us, s.duration_us - kSecond);
}

// Within the safety phase, after its quiet provisioning if it has one.
TimeUs clamp_start(const Scenario& s, TimeUs at_us) {
  return whole_seconds(std::clamp<TimeUs>(at_us, s.provisioning_us, last_start(s)));
}

std::size_t events(const Scenario& s) {
  return s.faults.size() + s.operators.size();
}

// Event i of the timeline: the faults first, then the requests.
TimeUs& start_of(Scenario& s, std::size_t i) {
  return i < s.faults.size() ? s.faults[i].at_us : s.operators[i - s.faults.size()].at_us;
}

void sort_timeline(Scenario& s) {
  std::stable_sort(
      s.faults.begin(), s.faults.end(),
      [](const ScheduledFault& a, const ScheduledFault& b) { return a.at_us < b.at_us; });
  std::stable_sort(
      s.operators.begin(), s.operators.end(),
      [](const ScheduledOperator& a, const ScheduledOperator& b) { return a.at_us < b.at_us; });
}

// Whether `target` names a service the donor has and `s` lacks: "leader:db3"
// and "db3" both name db3; a place ("zone:a", "rack:a/1") names none.
bool names_missing_service(std::string_view target, const std::set<std::string>& missing) {
  if (names_place(target)) return false;
  const std::size_t colon = target.find(':');
  const std::string_view service =
      colon == std::string_view::npos ? target : target.substr(colon + 1);
  return missing.contains(std::string(service));
}

std::set<std::string> services_missing(const Scenario& into, const Scenario& donor) {
  std::set<std::string> missing;
  for (const ServiceSpec& spec : donor.config.services)
    missing.insert(spec.id);
  for (const ServiceSpec& spec : into.config.services)
    missing.erase(spec.id);
  return missing;
}

bool add_event(Scenario& s, const Scenario* donor, Rng& rng) {
  if (donor == nullptr || events(*donor) == 0) return false;
  if (donor->config.control_plane != s.config.control_plane) return false;
  const std::set<std::string> missing = services_missing(s, *donor);
  const std::size_t i = rng.below(events(*donor));
  const TimeUs at_us =
      clamp_start(s, static_cast<TimeUs>(rng.below(static_cast<std::uint64_t>(last_start(s)) + 1)));
  if (i < donor->faults.size()) {
    if (s.faults.size() >= kTimelineFaultsMax) return false;
    ScheduledFault fault = donor->faults[i];
    for (const std::vector<std::string>* names : {&fault.spec.targets, &fault.spec.others}) {
      for (const std::string& name : *names) {
        if (names_missing_service(name, missing)) return false;
      }
    }
    fault.at_us = at_us;
    s.faults.push_back(std::move(fault));
  } else {
    if (s.operators.size() >= kTimelineOperatorsMax) return false;
    ScheduledOperator op = donor->operators[i - donor->faults.size()];
    if (names_missing_service(op.request.target, missing)) return false;
    op.at_us = at_us;
    s.operators.push_back(std::move(op));
  }
  return true;
}

bool drop_event(Scenario& s, Rng& rng) {
  if (events(s) == 0) return false;
  const std::size_t i = rng.below(events(s));
  if (i < s.faults.size()) {
    s.faults.erase(s.faults.begin() + static_cast<std::ptrdiff_t>(i));
  } else {
    s.operators.erase(s.operators.begin() + static_cast<std::ptrdiff_t>(i - s.faults.size()));
  }
  return true;
}

bool shift_event(Scenario& s, Rng& rng) {
  if (events(s) == 0) return false;
  TimeUs& at_us = start_of(s, rng.below(events(s)));
  const TimeUs by_us = static_cast<TimeUs>(rng.between(1, 600)) * kSecond;
  const TimeUs moved = clamp_start(s, rng.chance(500'000) ? at_us + by_us : at_us - by_us);
  if (moved == at_us) return false;
  at_us = moved;
  return true;
}

// Faults that heal by themselves: the ones a stretch or an overlap can use.
std::vector<std::size_t> timed_faults(const Scenario& s) {
  std::vector<std::size_t> timed;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    if (s.faults[i].spec.duration_us > 0) timed.push_back(i);
  }
  return timed;
}

bool stretch_fault(Scenario& s, Rng& rng) {
  const std::vector<std::size_t> timed = timed_faults(s);
  if (timed.empty()) return false;
  TimeUs& duration_us = s.faults[timed[rng.below(timed.size())]].spec.duration_us;
  const TimeUs before = duration_us;
  const auto percent = static_cast<TimeUs>(rng.between(50, 200));
  duration_us = std::clamp<TimeUs>(whole_seconds(duration_us * percent / 100), kSecond,
                                   std::max(kSecond, s.duration_us));
  return duration_us != before;
}

bool overlap_event(Scenario& s, Rng& rng) {
  const std::vector<std::size_t> timed = timed_faults(s);
  if (timed.empty() || events(s) < 2) return false;
  const std::size_t host = timed[rng.below(timed.size())];
  std::size_t moved = rng.below(events(s) - 1);
  if (moved >= host) ++moved;  // any event but the fault it joins
  const ScheduledFault& window = s.faults[host];
  const TimeUs into_us =
      static_cast<TimeUs>(rng.below(static_cast<std::uint64_t>(window.spec.duration_us)));
  const TimeUs at_us = clamp_start(s, window.at_us + into_us);
  TimeUs& start = start_of(s, moved);
  if (start == at_us) return false;
  start = at_us;
  return true;
}

bool repeat_fault(Scenario& s, Rng& rng) {
  const std::vector<std::size_t> timed = timed_faults(s);
  if (timed.empty() || s.faults.size() >= kTimelineFaultsMax) return false;
  ScheduledFault copy = s.faults[timed[rng.below(timed.size())]];
  // At the same instant, the copy changes nothing in the world's story but
  // the amount (two clock steps add up) while the checker is told of two
  // faults that heal together: what a fuzzer's byte-copy makes and a swarm
  // never draws.
  const TimeUs into_us =
      rng.chance(333'333)
          ? 0
          : static_cast<TimeUs>(rng.below(static_cast<std::uint64_t>(copy.spec.duration_us)));
  copy.at_us = clamp_start(s, copy.at_us + into_us);
  s.faults.push_back(std::move(copy));
  return true;
}

// A fault's amount scaled by a half to double (its sign flipped now and then
// where the kind takes both: a clock stepped back instead of ahead), kept in
// the kind's range.
bool scale_amount(Scenario& s, Rng& rng) {
  std::vector<std::size_t> amounted;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    if (info(s.faults[i].spec.kind).amount.unit != FaultUnit::kNone) amounted.push_back(i);
  }
  if (amounted.empty()) return false;
  FaultSpec& spec = s.faults[amounted[rng.below(amounted.size())]].spec;
  const FaultAmountRange& range = info(spec.kind).amount;
  const std::int64_t before = spec.amount;
  const auto percent = static_cast<std::int64_t>(rng.between(50, 200));
  // Divided first: an amount near the range's top must not overflow.
  std::int64_t scaled = spec.amount / 100 * percent + spec.amount % 100 * percent / 100;
  if (range.low < 0 && rng.chance(200'000)) scaled = -scaled;
  if (spec.amount == 0) scaled = static_cast<std::int64_t>(rng.between(0, 1'000'000));
  spec.amount = std::clamp(scaled, range.low, range.high);
  return spec.amount != before;
}

// The story cut down to a window of 5 to 30 minutes around one event: the
// events inside it kept, moved to start soon after provisioning, the safety
// phase ending with the window. A long swarm scenario is many stories one
// after another; one of them alone runs several times faster, and every
// later mutation of it changes that story rather than another.
bool crop(Scenario& s, Rng& rng) {
  // A story after a provisioning phase is short already, and starts there.
  if (events(s) == 0 || s.provisioning_us > 0) return false;
  constexpr TimeUs kLeadMaxUs = 2 * kMinute;  // provisioning, before the window
  const TimeUs window_us = static_cast<TimeUs>(rng.between(5, 30)) * kMinute;
  const TimeUs anchor_us = start_of(s, rng.below(events(s)));
  const TimeUs from_us = whole_seconds(std::max<TimeUs>(
      0, anchor_us - static_cast<TimeUs>(rng.below(static_cast<std::uint64_t>(window_us / 2)))));
  const TimeUs lead_us = std::min(from_us, kLeadMaxUs);
  const TimeUs duration_us = lead_us + window_us;
  if (duration_us >= s.duration_us) return false;
  const auto outside = [&](TimeUs at_us) {
    return at_us < from_us || at_us >= from_us + window_us;
  };
  std::erase_if(s.faults, [&](const ScheduledFault& f) { return outside(f.at_us); });
  std::erase_if(s.operators, [&](const ScheduledOperator& o) { return outside(o.at_us); });
  for (ScheduledFault& fault : s.faults)
    fault.at_us += lead_us - from_us;
  for (ScheduledOperator& op : s.operators)
    op.at_us += lead_us - from_us;
  s.duration_us = duration_us;
  UNWEDGE_ASSERT_LE(1u, events(s));  // the anchor at least
  return true;
}

// The safety phase ended up to five minutes sooner or later. Its end heals
// every fault at once, the moment the run turns from faults to recovery:
// moving it moves that heal against whatever the plane is doing then (a
// failover waiting on a clock that is still stepped ahead). Events that no
// longer start inside the phase are dropped.
bool move_end(Scenario& s, Rng& rng) {
  const TimeUs shortest_us = s.provisioning_us + kMinute;
  const TimeUs by_us = static_cast<TimeUs>(rng.between(1, 300)) * kSecond;
  const TimeUs duration_us =
      std::max(shortest_us, rng.chance(500'000) ? s.duration_us + by_us : s.duration_us - by_us);
  if (duration_us == s.duration_us) return false;
  std::erase_if(s.faults, [&](const ScheduledFault& f) { return f.at_us >= duration_us; });
  std::erase_if(s.operators, [&](const ScheduledOperator& o) { return o.at_us >= duration_us; });
  s.duration_us = duration_us;
  return true;
}

bool reseed(Scenario& s, Rng& rng) {
  // Seeds below 2^62, as a reader of the file would take them.
  const std::uint64_t seed = rng.between(1, (std::uint64_t{1} << 62) - 1);
  if (seed == s.config.seed) return false;
  s.config.seed = seed;
  return true;
}

// Every mutation, in MutationKind's order: its name, how often
// mutate_scenario draws it (the changes of timing that find races most,
// then the rest) and what it does.
struct MutationInfo {
  MutationKind kind;
  const char* name;
  std::uint32_t weight;
  bool (*apply)(Scenario&, const Scenario* donor, Rng&);
};

constexpr std::array<MutationInfo, kMutationKinds> kMutations = {{
    {MutationKind::kAdd, "add", 3, add_event},
    {MutationKind::kDrop, "drop", 2,
     [](Scenario& s, const Scenario*, Rng& r) { return drop_event(s, r); }},
    {MutationKind::kShift, "shift", 4,
     [](Scenario& s, const Scenario*, Rng& r) { return shift_event(s, r); }},
    {MutationKind::kStretch, "stretch", 3,
     [](Scenario& s, const Scenario*, Rng& r) { return stretch_fault(s, r); }},
    {MutationKind::kOverlap, "overlap", 4,
     [](Scenario& s, const Scenario*, Rng& r) { return overlap_event(s, r); }},
    {MutationKind::kRepeat, "repeat", 2,
     [](Scenario& s, const Scenario*, Rng& r) { return repeat_fault(s, r); }},
    {MutationKind::kAmount, "amount", 2,
     [](Scenario& s, const Scenario*, Rng& r) { return scale_amount(s, r); }},
    {MutationKind::kCrop, "crop", 1,
     [](Scenario& s, const Scenario*, Rng& r) { return crop(s, r); }},
    {MutationKind::kEnd, "end", 2,
     [](Scenario& s, const Scenario*, Rng& r) { return move_end(s, r); }},
    {MutationKind::kReseed, "reseed", 1,
     [](Scenario& s, const Scenario*, Rng& r) { return reseed(s, r); }},
}};

constexpr bool in_kind_order() {
  for (std::size_t i = 0; i < kMutations.size(); ++i) {
    if (static_cast<std::size_t>(kMutations[i].kind) != i) return false;
  }
  return true;
}
static_assert(in_kind_order(), "kMutations lists every MutationKind in order");

constexpr std::array<std::uint32_t, kMutationKinds> weights() {
  std::array<std::uint32_t, kMutationKinds> out{};
  for (std::size_t i = 0; i < kMutations.size(); ++i)
    out[i] = kMutations[i].weight;
  return out;
}

const MutationInfo& info_of(MutationKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  UNWEDGE_ASSERT_MSG(i < kMutations.size(), "mutation kind {}", i);
  return kMutations[i];
}

}  // namespace

const char* to_string(MutationKind kind) {
  return info_of(kind).name;
}

bool apply_mutation(MutationKind kind, Scenario& scenario, const Scenario* donor, Rng& rng) {
  const bool applied = info_of(kind).apply(scenario, donor, rng);
  sort_timeline(scenario);
  UNWEDGE_ASSERT(std::is_sorted(
      scenario.faults.begin(), scenario.faults.end(),
      [](const ScheduledFault& a, const ScheduledFault& b) { return a.at_us < b.at_us; }));
  return applied;
}

Mutation mutate_scenario(const Scenario& base, const Scenario* donor, Rng& rng) {
  static constexpr std::array<std::uint32_t, kMutationKinds> kWeights = weights();
  Mutation result{.scenario = base};
  const std::uint64_t count = rng.between(1, 3);
  for (std::uint64_t n = 0; n < count; ++n) {
    const auto kind = static_cast<MutationKind>(rng.weighted(kWeights));
    if (!apply_mutation(kind, result.scenario, donor, rng)) continue;
    result.how += (result.how.empty() ? "" : ", ") + std::string(to_string(kind));
  }
  // Nothing applied, or the mutations undid each other (a shift back where
  // it was): a new seed still tells a new story.
  while (result.scenario == base) {
    if (reseed(result.scenario, rng)) {
      result.how +=
          (result.how.empty() ? "" : ", ") + std::string(to_string(MutationKind::kReseed));
    }
  }
  UNWEDGE_ASSERT(result.scenario.config.services == base.config.services);
  UNWEDGE_ASSERT(result.scenario != base);
  return result;
}

}  // namespace unwedge::sim
