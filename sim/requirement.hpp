// Requirement: what must happen in a run for its scenario to mean anything,
// a scenario's `requires:` (docs/SCENARIOS.md, "requires").
//
// A run that passes proves something only if it reached the situation its
// story is about: a scenario of a deprovision racing a failover that never
// has the two overlap passes without testing the race. Model checkers call
// such a property "sometimes" (Stateright): never holding, it makes the test
// vacuous. A requirement names one thing that happens, in the vocabulary of
// every plane, read from the run's journal and timeline through the seam:
//
// - state: an entity of a machine in a state ("service/failing_over"),
//   from its entering to its leaving;
// - action: an execution of an action ("Failover"), from its first
//   committed step to its finishing one;
// - request: an operator's or customer's request raised on the plane
//   ("deprovision"), a moment;
// - fault: a fault of a kind ("partition_complete"), from its start to its
//   heal.
//
// Optionally `during` another of state, action or fault, on the same
// service: the two hold at the same moment, for at least one service. And
// `times`: how many occurrences of the first must meet it. A requirement
// that no run of the scenario meets makes the run vacuous, a finding
// (Invariant::kVacuous), judged by run_scenario (sim/scenario.hpp).
//
//   Requirement race{.what = {Happening::kRequest, "deprovision"},
//                    .during = Observed{Happening::kAction, "Failover"}};
//   describe(race);  // "a deprovision request arrives while a Failover runs,
//                    //  on the same service"
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace unwedge::sim {

enum class Happening : std::uint8_t { kState, kAction, kRequest, kFault };
inline constexpr std::size_t kHappenings = 4;

// "state", "action", "request", "fault": the keys a scenario writes.
std::string_view to_string(Happening happening);
std::span<const Happening> happenings();

// One kind of thing that happens, by name: a state as "machine/state", an
// action, a request or a fault kind by its name.
struct Observed {
  Happening kind = Happening::kState;
  std::string name;

  friend bool operator==(const Observed&, const Observed&) = default;
  friend auto operator<=>(const Observed&, const Observed&) = default;
};

struct Requirement {
  Observed what;
  // At a moment while this holds, on the same service; never a request
  // (a request is a moment, not a span).
  std::optional<Observed> during;
  // Only occurrences on this service count; empty: any service.
  std::string service;
  // Occurrences of `what` that must meet it, at least 1.
  std::uint32_t times = 1;

  friend bool operator==(const Requirement&, const Requirement&) = default;
  friend auto operator<=>(const Requirement&, const Requirement&) = default;
};

inline constexpr std::uint32_t kRequirementTimesMax = 1'000'000;

// A sentence: "a deprovision request arrives while a Failover runs, on the
// same service", "service/failing_over is entered on db1 at least 2 times".
std::string describe(const Requirement& requirement);

// As a scenario writes it, in one line: "{request: deprovision, during:
// {action: Failover}}" (names are the plane's plain words).
std::string flow_text(const Requirement& requirement);

// The service an entity, an endpoint or an action's subject belongs to,
// among `services`: the one whose id it is, or whose id it begins with,
// followed by a character that is neither a letter nor a digit ("db1-2",
// "db1/db1-2"); clients ("client-db1-1") belong to their service too.
// Nothing when it names none (a monitor, the control plane, a store member).
std::optional<std::size_t> service_of(std::string_view name, std::span<const std::string> services);

// A run's services by id, numbered in the order given, to find the one a
// name belongs to as service_of() does, by hashing the name's prefixes
// rather than comparing it with every service: a fleet has thousands.
class ServiceIndex {
 public:
  explicit ServiceIndex(std::span<const std::string> services);
  // The service whose id this is.
  std::optional<std::uint32_t> find(std::string_view id) const;
  // The service `name` belongs to, as service_of() says.
  std::optional<std::uint32_t> of(std::string_view name) const;
  std::size_t size() const { return by_id_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Looked up, never walked: hash order reaches no result.
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> by_id_;
};

}  // namespace unwedge::sim
