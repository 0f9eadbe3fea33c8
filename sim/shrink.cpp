#include "sim/shrink.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <variant>
#include <vector>

#include "sim/faults.hpp"

namespace unwedge::sim {
namespace {

using Event = std::variant<ScheduledFault, ScheduledOperator>;

core::TimeUs at_of(const Event& e) {
  return std::visit([](const auto& x) { return x.at_us; }, e);
}

std::vector<Event> events_of(const Scenario& s) {
  std::vector<Event> events;
  for (const ScheduledFault& f : s.faults)
    events.emplace_back(f);
  for (const ScheduledOperator& o : s.operators)
    events.emplace_back(o);
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return at_of(a) < at_of(b); });
  return events;
}

Scenario with_events(Scenario s, const std::vector<Event>& events) {
  s.faults.clear();
  s.operators.clear();
  for (const Event& e : events) {
    if (const auto* f = std::get_if<ScheduledFault>(&e)) s.faults.push_back(*f);
    if (const auto* o = std::get_if<ScheduledOperator>(&e)) s.operators.push_back(*o);
  }
  return s;
}

// A name refers to `service`: the service itself, one of its servers or
// clients, or a role of it; never a place ("zone:a" is no service's, even
// when a service is called "a").
bool names_service(const std::string& name, const std::string& service) {
  if (names_place(name)) return false;
  if (name == service || name.starts_with(service + "-")) return true;
  if (name == "client-" + service || name.starts_with("client-" + service + "-")) return true;
  const std::size_t colon = name.find(':');
  return colon != std::string::npos && name.substr(colon + 1) == service;
}

bool event_names_service(const Event& e, const std::string& service) {
  if (const auto* o = std::get_if<ScheduledOperator>(&e)) {
    return names_service(o->request.target, service);
  }
  const FaultSpec& spec = std::get<ScheduledFault>(e).spec;
  for (const std::vector<std::string>* names : {&spec.targets, &spec.others}) {
    for (const std::string& name : *names) {
      if (names_service(name, service)) return true;
    }
  }
  return false;
}

class Shrinker {
 public:
  Shrinker(Invariant invariant, const ShrinkOptions& options)
      : invariant_(invariant), options_(options) {}

  // Runs the candidate; true when it still violates the invariant.
  bool fails(const Scenario& candidate) {
    if (runs_ >= options_.runs_max) return false;
    ++runs_;
    ScenarioOutcome outcome = run_scenario(candidate);
    if (!outcome.run.finding || outcome.run.finding->invariant != invariant_) return false;
    last_what_ = outcome.run.finding->what;
    last_at_us_ = outcome.run.finding->at_us;
    return true;
  }
  void found(const Scenario& s) {
    if (!options_.progress) return;
    options_.progress(fmt::format("{} events, {} services, {} of safety phase ({} runs)",
                                  s.faults.size() + s.operators.size(), s.config.services.size(),
                                  describe_duration(s.duration_us), runs_));
  }
  static std::string describe_duration(core::TimeUs us) {
    return fmt::format("{:.0f} min", static_cast<double>(us) / core::kMinute);
  }

  // ddmin over the timeline: drop ever smaller chunks while it still fails.
  Scenario events(Scenario s) {
    std::vector<Event> items = events_of(s);
    if (!items.empty() && fails(with_events(s, {}))) {
      s = with_events(s, {});
      found(s);
      return s;
    }
    std::size_t n = 2;
    while (items.size() >= 2) {
      const std::size_t chunk = (items.size() + n - 1) / n;
      bool reduced = false;
      for (std::size_t start = 0; start < items.size(); start += chunk) {
        std::vector<Event> rest(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(start));
        rest.insert(
            rest.end(),
            items.begin() + static_cast<std::ptrdiff_t>(std::min(start + chunk, items.size())),
            items.end());
        Scenario candidate = with_events(s, rest);
        if (fails(candidate)) {
          items = std::move(rest);
          s = std::move(candidate);
          found(s);
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= items.size()) break;
        n = std::min(items.size(), 2 * n);
      }
    }
    if (items.size() == 1 && fails(with_events(s, {}))) s = with_events(s, {});
    return s;
  }

  // Drops whole services (and the events that name them), then trims
  // standbys and followers.
  Scenario fleet(Scenario s) {
    for (std::size_t i = s.config.services.size(); i-- > 0 && s.config.services.size() > 1;) {
      Scenario candidate = s;
      const std::string id = candidate.config.services[i].id;
      candidate.config.services.erase(candidate.config.services.begin() +
                                      static_cast<std::ptrdiff_t>(i));
      std::vector<Event> kept;
      for (const Event& e : events_of(s)) {
        if (!event_names_service(e, id)) kept.push_back(e);
      }
      candidate = with_events(candidate, kept);
      if (fails(candidate)) {
        s = std::move(candidate);
        found(s);
      }
    }
    for (std::size_t i = 0; i < s.config.services.size(); ++i) {
      for (auto field : {&ServiceSpec::followers, &ServiceSpec::standbys}) {
        while (s.config.services[i].*field > 0) {
          Scenario candidate = s;
          candidate.config.services[i].*field -= 1;
          if (!fails(candidate)) break;
          s = std::move(candidate);
          found(s);
        }
      }
    }
    return s;
  }

  // Ends the safety phase a minute after the violation, when it came then.
  Scenario length(Scenario s, core::TimeUs violated_at_us) {
    // (A violation in the provisioning phase leaves no safety phase to cut.)
    if (violated_at_us >= s.duration_us || violated_at_us < s.provisioning_us) return s;
    Scenario candidate = s;
    candidate.duration_us = (violated_at_us / core::kMinute + 1) * core::kMinute;
    std::vector<Event> kept;
    for (const Event& e : events_of(s)) {
      if (at_of(e) < candidate.duration_us) kept.push_back(e);
    }
    candidate = with_events(candidate, kept);
    if (candidate.duration_us < s.duration_us && fails(candidate)) {
      s = std::move(candidate);
      found(s);
    }
    return s;
  }

  std::uint32_t runs() const { return runs_; }
  const std::string& last_what() const { return last_what_; }
  core::TimeUs last_at_us() const { return last_at_us_; }

 private:
  Invariant invariant_;
  const ShrinkOptions& options_;
  std::uint32_t runs_ = 0;
  std::string last_what_;
  core::TimeUs last_at_us_ = 0;
};

// The scenario with its random mix replaced by what the mix drew.
Scenario materialized(const Scenario& s) {
  Simulation simulation(s.config);
  for (const ScheduledFault& f : s.faults)
    simulation.schedule_fault(f.at_us, f.spec);
  for (const ScheduledOperator& o : s.operators)
    simulation.schedule_operator(o.at_us, o.request);
  static_cast<void>(simulation.run(s.duration_us, s.recovery_us));
  Scenario out = s;
  out.config.faults.mean_gap_us = 0;
  out.config.operator_mean_gap_us = 0;
  for (const ScheduledFault& f : simulation.drawn_faults())
    out.faults.push_back(f);
  for (const ScheduledOperator& o : simulation.drawn_operators())
    out.operators.push_back(o);
  return with_events(out, events_of(out));
}

}  // namespace

core::Result<ShrinkResult> shrink_scenario(const Scenario& failing, const ShrinkOptions& options) {
  ScenarioOutcome original = run_scenario(failing);
  if (!original.run.finding) {
    return core::Error{fmt::format(
        "{} passes (digest {:016x}): there is no violation to shrink towards; shrink a scenario "
        "that fails",
        failing.source.empty() ? failing.name : failing.source, original.run.digest)};
  }
  const Invariant invariant = original.run.finding->invariant;
  Shrinker shrinker(invariant, options);
  Scenario s = failing;
  core::TimeUs violated_at_us = original.run.finding->at_us;
  std::string what = original.run.finding->what;
  const bool random = s.config.faults.mean_gap_us > 0 || s.config.operator_mean_gap_us > 0;
  if (random) {
    Scenario explicit_mix = materialized(s);
    if (shrinker.fails(explicit_mix)) s = std::move(explicit_mix);
  }
  ShrinkResult result{.invariant = invariant,
                      .events_before = s.faults.size() + s.operators.size(),
                      .services_before = failing.config.services.size()};
  s = shrinker.length(std::move(s), violated_at_us);
  s = shrinker.events(std::move(s));
  s = shrinker.fleet(std::move(s));
  s = shrinker.events(std::move(s));
  // The final run gives the shrunk scenario's own violation.
  ScenarioOutcome last = run_scenario(s);
  if (last.run.finding) what = last.run.finding->what;
  s.expect.violation = invariant;
  s.name = failing.name.empty() ? "shrunk" : failing.name + "-shrunk";
  s.description = fmt::format("Shrunk from {}: {}",
                              failing.source.empty() ? failing.name : failing.source, what);
  result.scenario = std::move(s);
  result.what = what;
  result.runs = shrinker.runs() + 2;
  result.events_after = result.scenario.faults.size() + result.scenario.operators.size();
  result.services_after = result.scenario.config.services.size();
  return result;
}

}  // namespace unwedge::sim
