// Environment: the world a control plane is handed, never one it reaches for.
//
// Production passes a real store, fleet API, clock and monitoring; the
// simulator passes simulated ones; unit tests pass fakes. Nothing in core/
// holds a global pointer to any of them.
//
//   Environment env{.store = store, .infra = infra, .clock = clock,
//                   .telemetry = telemetry};
//   ActionRunner runner(env);
#pragma once

#include "core/clock.hpp"
#include "core/infra.hpp"
#include "core/journal.hpp"
#include "core/store.hpp"
#include "core/telemetry.hpp"

namespace unwedge::core {

struct Environment {
  Store& store;
  Infra& infra;
  const Clock& clock;
  const Telemetry& telemetry;
  // Told of every decision and step, of every state change once it commits,
  // and of every refused one at once; may be null. The simulator traces these.
  Journal* journal = nullptr;
};

}  // namespace unwedge::core
