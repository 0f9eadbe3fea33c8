#include "sim/happening_log.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <set>

#include "core/assert.hpp"

namespace unwedge::sim {
namespace {

// Spans [from, to) meet when they share a moment; a moment (from == to)
// meets a span that holds at it.
template <class Span>
bool meet(const Span& a, const Span& b) {
  const bool a_moment = a.from_us == a.to_us;
  const bool b_moment = b.from_us == b.to_us;
  if (a_moment && b_moment) return a.from_us == b.from_us;
  if (a_moment) return b.from_us <= a.from_us && a.from_us < b.to_us;
  if (b_moment) return a.from_us <= b.from_us && b.from_us < a.to_us;
  return a.from_us < b.to_us && b.from_us < a.to_us;
}

// "Failover/db1/3" -> "db1": the subject between the action's name and the
// execution's number (core::Scheduler's ids); the whole id otherwise.
std::string_view subject_of(std::string_view action_id) {
  const std::size_t first = action_id.find('/');
  const std::size_t last = action_id.rfind('/');
  if (first == std::string_view::npos || last == first) return action_id;
  return action_id.substr(first + 1, last - first - 1);
}

}  // namespace

HappeningLog::HappeningLog(std::vector<std::string> services) : services_(services) {
  UNWEDGE_ASSERT_LT(services_.size(), std::size_t{kSeveral});
}

HappeningLog::HappeningLog(const SimConfig& config)
    : HappeningLog([&config] {
        std::vector<std::string> ids;
        for (const ServiceSpec& service : config.services)
          ids.push_back(service.id);
        return ids;
      }()) {}

std::uint32_t HappeningLog::name_id(Happening kind, std::string_view name) {
  Observed key{.kind = kind, .name = std::string(name)};
  auto [at, fresh] = ids_.emplace(key, static_cast<std::uint32_t>(names_.size()));
  if (fresh) names_.push_back(std::move(key));
  return at->second;
}

std::optional<std::uint32_t> HappeningLog::find_name(const Observed& observed) const {
  auto at = ids_.find(observed);
  if (at == ids_.end()) return std::nullopt;
  return at->second;
}

HappeningLog::ServiceMask HappeningLog::mask_of(std::string_view name) const {
  return services_.of(name).value_or(kWholeFleet);
}

std::span<const std::uint32_t> HappeningLog::members(const ServiceMask& mask) const {
  UNWEDGE_ASSERT(mask != kWholeFleet);
  if ((mask & kSeveral) != 0) return several_.at(mask & ~kSeveral);
  return {&mask, 1};
}

bool HappeningLog::share(const ServiceMask& a, const ServiceMask& b) const {
  if (a == kWholeFleet || b == kWholeFleet) return true;
  const std::span<const std::uint32_t> x = members(a);
  const std::span<const std::uint32_t> y = members(b);
  for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] == y[j]) return true;
    (x[i] < y[j] ? i : j)++;
  }
  return false;
}

bool HappeningLog::concerns(const ServiceMask& mask, ServiceMask service) const {
  if (service == kWholeFleet || mask == kWholeFleet) return true;
  const std::span<const std::uint32_t> in = members(mask);
  return std::binary_search(in.begin(), in.end(), service);
}

void HappeningLog::open(std::map<std::string, std::size_t, std::less<>>& by_key, std::string key,
                        Span span) {
  spans_.push_back(span);
  by_key[std::move(key)] = spans_.size() - 1;
}

void HappeningLog::close(std::map<std::string, std::size_t, std::less<>>& by_key,
                         std::string_view key, std::vector<Span>& spans, core::TimeUs now_us) {
  auto at = by_key.find(key);
  if (at == by_key.end()) return;
  spans[at->second].to_us = now_us;
  by_key.erase(at);
}

void HappeningLog::enter_state(const core::MachineDef& machine, std::string_view entity,
                               core::StateId state, core::TimeUs now_us) {
  const std::string key = fmt::format("{}/{}", machine.name(), entity);
  const std::uint32_t name =
      name_id(Happening::kState, fmt::format("{}/{}", machine.name(), machine.state_name(state)));
  if (auto at = states_open_.find(key); at != states_open_.end()) {
    if (spans_[at->second].name == name) return;  // already there
  }
  close(states_open_, key, spans_, now_us);
  open(
      states_open_, key,
      Span{
          .kind = Happening::kState, .name = name, .services = mask_of(entity), .from_us = now_us});
}

void HappeningLog::transition(const core::TransitionEvent& event, core::TimeUs now_us) {
  if (event.refused) return;  // refused: it never happened (and is a finding of its own)
  enter_state(*event.machine, event.entity, event.to, now_us);
}

void HappeningLog::state_seen(const core::MachineDef& machine, std::string_view entity,
                              core::StateId state, core::TimeUs now_us) {
  enter_state(machine, entity, state, now_us);
}

void HappeningLog::step(const core::StepEvent& event, core::TimeUs now_us) {
  if (actions_open_.find(event.action_id) == actions_open_.end()) {
    open(actions_open_, std::string(event.action_id),
         Span{.kind = Happening::kAction,
              .name = name_id(Happening::kAction, event.action),
              .services = mask_of(subject_of(event.action_id)),
              .from_us = now_us});
  }
  if (event.over) close(actions_open_, event.action_id, spans_, now_us);
}

void HappeningLog::fault_started(std::uint64_t id, const FaultSpec& spec, core::TimeUs now_us) {
  std::vector<std::uint32_t> struck;
  for (const std::vector<std::string>* names : {&spec.targets, &spec.others}) {
    for (const std::string& name : *names) {
      if (const ServiceMask s = mask_of(name); s != kWholeFleet) struck.push_back(s);
    }
  }
  std::sort(struck.begin(), struck.end());
  struck.erase(std::unique(struck.begin(), struck.end()), struck.end());
  ServiceMask services = kWholeFleet;  // a fault on no service's hosts
  if (struck.size() == 1) {
    services = struck.front();
  } else if (struck.size() > 1) {
    services = kSeveral | static_cast<ServiceMask>(several_.size());
    several_.push_back(std::move(struck));
  }
  spans_.push_back(Span{.kind = Happening::kFault,
                        .name = name_id(Happening::kFault, info(spec.kind).name),
                        .services = services,
                        .from_us = now_us});
  // A fault that does not last (a crash point, a leader change) is a moment.
  if (info(spec.kind).lasts) {
    faults_open_[id] = spans_.size() - 1;
  } else {
    spans_.back().to_us = now_us;
  }
}

void HappeningLog::fault_healed(std::uint64_t id, core::TimeUs now_us) {
  auto at = faults_open_.find(id);
  if (at == faults_open_.end()) return;
  spans_[at->second].to_us = now_us;
  faults_open_.erase(at);
}

void HappeningLog::request_raised(const OperatorRequest& request, core::TimeUs now_us) {
  spans_.push_back(Span{.kind = Happening::kRequest,
                        .name = name_id(Happening::kRequest, request_name(request)),
                        .services = mask_of(request.target),
                        .from_us = now_us,
                        .to_us = now_us});
}

void HappeningLog::run_ended(const InvariantChecker&, core::TimeUs now_us) {
  for (Span& span : spans_)
    span.to_us = std::min(span.to_us, now_us);
  states_open_.clear();
  actions_open_.clear();
  faults_open_.clear();
}

bool HappeningLog::met_during(const Span& what, std::uint32_t during_name, Happening during_kind,
                              ServiceMask services) const {
  return std::any_of(spans_.begin(), spans_.end(), [&](const Span& other) {
    return other.kind == during_kind && other.name == during_name &&
           concerns(other.services, services) && share(other.services, what.services) &&
           meet(what, other);
  });
}

std::uint64_t HappeningLog::count(const Requirement& r, std::uint64_t cap) const {
  const std::optional<std::uint32_t> what = find_name(r.what);
  if (!what) return 0;
  std::optional<std::uint32_t> during;
  if (r.during) {
    during = find_name(*r.during);
    if (!during) return 0;
  }
  ServiceMask services = kWholeFleet;
  if (!r.service.empty()) {
    const std::optional<std::uint32_t> at = services_.find(r.service);
    if (!at) return 0;
    services = *at;
  }
  std::uint64_t met = 0;
  for (const Span& span : spans_) {
    if (met >= cap) break;
    if (span.kind != r.what.kind || span.name != *what || !concerns(span.services, services))
      continue;
    if (r.during && !met_during(span, *during, r.during->kind, services)) continue;
    ++met;
  }
  return met;
}

std::optional<std::string> HappeningLog::first_unmet(std::span<const Requirement> required) const {
  for (std::size_t i = 0; i < required.size(); ++i) {
    const Requirement& r = required[i];
    const std::uint64_t met = count(r, r.times);
    if (met >= r.times) continue;
    return fmt::format("requires[{}] never held: {} ({} of {} times)", i, describe(r), met,
                       r.times);
  }
  return std::nullopt;
}

std::vector<Requirement> HappeningLog::sometimes() const {
  std::array<std::vector<const Span*>, kHappenings> of;
  for (const Span& span : spans_)
    of[static_cast<std::size_t>(span.kind)].push_back(&span);
  // The pairs a census reports: what arrived or ran while something else held.
  constexpr std::array<std::pair<Happening, Happening>, 3> kPairs = {
      std::pair{Happening::kRequest, Happening::kAction},
      std::pair{Happening::kRequest, Happening::kFault},
      std::pair{Happening::kAction, Happening::kFault}};
  std::set<std::pair<std::uint32_t, std::uint32_t>> found;  // names: what, during
  for (const auto& [what_kind, during_kind] : kPairs) {
    for (const Span* what : of[static_cast<std::size_t>(what_kind)]) {
      for (const Span* during : of[static_cast<std::size_t>(during_kind)]) {
        if (!share(what->services, during->services) || !meet(*what, *during)) continue;
        found.emplace(what->name, during->name);
      }
    }
  }
  std::vector<Requirement> reached;
  for (const auto& [what, during] : found)
    reached.push_back(Requirement{.what = names_[what], .during = names_[during]});
  std::sort(reached.begin(), reached.end());
  return reached;
}

}  // namespace unwedge::sim
