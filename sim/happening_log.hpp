// HappeningLog: what a run did, as spans in virtual time, for judging a
// scenario's requirements (sim/requirement.hpp) and for the swarm's census
// of the "sometimes" conditions its seeds reached.
//
// A RunObserver: it hears the run's journal (state changes, entities seen,
// action steps), its faults and the requests raised on the plane, and keeps
// each occurrence as a span with the services it touches: an entity's stay
// in a state, an action execution from its first committed step to its
// finishing one, a fault from start to heal, a request as a moment. Spans
// still open when the run ends last to its end. Like every observer it
// never changes the run or its digest.
//
//   HappeningLog log({"db1", "db2"});
//   run_scenario(scenario, {}, nullptr, &log);
//   log.count({.what = {Happening::kRequest, "deprovision"},
//              .during = Observed{Happening::kAction, "Failover"}});  // 1
//   log.sometimes();  // every request during an action, ... that happened
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/requirement.hpp"
#include "sim/run_observer.hpp"
#include "sim/simulation.hpp"

namespace unwedge::sim {

class HappeningLog final : public RunObserver {
 public:
  // The run's services, by id: spans are matched by them.
  explicit HappeningLog(std::vector<std::string> services);
  // The services of a run of `config`.
  explicit HappeningLog(const SimConfig& config);

  void transition(const core::TransitionEvent& event, core::TimeUs now_us) override;
  void state_seen(const core::MachineDef& machine, std::string_view entity, core::StateId state,
                  core::TimeUs now_us) override;
  void step(const core::StepEvent& event, core::TimeUs now_us) override;
  void fault_started(std::uint64_t id, const FaultSpec& spec, core::TimeUs now_us) override;
  void fault_healed(std::uint64_t id, core::TimeUs now_us) override;
  void request_raised(const OperatorRequest& request, core::TimeUs now_us) override;
  void run_ended(const InvariantChecker& checker, core::TimeUs now_us) override;

  // Occurrences of `requirement.what` that meet it (at most `cap`).
  std::uint64_t count(const Requirement& requirement, std::uint64_t cap = UINT64_MAX) const;
  // The first of `required` the run did not meet, as a sentence naming it
  // ("requires[0] never held: ..."); nothing when every one held.
  std::optional<std::string> first_unmet(std::span<const Requirement> required) const;
  // The "sometimes" conditions the run reached, each once, sorted: every
  // request during an action or a fault, and every action during a fault,
  // on the same service, as the requirement a scenario would write.
  std::vector<Requirement> sometimes() const;

 private:
  // The services a span concerns: one (its number in services_), the whole
  // fleet (kWholeFleet), or several (kSeveral | an index into several_,
  // which holds them sorted): a zone's outage strikes hundreds at once.
  using ServiceMask = std::uint32_t;
  static constexpr ServiceMask kWholeFleet = UINT32_MAX;
  static constexpr ServiceMask kSeveral = 0x8000'0000;
  static constexpr core::TimeUs kOpen = INT64_MAX;

  struct Span {
    Happening kind = Happening::kState;
    std::uint32_t name = 0;  // into names_
    ServiceMask services = 0;
    core::TimeUs from_us = 0;
    core::TimeUs to_us = kOpen;
  };

  std::uint32_t name_id(Happening kind, std::string_view name);
  std::optional<std::uint32_t> find_name(const Observed& observed) const;
  ServiceMask mask_of(std::string_view name) const;
  // The services of `mask`, sorted: a view of one, or of several_.
  std::span<const std::uint32_t> members(const ServiceMask& mask) const;
  // Whether the masks share a service (the whole fleet shares every one).
  bool share(const ServiceMask& a, const ServiceMask& b) const;
  // Whether `mask` concerns service `service` (kWholeFleet: any).
  bool concerns(const ServiceMask& mask, ServiceMask service) const;
  void open(std::map<std::string, std::size_t, std::less<>>& by_key, std::string key, Span span);
  static void close(std::map<std::string, std::size_t, std::less<>>& by_key, std::string_view key,
                    std::vector<Span>& spans, core::TimeUs now_us);
  void enter_state(const core::MachineDef& machine, std::string_view entity, core::StateId state,
                   core::TimeUs now_us);
  bool met_during(const Span& what, std::uint32_t during_kind_name, Happening during_kind,
                  ServiceMask services) const;

  ServiceIndex services_;
  std::vector<std::vector<std::uint32_t>> several_;
  std::vector<Span> spans_;
  // Names by kind and text, and back: spans carry small ids.
  std::map<Observed, std::uint32_t> ids_;
  std::vector<Observed> names_;
  // Open spans: "machine/entity" -> its state's span; action id -> its span.
  std::map<std::string, std::size_t, std::less<>> states_open_;
  std::map<std::string, std::size_t, std::less<>> actions_open_;
  std::map<std::uint64_t, std::size_t> faults_open_;
};

}  // namespace unwedge::sim
