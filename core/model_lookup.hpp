// A control plane's model looked up by name: the machine, decision table or
// action a claim, a cross-check or a scenario names, and the names there
// are, for a "did you mean" or a list of what is known. A model holds a
// handful of each, so a scan is the lookup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/action.hpp"
#include "core/control_plane_model.hpp"
#include "core/decision_table.hpp"
#include "core/machine.hpp"

namespace unwedge::core {

inline const MachineDef* machine_named(const ControlPlaneModel& model, std::string_view name) {
  for (const MachineDef* m : model.machines) {
    if (m->name() == name) return m;
  }
  return nullptr;
}

inline const DecisionTable* table_named(const ControlPlaneModel& model, std::string_view name) {
  for (const DecisionTable* t : model.tables) {
    if (t->name() == name) return t;
  }
  return nullptr;
}

inline const ActionDef* action_named(const ControlPlaneModel& model, std::string_view name) {
  for (const ActionDef* a : model.actions) {
    if (a->name == name) return a;
  }
  return nullptr;
}

// The model's names of each, in the model's order.
inline std::vector<std::string> machine_names(const ControlPlaneModel& model) {
  std::vector<std::string> names;
  for (const MachineDef* m : model.machines)
    names.push_back(m->name());
  return names;
}

inline std::vector<std::string> table_names(const ControlPlaneModel& model) {
  std::vector<std::string> names;
  for (const DecisionTable* t : model.tables)
    names.push_back(t->name());
  return names;
}

inline std::vector<std::string> action_names(const ControlPlaneModel& model) {
  std::vector<std::string> names;
  for (const ActionDef* a : model.actions)
    names.push_back(a->name);
  return names;
}

}  // namespace unwedge::core
