// The state of a reference-plane service as a simulation's Store holds it,
// by name: "available", or "(none)" for a service it does not have.
//
//   EXPECT_EQ(testing::service_state(sim, "db1"), "available");
#pragma once

#include <optional>
#include <string>

#include "planes/postgres/entities.hpp"
#include "planes/postgres/machines.hpp"
#include "sim/simulation.hpp"

namespace unwedge::testing {

inline std::string service_state(sim::Simulation& sim, const std::string& id) {
  std::optional<postgres::Service> s = sim.durable_store().begin()->get<postgres::Service>(id);
  return s ? postgres::service_machine().state_name(s->state.id) : "(none)";
}

}  // namespace unwedge::testing
