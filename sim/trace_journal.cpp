#include "sim/trace_journal.hpp"

#include <fmt/format.h>

namespace unwedge::sim {

void TraceJournal::transition(const core::TransitionEvent& e) {
  const std::string& from = e.machine->state_name(e.from);
  const std::string& to = e.machine->state_name(e.to);
  if (e.refused) {
    trace_->record(*now_us_, TraceKind::kRefusedTransition, e.entity, "{} {} -> {} ({}) by {}",
                   e.machine->name(), from, to, e.cause, e.action_id);
    if (on_transition) on_transition(e);
    if (observer_ != nullptr) observer_->transition(e, *now_us_);
    return;
  }
  transitions_++;
  trace_->record(*now_us_, TraceKind::kTransition, e.entity, "{} {} -> {} ({}) by {}",
                 e.machine->name(), from, to, e.cause, e.action_id);
  if (on_transition) on_transition(e);
  if (observer_ != nullptr) observer_->transition(e, *now_us_);
}

void TraceJournal::decision(const core::DecisionEvent& e) {
  auto kind = cells_.find(e.kind);
  if (kind == cells_.end())
    kind = cells_.emplace(std::string(e.kind), decltype(kind->second){}).first;
  const Cell cell{e.state, e.signals.bits()};
  auto it = kind->second.find(e.entity);
  const bool changed = it == kind->second.end() || it->second.state != cell.state ||
                       it->second.signals != cell.signals;
  if (changed) {
    const bool state_changed = it == kind->second.end() || it->second.state != cell.state;
    if (it == kind->second.end()) {
      kind->second.emplace(std::string(e.entity), cell);
    } else {
      it->second = cell;
    }
    if (state_changed && on_state_seen) on_state_seen(e.table->machine(), e.entity, e.state);
    trace_->record(*now_us_, TraceKind::kSignal, e.entity,
                   e.table->describe_cell(e.state, e.signals));
  }
  if (!e.action.empty()) {
    const std::string why = on_action ? on_action(e) : std::string();
    if (why.empty()) {
      trace_->record(*now_us_, TraceKind::kDecision, e.entity, "{} -> {}", e.kind, e.action);
    } else {
      trace_->record(*now_us_, TraceKind::kDecision, e.entity, "{} -> {}: {}", e.kind, e.action,
                     why);
    }
  }
  if (observer_ != nullptr) observer_->decision(e, *now_us_);
}

void TraceJournal::step(const core::StepEvent& e) {
  if (e.note.empty()) {
    trace_->record(*now_us_, TraceKind::kActionStep, e.action_id, "{}: {}", e.step, e.verdict);
  } else {
    trace_->record(*now_us_, TraceKind::kActionStep, e.action_id, "{}: {} ({})", e.step, e.verdict,
                   e.note);
  }
  if (observer_ != nullptr) observer_->step(e, *now_us_);
}

}  // namespace unwedge::sim
