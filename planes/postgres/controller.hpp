// Controller: the reference control plane's main loop.
//
// Each tick, for every entity with no action running, derives its signals,
// asks its kind's decision table and starts the action decided; then it
// carries every running action forward a bounded number of steps. Production runs tick() on a
// timer; the simulator calls it as an event. All state lives in the Store, so a controller that
// crashes and a new one that starts over the same Store continue exactly where the first left off.
//
//   Controller controller(env, settings);
//   TickStats stats = controller.tick();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/environment.hpp"
#include "core/scheduler.hpp"
#include "planes/postgres/entities.hpp"
#include "planes/postgres/settings.hpp"

namespace unwedge::postgres {

struct TickStats {
  std::uint32_t decided = 0;  // entities whose table was asked
  std::uint32_t started = 0;  // actions started
  core::DriveStats drive;

  bool quiet() const { return started == 0 && drive.driven == 0; }
};

// The slot an action takes (one action at a time per slot): its subject's
// own, except for a customer's Promote of a link, which changes the
// service's leader and so takes the service's.
struct Slot {
  std::string_view kind;
  std::string entity;
};
template <class Entity>
Slot slot_for(const Entity& e, std::string_view /*action*/) {
  return {Entity::kKind, e.id};
}
Slot slot_for(const ReplicaLink& link, std::string_view action);

class Controller {
 public:
  Controller(const core::Environment& env, const Settings& settings);

  TickStats tick();
  const std::vector<core::ActionDef>& actions() const { return actions_; }

 private:
  template <class Entity>
  void decide_all(TickStats& stats);

  core::Environment env_;
  Settings settings_;
  std::vector<core::ActionDef> actions_;
  core::Scheduler scheduler_;
};

}  // namespace unwedge::postgres
