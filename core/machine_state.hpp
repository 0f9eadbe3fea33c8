// MachineState: where an entity stands in its machine, as stored with it.
//
// Entities keep this value, not a MachineInstance: the Store holds plain
// data, and a step moves the state through StepContext::change_state(),
// which checks the machine's table and logs the change.
//
//   struct Service {
//     static constexpr std::string_view kKind = "service";
//     std::string id;
//     core::MachineState state;
//   };
#pragma once

#include "core/machine.hpp"
#include "core/time.hpp"

namespace unwedge::core {

struct MachineState {
  StateId id = 0;
  TimeUs entered_us = 0;

  friend bool operator==(const MachineState&, const MachineState&) = default;
};

}  // namespace unwedge::core
