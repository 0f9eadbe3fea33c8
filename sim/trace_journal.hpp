// TraceJournal: the control plane's journal, written into the run's trace.
//
// State changes and refused changes are traced as they come. Decisions come
// for every entity on every controller pass, so only what changed is traced:
// an entity's decision-table cell (state x signals) when it differs from the
// last one seen, and every decision to act.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include "core/journal.hpp"
#include "sim/kernel/trace.hpp"
#include "sim/run_observer.hpp"

namespace unwedge::sim {

class TraceJournal final : public core::Journal {
 public:
  // Records carry virtual time, not the control plane's (perhaps drifting)
  // clock, so the trace reads in one timebase.
  // `observer`, if any, hears every entry after it is traced.
  TraceJournal(Trace& trace, const core::TimeUs& now_us, RunObserver* observer = nullptr)
      : trace_(&trace), now_us_(&now_us), observer_(observer) {}
  // A copy of what `other` has seen (each entity's last cell), tracing to
  // `trace` at `now_us` for `observer` (a copied simulation's); the
  // callbacks are not copied.
  TraceJournal(const TraceJournal& other, Trace& trace, const core::TimeUs& now_us,
               RunObserver* observer)
      : trace_(&trace),
        now_us_(&now_us),
        observer_(observer),
        cells_(other.cells_),
        transitions_(other.transitions_) {}

  void transition(const core::TransitionEvent& event) override;
  void decision(const core::DecisionEvent& event) override;
  void step(const core::StepEvent& event) override;

  std::uint64_t transitions() const { return transitions_; }

  // Told of every state change (refused ones too) after it is traced, and of
  // an entity's state whenever the control plane decides on it in a state
  // other than the one it was last seen in: its first sighting, and changes
  // the journal never heard of (the process died after committing them).
  // The invariant checkers listen here.
  std::function<void(const core::TransitionEvent&)> on_transition;
  std::function<void(const core::MachineDef&, std::string_view entity, core::StateId)>
      on_state_seen;
  // Told of every decision to act before it is traced; what it returns, if
  // anything, is traced with the decision (why a disruptive action was
  // taken).
  std::function<std::string(const core::DecisionEvent&)> on_action;

 private:
  struct Cell {
    core::StateId state;
    std::uint32_t signals;
  };

  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using ByName = std::unordered_map<std::string, V, NameHash, std::equal_to<>>;

  Trace* trace_;
  const core::TimeUs* now_us_;
  RunObserver* observer_;
  // kind -> entity -> the last cell seen. Lookups only, never iterated.
  ByName<ByName<Cell>> cells_;
  std::uint64_t transitions_ = 0;
};

}  // namespace unwedge::sim
