// StepFaultContext: which faults were active while each action step ran, as
// features for the guided search (sim/guided_search.hpp).
//
// The plane's own coverage says a failover's wait for the old leader's final
// position ran; "action during fault" says a failover ran while the control
// plane's clock was stepped. Neither tells a wait that ran under one clock
// jump from one that ran under two at once, yet that is where a bug of
// clocks lives: timers measured on a clock stepped twice, healed once.
// Each step verdict is named with every fault kind active at that moment,
// its sign where the kind's amount takes both, its target when the target
// is the control plane, and whether one or several of that kind were active
// ("Failover await-final-lsn wait under clock_jump+@control-plane x2"), the
// context coverage of a simulator that fuzzes faults rather than inputs.
//
// A step still waiting when a fault heals is named too ("Failover
// await-final-lsn waiting as clock_jump+@control-plane x2 healed"): a heal
// that lands inside a wait is the race of a wait begun on a stepped clock
// and ended on the true one, which no step verdict shows, since the step
// runs before the heal and after it under different contexts alike.
//
// A RunObserver: it never changes the run or its digest.
//
//   StepFaultContext context;
//   run_scenario(scenario, {}, nullptr, &context);
//   search.offer(scenario, context.features());
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/run_observer.hpp"

namespace unwedge::sim {

class StepFaultContext final : public RunObserver {
 public:
  void step(const core::StepEvent& event, core::TimeUs now_us) override;
  void fault_started(std::uint64_t id, const FaultSpec& spec, core::TimeUs now_us) override;
  void fault_healed(std::uint64_t id, core::TimeUs now_us) override;

  // Every (step, verdict, fault kind, one or several) seen, as feature
  // numbers, sorted.
  std::vector<std::uint64_t> features() const;

  // The feature's number for a step under `active` faults of one kind
  // (named as fault_label() names it), for tests and readers of a corpus.
  static std::uint64_t feature(std::string_view action, std::string_view step,
                               std::string_view verdict, std::string_view fault_label,
                               std::uint32_t active);
  // The feature's number for a step still waiting (its last verdict `wait`)
  // when a fault of `fault_label` healed, `active` of that kind active then.
  static std::uint64_t healed_feature(std::string_view action, std::string_view step,
                                      std::string_view fault_label, std::uint32_t active);
  // "clock_jump+@control-plane" (stepped ahead), "clock_jump-" (back, on a
  // host), "partition_complete".
  static std::string fault_label(const FaultSpec& spec);

 private:
  std::map<std::uint64_t, std::string> labels_;  // active faults, by id
  std::map<std::string, std::uint32_t> active_;  // active faults by label
  // Executions whose last step said wait, by action id: (action, step).
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> waiting_;
  std::set<std::uint64_t> seen_;
};

}  // namespace unwedge::sim
