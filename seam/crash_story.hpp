// Crash stories: short stories of a control plane that crash exploration
// (`unwedge explore-crashes`, sim/crash_exploration.hpp) replays with the
// plane's process killed at every transaction and crash point, and with every
// completed action and fleet API call delivered again.
//
// A plane declares its stories (PlaneInfo::crash_stories), one per action
// worth checking: `setup` brings a small fleet to the moment before, `trigger`
// makes the action happen, and the fleet then settles. Stories speak to the
// fleet only through StoryFleet.
//
//   CrashStory failover{
//       .name = "Failover",
//       .setup = [](StoryFleet& f) { f.order_service({.id = "db1"}); f.settle(); },
//       .trigger = [](StoryFleet& f) { f.silence("db1-1"); f.set_clock(f.now_us() + 2 * kMinute);
//       }};
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/store.hpp"
#include "core/time.hpp"
#include "seam/control_plane.hpp"

namespace unwedge::seam {

// The small fleet a story runs in: a Store, a clock that moves only when the
// story moves it, a fleet API that answers at once, and monitoring that hears
// from every node unless silenced.
class StoryFleet {
 public:
  virtual ~StoryFleet() = default;
  // The plane's committed Store: a story's transactions commit at once.
  virtual core::Store& store() = 0;
  virtual core::TimeUs now_us() const = 0;
  virtual void set_clock(core::TimeUs now_us) = 0;
  // What a customer's order of a service writes (ControlPlane::order_service).
  virtual void order_service(const ServiceOrder& service) = 0;
  // An operator's or customer's request, as ControlPlane::request raises it.
  virtual RequestOutcome request(std::string_view kind, std::string_view target) = 0;
  // Monitoring stops hearing from `node` from now on.
  virtual void silence(std::string_view node) = 0;
  // Runs the plane until two passes in a row do nothing; false if it is
  // still busy after a bounded number of passes.
  virtual bool settle() = 0;
  // The actions running now and the last few, for failure messages.
  virtual std::string activity() = 0;
};

struct CrashStory {
  std::string name;
  std::function<void(StoryFleet&)> setup;    // brings the fleet to the moment before
  std::function<void(StoryFleet&)> trigger;  // what makes the action happen
};

}  // namespace unwedge::seam
